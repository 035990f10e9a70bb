"""cpu_example.py: threads do not speed up CPU-bound work in CPython.

The same heavy computation (the sum of the squares of millions of numbers) is done K times,
first one after the other, then by K threads. The threads share one GIL: only one of them runs
Python bytecode at any moment, so the two times are about the same. Free-threaded CPython
(3.13t, PEP 703) has no GIL: there the threads run on all cores and finish about K times sooner.

Run: python3 cpu_example.py [--n N] [--workers K] [--json]
"""

import argparse
import json
import os
import sys
import threading
import time


def sum_of_squares(n):
    total = 0
    for i in range(n):
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
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:
        if not 0 < args.switch_interval <= 1000:
            sys.exit("error: --switch-interval is in milliseconds, from 0.001 to 1000")
        sys.setswitchinterval(args.switch_interval / 1000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=float, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    # Rust's default (native build) is 6 x 10^8: it does an iteration in about a nanosecond, CPython in tens.
    parser.add_argument("--n", type=int, default=5_000_000, help="sum the squares of 0..N (default: 5000000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="how many times, how many threads (default: cores)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    switch_interval(args)

    results, sequential_seconds = timed(sequential, args.n, args.workers)
    thread_results, threads_seconds = timed(threaded, args.n, args.workers)
    assert results == thread_results

    runs = [
        {"mode": "sequential", "seconds": sequential_seconds, "result": str(sum(results))},
        {"mode": "threads", "seconds": threads_seconds, "result": str(sum(thread_results))},
    ]
    if args.json:
        print(json.dumps({"program": "cpu_example.py", "python": sys.version.split()[0],
                          "n": args.n, "workers": args.workers, "runs": runs}))
        return
    for run in runs:
        speedup = sequential_seconds / run["seconds"]
        print(f"{run['mode']:<10}  {run['seconds']:7.3f} s  {speedup:5.2f}x")
    if getattr(sys, "_is_gil_enabled", lambda: True)():
        print("Under the GIL one thread at a time runs Python code: the threads are no faster.")
    else:
        print("This CPython is free-threaded (no GIL): the threads ran on all cores at once.")


if __name__ == "__main__":
    main()
