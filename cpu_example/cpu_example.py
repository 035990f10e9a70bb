"""cpu_example.py: threads do not speed up CPU-bound work in CPython.

The same heavy computation (the sum of the squares of millions of numbers) is done K times,
first one after the other, then by K threads. The threads share one GIL: only one of them runs
Python bytecode at any moment, so the two times are about the same. Free-threaded CPython
(3.13t, PEP 703) has no GIL: there the threads run on all cores and finish about K times sooner.

Run: python3 cpu_example.py [--n N] [--workers K] [--json]
"""

import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, interval_ms, load_average, measured, positive, print_busy_line, run, said, table_line  # noqa: E402 New
from messages import tr  # noqa: E402 New
import clock_witness  # noqa: E402 New


def sum_of_squares(n):
    total = 0
    for i in range(n):
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
    # New (not in the original): the CPU time the call used beside its wall time (usage.py).
    return measured(function, *args)


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


def main():
    global sum_of_squares
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    # Rust's default (native build) is 6 x 10^8: it does an iteration in about a nanosecond, CPython in tens.
    parser.add_argument("--n", type=positive, default=5_000_000, help="sum the squares of 0..N (default: 5000000)")
    parser.add_argument("--workers", type=positive, default=os.cpu_count(), help="how many times, how many threads (default: cores)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--clock-witness", action="store_true",
                        help="each thread reads its clock every 64 iterations; with --json, when each ran (clock_witness.py)")
    args = parser.parse_args()
    switch_interval(args)
    if args.clock_witness:  # New: the watched loop, for --beside-cpython
        sum_of_squares = sum_of_squares_watched

    results, sequential_seconds, sequential_used = timed(sequential, args.n, args.workers)
    thread_results, threads_seconds, threads_used = timed(threaded, args.n, args.workers)
    assert results == thread_results

    runs = [
        {"mode": "sequential", "seconds": sequential_seconds, **sequential_used, "result": str(sum(results))},
        {"mode": "threads", "seconds": threads_seconds, **threads_used, "result": str(sum(thread_results))},
    ]
    if args.json:
        print(json.dumps({"program": "cpu_example.py", "python": sys.version.split()[0],
                          "n": args.n, "workers": args.workers, "runs": runs,
                          "load_average": load_average(),
                          **({"clock_witness": clock_witness.report()} if args.clock_witness else {})}))
        return
    for run in runs:
        print(table_line(run, sequential_seconds, 10))
    print_busy_line(runs)  # New: the rest of the machine's work, when it mattered
    threads = said(runs[1], args.workers, tr("who-threads"))  # New: what the run measured
    if getattr(sys, "_is_gil_enabled", lambda: True)():
        print(tr("py-cpu-gil", threads=threads))
    else:
        print(tr("py-cpu-free-threaded", threads=threads))


if __name__ == "__main__":
    run(main)  # New: main(), ending as the Rust programs do (usage.py)
