"""Conversion between Python/spaCy offsets (code points) and Qt positions (UTF-16 units).

Qt counts a character outside the Basic Multilingual Plane (most emoji, some CJK) as two
units, Python as one. Every offset that crosses the store/view boundary goes through here so
that a span after an emoji still highlights the right characters.
"""

from __future__ import annotations

import bisect

__all__ = ["OffsetMap"]


class OffsetMap:
    """Offsets of one text in both units; O(1) for BMP-only text, O(log n) otherwise."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Code point indices of astral characters (each takes two UTF-16 units).
        self._astral: list[int] = []
        if not text.isascii():
            self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # The UTF-16 index at which each astral character starts.
        self._astral_u16 = [cp + n for n, cp in enumerate(self._astral)]

    @property
    def utf16_length(self) -> int:
        return len(self.text) + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code point offset ``cp`` (``len(text)`` allowed)."""
        if not self._astral:
            return cp
        return cp + bisect.bisect_left(self._astral, cp)

    def to_codepoint(self, u16: int) -> int:
        """Code point offset of UTF-16 position ``u16``; a position inside a surrogate pair
        rounds down to the start of its character."""
        if not self._astral:
            return u16
        # Astral characters starting before u16; a position on a low surrogate subtracts the
        # pair's own extra unit too, which rounds it down to the pair's start.
        return u16 - bisect.bisect_left(self._astral_u16, u16)
