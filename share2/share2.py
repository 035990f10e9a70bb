"""share2.py: the same shared counter as share.py, protected by a Lock: never a lost update.

Only the thread that holds the lock reads and writes the counter; the others wait for it.
Whatever the CPython version, and wherever the GIL changes hands, the total is exact; on
free-threaded CPython (3.13t), with no GIL at all, the lock is all that keeps it so.

Run: python3 share2.py [--workers K] [--increments N] [--json]
"""

import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, cpu_words, interval_ms, load_average, positive, print_busy_line, run, since, snapshot  # noqa: E402 New
from messages import num, tr  # noqa: E402 New

counter = 0
lock = threading.Lock()


def increment():
    global counter
    with lock:
        counter += 1


def worker(increments):
    for _ in range(increments):
        increment()


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


def main():
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    parser.add_argument("--workers", type=positive, default=4, help="threads (default: 4)")
    # Rust's default is 5 x 10^6: it does an increment in nanoseconds, CPython in tens.
    parser.add_argument("--increments", type=positive, default=1_000_000, help="per thread (default: 1000000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    switch_interval(args)

    before = snapshot()  # New: time.perf_counter(), and the CPU time the threads use (usage.py)
    threads = [threading.Thread(target=worker, args=(args.increments,)) for _ in range(args.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds, used = since(before)

    expected = args.workers * args.increments
    run = {"mode": "mutex", "seconds": seconds, **used, "expected": expected, "got": counter, "lost": expected - counter}
    if args.json:
        print(json.dumps({"program": "share2.py", "python": sys.version.split()[0],
                          "workers": args.workers, "increments": args.increments, "runs": [run],
                          "load_average": load_average()}))
    else:
        print(tr("py-counts", expected=expected, got=counter, lost=expected - counter, seconds=num(seconds, 3), cpu=cpu_words(run)))
        print_busy_line([run])  # New: the rest of the machine's work, when it mattered


if __name__ == "__main__":
    run(main)  # New: main(), ending as the Rust programs do (usage.py)
