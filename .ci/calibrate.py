"""Measures what one loop iteration costs CPython on this machine, for the loops the programs
run: the nanoseconds `--pace cpython` gives each simulated iteration (common/src/gil/pace.rs).

Runs on CPython 2.7 and 3.x alike. Usage, once per interpreter:
    PYENV_VERSION=3.9.18 python .ci/calibrate.py
Prints one line per loop: its name and the median of 5 runs, in ns per iteration.
"""
import sys
import threading
import time

try:
    range_ = xrange  # Python 2
except NameError:
    range_ = range

N = 2000000
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


def median_ns(function):
    times = []
    for _ in range(5):
        start = time.time()
        function(N)
        times.append((time.time() - start) * 1e9 / N)
    times.sort()
    return times[2]


for name, function in [("sum_of_squares", sum_of_squares), ("count", count), ("increment", worker),
                       ("locked_increment", locked_worker)]:
    print("%s %s %.1f" % (sys.version.split()[0], name, median_ns(function)))
