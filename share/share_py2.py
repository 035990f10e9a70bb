"""share_py2.py: share.py in Python 2's words, for CPython 2.7's old GIL.

share.py is Python 3; CPython 2.7 runs this twin instead, with the same options and the same
JSON: `.ci/measure` and `--beside-cpython` under `--python 2.7`.

Run: python2 share_py2.py [--workers K] [--increments N] [--json]
"""

import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from py2 import Parser, positive, run  # noqa: E402 New

counter = 0


def increment():
    global counter
    counter += 1


def worker(increments):
    for _ in xrange(increments):
        increment()


def main():
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=positive, default=4, help="threads (default: 4)")
    parser.add_argument("--increments", type=positive, default=1000000, help="per thread (default: 1000000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    start = time.time()
    threads = [threading.Thread(target=worker, args=(args.increments,)) for _ in range(args.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.time() - start

    expected = args.workers * args.increments
    run = {"mode": "threads", "seconds": seconds, "expected": expected, "got": counter, "lost": expected - counter}
    if args.json:
        print(json.dumps({"program": "share_py2.py", "python": sys.version.split()[0],
                          "workers": args.workers, "increments": args.increments, "runs": [run]}))
    else:
        print("expected %d, got %d, lost %d (%.3f s)" % (expected, counter, expected - counter, seconds))


if __name__ == "__main__":
    run(main)  # New: main(), ending as the Rust programs do (py2.py)
