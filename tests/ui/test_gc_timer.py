import gc

from PySide6.QtCore import QObject

from annotator.ui.gc_timer import GarbageCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collection_moves_to_the_event_loop_and_is_restored(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    collector = GarbageCollector(owner, interval_ms=10_000, freeze_after_ms=10_000_000)
    try:
        assert not gc.isenabled()
        gc.collect()
        for _ in range(gc.get_threshold()[0] + 50):
            _Cycle()
        assert gc.get_count()[0] > gc.get_threshold()[0]  # nothing collected them yet
        collector.check()
        assert gc.get_count()[0] < 50
    finally:
        owner.deleteLater()
        qtbot.waitUntil(gc.isenabled, timeout=2000)
    assert gc.isenabled()
