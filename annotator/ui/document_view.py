"""The article text with its spans: reading, selecting, and finding the span under the caret.

Read-only text with a caret (keyboard selection works). Accepted spans are filled in their
label's colour; suggestions are tinted and outlined with a dashed line (a dotted one when
their score is below ``LOW_CONFIDENCE``: unsure); each span carries its
label as a tag. Only the visible blocks are painted, and an edit re-formats only its blocks.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextCursor,
    QTextDocument,
    QTextLine,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from annotator.core.confidence import LOW_CONFIDENCE
from annotator.core.model import Document, LabelSet, Span, SpanState
from annotator.core.store import Annotation
from annotator.ui.colors import readable_text_color
from annotator.ui.offsets import OffsetMap
from annotator.ui.plain_text import plain_tip
from annotator.ui.span_highlighter import SpanHighlighter, ViewSpan

__all__ = ["DocumentView", "describe_span"]


def describe_span(span: Span, text: str) -> str:
    """A one-line description for tooltips and the status bar."""
    state = "suggestion" if span.state is SpanState.SUGGESTED else "accepted"
    parts = [f"{span.label} · {text[span.start : span.end]!r} · {state}"]
    if span.source:
        parts.append(f"source: {span.source}")
    if span.score is not None:
        parts.append(f"confidence: {span.score:.0%}")
    return " · ".join(parts)


class DocumentView(QPlainTextEdit):
    """Shows one document and its spans; reports clicks on spans and caret moves."""

    span_clicked = Signal(object, QPoint)  # (Span, global position)
    current_span_changed = Signal(object)  # Span | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setTabChangesFocus(False)
        self.setMouseTracking(True)
        self.setCenterOnScroll(False)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5) * 1.15)
        self.setFont(font)
        self.document().setDefaultFont(font)
        self.document().setDocumentMargin(14)
        self.setObjectName("documentView")
        self._doc: Document | None = None
        self._offsets = OffsetMap("")
        self._spans: list[Span] = []
        self._starts: list[int] = []
        self._labels = LabelSet([])
        self._current: Span | None = None
        #: Words the tooltip adds about a span (the review: who made it), or None.
        self.span_note: Callable[[Span], str] | None = None
        self._highlighter = SpanHighlighter(self.document())
        self.cursorPositionChanged.connect(self._caret_moved)

    # -------------------------------------------------------------- contents
    @property
    def document_id(self) -> int | None:
        return self._doc.id if self._doc else None

    @property
    def text(self) -> str:
        return self._doc.text if self._doc else ""

    @property
    def offsets(self) -> OffsetMap:
        return self._offsets

    @property
    def spans(self) -> list[Span]:
        return list(self._spans)

    @property
    def highlighter(self) -> SpanHighlighter:
        return self._highlighter

    def set_labels(self, labels: LabelSet) -> None:
        self._labels = labels
        self._highlighter.set_style(
            labels,
            self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Base),
            self.font(),
        )
        self.viewport().update()

    def show_document(self, doc: Document, annotation: Annotation) -> None:
        """Show another document (full layout) with its spans; caret at the top."""
        self._doc = doc
        self._offsets = OffsetMap(doc.text)
        self._highlighter.clear_spans()  # the text arrives unformatted, spans follow
        # "\r\n" would collapse into one Qt position; keep one unit per character.
        self.setPlainText(doc.text.replace("\r\n", " \n"))
        self._set_spans(annotation.spans)
        self._highlighter.set_spans(self._spans, self._offsets)
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self._caret_moved()

    def clear_document(self) -> None:
        self._doc = None
        self._offsets = OffsetMap("")
        self._set_spans(())
        self._highlighter.set_spans([], self._offsets)
        self.setPlainText("")

    def update_annotation(self, annotation: Annotation) -> None:
        """Show changed spans of the same document, re-formatting only the touched blocks."""
        self._set_spans(annotation.spans)
        self._highlighter.update_spans(self._spans, self._offsets)
        self._caret_moved()
        self.viewport().update()

    def _set_spans(self, spans: tuple[Span, ...] | list[Span]) -> None:
        self._spans = sorted(spans, key=lambda s: s.start)
        self._starts = [s.start for s in self._spans]

    # ------------------------------------------------------------- positions
    def caret(self) -> int:
        """Caret as a code point offset."""
        return self._offsets.to_codepoint(self.textCursor().position())

    def selection(self) -> tuple[int, int] | None:
        """The selected range in code points, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return (
            self._offsets.to_codepoint(cursor.selectionStart()),
            self._offsets.to_codepoint(cursor.selectionEnd()),
        )

    def set_caret(self, cp: int, anchor: int | None = None) -> None:
        """Move the caret (and select from ``anchor`` when given), in code points."""
        cursor = self.textCursor()
        if anchor is not None:
            cursor.setPosition(self._offsets.to_utf16(anchor))
            cursor.setPosition(self._offsets.to_utf16(cp), QTextCursor.MoveMode.KeepAnchor)
        else:
            cursor.setPosition(self._offsets.to_utf16(cp))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def span_at(self, cp: int) -> Span | None:
        """The span covering code point ``cp`` (or starting at it)."""
        i = bisect.bisect_right(self._starts, cp) - 1
        if i >= 0 and self._spans[i].start <= cp < self._spans[i].end:
            return self._spans[i]
        return None

    def current_span(self) -> Span | None:
        return self._current

    def go_to_span(self, span: Span) -> None:
        self.set_caret(span.start)

    def suggestion_from_caret(self) -> Span | None:
        """The first suggestion at or after the caret (wrapping around); None without any."""
        caret = self.caret()
        first = None
        for span in self._spans:
            if span.state is SpanState.SUGGESTED:
                if span.start >= caret:
                    return span
                first = first or span
        return first

    def neighbour_span(self, forward: bool, suggestions_only: bool = False) -> Span | None:
        """The next (or previous) span from the caret, wrapping around."""
        candidates = [
            s for s in self._spans if not suggestions_only or s.state is SpanState.SUGGESTED
        ]
        if not candidates:
            return None
        caret = self.caret()
        if forward:
            after = [s for s in candidates if s.start > caret]
            return after[0] if after else candidates[0]
        before = [s for s in candidates if s.start < caret and not (s.start <= caret < s.end)]
        if self._current is not None:
            before = [s for s in candidates if s.start < self._current.start]
        return before[-1] if before else candidates[-1]

    def _caret_moved(self) -> None:
        span = self.span_at(self.caret())
        if span is None:
            # A caret right after a span (the usual place after selecting it) still names it.
            previous = self.span_at(self.caret() - 1) if self.caret() else None
            if previous is not None and previous.end == self.caret():
                span = previous
        if span != self._current or (
            span is not None and self._current is not None and span.state != self._current.state
        ):
            previous, self._current = self._current, span
            self.current_span_changed.emit(span)
            self._update_span_area(previous)
            self._update_span_area(span)

    # ----------------------------------------------------------------- paint
    def _span_rects(self, view: ViewSpan) -> list[QRectF]:
        """Rectangles (viewport coordinates) of a span on each line it covers."""
        rects: list[QRectF] = []
        document: QTextDocument = self.document()
        block = document.findBlock(view.qstart)
        offset = self.contentOffset()
        while block.isValid() and block.position() < view.qend:
            layout = block.layout()
            origin = block.position()
            top_left = self.blockBoundingGeometry(block).translated(offset).topLeft()
            start = max(view.qstart - origin, 0)
            end = min(view.qend - origin, block.length() - 1)
            if end > start and layout.lineCount():
                # Straight to the span's first line instead of walking every line of the block.
                line = layout.lineForTextPosition(start)
                number = line.lineNumber() if line.isValid() else 0
                while number < layout.lineCount():
                    line = layout.lineAt(number)
                    lstart = line.textStart()
                    if lstart >= end:
                        break
                    lend = lstart + line.textLength()
                    if lend > start:
                        x1 = _cursor_x(line, max(start, lstart))
                        x2 = _cursor_x(line, min(end, lend))
                        rects.append(
                            QRectF(
                                top_left.x() + x1, top_left.y() + line.y(), x2 - x1, line.height()
                            )
                        )
                    number += 1
            block = block.next()
        return rects

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._doc is None:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._highlighter.tag_font)
        area = QRectF(event.rect())
        offset = self.contentOffset()
        style = _PaintStyle(self.palette(), self.hasFocus())
        block = self.firstVisibleBlock()
        seen: set[tuple[int, int, str]] = set()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > area.bottom():
                break
            # Only the blocks inside the repainted area (a caret blink repaints a few pixels).
            if geometry.bottom() >= area.top():
                for view in self._highlighter.spans_in_block(block.blockNumber()):
                    if view.span.key not in seen:
                        seen.add(view.span.key)
                        self._paint_span(painter, view, style)
            block = block.next()
        painter.end()

    def _paint_span(self, painter: QPainter, view: ViewSpan, style: _PaintStyle) -> None:
        span = view.span
        rects = self._span_rects(view)
        if not rects:
            return
        color = self._highlighter.label_color(span.label)
        suggested = span.state is SpanState.SUGGESTED
        tag_w = self._highlighter.tag_width(span.label)
        last = rects[-1]
        tag = QRectF(last.right() - tag_w - 1, last.top() + 3, tag_w - 1, last.height() - 6)
        outline = color.darker(150)
        if suggested:
            if style.dark:
                outline = color.lighter(115)
            # An unsure suggestion (scored below LOW_CONFIDENCE): a fainter dotted outline, tag
            # border and tag text, in the label's own colour so it reads in both themes.
            unsure = span.score is not None and span.score < LOW_CONFIDENCE
            line = Qt.PenStyle.DotLine if unsure else Qt.PenStyle.DashLine
            if unsure:
                outline = QColor(outline)
                outline.setAlpha(150)
            painter.setPen(QPen(outline, 1.4 if unsure else 1.6, line))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in rects:
                painter.drawRoundedRect(rect.adjusted(0.8, 1.5, -0.8, -1.5), 3, 3)
            painter.setPen(QPen(outline, 1.0, line if unsure else Qt.PenStyle.SolidLine))
            painter.setBrush(style.base)
            painter.drawRoundedRect(tag, 3, 3)
            painter.setPen(outline)
        else:
            tag_color = color.darker(125)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tag_color)
            painter.drawRoundedRect(tag, 3, 3)
            painter.setPen(style.text_on(tag_color))
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, self._highlighter.tag_text(span))
        if self._current is not None and span.key == self._current.key:
            painter.setPen(style.ring)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in rects:
                painter.drawRoundedRect(rect.adjusted(-1.5, 0, 1.5, 0), 4, 4)

    def _update_span_area(self, span: Span | None) -> None:
        """Repaint just the lines of ``span`` (the caret ring moved on or off it)."""
        if span is None:
            return
        view = self._highlighter.view_span(span)
        if view is None:
            return
        for rect in self._span_rects(view):
            self.viewport().update(rect.adjusted(-4, -2, 4, 2).toAlignedRect())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # Suggestion tints are mixed with the background: a new theme re-tints them.
            self.set_labels(self._labels)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._update_span_area(self._current)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._update_span_area(self._current)

    # ----------------------------------------------------------------- mouse
    def span_at_point(self, point: QPoint) -> Span | None:
        """The span painted under a viewport point (including its tag)."""
        cursor = self.cursorForPosition(point)
        block = cursor.block()
        for view in self._highlighter.spans_in_block(block.blockNumber()):
            for rect in self._span_rects(view):
                if rect.contains(QPointF(point)):
                    return view.span
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        span = self.span_at_point(event.position().toPoint())
        if span is not None:
            self.span_clicked.emit(span, event.globalPosition().toPoint())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if event.buttons():
            return
        span = self.span_at_point(event.position().toPoint())
        if span is None:
            QToolTip.hideText()
            self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
            return
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        note = self.span_note(span) if self.span_note is not None else ""
        shown = describe_span(span, self.text) + (f" — {note}" if note else "")
        QToolTip.showText(event.globalPosition().toPoint(), plain_tip(shown), self)


def _cursor_x(line: QTextLine, position: int) -> float:
    """x of a cursor position in a line; PySide6 returns ``(x, position)`` though the stub says
    ``object``."""
    x, _ = cast(tuple[float, int], line.cursorToX(position))
    return x


class _PaintStyle:
    """What every span of one paint needs from the palette, looked up once per paint."""

    def __init__(self, palette: QPalette, focused: bool) -> None:
        self.base = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Base)
        self.dark = self.base.lightness() < 110
        ring = palette.color(QPalette.ColorRole.Highlight)
        if not focused:
            # Still visible without focus (the annotator clicked the list or a label),
            # but quieter: the caret's span stays findable.
            ring = QColor(ring)
            ring.setAlphaF(0.55)
        self.ring = QPen(ring, 2.2 if focused else 1.8)
        self._text: dict[int, QColor] = {}

    def text_on(self, color: QColor) -> QColor:
        key = color.rgba()
        found = self._text.get(key)
        if found is None:
            found = self._text[key] = readable_text_color(color)
        return found
