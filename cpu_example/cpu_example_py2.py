"""cpu_example_py2.py: cpu_example.py in Python 2's words, for CPython 2.7's old GIL.

cpu_example.py is Python 3 (f-strings, os.cpu_count); CPython 2.7 runs this twin instead, with
the same options and the same JSON: `.ci/measure` and `--beside-cpython` under `--python 2.7`.

Run: python2 cpu_example_py2.py [--n N] [--workers K] [--json]
"""

import json
import multiprocessing
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import clock_witness  # noqa: E402 New
from py2 import Parser, positive, run  # noqa: E402 New


def sum_of_squares(n):
    total = 0
    for i in xrange(n):
        total += i * i
    return total


def sum_of_squares_watched(n):
    """New (not in the original): the same loop, its thread's clock read every 64 iterations."""
    total = 0
    for stretch in clock_witness.stretches(n):
        for i in stretch:
            total += i * i
    return total


def sequential(n, workers):
    return [sum_of_squares(n) for _ in range(workers)]


def threaded(n, workers):
    results = [None] * workers

    def worker(index):
        results[index] = sum_of_squares(n)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def timed(function, *args):
    start = time.time()
    result = function(*args)
    return result, time.time() - start


def main():
    global sum_of_squares
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=positive, default=5000000, help="sum the squares of 0..N (default: 5000000)")
    parser.add_argument("--workers", type=positive, default=multiprocessing.cpu_count(), help="default: cores")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--clock-witness", action="store_true",
                        help="each thread reads its clock every 64 iterations; with --json, when each ran")
    args = parser.parse_args()
    if args.clock_witness:  # New: the watched loop, for --beside-cpython
        sum_of_squares = sum_of_squares_watched

    results, sequential_seconds = timed(sequential, args.n, args.workers)
    thread_results, threads_seconds = timed(threaded, args.n, args.workers)
    assert results == thread_results
    runs = [
        {"mode": "sequential", "seconds": sequential_seconds, "result": str(sum(results))},
        {"mode": "threads", "seconds": threads_seconds, "result": str(sum(thread_results))},
    ]
    if args.json:
        print(json.dumps({"program": "cpu_example_py2.py", "python": sys.version.split()[0],
                          "n": args.n, "workers": args.workers, "runs": runs,
                          "clock_witness": clock_witness.report() if args.clock_witness else None}))
        return
    for run in runs:
        print("%-10s  %7.3f s  %5.2fx" % (run["mode"], run["seconds"], sequential_seconds / run["seconds"]))


if __name__ == "__main__":
    run(main)  # New: main(), ending as the Rust programs do (py2.py)
