"""as.py: asyncio, one thread running cooperative tasks.

The event loop runs one task at a time, on one thread; a task hands control back at each
`await`. Tasks that await their waits overlap: K waits take about one wait. A task that calls
a blocking function instead (`time.sleep`) never hands control back: every other task is stuck
behind it, and K waits take K times one wait again. Blocking work belongs in a thread
(`asyncio.to_thread`), which gives back the overlap.

Run: python3 as.py [--tasks K] [--delay-ms D] [--json]
"""

import asyncio
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, cpu_words, interval_ms, load_average, measured, modes, positive, run  # noqa: E402 New
from messages import tr  # noqa: E402 New


async def task(delay):
    await asyncio.sleep(delay)  # hands control back to the event loop while waiting


async def blocking_task(delay):
    time.sleep(delay)  # blocks the event loop's only thread: nothing else runs


async def sequential(tasks, delay):
    for _ in range(tasks):
        await task(delay)


async def gather(tasks, delay):
    await asyncio.gather(*(task(delay) for _ in range(tasks)))


async def blocking(tasks, delay):
    await asyncio.gather(*(blocking_task(delay) for _ in range(tasks)))


async def spawn_blocking(tasks, delay):
    await asyncio.gather(*(asyncio.to_thread(time.sleep, delay) for _ in range(tasks)))


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


MODES = {"sequential": sequential, "gather": gather, "blocking": blocking,
         "spawn_blocking": spawn_blocking}


def main():
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    parser.add_argument("--tasks", type=positive, default=5, help="tasks (default: 5)")
    parser.add_argument("--delay-ms", type=positive, default=500, help="each task's wait (default: 500)")
    parser.add_argument("--modes", type=modes(MODES), default=list(MODES),
                        help="New: which modes, comma-separated (default: all four)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    switch_interval(args)
    delay = args.delay_ms / 1000

    runs = []
    for mode in args.modes:
        seconds, used = measured(asyncio.run, MODES[mode](args.tasks, delay))[1:]  # New: + CPU time
        runs.append({"mode": mode, "seconds": seconds, **used})
    if args.json:
        print(json.dumps({"program": "as.py", "python": sys.version.split()[0],
                          "tasks": args.tasks, "delay_ms": args.delay_ms, "runs": runs,
                          "load_average": load_average()}))
    else:
        for run in runs:
            print(f"{run['mode']:<15}  {run['seconds']:6.3f} s  ({cpu_words(run)})")
        print(tr("py-as"))  # New: in the locale's language (messages.py)


if __name__ == "__main__":
    run(main)  # New: main(), ending as the Rust programs do (usage.py)
