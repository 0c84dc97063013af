"""Garbage collection at safe points, for a web worker's many threads.

CPython 3.11 runs its cyclic collector at whichever allocation crosses the threshold, possibly in
the middle of C code. With sixteen threads building pages at once, that corrupted a worker's heap
and killed it, in about a third of bench/http_load.py runs (README, "Fixed fault";
bench/concurrent_page_builds.py reproduces it in seconds). The same load never crashed when the
collections were started from Python code instead (gc.collect() runs between two bytecodes, as
CPython 3.12 does with its automatic collections), nor under 3.12. The cause is in 3.11: a collection
started while an object's inline attributes are being turned into a __dict__ runs callbacks and lets
other threads in, and the object can gain an attribute meanwhile, leaving the new dict with a wrong
count (seen with Debian's python3.11-dbg and gdb; README). Keep this until the service runs on
Python 3.12 or newer.

So a worker turns the automatic collector off and a thread of its own runs, every few
milliseconds, the collection the thresholds call for. A full collection (generation 2) is run at
most every FULL_COLLECTION_SECONDS: the automatic collector also holds those back (until a quarter
more objects survived), and after gc.freeze() they only walk what the worker made since.
"""
from __future__ import annotations

import gc
import threading
import time
from collections.abc import Sequence

INTERVAL_SECONDS = 0.005
FULL_COLLECTION_SECONDS = 10.0

_started = threading.Lock()
_collector: threading.Thread | None = None


def due_generation(counts: Sequence[int], thresholds: Sequence[int], full_allowed: bool) -> int | None:
    """The generation to collect now, as the automatic collector picks it: the oldest one whose
    count passed its threshold (the full one only when allowed); None when none did, or when the
    first threshold is 0 (gc.set_threshold(0) turns automatic collection off)."""
    if not thresholds[0]:
        return None
    for generation in (2, 1, 0):
        if generation == 2 and not full_allowed:
            continue
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            return generation
    return None


def start_safe_point_collector() -> bool:
    """Automatic collection off, and this process's collector thread running; False if it already ran.

    Call it in each worker after the fork (a thread does not survive one)."""
    global _collector
    with _started:
        if _collector is not None and _collector.is_alive():
            return False
        gc.disable()
        _collector = threading.Thread(target=_collect_forever, name="safe-point-gc", daemon=True)
        _collector.start()
        return True


def _collect_forever() -> None:
    last_full = time.monotonic()
    while True:
        time.sleep(INTERVAL_SECONDS)
        now = time.monotonic()
        generation = due_generation(gc.get_count(), gc.get_threshold(), now - last_full >= FULL_COLLECTION_SECONDS)
        if generation is None:
            continue
        gc.collect(generation)
        if generation == 2:
            last_full = now
