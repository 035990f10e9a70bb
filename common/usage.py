"""New (not in the original course): what a mode used, as the Rust programs measure it.

Wall time (`time.perf_counter()`) beside CPU time: this process's threads
(`time.process_time()`) and the worker processes it waited for (`os.times()`'s children), and
how busy the rest of the machine was meanwhile (`/proc/stat`, `os.getloadavg()`). Two threads
that compute on two cores use 2 CPU seconds a second; under the GIL, 1 between them; threads
that wait, almost none. The `.py` files import it from here, so that they stay the course's.
"""

import argparse
import os
import sys
import time

from messages import choose, num, tr

# Modes shorter than this are too short for /proc/stat's 10 ms ticks to tell the machine's work.
MACHINE_WINDOW = 0.25
# From how many cores of other work a mode's machine is named as busy.
BUSY = 0.25
TICK = 0.01  # /proc/stat counts in USER_HZ ticks: 100 a second on Linux


def machine_busy():
    """How long all the cores have been busy since boot, in seconds, or None."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu" or len(fields) < 9:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[1:9])
    return (user + nice + system + irq + softirq + steal) * TICK


def snapshot():
    """The counters now, to subtract from later ones."""
    times = os.times()
    return (time.perf_counter(), time.process_time(),
            times.children_user + times.children_system, machine_busy())


def measured(function, *args):
    """Runs function(*args): its result, its wall seconds, and what it used (a dict)."""
    before = snapshot()
    result = function(*args)
    return (result, *since(before))


def since(before):
    """The wall seconds from `before` (a snapshot) to now, and what was used (a dict)."""
    after = snapshot()
    wall = after[0] - before[0]
    cpu = (after[1] - before[1]) + (after[2] - before[2])
    used = {"cpu_seconds": cpu, "cores_used": cpu / wall if wall > 0 else 0.0}
    if before[3] is not None and after[3] is not None and wall >= MACHINE_WINDOW:
        used["other_cores"] = max(0.0, (after[3] - before[3] - cpu) / wall)
    return wall, used


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def print_busy_line(runs):
    """Prints a line naming the rest of the machine's work, if it kept a quarter of a core busy
    during one of `runs`."""
    line = busy_line(runs)
    if line:
        print(line)


def busy_line(runs):
    """A line naming the rest of the machine's work, if it kept a quarter of a core busy."""
    others = [(run["mode"], run["other_cores"]) for run in runs if "other_cores" in run]
    if not any(cores >= BUSY for _, cores in others):
        return None
    during = [tr("busy-first", cores=num(cores, 1), total=os.cpu_count(), mode=mode) if i == 0
              else tr("busy-next", cores=num(cores, 1), mode=mode)
              for i, (mode, cores) in enumerate(others)]
    load = load_average()
    load = tr("busy-load", load=num(load, 2)) if load is not None else ""
    return tr("busy-line", during=", ".join(during), load=load)


def said(run, workers, who):
    """What `who` (workers that compute) did with the cores, as measured, in a few words."""
    cores = os.cpu_count() or 1
    used, other = run["cores_used"], run.get("other_cores")
    if min(workers, cores) <= 1:
        return tr("said-alone", who=who)
    if used >= 0.75 * min(workers, cores):
        return tr("said-at-once", who=who, cores=cores, used=num(used, 2))
    if other is not None and other >= 0.5:
        return tr("crowded", other=num(other, 1), cores=cores, who=who, used=num(used, 2))
    if used <= 1.25:
        return tr("said-turns", who=who, used=num(used, 2))
    return tr("said-partly", who=who, used=num(used, 2))


def cpu_words(run):
    """The run's CPU time in a few words: "0.412 cpu s, 0.98 cores used"."""
    return tr("py-cpu-words", cpu=num(run["cpu_seconds"], 3), cores=num(run["cores_used"], 2))


def table_line(run, baseline_seconds, width):
    """A run's line: its mode, wall time, speedup over the baseline, CPU time and cores used."""
    speedup = baseline_seconds / run["seconds"] if run["seconds"] > 0 else float("inf")
    return (f"{run['mode']:<{width}}  {num(run['seconds'], 3):>7} s  {num(speedup, 2):>5}x  "
            + tr("py-cpu-words", cpu=f"{num(run['cpu_seconds'], 3):>6}", cores=num(run["cores_used"], 2)))


# New (not in the original course): the promises the Rust programs keep, kept by the .py too.

class Parser(argparse.ArgumentParser):
    """argparse, but bad input is one line on stderr and exit 2, as in the Rust programs; and
    --lang en|fr, the language of the lines it prints (messages.py; default: the locale's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_argument("--lang", choices=["en", "fr"],
                          help="the language of the conclusion: en or fr (default: the locale's)")

    def parse_args(self, *args, **kwargs):
        parsed = super().parse_args(*args, **kwargs)
        choose(parsed.lang)
        return parsed

    def error(self, message):
        sys.stderr.write(f"error: {message}\n")
        sys.exit(2)


def positive(text):
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not at least 1")
    return value


def interval_ms(text):
    """An argparse type: a switch interval in milliseconds, from 0.001 to 1000."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.001 <= value <= 1000:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} ms: the switch interval is from 0.001 to 1000")
    return value


def run(main):
    """Runs main() as the Rust programs end: Ctrl-C is one line and exit 130 at once (threads
    that are not daemons would otherwise run on), a closed stdout (`| head -1`) exit 141 in
    silence, as `cat` does."""
    try:
        main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        sys.stderr.flush()
        os._exit(130)
    except BrokenPipeError:
        os._exit(141)


def modes(known):
    """An argparse type: a comma-separated choice among `known`, in their order."""
    def parse(text):
        chosen = [mode for mode in text.split(",") if mode]
        unknown = [mode for mode in chosen if mode not in known]
        if unknown or not chosen:
            raise argparse.ArgumentTypeError(f"{text!r}: choose among {','.join(known)}")
        return [mode for mode in known if mode in chosen]
    return parse
