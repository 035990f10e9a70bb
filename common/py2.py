"""py2.py: what usage.py gives the .py twins, in Python 2's words, for the Python 2 twins.

New (not in the course): bad input is one line on stderr and exit 2, Ctrl-C exit 130 at once, a
closed stdout exit 141 quietly, as in the Rust programs. Runs under Python 2.7 (and 3).
"""

import argparse
import errno
import os
import sys


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: "error: ..." and exit 2."""

    def error(self, message):
        sys.stderr.write("error: %s (see --help)\n" % message)
        sys.exit(2)


def positive(text):
    """A whole number from 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a whole number" % text)
    if value < 1:
        raise argparse.ArgumentTypeError("%r: give 1 or more" % text)
    return value


def run(main):
    """main(), ending as the Rust programs do: 130 on Ctrl-C, 141 on a closed stdout."""
    try:
        main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        os._exit(130)  # at once, even with threads still running
    except IOError as error:
        if error.errno != errno.EPIPE:
            raise
        os._exit(141)
