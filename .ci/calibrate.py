"""Measures what one loop iteration costs CPython on this machine, for the loops the programs
run: the nanoseconds `--pace cpython` gives each simulated iteration (common/src/gil/pace.rs).

Runs on CPython 2.7 and 3.x alike. Usage, once per interpreter:
    PYENV_VERSION=3.9.18 python .ci/calibrate.py [LOOP ...]
Prints one line per loop (all four, or those named): its name and the median of 5 runs, in ns per
iteration. Each loop runs at the size its program runs by default: the cost depends on it, most
of all for sum_of_squares on Python 2, whose total outgrows a machine int past 3 million and
becomes a slower long. On Python 2 it also prints each loop's ticks: how many times an iteration
decrements `_Py_Ticker`, the old GIL's clock (see ticks_per_iteration).
"""
import sys
import threading
import time

try:
    range_ = xrange  # Python 2
except NameError:
    range_ = range

counter = 0


def sum_of_squares(n):
    total = 0
    for i in range_(n):
        total += i * i
    return total


def count(n):
    c = 0
    for i in range_(n):
        c = c + i
    return c


def increment():
    global counter
    counter += 1


def worker(n):
    for _ in range_(n):
        increment()


lock = threading.Lock()


def locked_worker(n):
    global counter
    for _ in range_(n):
        with lock:
            counter += 1


def ticks_per_iteration(function):
    """Python 2 only: the ticks of one iteration. With `sys.setcheckinterval(0)` every tick runs
    the periodic check, which counts itself in the thread state's `tick_counter`; that int sits
    128 bytes into `PyThreadState` on 64-bit Linux (after 3 pointers, 3 ints and padding, and 11
    pointers), read here through ctypes. Two sizes, so that the call's own ticks cancel out."""
    import ctypes
    ctypes.pythonapi.PyThreadState_Get.restype = ctypes.c_void_p

    def tick_counter():
        return ctypes.c_int.from_address(ctypes.pythonapi.PyThreadState_Get() + 128).value

    interval = sys.getcheckinterval()
    sys.setcheckinterval(0)
    try:
        ticks = []
        for n in (1000, 2000):
            before = tick_counter()
            function(n)
            ticks.append(tick_counter() - before)
    finally:
        sys.setcheckinterval(interval)
    return (ticks[1] - ticks[0]) / 1000.0


def median_ns(function, n):
    times = []
    for _ in range(5):
        start = time.time()
        function(n)
        times.append((time.time() - start) * 1e9 / n)
    times.sort()
    return times[2]


# name, loop, size: cpu_example.py's and mp.py's n, mp.py count's, share.py's and share2.py's
# increments.
LOOPS = [("sum_of_squares", sum_of_squares, 5000000), ("count", count, 10000000),
         ("increment", worker, 1000000), ("locked_increment", locked_worker, 1000000)]
for name, function, n in LOOPS:
    if len(sys.argv) < 2 or name in sys.argv[1:]:
        print("%s %s %.1f" % (sys.version.split()[0], name, median_ns(function, n)))
        if sys.version_info[0] == 2:
            print("%s %s ticks %.1f" % (sys.version.split()[0], name, ticks_per_iteration(function)))
