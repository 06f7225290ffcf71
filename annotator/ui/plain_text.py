"""Texts shown as written: a tooltip never reads a document's, a corpus's or a project's text
as markup.

Qt shows a tooltip as HTML when it looks like markup (a tag before its first line break), and
tooltips here quote what someone else wrote: a span's text, a label's or an annotator's name
from a project file, a line of a file that could not be imported. ``plain_tip`` escapes it.
"""

from __future__ import annotations

import html

__all__ = ["plain_tip"]


def plain_tip(text: str) -> str:
    """``text`` as a tooltip that shows it as written (line breaks kept)."""
    return f"<qt>{html.escape(text).replace(chr(10), '<br>')}</qt>" if text else ""
