"""base.py: threads for tasks that wait.

Each task waits (sleeps) for a while, as a program waits for a disk, a network or a database.
Run one after the other, K tasks take K times the wait; run by K threads, they take one wait:
`time.sleep()` releases the GIL, so while one thread waits the others run (and wait too).

Run: python3 base.py [--tasks K] [--delay-ms D] [--json]
"""

import json
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, cpu_words, interval_ms, load_average, measured, modes, positive, run  # noqa: E402 New
from messages import tr  # noqa: E402 New


def task(delay):
    time.sleep(delay)  # releases the GIL while waiting


def sequential(tasks, delay, start, done):
    for _ in range(tasks):
        task(delay)
        done.append(time.perf_counter() - start)


def threaded(tasks, delay, start, done):
    def worker():
        task(delay)
        done.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker) for _ in range(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


MODES = {"sequential": sequential, "threads": threaded}


def main():
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    parser.add_argument("--tasks", type=positive, default=5, help="tasks (default: 5)")
    parser.add_argument("--delay-ms", type=positive, default=500, help="each task's wait (default: 500)")
    parser.add_argument("--modes", type=modes(MODES), default=list(MODES),
                        help="New: which modes, comma-separated (default: sequential,threads)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    switch_interval(args)
    delay = args.delay_ms / 1000

    runs = []
    for mode in args.modes:
        function = MODES[mode]
        done = []
        start = time.perf_counter()
        seconds, used = measured(function, args.tasks, delay, start, done)[1:]  # New: + CPU time
        runs.append({"mode": mode, "seconds": seconds, **used, "max_ms": max(done) * 1000,
                     "p50_ms": statistics.median(done) * 1000})
    if args.json:
        print(json.dumps({"program": "base.py", "python": sys.version.split()[0],
                          "tasks": args.tasks, "delay_ms": args.delay_ms, "runs": runs,
                          "load_average": load_average()}))
    else:
        for run in runs:
            print(f"{run['mode']:<10}  {run['seconds']:6.3f} s  ({cpu_words(run)})")
        print(tr("py-base"))  # New: in the locale's language (messages.py)


if __name__ == "__main__":
    run(main)  # New: main(), ending as the Rust programs do (usage.py)
