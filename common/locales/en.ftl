# The programs' messages in English. Every message here has its French twin in fr.ftl (a test
# checks). Numbers arrive already written (common::lang::num); counts arrive as numbers.

## The report: header, table, what the machine and the GIL did

header = { $program } ({ $sizes }) — { $profile } build, { $gil }, { $cores } cores{ $busy }
header-busy = { " " }({ $n } kept busy by another program, --busy-cores)
header-gil = simulated GIL of CPython { $version }, { $interval }, { $pace }
header-free-threaded = free-threaded CPython 3.13t model: no GIL, { $pace }
header-no-gil = no GIL: { $natively }
natively-rust = native Rust threads
natively-tokio = one thread, tokio's current-thread runtime
interval-switch = switch interval { $ms } ms
interval-check = check interval { $ticks } ticks
pace-cpython = at CPython's pace
pace-native = at Rust's pace (--pace native)
column-mode = mode
column-seconds = seconds
column-speedup = speedup vs { $baseline }
column-cpu = cpu_s
column-cores = cores_used
column-result = result
column-expected = expected
column-got = got
column-lost = lost
column-waits = waits
column-count = count
column-errors = errors
column-sessions = sessions
column-completed = completed
column-answered = answered
column-lines = lines
column-employees = employees
column-projects = projects
busy-first = { $cores } of the { $total } cores busy during { $mode }
busy-next = { $cores } during { $mode }
busy-load = { " " }(load average { $load })
busy-line = Meanwhile the rest of the machine kept { $during }{ $load }.
gil-line = GIL: { $switches } switches, { $requests } drop requests; waits to take it p50 { $p50 } ms, p99 { $p99 } ms, max { $max } ms

## The progress line (indicatif's template: {"{"}spinner{"}"} and the like are its own)

progress-template = {"{"}spinner{"}"} {"{"}prefix{"}"}: {"{"}msg{"}"}, {"{"}elapsed{"}"} so far
progress-step = { $what } (step { $step } of { $steps })
progress-beside = { $program } beside, under CPython

## What a run's cores-used figures allow its conclusion to say (common::evidence)

crowded = the rest of the machine kept { $other } of the { $cores } cores busy, and { $who } got { $used }: this run cannot show more (run it again on an idle machine)
said-at-once = { $who } ran on the { $cores } cores at once ({ $used } cores busy)
said-turns = { $who } took turns ({ $used } cores busy)
said-partly = { $who } kept only { $used } cores busy
said-alone = { $who } had nothing to run at once
said-unknown = { $who }' CPU time was not measured
colon-clause = : { $clause }.
who-threads = the threads
who-processes = the processes
who-interpreters = the interpreters
who-rayon = rayon's threads

## cpu_example

