"""The command line's progress bar: tqdm (a maintained library) behind our ProgressCallback.

tqdm fits the bar to the terminal's width as it changes (no stale line on an 80-column
terminal), shows counts, rate and time left, and stays silent when standard error is not a
terminal (a script's log gets no bar).
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

__all__ = ["ProgressBar"]


class ProgressBar:
    """Callable as a ProgressCallback ``(done, total, text)``; ``close()`` ends the bar."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self._bar: tqdm | None = None  # type: ignore[type-arg]
        self._text = ""

    def _open(self, total: int | None) -> tqdm:  # type: ignore[type-arg]
        return tqdm(
            total=total,
            desc=self.label,
            file=self.stream,
            dynamic_ncols=True,
            mininterval=0.1,
            disable=None if self.stream is sys.stderr else not self.stream.isatty(),
            leave=True,
        )

    def __call__(self, done: int, total: int | None, text: str = "") -> None:
        if self._bar is None or (total or None) != self._bar.total:
            self.close()  # a new phase (another total): a bar of its own
            self._bar = self._open(total or None)
        bar = self._bar
        if text != self._text:
            self._text = text
            bar.set_postfix_str(text, refresh=False)
        bar.update(done - bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
