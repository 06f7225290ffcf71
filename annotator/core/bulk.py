"""Helpers for bulk work (import and export of many documents)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of a bulk loop.

    Import and export allocate millions of short-lived, acyclic objects (rows, token dicts);
    the collector's generational passes over them cost about a fifth of an export's time and
    find nothing to free. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
