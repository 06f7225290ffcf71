"""Label colours that stay readable: text colour by luminance, tints for suggestions."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

__all__ = ["is_dark_palette", "readable_text_color", "relative_luminance", "tint"]


def relative_luminance(color: QColor) -> float:
    """WCAG relative luminance in [0, 1]."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def readable_text_color(background: QColor | str) -> QColor:
    """Black or white, whichever contrasts more with ``background`` (WCAG contrast ratio)."""
    bg = QColor(background)
    lum = relative_luminance(bg)
    contrast_black = (lum + 0.05) / 0.05
    contrast_white = 1.05 / (lum + 0.05)
    return QColor("#000000") if contrast_black >= contrast_white else QColor("#ffffff")


def tint(color: QColor | str, base: QColor, amount: float) -> QColor:
    """``color`` mixed into ``base`` (the view's background) by ``amount`` in [0, 1]."""
    c = QColor(color)
    return QColor.fromRgbF(
        base.redF() + (c.redF() - base.redF()) * amount,
        base.greenF() + (c.greenF() - base.greenF()) * amount,
        base.blueF() + (c.blueF() - base.blueF()) * amount,
    )


def is_dark_palette(palette: QPalette) -> bool:
    """True when the window background is dark (a dark theme)."""
    return relative_luminance(palette.color(QPalette.ColorRole.Base)) < 0.3
