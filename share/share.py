"""share.py: several threads increment a shared counter without protection.

`counter += 1` is not one step: the thread reads counter, adds 1, writes it back. If another
thread writes between that read and that write, one of the two updates is lost.

CPython 3.9 and older can switch threads between those bytecodes and lose updates on every run.
Since CPython 3.10 a thread only lets go of the GIL at a backward jump or a call, so this exact
loop loses nothing there: the race is hidden, not gone (share2.py fixes it for real).
Free-threaded CPython (3.13t, PEP 703) has no GIL at all: the threads really run at once and
lose updates again, more than 3.9 does (about two thirds of 4 M on 2 cores).

Run: python3 share.py [--workers K] [--increments N] [--json]
"""

import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, cpu_words, interval_ms, load_average, positive, print_busy_line, run, since, snapshot  # noqa: E402 New
from messages import num, tr  # noqa: E402 New

counter = 0


def increment():
    global counter
    counter += 1


def worker(increments):
    for _ in range(increments):
        increment()


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


def conclusion(lost, expected):
    """New (not in the original, which prints the counts only): what this run's numbers show."""
    free_threaded = not getattr(sys, "_is_gil_enabled", lambda: True)()
    if lost > 0:
        why = tr("py-share-why-free-threaded" if free_threaded else "py-share-why-gil")
        return tr("py-share-lost", lost=lost, expected=expected, share=num(100 * lost / expected, 1), why=why)
    if free_threaded:
        return tr("py-share-luck-free-threaded")
    if sys.version_info >= (3, 10):
        return tr("py-share-hidden")
    return tr("py-share-short")


def main():
    global counter
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    parser.add_argument("--workers", type=positive, default=4, help="threads (default: 4)")
    # Rust's default is 25 x 10^6: it does an increment in about a nanosecond, CPython in tens.
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
    run = {"mode": "threads", "seconds": seconds, **used, "expected": expected, "got": counter, "lost": expected - counter}
    if args.json:
        print(json.dumps({"program": "share.py", "python": sys.version.split()[0],
                          "workers": args.workers, "increments": args.increments, "runs": [run],
                          "load_average": load_average()}))
    else:
        print(tr("py-counts", expected=expected, got=counter, lost=expected - counter, seconds=num(seconds, 3), cpu=cpu_words(run)))
        print_busy_line([run])  # New: the rest of the machine's work, when it mattered
        print(conclusion(expected - counter, expected))  # New


if __name__ == "__main__":
    run(main)  # New: main(), ending as the Rust programs do (usage.py)
