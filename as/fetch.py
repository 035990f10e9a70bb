"""fetch.py: freeCodeCamp's asynchronous example 2: two independent fetches from one company
database, the employees and the active projects, one after the other, then at the same time.
Each query waits --latency-ms (the tutorial says "let's say 2 seconds"; default 200 ms).

Run: python3 fetch.py [--latency-ms L]
"""

import asyncio
import os
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, interval_ms, positive  # noqa: E402 New


def create_database(path):
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT, active INTEGER)")
        db.executemany("INSERT INTO employees (name) VALUES (?)", [(f"employee-{i}",) for i in range(1, 51)])
        db.executemany("INSERT INTO projects (name, active) VALUES (?, ?)", [(f"project-{i}", i % 3 != 0) for i in range(1, 13)])


def get_employees(path, latency):
    with sqlite3.connect(path) as db:  # connect to the database
        time.sleep(latency)  # the query's latency
        return [name for (name,) in db.execute("SELECT name FROM employees ORDER BY id")]


def get_active_projects(path, latency):
    with sqlite3.connect(path) as db:
        time.sleep(latency)
        return [name for (name,) in db.execute("SELECT name FROM projects WHERE active ORDER BY id")]


async def sequential(path, latency):
    employees = await asyncio.to_thread(get_employees, path, latency)
    projects = await asyncio.to_thread(get_active_projects, path, latency)
    return employees, projects


async def concurrently(path, latency):
    return await asyncio.gather(
        asyncio.to_thread(get_employees, path, latency),
        asyncio.to_thread(get_active_projects, path, latency),
    )


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


if __name__ == "__main__":
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    parser.add_argument("--latency-ms", type=positive, default=200, help="each query's latency (default: 200)")
    args = parser.parse_args()
    switch_interval(args)
    latency = args.latency_ms / 1000
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "company.sqlite")
        create_database(path)
        for name, mode in (("sequential", sequential), ("concurrent", concurrently)):
            start = time.perf_counter()
            employees, projects = asyncio.run(mode(path, latency))
            print(f"{name}: {len(employees)} employees, {len(projects)} active projects, {time.perf_counter() - start:.3f} s")
