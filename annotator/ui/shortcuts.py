"""Keyboard commands of the annotation window: defaults, rebinding, clash checks.

Bindings live in QSettings under ``shortcuts/<command id>``. Label keys (from the project's
label set) take part in the clash check, so a command can never steal a label's key and the
other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence

__all__ = ["COMMANDS", "Command", "ShortcutClash", "ShortcutMap"]


@dataclass(frozen=True)
class Command:
    """A rebindable action: stable id, menu text, default key, and the section it is listed in."""

    id: str
    text: str
    default: str
    section: str


COMMANDS: tuple[Command, ...] = (
    Command("answer_accept", "Accept document and go to next", "A", "Answer"),
    Command("answer_reject", "Reject document and go to next", "X", "Answer"),
    Command("answer_ignore", "Ignore document and go to next", "Space", "Answer"),
    Command("next_document", "Next document", "Alt+Down", "Navigate"),
    Command("previous_document", "Previous document", "Alt+Up", "Navigate"),
    Command("next_span", "Next span", "Tab", "Navigate"),
    Command("previous_span", "Previous span", "Shift+Tab", "Navigate"),
    Command("least_sure_span", "Next least-sure suggestion", "Ctrl+U", "Navigate"),
    Command("teach_mode", "One suggestion at a time (on/off)", "Ctrl+T", "Answer"),
    Command("accept_span", "Accept suggestion at cursor", "Return", "Spans"),
    Command("accept_all", "Accept all suggestions in document", "Shift+Return", "Spans"),
    Command("reject_span", "Reject or delete span at cursor", "Delete", "Spans"),
    Command("widen_start", "Widen span: start one token left", "Alt+Shift+Left", "Spans"),
    Command("widen_end", "Widen span: end one token right", "Alt+Shift+Right", "Spans"),
    Command("narrow_start", "Narrow span: start one token right", "Ctrl+Alt+Right", "Spans"),
    Command("narrow_end", "Narrow span: end one token left", "Ctrl+Alt+Left", "Spans"),
    Command("suggest_everywhere", "Suggest this span everywhere", "Ctrl+E", "Spans"),
    Command("undo", "Undo", "Ctrl+Z", "Edit"),
    Command("redo", "Redo", "Ctrl+Shift+Z", "Edit"),
    Command("find", "Find documents containing text", "Ctrl+F", "Navigate"),
)

_BY_ID = {command.id: command for command in COMMANDS}


class ShortcutClash(ValueError):
    """A key is already bound to another command or label."""


def _normal(sequence: QKeySequence | str) -> str:
    seq = QKeySequence(sequence)
    return seq.toString(QKeySequence.SequenceFormat.PortableText)


class ShortcutMap:
    """Current bindings of the commands, persisted in QSettings."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings
        self._label_keys: dict[str, str] = {}

    def set_label_keys(self, keys: dict[str, str]) -> None:
        """Label name -> key, from the project's label set."""
        self._label_keys = {name: key for name, key in keys.items() if key}

    def key(self, command_id: str) -> QKeySequence:
        default = _BY_ID[command_id].default
        value = self._settings.value(f"shortcuts/{command_id}", default)
        return QKeySequence(str(value) if value is not None else default)

    def bindings(self) -> dict[str, str]:
        return {command.id: _normal(self.key(command.id)) for command in COMMANDS}

    def owner_of(self, sequence: QKeySequence | str, ignore: str | None = None) -> str | None:
        """Who is bound to ``sequence``: a command's text or "label NAME"; None when free."""
        wanted = _normal(sequence)
        if not wanted:
            return None
        for command_id, bound in self.bindings().items():
            if command_id != ignore and bound and bound == wanted:
                return _BY_ID[command_id].text
        for name, key in self._label_keys.items():
            if f"label:{name}" != ignore and _normal(key) == wanted:
                return f"label {name}"
        return None

    def set_key(self, command_id: str, sequence: QKeySequence | str) -> None:
        """Bind ``command_id``; raises ShortcutClash naming the current owner of the key."""
        owner = self.owner_of(sequence, ignore=command_id)
        if owner is not None:
            raise ShortcutClash(
                f"{_normal(sequence)} is already used by “{owner}”; "
                "choose another key or rebind that one first"
            )
        self._settings.setValue(f"shortcuts/{command_id}", _normal(sequence))

    def check_label_keys(self, keys: Iterable[tuple[str, str]]) -> None:
        """Refuse label keys that a command already uses."""
        for name, key in keys:
            if not key:
                continue
            for command_id, bound in self.bindings().items():
                if bound == _normal(key):
                    raise ShortcutClash(
                        f"key {key!r} of label {name} is already used by "
                        f"“{_BY_ID[command_id].text}”; choose another key"
                    )

    def reset(self) -> None:
        self._settings.remove("shortcuts")
