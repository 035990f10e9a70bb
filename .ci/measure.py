"""Prints the README's measured tables: run by `bash .ci/measure`, which builds the binaries.

Every figure comes from a run made here and now: release builds of the workspace without
(`target/release`) and with (`target/gil/release`) the simulated GIL, and CPython running the
crates' own .py files on the same machine. Ratios, not seconds, are compared across languages.
"""

import argparse
import collections
import glob
import json
import os
import statistics
import subprocess
import sys
import time

NATIVE = "target/release"
GIL = "target/gil/release"


def rust(build, program, *args):
    out = subprocess.run([f"{build}/{program}", *args, "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def cpython(version):
    """The interpreter of a CPython version under pyenv (e.g. '3.9'), or None."""
    root = os.path.expanduser(os.environ.get("PYENV_ROOT", "~/.pyenv"))
    found = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python"))
    return found[-1] if found else None


def py(interpreter, path, *args):
    out = subprocess.run([interpreter, path, *args, "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def seconds(result, mode):
    return next(r["seconds"] for r in result["runs"] if r["mode"] == mode)


def run_of(result, mode):
    return next(r for r in result["runs"] if r["mode"] == mode)


def median_of(times, f):
    return statistics.median(f() for _ in range(times))


def free_threaded_python():
    """A free-threaded CPython 3.13t (built by ../shared/tools/build-python3.13t.sh), or None."""
    for candidate in [os.environ.get("PYTHON313T", ""), os.path.expanduser("~/.local/python3.13t/bin/python3.13t")]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def spread(values, fmt="{:.2f}", unit=""):
    """'median (low–high)' over several runs, or one value when they agree to the precision."""
    low, mid, high = (fmt.format(v) + unit for v in (min(values), statistics.median(values), max(values)))
    return low if low == high else f"{mid} ({low}–{high})"


def speedup(result, mode):
    return seconds(result, "sequential") / seconds(result, mode)


def lost_share(result):
    run = run_of(result, "threads")
    return 100.0 * run["lost"] / run["expected"]


def p50(result, mode):
    return run_of(result, mode)["p50_ms"]


def the_map(python3, version):
    """One GIL, no GIL, one GIL per interpreter, one per process, asyncio: ours and CPython's.

    Each cell is the range over `runs` interleaved runs (ours, then CPython's, then ours, ...), at
    the .py's sizes on both sides (share 4 threads x 10^6, the CPU work n = 5 x 10^6): the GIL
    build runs at CPython's pace.
    """
    runs = 5
    py312, py313, py313t = cpython("3.12"), cpython("3.13"), free_threaded_python()
    cpu_py = ["--workers", "2", "--n", "5000000"]
    cpu = cpu_py  # the GIL build runs at CPython's pace: the same sizes on both sides
    share_args = ["--workers", "4", "--increments", "1000000"]
    cells = {key: [] for key in [
        "gil_cpu", "gil_cpu_py", "gil_share", "gil_share_py",
        "ft_cpu", "ft_cpu_py", "ft_share", "ft_share_py",
        "interp_cpu", "interp_cpu_py", "proc_cpu", "proc_cpu_py"]}
    for _ in range(runs):
        cells["gil_cpu"].append(speedup(rust(GIL, "cpu_example", *cpu, "--python", "3.12"), "threads"))
        cells["gil_share"].append(lost_share(rust(GIL, "share", *share_args, "--python", "3.12")))
        cells["ft_cpu"].append(speedup(rust(GIL, "cpu_example", *cpu, "--python", "3.13t"), "threads"))
        cells["ft_share"].append(lost_share(rust(GIL, "share", *share_args, "--python", "3.13t")))
        cells["interp_cpu"].append(speedup(rust(GIL, "mp", *cpu, "--modes", "sequential,interpreters"), "interpreters"))
        cells["proc_cpu"].append(speedup(rust(GIL, "mp", *cpu, "--modes", "sequential,processes"), "processes"))
        if py312:
            cells["gil_cpu_py"].append(speedup(py(py312, "cpu_example/cpu_example.py", *cpu_py), "threads"))
            cells["gil_share_py"].append(lost_share(py(py312, "share/share.py", *share_args)))
        if py313t:
            cells["ft_cpu_py"].append(speedup(py(py313t, "cpu_example/cpu_example.py", *cpu_py), "threads"))
            cells["ft_share_py"].append(lost_share(py(py313t, "share/share.py", *share_args)))
        if py313:
            cells["interp_cpu_py"].append(speedup(py(py313, "mp/mp.py", *cpu_py, "--modes", "sequential,interpreters"), "interpreters"))
        cells["proc_cpu_py"].append(speedup(py(python3, "mp/mp.py", *cpu_py, "--modes", "sequential,processes"), "processes"))
    starts = rust(GIL, "mp", "start-cost", "--starts", "200")
    starts_py = py(py313 or python3, "mp/start_cost.py", "--starts", "50")
    starts_ft = py(py313t, "mp/start_cost.py", "--starts", "50") if py313t else None

    def both(key, fmt="{:.2f}", unit="x"):
        ours = spread(cells[key], fmt, unit)
        theirs = spread(cells[key + "_py"], fmt, unit) if cells[key + "_py"] else "not installed"
        return ours, theirs

    def ms(result, mode):
        return f"{p50(result, mode):.3f} ms" if result else "not installed"

    print(f"\n### The map: one GIL, no GIL, one GIL per interpreter, one per process\n")
    print(f"{runs} interleaved runs each: median (lowest–highest); ours is the release build with `--features gil`, "
          f"CPython's the same .py files. Speedup: 2 workers against sequential, 2 cores. Lost: "
          f"`share` with 4 threads x 10^6 increments on both sides. Start: p50 of start-and-join "
          f"(`mp start-cost`; CPython: `mp/start_cost.py`, spawn for processes).\n")
    print("| model | CPU-bound speedup: ours / CPython | `share` lost: ours / CPython | start, p50: ours / CPython | memory |")
    print("|---|---|---|---|---|")
    speed, speed_py = both("gil_cpu")
    lost, lost_py = both("gil_share", "{:.0f}", " %")
    print(f"| threads, one GIL (`--python 3.12`; CPython {py312 and '3.12' or 'not installed'}) | {speed} / {speed_py} | {lost} / {lost_py} | "
          f"thread {ms(starts, 'thread')} / {ms(starts_py, 'thread')} | shared |")
    speed, speed_py = both("ft_cpu")
    lost, lost_py = both("ft_share", "{:.0f}", " %")
    ft = "3.13t" if py313t else "3.13t not built (../shared/tools/build-python3.13t.sh)"
    print(f"| threads, no GIL (`--python 3.13t`; CPython {ft}) | {speed} / {speed_py} | {lost} / {lost_py} | "
          f"thread {ms(starts, 'thread')} / {ms(starts_ft, 'thread')} | shared |")
    speed, speed_py = both("interp_cpu")
    print(f"| interpreters, one GIL each (`mp --modes interpreters`; CPython {py313 and '3.13 `_interpreters`' or 'not installed'}) | {speed} / {speed_py} | "
          f"nothing shared to lose | interpreter {ms(starts, 'interpreter')} / {ms(starts_py, 'interpreter') if starts_py and any(r['mode'] == 'interpreter' for r in starts_py['runs']) else 'none'} | "
          f"not shared: copies through a queue |")
    speed, speed_py = both("proc_cpu")
    print(f"| processes, one GIL each (`mp --modes processes`; CPython {version}) | {speed} / {speed_py} | nothing shared to lose | "
          f"process {ms(starts, 'process')} / {ms(starts_py, 'process')} | not shared: copies through a pipe |")
    print(f"| asyncio, one thread (`as`; `as.py`) | none by design: one thread | none between two awaits | "
          f"task {ms(starts, 'tokio_task')} / {ms(starts_py, 'asyncio_task')} | shared |")
    if not py313t:
        print("\nNo free-threaded CPython here: build one with ../shared/tools/build-python3.13t.sh "
              "(about 10 minutes), or point PYTHON313T at one.")


# CPython 2 cannot run the crates' Python 3 files: it runs their twins in Python 2's words, with
# the same options and the same JSON (cpu_example/cpu_example_py2.py, share/share_py2.py).
def cpu_ratio_py2(interpreter, workers, n):
    """CPython 2's threads / sequential time."""
    result = py(interpreter, "cpu_example/cpu_example_py2.py", "--workers", str(workers), "--n", str(n))
    return 1.0 / speedup(result, "threads")


def lost_share_py2(interpreter, workers, increments):
    """CPython 2's lost updates, per cent."""
    return lost_share(py(interpreter, "share/share_py2.py", "--workers", str(workers), "--increments", str(increments)))


def compare(runs, rows):
    """The model beside CPython, same program, same arguments, interleaved runs: medians and ranges."""
    versions = [("2.7", cpython("2.7")), ("3.9", cpython("3.9")), ("3.12", cpython("3.12"))]
    cpu_args = ["--workers", "2", "--n", "5000000"]
    share_args = ["--workers", "4", "--increments", "1000000"]
    cells = {}

    def add(key, value):
        cells.setdefault(key, []).append(value)

    for _ in range(runs):
        for version, interpreter in versions:
            if "cpu" in rows:
                r = rust(GIL, "cpu_example", *cpu_args, "--python", version)
                add(("cpu", version, "model"), seconds(r, "threads") / seconds(r, "sequential"))
                if interpreter and version == "2.7":
                    add(("cpu", version, "cpython"), cpu_ratio_py2(interpreter, 2, 5000000))
                elif interpreter:
                    p = py(interpreter, "cpu_example/cpu_example.py", *cpu_args)
                    add(("cpu", version, "cpython"), seconds(p, "threads") / seconds(p, "sequential"))
            if "share" in rows:
                r = rust(GIL, "share", *share_args, "--python", version)
                add(("share", version, "model"), lost_share(r))
                if interpreter and version == "2.7":
                    add(("share", version, "cpython"), lost_share_py2(interpreter, 4, 1000000))
                elif interpreter:
                    add(("share", version, "cpython"), lost_share(py(interpreter, "share/share.py", *share_args)))
            if "convoy" in rows:
                r = rust(GIL, "base", "convoy", "--python", version)
                alone, beside = run_of(r, "alone")["p50_ms"], run_of(r, "beside_cpu_thread")["p50_ms"]
                add(("convoy", version, "model"), beside / alone)
                if interpreter:
                    p50 = py(interpreter, "base/convoy.py")["p50_ms"]
                    add(("convoy", version, "cpython"), p50["beside_cpu_thread"] / p50["alone"])
        if "convoy" in rows:
            r = rust(NATIVE, "base", "convoy")
            add(("convoy", "native", "model"), run_of(r, "beside_cpu_thread")["p50_ms"] / run_of(r, "alone")["p50_ms"])
        if "default" in rows:
            start = time.perf_counter()
            rust(GIL, "cpu_example")
            add(("default", "3.12", "model"), time.perf_counter() - start)
            start = time.perf_counter()
            py(sys.executable, "cpu_example/cpu_example.py")
            add(("default", "3.12", "cpython"), time.perf_counter() - start)

    def cell(key, fmt="{:.2f}", unit=""):
        return spread(cells[key], fmt, unit) if key in cells else "not installed"

    print(f"\n### The simulated GIL beside CPython: same program, same arguments\n")
    print(f"{runs} interleaved runs each, median (lowest–highest); the GIL build at CPython's pace "
          f"(`--pace cpython`, the default), CPython under pyenv.\n")
    print("| what (arguments) | version | model | CPython |")
    print("|---|---|---|---|")
    for version, _ in versions if "cpu" in rows else []:
        print(f"| cpu_example threads / sequential time (`--workers 2 --n 5000000`) | {version} | {cell(('cpu', version, 'model'))} | {cell(('cpu', version, 'cpython'))} |")
    for version, _ in versions if "share" in rows else []:
        print(f"| share: updates lost (`--workers 4 --increments 1000000`) | {version} | {cell(('share', version, 'model'), '{:.0f}', ' %')} | {cell(('share', version, 'cpython'), '{:.0f}', ' %')} |")
    for version, _ in versions if "convoy" in rows else []:
        print(f"| convoy: round-trip p50 beside a CPU thread / alone (0.2 ms device) | {version} | {cell(('convoy', version, 'model'), '{:.1f}', 'x')} | {cell(('convoy', version, 'cpython'), '{:.1f}', 'x')} |")
    if "convoy" in rows:
        print(f"| convoy, no GIL (native build) | - | {cell(('convoy', 'native', 'model'), '{:.1f}', 'x')} | |")
    if "default" in rows:
        print(f"| cpu_example with its defaults: whole run, s (`cargo run --release`-built GIL binary vs `python3 cpu_example.py`) | 3.12 model / {sys.version.split()[0]} | {cell(('default', '3.12', 'model'), '{:.2f}', ' s')} | {cell(('default', '3.12', 'cpython'), '{:.2f}', ' s')} |")


def devices(runs):
    """`base devices` at 10, 100 and 1000 sessions, every mode, `runs` runs; sequential at 1000
    (a latency per session: 50 s) in fewer runs, on its own."""
    cells = {}
    sequential_runs = min(runs, 3)
    for index in range(runs):
        results = [rust(NATIVE, "base", "devices", "--sessions", "10,100,1000")]
        if index < sequential_runs:
            results.append(rust(NATIVE, "base", "devices", "--sessions", "1000", "--modes", "sequential"))
        for result in results:
            for run in result["runs"]:
                cells.setdefault((run["sessions"], run["mode"]), []).append(run)
    print(f"\n### `base devices`: sessions to simulated routers, 50 ms per answer\n")
    print(f"{runs} runs of `base devices --sessions 10,100,1000` (release), {sequential_runs} of "
          f"`--sessions 1000 --modes sequential`; median (lowest–highest) of the wall time, then the "
          f"median peak memory, sessions a second and p50 session latency.\n")
    modes = ["sequential", "threads", "processes", "async"]
    print("| sessions | " + " | ".join(m if m != "processes" else "processes (pool of 16)" for m in modes) + " |")
    print("|---|" + "---|" * len(modes))
    errors = 0
    for sessions in [10, 100, 1000]:
        row = []
        for mode in modes:
            found = cells.get((sessions, mode), [])
            errors += sum(r["errors"] for r in found)
            if not found:
                row.append("not run")
                continue
            time = spread([r["seconds"] for r in found], "{:.2f}", " s")
            memory = statistics.median(r["peak_rss_mb"] for r in found)
            rate = statistics.median(r["sessions_per_s"] for r in found)
            latency = statistics.median(r["p50_ms"] for r in found)
            row.append(f"{time}, {memory:.0f} MB, {rate:.0f}/s, p50 {latency:.0f} ms")
        print(f"| {sessions} | " + " | ".join(row) + " |")
    print(f"\nErrors in all these runs: {errors}.")


# The sweeps' pairs: (the model's --python, the CPython it is set beside). The model has one 3.12
# for the GIL builds from 3.10 on, so it stands beside 3.13 too.
SWEEP_PAIRS = [("2.7", "2.7"), ("3.9", "3.9"), ("3.12", "3.12"), ("3.12", "3.13"), ("3.13t", "3.13t")]


def interpreter_of(version):
    return free_threaded_python() if version == "3.13t" else cpython(version)


def chart(name, title, x_label, y_label, series, log=False):
    """Writes the chart's JSON to target/sweep/NAME.json and draws it into the SVG NAME names
    (a path in the repository, beside the program it is about); returns the Amdahl fits drawn."""
    os.makedirs("target/sweep", exist_ok=True)
    spec = f"target/sweep/{os.path.basename(name)}.json"
    with open(spec, "w") as f:
        json.dump({"title": title, "x_label": x_label, "y_label": y_label, "log": log,
                   "series": [s for s in series if s["points"]]}, f, indent=1)
    out = subprocess.run([f"{GIL}/plot", spec, f"{name}.svg"], check=True, capture_output=True, text=True)
    print(f"\n![{title}]({name}.svg)\n")
    return dict(line.split("\t") for line in out.stdout.splitlines())


def points(cells, key, xs):
    """[x, median, low, high] for each x measured under key + (x,)."""
    found = [(x, cells[key + (x,)]) for x in xs if key + (x,) in cells]
    return [[x, statistics.median(v), min(v), max(v)] for x, v in found]


def pair_series(cells, what, pairs, xs):
    """A chart's series for (model, CPython) pairs: one colour a pair, the model solid (each
    model once, though it stands beside two CPythons), CPython dashed."""
    series = []
    for color, (model, version) in enumerate(pairs):
        if model not in [m for m, _ in pairs[:color]]:
            series.append({"name": f"model {model}", "color": color, "line": "solid",
                           "points": points(cells, (what, "model", model), xs)})
        series.append({"name": f"CPython {version}", "color": color, "line": "dashed",
                       "points": points(cells, (what, "cpython", version), xs)})
    return series


def pair_row(cells, what, pairs, x, fmt, unit=""):
    """A table's cells at x for (model, CPython) pairs: 'model / CPython', each a spread."""
    def cell(key):
        return spread(cells[key], fmt, unit) if key in cells else "not installed"
    return [f"{cell((what, 'model', model, x))} / {cell((what, 'cpython', version, x))}" for model, version in pairs]


def table(title, columns, rows):
    print(f"\n{title}\n")
    print("| " + " | ".join(columns) + " |")
    print("|---" * len(columns) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def sweep_threads(runs):
    """threads / sequential time (cpu_example) and updates lost (share) against the number of
    threads, the model beside each CPython, interleaved."""
    counts = [1, 2, 3, 4, 6, 8]
    n, increments = 1_000_000, 1_000_000
    cells = collections.defaultdict(list)
    add = lambda key, value: cells[key].append(value)
    for _ in range(runs):
        for workers in counts:
            cpu = ["--workers", str(workers), "--n", str(n)]
            share = ["--workers", str(workers), "--increments", str(increments)]
            for model in dict.fromkeys(m for m, _ in SWEEP_PAIRS):
                r = rust(GIL, "cpu_example", *cpu, "--python", model)
                add(("cpu", "model", model, workers), seconds(r, "threads") / seconds(r, "sequential"))
                add(("share", "model", model, workers), lost_share(rust(GIL, "share", *share, "--python", model)))
            for _, version in SWEEP_PAIRS:
                interpreter = interpreter_of(version)
                if not interpreter:
                    continue
                if version == "2.7":
                    add(("cpu", "cpython", version, workers), cpu_ratio_py2(interpreter, workers, n))
                    add(("share", "cpython", version, workers), lost_share_py2(interpreter, workers, increments))
                else:
                    p = py(interpreter, "cpu_example/cpu_example.py", *cpu)
                    add(("cpu", "cpython", version, workers), seconds(p, "threads") / seconds(p, "sequential"))
                    add(("share", "cpython", version, workers), lost_share(py(interpreter, "share/share.py", *share)))
    print(f"\n### Threads: from 1 to 8\n")
    print(f"{runs} interleaved runs per point, model (`--features gil`, release) and CPython with the "
          f"same arguments; median (lowest–highest). cpu_example `--workers K --n {n}`: threads / "
          f"sequential time; share `--workers K --increments {increments}`: updates lost, per cent.")
    for what, fmt, unit, title, y_label, name in [
            ("cpu", "{:.2f}", "", "cpu_example: threads / sequential time", "threads' time / sequential time", "cpu_example/sweep-threads"),
            ("share", "{:.0f}", " %", "share: updates lost", "updates lost, %", "share/sweep-threads")]:
        chart(name, title, "threads", y_label, pair_series(cells, what, SWEEP_PAIRS, counts))
        rows = [[str(workers)] + pair_row(cells, what, SWEEP_PAIRS, workers, fmt, unit) for workers in counts]
        table(f"{title}, model / CPython:", ["threads"] + [f"{m} / {v}" for m, v in SWEEP_PAIRS], rows)


def sweep_interval(runs):
    """The convoy's round trip beside a CPU thread, and cpu_example's switches a second, against
    the switch interval, model and CPython with the same arguments, interleaved."""
    intervals = [1, 2, 5, 10, 20, 50]
    pairs = [("3.9", "3.9"), ("3.12", "3.12"), ("3.12", "3.13")]
    cells = collections.defaultdict(list)
    add = lambda key, value: cells[key].append(value)
    for _ in range(runs):
        for interval in intervals:
            # 100 round trips, fewer at 50 ms where each takes up to 100 ms.
            args = ["--round-trips", str(min(100, 2000 // interval)), "--switch-interval", str(interval)]
            for model in dict.fromkeys(m for m, _ in pairs):
                r = rust(GIL, "base", "convoy", *args, "--python", model)
                add(("convoy", "model", model, interval), run_of(r, "beside_cpu_thread")["p50_ms"])
                r = rust(GIL, "cpu_example", "--workers", "2", "--switch-interval", str(interval), "--python", model)
                add(("switches", "model", model, interval), r["gil_stats"]["switches"] / seconds(r, "threads"))
            for _, version in pairs:
                interpreter = cpython(version)
                if interpreter:
                    p50 = py(interpreter, "base/convoy.py", *args)["p50_ms"]
                    add(("convoy", "cpython", version, interval), p50["beside_cpu_thread"])
    print(f"\n### The switch interval: from 1 to 50 ms\n")
    print(f"{runs} interleaved runs per point of `base convoy --round-trips R --switch-interval MS` "
          f"(R = 100, 40 at 50 ms) and `base/convoy.py` with the same arguments: round-trip p50 beside "
          f"a CPU thread, ms, median (lowest–highest). The dotted lines are one and two intervals.")
    series = [{"name": "one interval", "color": 8, "line": "dotted", "points": [[i, i, i, i] for i in intervals]},
              {"name": "two intervals", "color": 8, "line": "dotted", "points": [[i, 2 * i, 2 * i, 2 * i] for i in intervals]}]
    series += pair_series(cells, "convoy", pairs, intervals)
    chart("base/sweep-convoy", "convoy: a round trip beside a CPU thread", "switch interval, ms", "round-trip p50, ms", series, log=True)
    rows = [[f"{interval} ms"] + pair_row(cells, "convoy", pairs, interval, "{:.1f}") for interval in intervals]
    table("Round-trip p50 beside a CPU thread, ms, model / CPython:", ["switch interval"] + [f"model {m} / CPython {v}" for m, v in pairs], rows)
    rows = [[f"{i} ms", f"{1000 / i:.0f}"] + [spread(cells[("switches", "model", m, i)], "{:.0f}") for m in ["3.9", "3.12"]]
            for i in intervals]
    table("cpu_example `--workers 2`, the model's GIL switches a second (CPython's own are not counted: "
          "that takes a sampler beside it):", ["switch interval", "1 / interval", "model 3.9", "model 3.12"], rows)


def sweep_workers(runs):
    """mp's lesson as a curve: the speedup against the number of workers, 1 to 2 x cores, for
    threads natively and under each GIL model, processes, interpreters, rayon, and CPython's
    processes, with the ideal line and an Amdahl fit."""
    cores = os.cpu_count()
    counts = list(range(1, 2 * cores + 1))
    native_n, paced_n = 200_000_000, 2_000_000
    cells = collections.defaultdict(list)
    add = lambda key, value: cells[key].append(value)
    py312 = cpython("3.12")
    for _ in range(runs):
        for w in counts:
            workers = ["--workers", str(w)]
            r = rust(NATIVE, "cpu_example", *workers, "--n", str(native_n))
            add(("threads, native Rust", w), speedup(r, "threads"))
            for model in ["3.12", "2.7", "3.13t"]:
                r = rust(GIL, "cpu_example", *workers, "--n", str(paced_n), "--python", model)
                add((f"threads, model {model}", w), speedup(r, "threads"))
            r = rust(GIL, "mp", *workers, "--n", str(paced_n), "--modes", "sequential,processes,interpreters")
            add(("processes, model 3.12", w), speedup(r, "processes"))
            add(("interpreters, model 3.12", w), speedup(r, "interpreters"))
            r = rust(NATIVE, "mp", *workers, "--n", str(native_n), "--modes", "sequential,rayon")
            add(("rayon, native Rust", w), speedup(r, "rayon"))
            if py312:
                p = py(py312, "mp/mp.py", *workers, "--n", str(paced_n), "--modes", "sequential,processes")
                add(("processes, CPython 3.12 (mp.py)", w), speedup(p, "processes"))
    names = list(dict.fromkeys(key[0] for key in cells))
    print(f"\n### The speedup against the number of workers\n")
    print(f"{runs} interleaved runs per point on {cores} cores: sequential time / the mode's time, each "
          f"worker doing the same work (natively `--n {native_n}`, at CPython's pace `--n {paced_n}`), "
          f"median (lowest–highest). The Amdahl fit is least squares of 1/speedup = s + (1 - s)/min(workers, cores).")
    series = [{"name": "ideal: min(workers, cores)", "color": 8, "line": "dotted",
               "points": [[w] + [min(w, cores)] * 3 for w in counts]}]
    for color, name in enumerate(names):
        series.append({"name": name, "color": color, "line": "dashed" if "CPython" in name else "solid",
                       "points": points(cells, (name,), counts),
                       "amdahl_cores": cores})
    fits = chart("mp/speedup", f"speedup against workers, {cores} cores", "workers", "speedup over sequential", series)
    rows = [[name] + [spread(cells[(name, w)], "{:.2f}", "x") for w in counts] + [fits.get(name, "")] for name in names]
    table("Speedup over sequential:", ["mode"] + [f"{w} worker{'s' if w > 1 else ''}" for w in counts] + ["Amdahl serial fraction"], rows)


def sweep_pace(runs):
    """Free-threading's price for one thread alone: the model's 3.13t over its GIL build (3.12),
    beside CPython 3.13t over 3.13, the same programs with one worker, in turns."""
    programs = [("cpu_example", ["--workers", "1", "--n", "3000000"], "sequential", "`total += i * i`"),
                ("share", ["--workers", "1", "--increments", "1000000"], "threads", "`counter += 1` on a global"),
                ("share2", ["--workers", "1", "--increments", "1000000"], "mutex", "the same under a `Lock`")]
    gil_build, free = cpython("3.13"), free_threaded_python()
    cells = collections.defaultdict(list)
    for _ in range(runs):
        for program, args, mode, _ in programs:
            model = [seconds(rust(GIL, program, *args, "--python", v), mode) for v in ["3.12", "3.13t"]]
            cells[("model", program)].append(model[1] / model[0])
            if gil_build and free:
                path = f"{program}/{program}.py"
                theirs = [seconds(py(i, path, *args), mode) for i in [gil_build, free]]
                cells[("cpython", program)].append(theirs[1] / theirs[0])
    print(f"\n### Free-threading's own pace: one thread alone\n")
    print(f"{runs} rounds, each running the model at `--python 3.12` and `--python 3.13t`, then CPython "
          f"3.13 and 3.13t ({free or 'not built'}), one worker each, same arguments; the ratio of "
          f"3.13t's time to the GIL build's within a round, median (lowest–highest).")
    rows = [[f"{program} `{' '.join(args)}`", loop, spread(cells[("model", program)], "{:.2f}", "x"),
             spread(cells[("cpython", program)], "{:.2f}", "x") if ("cpython", program) in cells else "not built"]
            for program, args, _, loop in programs]
    table("3.13t's time / the GIL build's:", ["program", "loop", "model 3.13t / 3.12", "CPython 3.13t / 3.13"], rows)


ROWS = ["cpu", "share", "convoy", "default"]
# The real CPython's GIL beside the model's (--beside-cpython): the same sizes on both sides,
# CPython's run right after the model's in each invocation; (scenario, program, arguments).
BESIDE = [
    ("cpu_example 3.12", "cpu_example", ["--workers", "2", "--n", "5000000", "--python", "3.12", "--witness", "sampler"]),
    ("cpu_example 3.9", "cpu_example", ["--workers", "2", "--n", "5000000", "--python", "3.9", "--witness", "sampler"]),
    ("cpu_example 2.7", "cpu_example", ["--workers", "2", "--n", "5000000", "--python", "2.7", "--witness", "sampler"]),
    ("cpu_example 3.13t", "cpu_example", ["--workers", "2", "--n", "5000000", "--python", "3.13t", "--witness", "sampler"]),
    ("share 3.9", "share", ["--python", "3.9"]),
    ("base convoy 3.12", "base", ["convoy", "--python", "3.12"]),
]


def beside(runs):
    """Each scenario's figures, model / CPython, over interleaved rounds."""
    cells = collections.defaultdict(list)
    for _ in range(runs):
        for name, program, args in BESIDE:
            witness = [] if "--witness" in args else ["--witness", "sampler"]
            result = rust(GIL, program, *args, "--beside-cpython", *witness)["beside_cpython"]
            cells[(name, "rate")].append(result["cpython"]["samples_per_second"])
            for side in ["model", "cpython"]:
                s = result[side]
                cells[(name, side, "switches")].append(s["switches_per_second"])
                cells[(name, side, "p50")].append(s["hold_ms"]["p50"])
                cells[(name, side, "p90")].append(s["hold_ms"]["p90"])
                # The busiest thread's share first: threads are paired by rank, not by name.
                held = sorted(s["held"].values(), reverse=True)
                waited = sorted(s["waited"].values(), reverse=True)
                cells[(name, side, "held")].append(held[:2] + [0.0] * (2 - len(held[:2])))
                cells[(name, side, "waited")].append(waited[0] if waited else 0.0)
                cells[(name, side, "nobody")].append(s["nobody_held"])
                cells[(name, side, "two")].append(s["two_at_once"])
    print(f"\n### The real GIL beside the model\n")
    print(f"{runs} rounds; in each, every scenario ran once: `--features gil -- ARGS --beside-cpython` "
          f"(the model, then CPython with the same sizes, its GIL read by py-spy; 3.13t's threads by "
          f"their run state). Over the contended window of each side; median (lowest–highest).")
    def pair(name, key, fmt, unit=""):
        if "3.13t" in name and key != "two":  # no GIL: nothing switches, nobody holds
            return "no GIL"
        return " / ".join(spread(cells[(name, side, key)], fmt, unit) for side in ["model", "cpython"])
    rank = lambda name, i: " / ".join(spread([100 * h[i] for h in cells[(name, side, "held")]], "{:.0f}", " %") for side in ["model", "cpython"])
    rows = [[name, spread(cells[(name, "rate")], "{:.0f}"), pair(name, "switches", "{:.0f}"),
             pair(name, "p50", "{:.1f}"), pair(name, "p90", "{:.1f}"), rank(name, 0), rank(name, 1),
             " / ".join(spread([100 * w for w in cells[(name, side, "waited")]], "{:.0f}", " %") for side in ["model", "cpython"]),
             "no GIL" if "3.13t" in name else " / ".join(spread([100 * w for w in cells[(name, side, "nobody")]], "{:.1f}", " %") for side in ["model", "cpython"]),
             " / ".join(spread([100 * w for w in cells[(name, side, "two")]], "{:.0f}", " %") for side in ["model", "cpython"])]
            for name, _, _ in BESIDE]
    table("model / CPython:", ["scenario", "samples a second", "switches a second", "hold p50, ms", "hold p90, ms",
                               "busiest thread held", "next held", "longest waiter waited", "nobody held", "two at once"], rows)


# The fair witness: the same cpu_example beside each CPython, observed by the threads' own clocks
# on both sides (--witness clock) and by py-spy beside the model's events (--witness sampler), on
# an idle machine and with one core kept busy by another program (--busy-cores 1), interleaved.
FAIR_VERSIONS = ["3.12", "3.9", "2.7"]
FAIR_LOADS = [("idle", []), ("a core busy", ["--busy-cores", "1"])]
FAIR_WITNESSES = ["clock", "sampler"]


def fair(runs):
    """cpu_example's schedule, model / CPython, by witness and load: medians and ranges."""
    cells = collections.defaultdict(list)
    for _ in range(runs):
        for version in FAIR_VERSIONS:
            for load, load_args in FAIR_LOADS:
                for witness in FAIR_WITNESSES:
                    result = rust(GIL, "cpu_example", "--workers", "2", "--n", "5000000", "--python", version,
                                  "--beside-cpython", "--witness", witness, *load_args)["beside_cpython"]
                    key = (version, load, witness)
                    if "witness_cores" in result["cpython"]:
                        cells[key + ("cost",)].append(result["cpython"]["witness_cores"])
                    for side in ["model", "cpython"]:
                        s = result[side]
                        cells[key + (side, "switches")].append(s["switches_per_second"])
                        cells[key + (side, "p50")].append(s["hold_ms"]["p50"])
                        cells[key + (side, "p90")].append(s["hold_ms"]["p90"])
                        held = sorted(s["held"].values(), reverse=True) + [0.0, 0.0]
                        cells[key + (side, "busiest")].append(100 * held[0])
                        cells[key + (side, "next")].append(100 * held[1])
                        cells[key + (side, "two")].append(100 * s["two_at_once"])
    print("\n### A fair witness: the model and CPython observed alike, idle and with a core busy\n")
    print(f"{runs} interleaved rounds of `cpu_example --features gil -- --workers 2 --n 5000000 --python V "
          f"--beside-cpython --witness W [--busy-cores 1]`; model / CPython, median (lowest–highest), over each "
          f"side's contended window. `clock`: both sides' threads read their own clocks (a gap over 0.1 ms is "
          f"a time not run); `sampler`: py-spy reads CPython's GIL, the model's side is its exact events.")
    def pair(key, what, fmt, unit=""):
        return " / ".join(spread(cells[key + (side, what)], fmt, unit) for side in ["model", "cpython"])
    rows = []
    for version in FAIR_VERSIONS:
        for load, _ in FAIR_LOADS:
            for witness in FAIR_WITNESSES:
                key = (version, load, witness)
                cost = spread(cells[key + ("cost",)], "{:.2f}") if cells[key + ("cost",)] else "none"
                rows.append([version, load, witness, cost, pair(key, "switches", "{:.0f}"),
                             pair(key, "p50", "{:.1f}"), pair(key, "p90", "{:.1f}"),
                             pair(key, "busiest", "{:.0f}", " %"), pair(key, "next", "{:.0f}", " %"),
                             pair(key, "two", "{:.0f}", " %")])
    table("model / CPython:", ["CPython", "load", "witness", "sampler's cores", "switches a second",
                               "hold p50, ms", "hold p90, ms", "busiest thread ran", "next ran", "two at once"], rows)


SWEEPS = {"threads": sweep_threads, "interval": sweep_interval, "workers": sweep_workers, "pace": sweep_pace}


def arguments():
    parser = argparse.ArgumentParser(description="Prints the README's measured tables.")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--map", action="store_true", help="only the map (one GIL, none, one each)")
    which.add_argument("--compare", action="store_true", help="only the simulated GIL beside CPython")
    which.add_argument("--devices", action="store_true", help="only the base devices table (native)")
    which.add_argument("--beside", action="store_true", help="only the real GIL beside the model (--beside-cpython)")
    which.add_argument("--fair", action="store_true",
                       help="only the fair witness: cpu_example beside 3.12, 3.9, 2.7, by clock and by sampler, idle and with a core busy")
    which.add_argument("--sweep", action="store_true",
                       help="only the sweeps (threads 1 to 8, switch interval 1 to 50 ms, mp's workers, 3.13t's pace), with their plots")
    # 9 by default: on a shared machine a run can be half again as slow as the next, and the
    # medians of fewer runs wander.
    parser.add_argument("--runs", type=int, default=9, help="interleaved runs of the comparison (default: 9)")
    parser.add_argument("--only", type=lambda text: set(text.split(",")),
                        help="rows of the comparison to measure: " + ",".join(ROWS) + "; with --sweep, "
                        "the sweeps: " + ",".join(SWEEPS) + " (default: all)")
    parser.add_argument("--check-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    known = set(SWEEPS) if args.sweep else set(ROWS)
    args.only = args.only or known
    if args.runs < 1 or not args.only <= known:
        parser.error("--runs is at least 1, and --only names among " + ",".join(known))
    return args


def main():
    args = arguments()
    if args.check_only:  # .ci/measure checks the options before it builds anything
        return
    python3 = sys.executable
    version = sys.version.split()[0]
    print(f"Measured on {os.cpu_count()} cores; CPython {version} is `python3`.\n")
    if args.map:
        the_map(python3, version)
        return
    if args.compare:
        compare(args.runs, args.only)
        return
    if args.devices:
        devices(args.runs)
        return
    if args.fair:
        fair(args.runs)
        return
    if args.beside:
        beside(args.runs)
        return
    if args.sweep:
        for name, sweep in SWEEPS.items():
            if name in args.only:
                sweep(args.runs)
        return

    print("### Native Rust (release build, `cargo run --release -p X`)\n")
    print("| program | mode | seconds | speedup (vs the first mode, same work) | result |")
    print("|---|---|---|---|---|")
    for program, extra, key in [
        ("base", [], None),
        ("cpu_example", [], "result"),
        ("mp", [], "result"),
        ("share", [], "lost"),
        ("share2", [], "lost"),
        ("as", [], None),
    ]:
        result = rust(NATIVE, program, *extra)
        first = result["runs"][0]
        for run in result["runs"]:
            shown = "" if key is None else f"{key} {run[key]}"
            speedup = f"{first['seconds'] / run['seconds']:.2f}x vs {first['mode']}" if len(result["runs"]) > 1 else ""
            print(f"| {program} | {run['mode']} | {run['seconds']:.3f} | {speedup} | {shown} |")

    compare(args.runs, args.only)

    print("\n### The other programs under the simulated GIL, beside CPython (same arguments)\n")
    print("| what | Rust, `--features gil` | CPython | |")
    print("|---|---|---|---|")
    r = rust(GIL, "share2", "--python", "3.9")
    p = py(python3, "share2/share2.py")
    print(f"| share2: updates lost with a lock (4 x 10^6) | {run_of(r, 'mutex')['lost']} (model 3.9) | {run_of(p, 'mutex')['lost']} ({version}) | never |")

    r = rust(GIL, "mp", "--workers", "2", "--modes", "sequential,processes")
    p = py(python3, "mp/mp.py", "--workers", "2", "--modes", "sequential,processes")
    print(f"| mp: 2 processes, speedup | {seconds(r, 'sequential') / seconds(r, 'processes'):.2f}x | {seconds(p, 'sequential') / seconds(p, 'processes'):.2f}x | own GIL each |")
    r = rust(GIL, "base")
    p = py(python3, "base/base.py")
    print(f"| base: 5 waits of 0.5 s, sequential / threads (s) | {seconds(r, 'sequential'):.2f} / {seconds(r, 'threads'):.2f} | {seconds(p, 'sequential'):.2f} / {seconds(p, 'threads'):.2f} | sleeping releases the GIL |")
    r = rust(GIL, "as")
    p = py(python3, "as/as.py")
    print("| as: sequential / gather / blocking / spawn_blocking (s) | "
          + " / ".join(f"{seconds(r, m):.2f}" for m in ["sequential", "gather", "blocking", "spawn_blocking"]) + " | "
          + " / ".join(f"{seconds(p, m):.2f}" for m in ["sequential", "gather", "blocking", "spawn_blocking"]) + " | a blocking call blocks every task |")

    print("\n### What the GIL costs one thread, and the switch interval\n")
    bench = subprocess.run(["cargo", "bench", "-q", "-p", "common", "--bench", "gil_overhead"],
                           check=True, capture_output=True, text=True).stdout.strip().splitlines()
    print("- `cargo bench -p common --bench gil_overhead`: " + " / ".join(line.strip() for line in bench[1:]))
    long = ["--workers", "2", "--n", "400000000", "--pace", "native"]
    s5 = median_of(3, lambda: rust(GIL, "cpu_example", *long)["gil_stats"]["switches"])
    s20 = median_of(3, lambda: rust(GIL, "cpu_example", *long, "--switch-interval", "20")["gil_stats"]["switches"])
    print(f"- cpu_example --n 400000000 --pace native, 2 threads, median of 3: {s5} switches at --switch-interval 5, {s20} at 20 (ratio {s20 / s5:.2f})")
    the_map(python3, version)
    devices(3)


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as failed:
        # One line naming the command and what it said, not a traceback that hides it.
        said = (failed.stderr or "").strip().splitlines()
        command = " ".join(str(part) for part in failed.cmd)
        sys.exit(f"measure: {command} failed (exit {failed.returncode}): {said[-1] if said else 'no message'}")
    except KeyboardInterrupt:
        sys.exit(130)
