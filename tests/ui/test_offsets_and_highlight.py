"""UTF-16 vs code points: spans after emoji highlight the right characters."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from annotator.core.model import Document, LabelSet, Span, SpanState
from annotator.core.store import Annotation
from annotator.ui.document_view import DocumentView
from annotator.ui.offsets import OffsetMap

TEXT = "Hi 😀 NATO said 🚀🚀 that Jens Stoltenberg met 𝐒𝐡𝐨𝐢𝐠𝐮.\nNext line 👍 Biden"


def test_offset_map_round_trips() -> None:
    offsets = OffsetMap(TEXT)
    for cp in range(len(TEXT) + 1):
        assert offsets.to_utf16(cp) == len(TEXT[:cp].encode("utf-16-le")) // 2
        assert offsets.to_codepoint(offsets.to_utf16(cp)) == cp
    assert offsets.utf16_length == len(TEXT.encode("utf-16-le")) // 2
    # The low surrogate of the first emoji rounds down to the emoji itself.
    assert offsets.to_codepoint(offsets.to_utf16(3) + 1) == 3


def test_ascii_fast_path() -> None:
    offsets = OffsetMap("plain text")
    assert offsets.to_utf16(5) == 5 and offsets.to_codepoint(5) == 5


def _formatted_text(view: DocumentView) -> dict[str, str]:
    """Text under each background colour (in document order), read back from the block
    layouts that Qt draws."""
    found: dict[str, list[tuple[int, str]]] = {}
    block = view.document().firstBlock()
    while block.isValid():
        for fmt_range in block.layout().formats():
            color = fmt_range.format.background().color().name()
            cursor = QTextCursor(view.document())
            cursor.setPosition(block.position() + fmt_range.start)
            cursor.setPosition(
                block.position() + fmt_range.start + fmt_range.length,
                QTextCursor.MoveMode.KeepAnchor,
            )
            found.setdefault(color, []).append((cursor.position(), cursor.selectedText()))
        block = block.next()
    return {color: "".join(t for _, t in sorted(parts)) for color, parts in found.items()}


def test_spans_after_emoji_highlight_right_characters(qtbot) -> None:  # type: ignore[no-untyped-def]
    labels = LabelSet.from_names(["PERSON", "ORG"])
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_labels(labels)

    def span(word: str, label: str, state: SpanState = SpanState.ACCEPTED) -> Span:
        start = TEXT.index(word)
        return Span(start, start + len(word), label, state)

    spans = (span("NATO", "ORG"), span("Jens Stoltenberg", "PERSON"), span("𝐒𝐡𝐨𝐢𝐠𝐮", "PERSON"))
    view.show_document(Document(1, TEXT), Annotation(1, "me", None, spans))
    person = labels.get("PERSON").color  # type: ignore[union-attr]
    org = labels.get("ORG").color  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: person in _formatted_text(view))
    shown = _formatted_text(view)
    assert shown[org] == "NATO"
    assert shown[person] == "Jens Stoltenberg𝐒𝐡𝐨𝐢𝐠𝐮"
    # Selecting the span's characters in Qt units maps back to the right code points.
    start = TEXT.index("Biden")
    view.set_caret(start + 5, anchor=start)
    assert view.selection() == (start, start + 5)
    assert view.text[slice(*view.selection())] == "Biden"


def test_one_edit_reformats_only_its_block(qtbot) -> None:  # type: ignore[no-untyped-def]
    labels = LabelSet.from_names(["PERSON", "ORG"])
    text = "\n".join(f"Paragraph {i} mentions NATO and Biden." for i in range(50))
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_labels(labels)
    spans = []
    for i, line in enumerate(text.split("\n")):
        offset = sum(len(x) + 1 for x in text.split("\n")[:i])
        spans.append(Span(offset + line.index("NATO"), offset + line.index("NATO") + 4, "ORG"))
    view.show_document(Document(1, text), Annotation(1, "me", None, tuple(spans)))
    changed = [*spans[:10], spans[10].with_(label="PERSON"), *spans[11:]]
    touched = view.highlighter.update_spans(changed, view.offsets)
    assert touched == {10}
    suggested = [*changed[:20], changed[20].with_(state=SpanState.SUGGESTED), *changed[21:]]
    assert view.highlighter.update_spans(suggested, view.offsets) == {20}
