"""mp.py: the CPU-bound work of cpu_example.py, in separate processes.

Each process has its own memory and its own GIL, so the processes really run at the same time,
one per core: K workers take about the time of one, on K cores. The price: starting a process
(a new interpreter) and sending the results back through a Queue.

Since CPython 3.12 (PEP 684) one process can hold several interpreters with a GIL each: the
"interpreters" mode runs each worker in its own interpreter, on its own thread, and gets the
results back through an interpreter queue. It uses `concurrent.interpreters` (3.14+, PEP 734) or
`_interpreters` (3.13); older versions have neither and skip the mode, saying so.

Run: python3 mp.py [--n N] [--workers K] [--modes sequential,processes,interpreters] [--json]
"""

import json
import multiprocessing
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, interval_ms, load_average, measured, positive, print_busy_line, run, said, table_line  # noqa: E402 New
from messages import tr  # noqa: E402 New


def sum_of_squares(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def worker(n, queue):
    queue.put(sum_of_squares(n))


def sequential(n, workers):
    return [sum_of_squares(n) for _ in range(workers)]


def processes(n, workers):
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=(n, queue)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    return results, [proc.pid for proc in procs]


# The worker's code, as text: an interpreter shares no object with ours, not even a function.
INTERPRETER_CODE = """
def sum_of_squares(n):
    total = 0
    for i in range(n):
        total += i * i
    return total
"""


def interpreters_module():
    """The module that runs interpreters with a GIL each: (name, module), or (None, why not)."""
    try:
        from concurrent import interpreters  # 3.14+
        return "concurrent.interpreters", interpreters
    except ImportError:
        pass
    try:
        import _interpreters  # 3.13
        import _interpqueues
        return "_interpreters", (_interpreters, _interpqueues)
    except ImportError:
        version = sys.version.split()[0]
        return None, (f"Python {version} has neither concurrent.interpreters (3.14+) "
                      "nor _interpreters (3.13)")


def interpreters(n, workers):
    name, module = interpreters_module()
    if name == "concurrent.interpreters":
        queue = module.create_queue()
        interps = [module.create() for _ in range(workers)]
        for interp in interps:
            interp.prepare_main(queue=queue)
        code = INTERPRETER_CODE + f"queue.put(str(sum_of_squares({n})))"
        threads = [threading.Thread(target=interp.exec, args=(code,)) for interp in interps]
    else:
        _interpreters, _interpqueues = module
        queue = _interpqueues.create(0, 0, 1)
        interps = [_interpreters.create() for _ in range(workers)]
        code = INTERPRETER_CODE + f"import _interpqueues\n_interpqueues.put({queue}, str(sum_of_squares({n})), 0, 1)"

        def run(interp):
            failed = _interpreters.exec(interp, code)  # 3.13 returns the exception, if any
            if failed is not None:
                raise RuntimeError(f"interpreter {interp} failed: {failed}")

        threads = [threading.Thread(target=run, args=(interp,)) for interp in interps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if name == "concurrent.interpreters":
        results = [int(queue.get()) for _ in interps]
        for interp in interps:
            interp.close()
    else:
        results = [int(_interpqueues.get(queue)[0]) for _ in interps]  # before destroy(): its
        for interp in interps:                                          # items go with it
            _interpreters.destroy(interp)
        _interpqueues.destroy(queue)
    return results


def timed(function, *args):
    # New (not in the original): the CPU time the call used beside its wall time (usage.py),
    # the worker processes' included.
    return measured(function, *args)


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


def main():
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    # Rust's default (native build) is 6 x 10^8: it does an iteration in about a nanosecond, CPython in tens.
    parser.add_argument("--n", type=positive, default=5_000_000, help="sum the squares of 0..N (default: 5000000)")
    parser.add_argument("--workers", type=positive, default=os.cpu_count(), help="how many times, how many processes (default: cores)")
    parser.add_argument("--modes", default=None,
                        help="comma-separated, from sequential,processes,interpreters (default: all "
                             "three, interpreters only where this Python has them)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    switch_interval(args)
    name, module = interpreters_module()
    modes = args.modes.split(",") if args.modes else ["sequential", "processes", "interpreters"]
    for mode in modes:
        if mode not in ("sequential", "processes", "interpreters"):
            parser.error(f"unknown mode {mode!r}")
    skipped = None
    if "interpreters" in modes and name is None:
        if args.modes:
            parser.error(f"--modes interpreters: {module}")
        modes.remove("interpreters")
        skipped = f"interpreters: skipped, {module}"

    runs = []
    for mode in modes:
        if mode == "processes":
            (results, pids), seconds, used = timed(processes, args.n, args.workers)
            runs.append({"mode": mode, "seconds": seconds, **used, "result": str(sum(results)), "pids": pids})
        else:
            results, seconds, used = timed(sequential if mode == "sequential" else interpreters, args.n, args.workers)
            runs.append({"mode": mode, "seconds": seconds, **used, "result": str(sum(results))})
    assert len({run["result"] for run in runs}) == 1

    if args.json:
        print(json.dumps({"program": "mp.py", "python": sys.version.split()[0],
                          "gil": getattr(sys, "_is_gil_enabled", lambda: True)(),
                          "interpreters": name, "n": args.n, "workers": args.workers, "runs": runs,
                          "load_average": load_average()}))
        return
    first = runs[0]
    for run in runs:
        print(f"{table_line(run, first['seconds'], 12)}  " + tr("py-speedup-vs", mode=first["mode"]))
    if skipped:
        print(skipped)
    print_busy_line(runs)  # New: the rest of the machine's work, when it mattered
    # New: what each ran on, as measured, rather than a fixed line.
    parallel = [said(run, args.workers, tr("who-" + run["mode"])) for run in runs if run["mode"] != "sequential"]
    if parallel:
        print(tr("py-mp", parallel="; ".join(parallel)))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    run(main)  # New: main(), ending as the Rust programs do (usage.py)
