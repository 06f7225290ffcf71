"""Event-loop stall measurement shared by the UI benchmark scripts.

A 1 ms QTimer ticks while the benchmark runs; every gap between two ticks is time the event
loop could not run (the GUI was frozen for that long). Each gap records when it ended, the
phase the benchmark was in, and how much of it was the GUI thread's own CPU (as opposed to
waiting for the GIL or for a core), with the GUI thread's context switches within it (Linux):
``preempted`` (involuntary: it was runnable but another process or thread got the core — the
machine) and ``blocked`` (voluntary: it waited — for the GIL, a lock, a child, the disk); a
gap with neither and little CPU is the virtual machine's CPU not running at all (the host).
``cause()`` names the likelier of the three.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
import traceback
from dataclasses import dataclass

from PySide6.QtCore import QTimer

__all__ = ["Gap", "StallMeter", "open_stepping"]


@dataclass(frozen=True)
class Gap:
    ms: float  # length of the gap
    at: float  # seconds since the meter started, at the end of the gap
    phase: str
    cpu_ms: float  # GUI-thread CPU spent within the gap
    preempted: int = 0  # involuntary context switches of the GUI thread within the gap
    blocked: int = 0  # voluntary ones, less the one of the event loop's own wait

    def cause(self) -> str:
        """The likelier cause: "code" when the GUI thread ran for most of the gap, else
        "waiting" (GIL, lock, child, disk) when it blocked more often than it was pre-empted,
        else "machine": pre-empted, or not switched out at all (its virtual CPU did not run)."""
        if self.cpu_ms >= 0.5 * self.ms:
            return "code"
        return "waiting" if self.blocked > self.preempted else "machine"


def _switches() -> tuple[int, int]:
    """(involuntary, voluntary) context switches of the calling thread so far."""
    if not hasattr(resource, "RUSAGE_THREAD"):
        return 0, 0
    usage = resource.getrusage(resource.RUSAGE_THREAD)
    return usage.ru_nivcsw, usage.ru_nvcsw


class StallMeter:
    """Records event-loop gaps from ``start()`` to ``stop()``; ``phase`` labels them."""

    def __init__(self, phase: str = "") -> None:
        self.phase = phase
        self.gaps: list[Gap] = []
        self.started = time.perf_counter()
        self._last = [self.started]  # a list: the watcher thread reads it
        self._last_cpu = time.thread_time()
        self._last_switches = (0, 0)
        self._phase_cpu: dict[str, float] = {}
        self._phase_mark = self._last_cpu
        self._timer = QTimer()
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.started = self._last[0] = time.perf_counter()
        self._last_cpu = self._phase_mark = time.thread_time()
        self._last_switches = _switches()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.set_phase(self.phase)  # closes the CPU account of the current phase

    def set_phase(self, name: str) -> None:
        now = time.thread_time()
        self._phase_cpu[self.phase] = self._phase_cpu.get(self.phase, 0.0) + now - self._phase_mark
        self._phase_mark = now
        self.phase = name

    def phase_cpu_s(self, name: str) -> float:
        """GUI-thread CPU seconds spent in phase ``name``."""
        return self._phase_cpu.get(name, 0.0)

    def _tick(self) -> None:
        now, cpu, switches = time.perf_counter(), time.thread_time(), _switches()
        gap = Gap(
            (now - self._last[0]) * 1000,
            now - self.started,
            self.phase,
            (cpu - self._last_cpu) * 1000,
            switches[0] - self._last_switches[0],
            max(switches[1] - self._last_switches[1] - 1, 0),
        )
        self.gaps.append(gap)
        self._last[0], self._last_cpu, self._last_switches = now, cpu, switches

    def worst(self, phase: str | None = None, until: float | None = None) -> Gap | None:
        """The longest gap (of one phase, or ending before ``until`` s), None if there is none.
        The first gap (the timer's start-up) is never counted."""
        part = [
            g
            for g in self.gaps[1:]
            if (phase is None or g.phase == phase) and (until is None or g.at <= until)
        ]
        return max(part, key=lambda g: g.ms, default=None)

    def watch(self, limit_ms: float) -> None:
        """Print the GUI thread's Python stack once per stall longer than ``limit_ms`` (a daemon
        thread samples it when it gets the GIL: C++ code holding the GIL shows as its caller)."""
        gui = threading.get_ident()
        limit = limit_ms / 1000

        def watch() -> None:
            seen = 0.0
            while True:
                time.sleep(limit / 4)
                mark = self._last[0]
                if time.perf_counter() - mark > limit and mark != seen:
                    seen = mark
                    frame = sys._current_frames().get(gui)
                    stack = "".join(traceback.format_stack(frame, limit=8)) if frame else "?"
                    print(f"--- GUI thread stalled > {limit_ms:.0f} ms at:\n{stack}", flush=True)

        threading.Thread(target=watch, daemon=True).start()


def open_stepping(app, path, settings: str, why: float):  # type: ignore[no-untyped-def]
    """A window on the project at ``path``, measured by a started ``StallMeter`` from its
    opening, once its model is ready, with a timer stepping to the next document every
    200 ms as an annotator would: (window, meter, stepper)."""
    from PySide6.QtCore import QSettings

    from annotator.ui.main_window import MainWindow

    window = MainWindow(QSettings(settings, QSettings.Format.IniFormat))
    window.setProperty("noPopups", True)
    window.show()
    window.open_project(path)
    meter = StallMeter("opening: model loads")
    if why:
        meter.watch(why)
    meter.start()
    deadline = time.monotonic() + 120
    while "ready" not in window.model_label.text() and time.monotonic() < deadline:
        app.processEvents()
    stepper = QTimer()
    stepper.setInterval(200)
    stepper.timeout.connect(lambda: window.step_document(1))
    return window, meter, stepper
