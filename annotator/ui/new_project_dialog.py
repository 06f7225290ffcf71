"""File › New project: where the project file goes, its labels and its spaCy pipeline.

The choices are checked before the dialog closes (label names, a folder that exists, a
pipeline that is installed or a folder that holds one), and problems are shown in the dialog
itself, so nothing is created half-right. Checking a pipeline never loads spaCy here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import DEFAULT_LABELS, LabelSet, ValidationError
from annotator.nlp.pipeline_spec import PipelineError, locate_pipeline

__all__ = ["NewProjectDialog", "check_pipeline", "parse_labels"]

PIPELINE_CHOICES = (
    ("auto", "auto — the installed English pipeline (en_core_web_sm)"),
    ("blank:en", "blank:en — no model, patterns and manual spans only"),
)


def parse_labels(text: str) -> LabelSet:
    """Labels from a comma list ("PERSON, ORG"); ValidationError says what is wrong."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise ValidationError("give at least one label, e.g. PERSON, ORG")
    if len({n.upper() for n in names}) != len(names):
        raise ValidationError("a label is listed twice")
    return LabelSet.from_names(names)


def check_pipeline(spec: str) -> str | None:
    """None when ``spec`` can be used, else what is wrong (without importing spaCy or the
    pipeline: see ``annotator.nlp.pipeline_spec``)."""
    if not spec.strip():
        return "choose a pipeline: auto, blank:en, a package name or a folder"
    try:
        locate_pipeline(spec)
    except PipelineError as exc:
        return str(exc)
    return None


class NewProjectDialog(QDialog):
    """After ``exec()`` is Accepted: ``project_path()``, ``labels()`` and ``pipeline()``."""

    def __init__(self, folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project")
        self.path = QLineEdit(self)
        self.path.setPlaceholderText("where the project file goes (.annot)")
        if folder:
            self.path.setText(str(Path(folder) / "project.annot"))
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.labels_edit = QLineEdit(", ".join(DEFAULT_LABELS), self)
        self.labels_edit.setToolTip("Comma-separated; keys 1–9 follow this order.")
        self.pipeline_box = QComboBox(self)
        self.pipeline_box.setEditable(True)
        for value, text in PIPELINE_CHOICES:
            self.pipeline_box.addItem(text, value)
        self.pipeline_box.setToolTip(
            "auto, blank:en, an installed package name (en_core_web_md) or a pipeline folder"
        )
        folder_button = QPushButton("Folder…", self)
        folder_button.clicked.connect(self._pick_pipeline_folder)
        pipeline_row = QHBoxLayout()
        pipeline_row.addWidget(self.pipeline_box, 1)
        pipeline_row.addWidget(folder_button)
        form = QFormLayout()
        form.addRow("Project file", where)
        form.addRow("Labels", self.labels_edit)
        form.addRow("Pipeline", pipeline_row)
        self.error = QLabel(self)
        self.error.setObjectName("newProjectError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d04545;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        create = buttons.button(QDialogButtonBox.StandardButton.Ok)
        if create is not None:
            create.setText("Create")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    # ------------------------------------------------------------ values
    def project_path(self) -> Path:
        text = self.path.text().strip()
        path = Path(text).expanduser()
        return path if path.suffix == ".annot" else path.with_name(path.name + ".annot")

    def labels(self) -> LabelSet:
        return parse_labels(self.labels_edit.text())

    def pipeline(self) -> str:
        """The chosen pipeline spec (the value of a listed choice, or what was typed)."""
        text = self.pipeline_box.currentText().strip()
        for value, shown in PIPELINE_CHOICES:
            if text == shown:
                return value
        return text

    # ------------------------------------------------------------ checks
    def problem(self) -> str | None:
        """What stops the project from being created, or None."""
        if not self.path.text().strip():
            return "Choose where the project file goes."
        path = self.project_path()
        if path.exists():
            return f"{path} already exists: open it with File › Open instead."
        if not path.parent.is_dir():
            return f"{path.parent}: no such folder."
        try:
            self.labels()
        except (ValidationError, ValueError) as exc:
            return f"Labels: {exc}"
        found = check_pipeline(self.pipeline())
        return f"Pipeline: {found}" if found else None

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        super().accept()

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "New project", self.path.text(), "Annotator projects (*.annot)"
        )
        if name:
            self.path.setText(name)

    def _pick_pipeline_folder(self) -> None:
        folder = str(Path(self.path.text()).parent)  # beside the new project
        name = QFileDialog.getExistingDirectory(self, "spaCy pipeline folder", folder)
        if name:
            self.pipeline_box.setEditText(name)
