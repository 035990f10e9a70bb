"""start_cost.py: the price of starting, in CPython: a thread, an asyncio task, an interpreter
with its own GIL (3.13+), a process ("spawn"), many times each; p50/p99/max in milliseconds.

The twin of `mp start-cost` (start_cost.rs). "On paye immédiatement le coût de démarrer un
nouveau processus": a process starts a whole new interpreter, an interpreter builds its own
modules and builtins, a thread only needs a stack.

Run: python3 start_cost.py [--starts N] [--json]
"""

import asyncio
import json
import multiprocessing
import statistics
import sys
import threading
import time
import os

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, interval_ms, positive, run  # noqa: E402 New


def nothing():
    pass


def start_thread():
    thread = threading.Thread(target=nothing)
    thread.start()
    thread.join()


def start_task(loop):
    async def task():
        await asyncio.create_task(asyncio.sleep(0))
    loop.run_until_complete(task())


def interpreter_starter():
    """A function that creates and destroys an interpreter, or None where there is none."""
    try:
        from concurrent import interpreters  # 3.14+
        return lambda: interpreters.create().close()
    except ImportError:
        pass
    try:
        import _interpreters  # 3.13
        return lambda: _interpreters.destroy(_interpreters.create())
    except ImportError:
        return None


def start_process(context):
    process = context.Process(target=nothing)
    process.start()
    process.join()


def measure(starts, start, *args):
    times = []
    for _ in range(starts):
        begin = time.perf_counter()
        start(*args)
        times.append((time.perf_counter() - begin) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p99_ms": times[int(0.99 * (len(times) - 1))],
            "max_ms": times[-1], "starts": starts}


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


def main():
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    parser.add_argument("--starts", type=positive, default=50, help="starts of each kind (default: 50; processes: a fifth)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    switch_interval(args)
    if args.starts < 1:
        parser.error("--starts must be at least 1")

    loop = asyncio.new_event_loop()
    runs = {"thread": measure(args.starts, start_thread),
            "asyncio_task": measure(args.starts, start_task, loop)}
    interpreter = interpreter_starter()
    if interpreter is not None:
        runs["interpreter"] = measure(args.starts, interpreter)
    runs["process"] = measure(max(1, args.starts // 5), start_process, multiprocessing.get_context("spawn"))
    loop.close()

    if args.json:
        print(json.dumps({"program": "start_cost.py", "python": sys.version.split()[0],
                          "runs": [{"mode": mode, **run} for mode, run in runs.items()]}))
        return
    for mode, run in runs.items():
        print(f"{mode:<13}  p50 {run['p50_ms']:8.3f} ms  p99 {run['p99_ms']:8.3f} ms  ({run['starts']} starts)")
    if interpreter is None:
        print("interpreter: skipped, this Python has neither concurrent.interpreters (3.14+) nor _interpreters (3.13)")


if __name__ == "__main__":
    run(main)  # New: main(), ending as the Rust programs do (usage.py)
