"""The annotation guidelines beside the text: the project's own, else the bundled default."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.regular_files import read_regular_text
from annotator.core.resources import ResourceError, resource_path
from annotator.core.store import ProjectStore

__all__ = ["GuidelinesPanel", "guidelines_text"]


def guidelines_text(store: ProjectStore | None) -> str:
    """The project's guidelines (setting "guidelines") or the bundled default."""
    if store is not None:
        own = store.setting("guidelines")
        if own.strip():
            return own
    try:
        return resource_path("guidelines.md").read_text(encoding="utf-8")
    except (ResourceError, OSError) as exc:
        return f"# Guidelines not available\n\n{exc}"


class GuidelinesPanel(QWidget):
    """Markdown guidelines with buttons to replace them for this project or go back to default."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: ProjectStore | None = None
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        replace = QPushButton("Replace…", self)
        replace.setToolTip("Use a Markdown file as this project's guidelines")
        replace.clicked.connect(self._replace)
        self.reset_button = QPushButton("Use default", self)
        self.reset_button.setToolTip("Go back to the guidelines that ship with the app")
        self.reset_button.clicked.connect(self._reset)
        buttons = QHBoxLayout()
        buttons.addWidget(replace)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.browser)
        layout.addLayout(buttons)

    def set_store(self, store: ProjectStore | None) -> None:
        self._store = store
        self.reload()

    def reload(self) -> None:
        self.browser.setMarkdown(guidelines_text(self._store))
        own = self._store is not None and bool(self._store.setting("guidelines").strip())
        self.reset_button.setEnabled(own)

    def set_guidelines(self, markdown: str) -> None:
        """Store ``markdown`` as the project's guidelines (empty = the default)."""
        if self._store is None:
            return
        self._store.set_setting("guidelines", markdown)
        self.reload()
        self.changed.emit()

    def _replace(self) -> None:
        if self._store is None:
            return
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Project guidelines",
            str(self._store.path.parent),  # the project's folder, not the working directory
            "Markdown or text (*.md *.markdown *.txt)",
        )
        if not name:
            return
        try:
            text = read_regular_text(name, 4 * 1024 * 1024)
        except (OSError, UnicodeDecodeError) as exc:
            QMessageBox.warning(self, "Guidelines", f"{name}: cannot read it ({exc}).")
            return
        self.set_guidelines(text)

    def _reset(self) -> None:
        self.set_guidelines("")
