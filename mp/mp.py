"""mp.py: the CPU-bound work of cpu_example.py, in separate processes.

Each process has its own memory and its own GIL, so the processes really run at the same time,
one per core: K workers take about the time of one, on K cores. The price: starting a process
(a new interpreter) and sending the results back through a Queue.

Run: python3 mp.py [--n N] [--workers K] [--json]
"""

import argparse
import json
import multiprocessing
import os
import sys
import time


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


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5_000_000, help="sum the squares of 0..N (default: 5000000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="how many times, how many processes (default: cores)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    results, sequential_seconds = timed(sequential, args.n, args.workers)
    (process_results, pids), processes_seconds = timed(processes, args.n, args.workers)
    assert sum(results) == sum(process_results)

    runs = [
        {"mode": "sequential", "seconds": sequential_seconds, "result": str(sum(results))},
        {"mode": "processes", "seconds": processes_seconds, "result": str(sum(process_results)), "pids": pids},
    ]
    if args.json:
        print(json.dumps({"program": "mp.py", "python": sys.version.split()[0],
                          "n": args.n, "workers": args.workers, "runs": runs}))
        return
    for run in runs:
        speedup = sequential_seconds / run["seconds"]
        print(f"{run['mode']:<10}  {run['seconds']:7.3f} s  {speedup:5.2f}x")
    print("Each process has its own GIL: the processes run at the same time.")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    main()
