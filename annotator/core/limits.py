"""The limits on what a file may bring in, in one place, and how values appear in messages."""

from __future__ import annotations

__all__ = ["clip"]

_CLIP = 60


def clip(value: object, limit: int = _CLIP) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for messages that quote input."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"... ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