threads-faster = The threads were { $speedup }x faster than sequential
threads-slower = The threads were { $slower }x slower than sequential
threads-same = The threads took about the same time as sequential ({ $speedup }x)
cpu-they-kept = { " " }(they kept { $used } cores busy)
cpu-one-worker = : one worker, nothing to run in parallel.
cpu-one-core = : { $cores } core, nothing to run in parallel.
cpu-rust = : Rust has no GIL, so the { $workers } threads ran on the { $cores } cores at once{ $used }.
cpu-free-threaded = : free-threaded CPython 3.13t has no GIL, so the { $workers } threads ran on the { $cores } cores at once{ $used }, as Rust's do.
cpu-no-gil-partly = : with no GIL the threads could run at once, yet they kept only { $used } cores busy, the rest of the machine being idle enough.
some = some
cpu-old-gil = : under CPython 2's old GIL the holder releases it every 100 ticks and takes it straight back, while the other threads wake up on other cores for nothing{ $used }.
cpu-old-gil-used = { " " }(the threads kept { $used } cores busy for one core's work)
cpu-gil-noise = : under the GIL only one thread runs Python code at a time{ $used }, so this gain is not the threads' (a run of a few switch intervals shows noise: try a larger --n).
cpu-gil = : under the GIL only one thread runs Python code at a time{ $used }, so for CPU-bound work threads are no faster (like python3 cpu_example.py).
cpu-gil-used = : the { $workers } threads kept { $used } cores busy between them

## share

share-lost-native = { $lost } of { $expected } updates were lost ({ $share }%): the threads ran at the same time, and a write made between another thread's read and write was overwritten.
share-luck-native = No update was lost this time, but only by luck: the read and the write are still two steps (more threads or increments will show it).
share-lost-free-threaded = { $lost } of { $expected } updates were lost ({ $share }%): free-threaded CPython 3.13t has no GIL, so the threads ran at the same time, as Rust's do, and the race that 3.10 to 3.12 hid is back. share2's lock is the fix.
share-hidden = No update was lost: since CPython 3.10 a thread lets go of the GIL only at a backward jump or a call, never between the read and the write of counter += 1. The race is hidden, not fixed (see share2, and --python 3.9).
share-lost-gil = { $lost } of { $expected } updates were lost ({ $share }%): CPython { $version } can hand the GIL over between the read and the write of counter += 1; the other threads' increments made meanwhile are overwritten.
share-luck-gil = No update was lost this time under CPython { $version }: the run was too short for the GIL to change hands between a read and its write (try more --increments).

## share2

share2-exact = No update was lost in any mode: the lock makes the read and the write one step{ $free }. An atomic is { $atomic }x and per-thread counts { $sharded }x as fast as the lock here{ $busy }.
share2-free-threaded = { " " }(on free-threaded 3.13t, with no GIL at all, the lock is the only thing that keeps the count exact)
share2-busy = , on a busy machine (the line above), which slows the lock most

## base and as

base-waits = This run took: { $waits }. One after the other the waits add up; in threads they overlap, and the run takes about one wait{ $why }.
base-under-gil = , even under the GIL: a waiting thread has released it
base-free-threaded = , as on any CPython: free-threaded 3.13t has no GIL, and waiting threads never needed one
as-waits = This run took: { $waits }. Awaited waits overlap on one thread (sequential takes one wait per task, gather about one in all); a task that blocks inside async code blocks every task, unless the blocking call runs on another thread (spawn_blocking).{ $why }
as-free-threaded = { " " }Free-threaded 3.13t changes nothing here: asyncio runs its tasks on one thread, GIL or not.
unit-waits = waits
quote = { $mode } { $value } { $unit }

## mp

mp-no-sequential = Every mode gave the exact total (add sequential to --modes to compare times).
mp-kept = { " " }(they kept { $used } cores busy)
mp-own-gil = { " " }and its own GIL
mp-processes-crowded = { $workers } processes were { $x }x as fast as sequential: { $clause }.
mp-processes-at-once = { $workers } processes were { $x }x as fast as sequential: each has its own memory{ $own_gil }, so they ran on the { $cores } cores at once{ $used }, paying for their start.
mp-processes-slower = { $workers } processes were slower than sequential ({ $x }x){ $used }: at this --n, starting them cost more than the work they shared.
mp-processes-alone = The processes were { $x }x as fast as sequential: with { $workers } worker(s) on { $cores } core(s), nothing could run at once.
mp-processes-partly = { $workers } processes were { $x }x as fast as sequential, and kept only { $used } cores busy: each has its own memory{ $own_gil }, but they did not all run at once.
mp-keeping = , keeping { $used } cores busy
mp-interpreters-crowded = { $workers } interpreters were { $x }x as fast: { $clause }.
mp-interpreters-gil = { $workers } interpreters, one GIL each, were { $x }x as fast{ $used }, in one process and with no process to start.
mp-interpreters = { $workers } interpreters were { $x }x as fast{ $used }: with no GIL, plain threads.
mp-rayon-paced = rayon's { $x }x is not a like-for-like figure: its loop runs at Rust's speed even in this build (no GIL, no CPython pace), against the others at CPython's; it compares Rust with the imitated CPython, not threads with processes.
mp-rayon-crowded = rayon was { $x }x as fast: { $clause }.
mp-rayon = rayon ({ $x }x) needs no processes: Rust threads have no GIL to escape.
mp-only-sequential = Only sequential ran: nothing to compare it with.

## Failures said in one line

error-prefix = { "error: " }
failure-worker = worker { $index } (pid { $pid }) { $what }; the other workers were stopped
failure-interrupted = interrupted; every worker was stopped
failure-worker-start = could not start a worker process: { $why }
failure-thread-start = could not start a thread: { $why }
interrupted = interrupted

## The .py twins' own lines (common/messages.py reads these files too)

py-cpu-words = { $cpu } cpu s, { $cores } cores used
py-base = Sleeping releases the GIL: the threads wait at the same time.
py-cpu-gil = Under the GIL one thread at a time runs Python code: { $threads }.
py-cpu-free-threaded = This CPython is free-threaded (no GIL): { $threads }.
py-speedup-vs = (speedup vs { $mode })
py-mp = Each process, and each interpreter, has its own GIL: { $parallel }.
py-share-lost = { $lost } of { $expected } updates were lost ({ $share }%): { $why }, and a write made meanwhile by another thread was overwritten.
py-share-why-free-threaded = free-threaded CPython has no GIL: the threads ran at the same time
py-share-why-gil = this CPython can hand the GIL over between the read and the write
py-share-luck-free-threaded = No update was lost this time, but only by luck: with no GIL the read and the write are still two steps (more threads or increments will show it).
py-share-hidden = No update was lost: since CPython 3.10 a thread lets go of the GIL only at a backward jump or a call, never between the read and the write of counter += 1. The race is hidden, not fixed (see share2.py, and Python 3.9).
py-share-short = No update was lost this time: the run was too short for the GIL to change hands between a read and its write (try more --increments).
py-counts = expected { $expected }, got { $got }, lost { $lost } ({ $seconds } s, { $cpu })
py-as = Awaited waits overlap; a blocking call inside a coroutine blocks every task.
