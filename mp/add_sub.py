"""add_sub.py: freeCodeCamp's add(a, b) and sub(a, b), one after the other, by two threads and by
two processes. The tutorial waits 20 s in add and 10 s in sub; here one tutorial second is
--unit-ms milliseconds (default 10), so the waits are 200 ms and 100 ms.

Run: python3 add_sub.py [--unit-ms U]
"""

import multiprocessing
import sys
import threading
import time
import os

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from usage import Parser, interval_ms, positive  # noqa: E402 New

a = 25
b = 30


def add(a, b, unit):
    print("À l'intérieur de la fonction add")
    print("Attente de 20 secondes dans add")
    time.sleep(20 * unit)
    print("Valeur de l'addition :", a + b)


def sub(a, b, unit):
    print("À l'intérieur de la fonction sub")
    print("Valeur de la soustraction {}:".format(a - b))
    print("Attente de 10 secondes dans sub")
    time.sleep(10 * unit)


def run(kind, unit):
    start = time.perf_counter()
    if kind is None:
        add(a, b, unit)
        sub(a, b, unit)
    else:
        add_worker = kind(target=add, args=(a, b, unit))
        sub_worker = kind(target=sub, args=(a, b, unit))
        add_worker.start()
        sub_worker.start()
        add_worker.join()
        sub_worker.join()
    print("Complet")
    return time.perf_counter() - start


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:  # checked by its type, interval_ms
        sys.setswitchinterval(args.switch_interval / 1000)


if __name__ == "__main__":
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=interval_ms, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    parser.add_argument("--unit-ms", type=positive, default=10, help="one tutorial second, in ms (default: 10)")
    args = parser.parse_args()
    switch_interval(args)
    unit = args.unit_ms / 1000
    for name, kind in (("sequential", None), ("threads", threading.Thread), ("processes", multiprocessing.Process)):
        print(f"--- {name}")
        print(f"{name}: {run(kind, unit):.3f} s")
