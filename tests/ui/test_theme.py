"""View › Dark theme: the palette switches, the choice is remembered, spans are re-tinted."""

from __future__ import annotations

from annotator.core.model import SpanState
from annotator.ui.colors import is_dark_palette
from annotator.ui.theme import saved_dark


def _suggestion_tint(window) -> int:  # type: ignore[no-untyped-def]
    fmt = window.view.highlighter._format("ORG", SpanState.SUGGESTED)
    return int(fmt.background().color().lightness())


def test_dark_theme_toggle_is_remembered_and_retints(window, project, settings, qtbot):  # type: ignore[no-untyped-def]
    assert window.open_project(project)
    assert not saved_dark(settings)
    light_tint = _suggestion_tint(window)
    try:
        window.actions_.dark_action.trigger()
        qtbot.waitUntil(lambda: is_dark_palette(window.view.palette()))
        assert saved_dark(settings)
        # The suggestion tint is mixed into the new, dark background: dark too.
        assert _suggestion_tint(window) < 110 < light_tint
    finally:
        window.actions_.dark_action.trigger()
    qtbot.waitUntil(lambda: not is_dark_palette(window.view.palette()))
    assert not saved_dark(settings)
    assert _suggestion_tint(window) == light_tint


def test_toolbar_buttons_show_their_keys_and_follow_rebinding(window):  # type: ignore[no-untyped-def]
    accept = window.actions_.commands["answer_accept"]
    assert accept.iconText() == "✔ Accept  ·  A"
    assert window.actions_.commands["accept_span"].iconText().startswith("Accept span  ·  ")
    window.shortcuts.set_key("answer_accept", "Ctrl+Shift+A")
    window.actions_.apply_shortcuts()
    assert accept.iconText().endswith("Ctrl+Shift+A")
    window.shortcuts.reset()
    window.actions_.apply_shortcuts()
