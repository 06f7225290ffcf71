"""Start the desktop app: ``annotator [PROJECT]`` ends up in ``run``."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator.core.locations import is_database_url, set_password_prompt
from annotator.core.resources import resource_root
from annotator.ui.gc_timer import GarbageCollector

__all__ = ["APP_NAME", "ORGANIZATION", "make_settings", "run"]

ORGANIZATION = "annotator"
APP_NAME = "Annotator"


def make_settings() -> QSettings:
    """The app's settings (INI format, so tests can point QSettings.setPath at a temp dir)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APP_NAME)


def _password_dialog(url: str) -> str | None:
    """The window's password prompt for a shared project (kept in memory only)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    password, ok = QInputDialog.getText(
        None, "Password", f"Password for {url}:", QLineEdit.EchoMode.Password
    )
    return password if ok else None


def run(project: str | None = None, argv: Sequence[str] | None = None) -> int:
    """Create the application and main window, open ``project`` (or the last one), run."""
    from annotator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(list(argv) if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setStyle("Fusion")
    icon = resource_root() / "icons" / "app.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    GarbageCollector(app)
    set_password_prompt(_password_dialog)
    window = MainWindow(make_settings())
    window.show()
    # For build/measure_start.py: report once the window is up, then quit.
    if os.environ.get("ANNOTATOR_EXIT_AFTER_SHOWN"):
        from PySide6.QtCore import QTimer

        def _shown() -> None:
            print("annotator: window shown", flush=True)
            app.quit()

        QTimer.singleShot(0, _shown)
    if project:
        window.open_project(project)
    else:
        recent = window.recent_projects()
        if recent:
            from pathlib import Path

            if is_database_url(recent[0]) or Path(recent[0]).is_file():
                window.open_project(recent[0])
    return int(app.exec())
