"""Light and dark themes: Fusion with the system (light) palette or a dark palette.

The choice is remembered in QSettings (``view/darkTheme``). Widgets that draw with label
colours (the document view, the label bar) follow palette changes themselves.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

__all__ = ["SETTING", "apply_theme", "dark_palette", "saved_dark"]

SETTING = "view/darkTheme"


def dark_palette() -> QPalette:
    """A dark palette with enough contrast for long reading (text #e6e6e6 on #1f2125)."""
    palette = QPalette()
    role = QPalette.ColorRole
    group = QPalette.ColorGroup
    colors = {
        role.Window: "#2a2d32",
        role.WindowText: "#e6e6e6",
        role.Base: "#1f2125",
        role.AlternateBase: "#272a2f",
        role.ToolTipBase: "#33373d",
        role.ToolTipText: "#f0f0f0",
        role.PlaceholderText: "#8c9098",
        role.Text: "#e6e6e6",
        role.Button: "#33373d",
        role.ButtonText: "#e6e6e6",
        role.BrightText: "#ff6b6b",
        role.Light: "#454a52",
        role.Midlight: "#3a3e45",
        role.Mid: "#2f3237",
        role.Dark: "#17191c",
        role.Shadow: "#000000",
        role.Highlight: "#4f8cff",
        role.HighlightedText: "#ffffff",
        role.Link: "#7fb0ff",
        role.LinkVisited: "#b894ff",
    }
    for which, value in colors.items():
        palette.setColor(which, QColor(value))
    for which in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(group.Disabled, which, QColor("#7a7e86"))
    return palette


def saved_dark(settings: QSettings) -> bool:
    value = settings.value(SETTING, False)
    return value in (True, "true", "1", 1)


def apply_theme(dark: bool, settings: QSettings | None = None) -> None:
    """Switch the whole application (Fusion style either way, for the same look everywhere)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    app.setStyle("Fusion")
    style = app.style()
    app.setPalette(dark_palette() if dark else style.standardPalette())
    if settings is not None:
        settings.setValue(SETTING, dark)
