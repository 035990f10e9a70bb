"""clock_witness.py: when each thread ran, read from the thread itself (not in the course).

`--beside-cpython` compares the simulated GIL with a real CPython. To observe both alike and at
no sampler's cost, each thread of both reads its own clock every STRIDE iterations of its loop:
a gap longer than GAP_NS between two readings is a time the thread did not run (under a GIL: it
waited for the GIL, or for a core). The Rust side reads its clock the same way (its
src/cpython/clock/) and checks that STRIDE and GAP_NS are the same.

A loop is watched by cutting its range in stretches:

    for stretch in clock_witness.stretches(n):
        for i in stretch:
            total += i * i

Runs under Python 2.7 and 3.
"""

import threading
import time

STRIDE = 64
GAP_NS = 100000

try:
    clock = time.perf_counter_ns
except AttributeError:  # Python 2.7: no monotonic clock in the standard library
    def clock():
        return int(time.time() * 1e9)

try:
    span = xrange  # noqa: F821 (Python 2)
except NameError:
    span = range

_segments = []


def stretches(n):
    """range(n) in stretches of STRIDE, the clock read between two; the readings kept when done."""
    first = last = clock()
    gaps = []
    readings = 1
    try:
        for start in span(0, n, STRIDE):
            yield span(start, min(start + STRIDE, n))
            now = clock()
            if now - last > GAP_NS:
                gaps.append([last, now])
            last = now
            readings += 1
    finally:
        _segments.append({"thread": threading.current_thread().name, "first_ns": first,
                          "last_ns": last, "readings": readings, "gaps_ns": gaps})


def report():
    """What the threads read, for --json: the same fields the Rust side reads."""
    return {"stride": STRIDE, "gap_ns": GAP_NS, "segments": list(_segments)}
