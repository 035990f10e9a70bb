"""count.py: freeCodeCamp's count_up() and count_down(), one after the other, by two threads,
and by two processes. The tutorial measured 25.8 s, 24.5 s and 8.3 s for range(100000000).

Run: python3 count.py [--n N]
"""

import multiprocessing
import sys
import os
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, cpu_words, interval_ms, measured, positive, print_busy_line, said  # noqa: E402 New


def count_up(n):
    count = 0
    for i in range(n):
        count = count + i


def count_down(n):
    count = 0
    for i in range(n):
        count = count + i


def run(kind, n):
    start_time = time.time()
    if kind is None:
        count_up(n)
        count_down(n)
    else:
        worker1 = kind(target=count_up, args=(n,))
        worker2 = kind(target=count_down, args=(n,))
        worker1.start()
        worker2.start()
        worker1.join()
        worker2.join()
    return time.time() - start_time


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


if __name__ == "__main__":
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    # The tutorial's range(100000000) takes CPython half a minute; 10^7 shows the same in seconds.
    # (mp count in Rust counts 3 x 10^8 by default: Rust does an iteration in about a nanosecond.)
    parser.add_argument("--n", type=positive, default=10_000_000, help="range(N) (default: 10000000)")
    args = parser.parse_args()
    switch_interval(args)
    n = args.n
    runs = []
    for name, kind in (("sequential", None), ("threads", threading.Thread), ("processes", multiprocessing.Process)):
        seconds, used = measured(run, kind, n)[1:]  # New: the CPU time beside (usage.py)
        print(f"{name}: Temps écoulé : {seconds} secondes  ({cpu_words(used)})")
        runs.append({"mode": name, "seconds": seconds, **used})
    print_busy_line(runs)  # New: the rest of the machine's work, when it mattered
    # New: what the threads and the processes did with the cores, as measured.
    print(f"{said(runs[1], 2, 'the threads')}; {said(runs[2], 2, 'the processes')}.")
