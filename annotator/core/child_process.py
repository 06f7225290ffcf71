"""What the app's spawned child processes (import/export jobs, the suggestion server) share:
the handle on the process and the way a stuck one is ended."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

__all__ = ["ChildProcess"]


class ChildProcess:
    """Base for a wrapper around one spawned ``multiprocessing`` process in ``_process``."""

    _process: BaseProcess

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def exitcode(self) -> int | None:
        return self._process.exitcode

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def start(self) -> None:
        self._process.start()

    def _force_end(self) -> bool:
        """Terminate, then kill, a child still alive; reap it. True when one of them was needed."""
        forced = False
        for end in (self._process.terminate, self._process.kill):
            if self._process.is_alive():
                end()
                self._process.join(2.0)
                forced = True
        return forced
