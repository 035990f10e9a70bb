"""convoy.py: the convoy effect (David Beazley, bpo-7946), in CPython: the twin of `base convoy`.

An I/O thread makes round trips to a device on the network (here a server process on
127.0.0.1 that answers after --latency-ms), first alone, then beside a CPU-bound thread. While
the device answers, the I/O thread has released the GIL and the CPU thread takes it; when the
answer is back, the I/O thread must wait for the GIL, up to a switch interval (5 ms), for each
round trip. Runs on CPython 2.7 and 3.x.

Run: python3 convoy.py [--round-trips N] [--latency-ms MS] [--json]
"""

import argparse
import json
import socket
import subprocess
import sys
import threading
import time

DEVICE = """
import signal, socket, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for convoy.py, which kills the device
latency = float(sys.argv[1]) / 1000.0
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
sys.stdout.write("%d\\n" % server.getsockname()[1])
sys.stdout.flush()
connection, _ = server.accept()
lines = connection.makefile("rb")
for line in iter(lines.readline, b""):
    if latency:
        time.sleep(latency)
    connection.sendall(line)
"""


def io_thread(session, round_trips):
    reader, times = session.makefile("rb"), []
    for i in range(round_trips):
        start = time.time()
        session.sendall(("ping %d\n" % i).encode())
        reader.readline()  # recv() releases the GIL; the thread needs it back to go on
        times.append((time.time() - start) * 1000.0)
    times.sort()
    return times[len(times) // 2]


def cpu_thread(stop):
    count = 0
    while not stop:
        count = count + 1


def switch_interval(args):
    """New (not in the original): the same --switch-interval as the Rust program's."""
    if args.switch_interval is not None:
        if not hasattr(sys, "setswitchinterval"):
            sys.exit("error: Python 2 has no switch interval (its GIL is released every 100 ticks)")
        if not 0 < args.switch_interval <= 1000:
            sys.exit("error: --switch-interval is in milliseconds, from 0.001 to 1000")
        sys.setswitchinterval(args.switch_interval / 1000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switch-interval", type=float, metavar="MS",
                        help="the GIL's switch interval (sys.setswitchinterval; default: 5)")
    parser.add_argument("--round-trips", type=int, default=200, help="default: 200")
    parser.add_argument("--latency-ms", type=float, default=0.2, help="default: 0.2, like a LAN")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    switch_interval(args)

    device = subprocess.Popen([sys.executable, "-c", DEVICE, str(args.latency_ms)], stdout=subprocess.PIPE)
    try:
        port = int(device.stdout.readline())
        session = socket.create_connection(("127.0.0.1", port))
        session.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        alone = io_thread(session, args.round_trips)
        stop = []
        cpu = threading.Thread(target=cpu_thread, args=(stop,))
        cpu.start()
        try:
            beside = io_thread(session, args.round_trips)
        finally:
            stop.append(True)  # New: on Ctrl-C too, or the CPU thread would spin on for good
        cpu.join()
    finally:
        device.kill()
    if args.json:
        print(json.dumps({"program": "convoy.py", "python": sys.version.split()[0],
                          "round_trips": args.round_trips, "latency_ms": args.latency_ms,
                          "p50_ms": {"alone": alone, "beside_cpu_thread": beside}}))
        return
    print("round trip p50: alone %.3f ms, beside a CPU-bound thread %.3f ms (%.1fx)" % (alone, beside, beside / alone))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # New: one line and exit 130, as the Rust programs end
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
