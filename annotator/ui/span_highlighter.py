"""Span formatting per text block, so that changing one span re-formats only its block(s).

A ``QSyntaxHighlighter`` keeps the formats of each block in the block's layout; we index the
spans by block number and ``rehighlightBlock`` only the blocks an edit touches. The view paints
outlines and label tags on top (see ``document_view``); the highlighter provides the fills and
leaves a gap after each span (letter spacing on its last character) where the tag is painted.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from typing import NamedTuple

from PySide6.QtCore import QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)

from annotator.core.model import LabelSet, Span, SpanState
from annotator.ui.colors import readable_text_color, tint
from annotator.ui.offsets import OffsetMap

__all__ = ["SpanHighlighter", "ViewSpan", "tag_font"]

UNKNOWN_COLOR = "#9e9e9e"
EAGER_BLOCKS = 12  # blocks formatted before a document is shown (about a screenful)
LAZY_CHUNK = 12  # blocks formatted per event-loop turn after that (a few ms)
TAG_PADDING = 10.0


def tag_font(base: QFont) -> QFont:
    """The small bold font of label tags."""
    font = QFont(base)
    font.setPointSizeF(max(6.5, base.pointSizeF() * 0.68))
    font.setBold(True)
    return font


class ViewSpan(NamedTuple):
    """A span with its position in Qt units (UTF-16) inside the document.

    A NamedTuple, not a frozen dataclass: a 2,000-span document makes 2,000 of them on open,
    and a tuple is built several times faster.
    """

    span: Span
    qstart: int
    qend: int


class SpanHighlighter(QSyntaxHighlighter):
    """Fills accepted spans, tints suggestions, and reserves room for the tags."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._by_block: dict[int, list[ViewSpan]] = defaultdict(list)
        self._spans: dict[tuple[int, int, str], ViewSpan] = {}
        self._by_id: dict[int, tuple[int, int, str]] = {}  # id(span) -> key of shown spans
        self._labels = LabelSet([])
        self._base = QColor("#ffffff")
        self._formats: dict[tuple[str, SpanState], QTextCharFormat] = {}
        self._tag_widths: dict[str, float] = {}
        self._tag_font = tag_font(document.defaultFont())
        self._block_starts: list[int] = []
        self._pending: list[int] = []
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(lambda: self.format_pending(LAZY_CHUNK))

    # ---------------------------------------------------------------- styling
    def set_style(self, labels: LabelSet, base: QColor, font: QFont) -> None:
        """Label colours and the view's background; re-formats everything (rare)."""
        self._labels = labels
        self._base = QColor(base)
        self._tag_font = tag_font(font)
        self._formats.clear()
        self._tag_widths.clear()
        self.rehighlight()

    def label_color(self, label: str) -> QColor:
        found = self._labels.get(label)
        return QColor(found.color if found else UNKNOWN_COLOR)

    def tag_text(self, span: Span) -> str:
        return span.label if self._labels.get(span.label) else f"{span.label}?"

    def tag_width(self, label: str) -> float:
        width = self._tag_widths.get(label)
        if width is None:
            metrics = QFontMetricsF(self._tag_font)
            text = label if self._labels.get(label) else f"{label}?"
            width = metrics.horizontalAdvance(text) + TAG_PADDING
            self._tag_widths[label] = width
        return width

    @property
    def tag_font(self) -> QFont:
        return self._tag_font

    def _format(self, label: str, state: SpanState) -> QTextCharFormat:
        key = (label, state)
        fmt = self._formats.get(key)
        if fmt is None:
            color = self.label_color(label)
            fmt = QTextCharFormat()
            if state is SpanState.ACCEPTED:
                fmt.setBackground(color)
                fmt.setForeground(readable_text_color(color))
            else:
                # A light tint only: the dashed outline painted by the view says "to check".
                fmt.setBackground(tint(color, self._base, 0.22))
            self._formats[key] = fmt
        return fmt

    # ------------------------------------------------------------------ spans
    def spans_in_block(self, block_number: int) -> list[ViewSpan]:
        return self._by_block.get(block_number, [])

    def view_span(self, span: Span) -> ViewSpan | None:
        """The shown span with ``span``'s key, if any."""
        return self._spans.get(span.key)

    def view_spans(self) -> list[ViewSpan]:
        return sorted(self._spans.values(), key=lambda v: v.qstart)

    def clear_spans(self) -> None:
        """Forget every span without re-formatting (before the text is replaced)."""
        self._pending.clear()
        self._by_block.clear()
        self._spans.clear()
        self._by_id.clear()
        self._block_starts = []

    def set_spans(self, spans: list[Span], offsets: OffsetMap, first_block: int = 0) -> None:
        """Replace all spans (opening a document).

        The blocks from ``first_block`` (the top of the viewport) on are formatted now, a
        screenful at a time; the rest follow from the event loop in small chunks, so a long
        document shows at once and never stalls the GUI.
        """
        self.clear_spans()
        document = self.document()
        block = document.firstBlock()
        while block.isValid():
            self._block_starts.append(block.position())
            block = block.next()
        for span in spans:
            view = self._view_span(span, offsets)
            self._drop_id(span.key)
            self._spans[span.key] = view
            self._by_id[id(span)] = span.key
            for number in self._blocks_of(view):
                self._by_block[number].append(view)
        for entries in self._by_block.values():
            entries.sort(key=lambda v: v.qstart)
        numbers = sorted(self._by_block)
        # Visible blocks first, then the rest in document order.
        self._pending = [n for n in numbers if n >= first_block] + [
            n for n in numbers if n < first_block
        ]
        self.format_pending(EAGER_BLOCKS)
        if self._pending:
            self._timer.start()

    def format_pending(self, limit: int | None = None) -> None:
        """Format up to ``limit`` (all when None) blocks still waiting for their spans."""
        document = self.document()
        count = len(self._pending) if limit is None else min(limit, len(self._pending))
        batch, self._pending = self._pending[:count], self._pending[count:]
        for number in batch:
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)
        if not self._pending:
            self._timer.stop()

    def update_spans(self, spans: list[Span], offsets: OffsetMap) -> set[int]:
        """Apply the difference to ``spans``; re-formats only the touched blocks.

        Returns the block numbers that were re-formatted.
        """
        # Spans the view already shows are usually the very same objects (the controller
        # applies an edit to the annotation in memory), so compare object ids first, with set
        # operations that stay cheap for 2,000 spans. ``_by_id`` keeps its spans alive, so an
        # id there cannot be reused by a new object.
        by_id = dict(zip(map(id, spans), spans, strict=True))
        gone = [self._by_id[i] for i in self._by_id.keys() - by_id.keys()]
        new_spans = [by_id[i] for i in by_id.keys() - self._by_id.keys()]
        # What is left may still be equal by value (an annotation re-read from the store):
        # such spans stay as they are.
        wanted = {self._identity(s): s for s in new_spans}
        shown = {self._identity(self._spans[key].span): key for key in gone}
        touched: set[int] = set()
        for identity in shown.keys() - wanted.keys():
            touched |= self._remove(shown[identity])
        for identity in wanted.keys() - shown.keys():
            touched |= self._insert(self._view_span(wanted[identity], offsets))
        for identity in wanted.keys() & shown.keys():
            # Unchanged, only a new object: remember it so the next diff is by id again.
            old = self._spans[shown[identity]]
            span = wanted[identity]
            self._by_id.pop(id(old.span), None)
            self._by_id[id(span)] = span.key
            view = ViewSpan(span, old.qstart, old.qend)
            self._spans[span.key] = view
            for number in self._blocks_of(view):
                entries = self._by_block[number]
                entries[entries.index(old)] = view
        document = self.document()
        for number in sorted(touched):
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)
        return touched

    @staticmethod
    def _identity(span: Span) -> tuple[int, int, str, SpanState, str, float | None]:
        return (span.start, span.end, span.label, span.state, span.source, span.score)

    @staticmethod
    def _view_span(span: Span, offsets: OffsetMap) -> ViewSpan:
        return ViewSpan(span, offsets.to_utf16(span.start), offsets.to_utf16(span.end))

    def _blocks_of(self, view: ViewSpan) -> range:
        if self._block_starts:
            first = bisect.bisect_right(self._block_starts, view.qstart) - 1
            last = bisect.bisect_right(self._block_starts, max(view.qstart, view.qend - 1)) - 1
            return range(max(first, 0), max(last, 0) + 1)
        document = self.document()
        first = document.findBlock(view.qstart).blockNumber()
        last = document.findBlock(max(view.qstart, view.qend - 1)).blockNumber()
        return range(first, last + 1)

    def _drop_id(self, key: tuple[int, int, str]) -> None:
        old = self._spans.get(key)
        if old is not None:
            self._by_id.pop(id(old.span), None)

    def _insert(self, view: ViewSpan) -> set[int]:
        touched: set[int] = set()
        if view.span.key in self._spans:  # same key, other state: the old one goes
            touched = self._remove(view.span.key)
        self._spans[view.span.key] = view
        self._by_id[id(view.span)] = view.span.key
        blocks = self._blocks_of(view)
        for number in blocks:
            entries = self._by_block[number]
            entries.append(view)
            entries.sort(key=lambda v: v.qstart)
        return touched | set(blocks)

    def _remove(self, key: tuple[int, int, str]) -> set[int]:
        view = self._spans.pop(key)
        self._by_id.pop(id(view.span), None)
        blocks = self._blocks_of(view)
        for number in blocks:
            entries = self._by_block.get(number, [])
            if view in entries:
                entries.remove(view)
        return set(blocks)

    # ------------------------------------------------------------- formatting
    def highlightBlock(self, text: str) -> None:
        block: QTextBlock = self.currentBlock()
        views = self._by_block.get(block.blockNumber())
        if not views:
            return
        origin = block.position()
        length = len(text.encode("utf-16-le")) // 2 if not text.isascii() else len(text)
        for view in views:
            start = max(view.qstart - origin, 0)
            end = min(view.qend - origin, length)
            if end <= start:
                continue
            fmt = self._format(view.span.label, view.span.state)
            self.setFormat(start, end - start, fmt)
            if view.qend - origin <= length:
                # Room for the tag after the last character (two units for a surrogate pair).
                last = end - 1
                if last > start and 0xDC00 <= ord(_unit_at(text, last)) <= 0xDFFF:
                    last -= 1
                gap = QTextCharFormat(fmt)
                gap.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
                gap.setFontLetterSpacing(self.tag_width(view.span.label) + 3)
                self.setFormat(last, end - last, gap)


def _unit_at(text: str, u16: int) -> str:
    """The UTF-16 code unit at ``u16`` of ``text`` as a one-character string."""
    if text.isascii():
        return text[u16]
    raw = text.encode("utf-16-le")[2 * u16 : 2 * u16 + 2]
    return chr(int.from_bytes(raw, "little"))
