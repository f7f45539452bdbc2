"""How many students a machine serves: the course's JupyterHub measured with N students at once.

For each N (default 1, 5, 10, 20) a fresh hub is started with the deployment's
own configuration (``deploy/jupyterhub/jupyterhub_config.py``, through the hub
test's harness ``tests/hub/hub_harness.py``: N new Linux users, LocalProcessSpawner)
and N students arrive together: each logs in through the REST API, starts a
server, pulls the course through nbgitpuller (from ``git daemon`` on
127.0.0.1) and runs chapter 1's cells through the kernel API. Measured per
student:

* spawn time (server requested -> ready);
* time to first result (everyone starts at the same instant -> the first
  cell's reply: login, spawn, pull and kernel start included);
* chapter time (all cells of chapter 1);
* memory after running the chapter, while the kernel is alive: RSS (and PSS,
  which shares libraries fairly) of the server and of the kernel;
* CPU seconds of the server and the kernel.

Baseline, measured in the same run: one learner on plain JupyterLab (``make
lab``: no hub, no login, no pull), the same chapter through the same kernel
API. Ratios are printed against it.

From the figures the script derives how many students machines of 2, 8 and 32
cores / 8, 32 and 128 GiB serve (the arithmetic is printed) and the Zero to
JupyterHub resource settings that follow. Timings are printed, not asserted.

Needs root (it creates and deletes Linux users ``hubb<random>-sNN``), the
``hub`` extra and ``npm ci --prefix deploy/jupyterhub``.

    .venv/bin/python benchmarks/classroom.py [--students 1,5,10,20] [--window 120]
"""
from __future__ import annotations

import argparse
import math
import os
import pathlib
import secrets
import statistics
import sys
import threading
import time

import psutil

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from hub import hub_harness as hh  # noqa: E402

__all__ = ["arrival_fit", "capacity", "main", "measure_class", "measure_laptop", "z2jh_resources"]

MiB = 1024 ** 2
GiB = 1024 ** 3
#: Machines to size: (cores, GiB).
MACHINES = [(2, 8), (8, 32), (32, 128)]
#: Memory kept for the operating system, page cache and the hub itself (GiB, added to the hub's measured RSS).
OS_RESERVE_GIB = 1.0
FOLDER = "calculus-course"


def _chapter() -> str:
    return hh.load_class_link().chapter_notebook(1)


def _mem(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of one process."""
    info = psutil.Process(pid).memory_full_info()
    return info.rss, getattr(info, "pss", info.rss)


def _cpu(pid: int) -> float:
    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def _kernel_pid(server_pid: int) -> int:
    kernels = [p.pid for p in psutil.Process(server_pid).children(recursive=True)
               if "ipykernel" in " ".join(p.cmdline())]
    if len(kernels) != 1:
        raise RuntimeError(f"expected one kernel under server {server_pid}, found {kernels}")
    return kernels[0]


def _run_and_measure(student: hh.Student, path: str, t0: float, server_pid_of, barrier) -> dict:
    """Run the chapter, wait for the whole class, measure memory and CPU, stop the kernel."""
    row = {}
    nb = student.read_notebook(path)
    session = student.start_kernel(path)
    first = []
    try:
        t_run = time.monotonic()
        runs = student.run_cells(session["kernel"]["id"], hh.code_cells(nb),
                                 on_first=lambda: first.append(time.monotonic()))
        row["chapter"] = time.monotonic() - t_run
        row["first_result"] = first[0] - t0
        problems = hh.compare_outputs(nb, runs)
        if problems:
            raise RuntimeError(f"{student.name}: chapter 1 did not reproduce its outputs: {problems[0]}")
        barrier.wait()  # every kernel is alive and has run the chapter: measure now
        server = server_pid_of(student)
        kernel = _kernel_pid(server)
        row["server_rss"], row["server_pss"] = _mem(server)
        row["kernel_rss"], row["kernel_pss"] = _mem(kernel)
        row["server_cpu"], row["kernel_cpu"] = _cpu(server), _cpu(kernel)
        barrier.wait()  # nobody stops a kernel before everyone has measured
    except threading.BrokenBarrierError:
        raise RuntimeError(f"{student.name}: another student failed, the class was stopped") from None
    except BaseException:
        barrier.abort()
        raise
    finally:
        student.stop_kernel(session)
    return row


def measure_class(n: int, course: hh.CourseRemote) -> dict:
    """Start a hub for ``n`` new students, let them arrive together, measure; remove everything."""
    names = [f"hubb{secrets.token_hex(3)}-s{k:02d}" for k in range(n)]
    hub = hh.Hub(names)
    path = f"{FOLDER}/{_chapter()}"
    try:
        hub.start()
        students = [hh.Student(hub, name, "pw-" + secrets.token_hex(8)) for name in names]
        barrier = threading.Barrier(n)
        t0 = time.monotonic()

        def arrive(student):
            student.login()
            student.start_server()
            student.pull(course.url, course.branch, FOLDER)
            row = _run_and_measure(student, path, t0, lambda s: hub.server_pid(s.name), barrier)
            row["spawn"] = student.timings["spawn"]
            return row

        results = hh.run_students(students, arrive)
        failed = [f"{k}: {v}" for k, v in results.items() if isinstance(v, Exception)]
        if failed:
            raise RuntimeError(f"N={n}: " + "; ".join(failed))
        hub.remember_children()
        overhead = sum(_mem(pid)[0] for pid in [hub.proc.pid, hub.service_pid("idle-culler")] + [
            p.pid for p in psutil.Process(hub.proc.pid).children() if "configurable-http-proxy" in " ".join(p.cmdline())])
        return {"n": n, "rows": list(results.values()), "hub_rss": overhead}
    finally:
        try:
            hub.stop()
        finally:
            left = hub.leftovers()
            problems = hh.remove_system_users(names)
            hub.cleanup()
            if left or problems:
                raise RuntimeError(f"N={n}: left behind: {left + problems}")


def measure_laptop() -> dict:
    """The one-laptop baseline: plain JupyterLab (as ``make lab``) and one learner."""
    chapter = ROOT / _chapter()
    t0 = time.monotonic()
    with hh.lab_harness.JupyterServer([chapter]) as server:
        learner = hh.Student.of_server(server)
        barrier = threading.Barrier(1)
        row = _run_and_measure(learner, chapter.name, t0, lambda s: server.proc.pid, barrier)
    return row


def arrival_fit(sizes, last_first_results) -> tuple[float, float]:
    """``a`` and ``b`` of ``last first result = a + b * (N - 1)`` (seconds).

    ``a`` is the wait of a student alone (login, server start, pull, kernel start:
    the smallest class measured, scaled to one student); ``b`` the seconds each more
    student adds on this machine's cores when the class arrives together: the slope
    from the smallest to the largest class measured (so the crowding of the largest
    class is in it). With one size: ``a`` = 0, ``b`` = time / N.

    >>> arrival_fit([1, 5, 10, 20], [6.0, 22.0, 53.0, 133.0])
    (6.0, 6.684211)
    """
    if len(set(sizes)) < 2:
        return 0.0, round(last_first_results[0] / sizes[0], 6)
    pairs = sorted(zip(sizes, last_first_results))
    (n0, t0), (n1, t1) = pairs[0], pairs[-1]
    b = (t1 - t0) / (n1 - n0)
    a = max(0.0, t0 - b * (n0 - 1))
    return round(a, 6), round(b, 6)


def capacity(per_student_bytes: float, a: float, b: float, here_cores: int, window: float,
             hub_bytes: float, cores: int, gib: float) -> dict:
    """Students one machine serves: the smaller of what its memory holds and how many, arriving
    together, see their first result within ``window`` seconds.

    Memory: ``floor((RAM - OS_RESERVE_GIB - hub) / per student)``. CPU: the measured
    ``a + b * (N - 1)`` on ``here_cores`` cores becomes ``a + b * (N - 1) * here_cores / cores``
    on ``cores`` cores (the per-student work spreads over the cores), so
    ``N = 1 + floor((window - a) * cores / (b * here_cores))``.

    >>> c = capacity(300 * MiB, 18.0, 2.0, 2, 60.0, 200 * MiB, cores=2, gib=8)
    >>> c["memory"], c["cpu"], c["students"]
    (23, 22, 22)
    """
    usable = gib * GiB - OS_RESERVE_GIB * GiB - hub_bytes
    memory = max(0, math.floor(usable / per_student_bytes))
    cpu = 1 + math.floor((window - a) * cores / (b * here_cores)) if window >= a else 0
    return {"memory": memory, "cpu": cpu, "students": min(memory, cpu), "usable": usable}


def _round_up(value: float, step: float) -> float:
    return math.ceil(value / step) * step


def z2jh_resources(per_student_bytes: float, core_seconds: float, window: float) -> dict:
    """Zero to JupyterHub ``singleuser`` resources from the measured figures.

    Memory guarantee: the measured per-student RSS rounded up to 128 MiB (what
    the scheduler reserves); limit: twice that (room for a student's own
    arrays; above it the kernel is killed, not the node). CPU guarantee: the
    share of a core one arriving student needs to be served within ``window``
    s (``core_seconds`` = b x cores measured on), rounded up to 0.05; limit: one core.

    >>> z2jh_resources(300 * MiB, 6.0, 60.0)
    {'memory_guarantee': '384M', 'memory_limit': '768M', 'cpu_guarantee': 0.1, 'cpu_limit': 1.0}
    """
    guarantee = _round_up(per_student_bytes / MiB, 128)
    return {"memory_guarantee": f"{guarantee:.0f}M", "memory_limit": f"{2 * guarantee:.0f}M",
            "cpu_guarantee": round(_round_up(core_seconds / window - 1e-9, 0.05), 2), "cpu_limit": 1.0}


def _med(rows, key, scale=1.0):
    return statistics.median(r[key] for r in rows) / scale


def _max(rows, key, scale=1.0):
    return max(r[key] for r in rows) / scale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", default="1,5,10,20", help="class sizes to measure (default 1,5,10,20)")
    parser.add_argument("--window", type=float, default=120.0,
                        help="seconds within which a class arriving together should see its first result "
                             "(the CPU side of the capacity; default 120)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(x) for x in args.students.split(",") if x.strip()]
    except ValueError:
        parser.error(f"`--students` must be comma-separated integers, got {args.students!r}")
    if not sizes or min(sizes) < 1:
        parser.error(f"`--students` must be positive integers, got {args.students!r}")
    if args.window <= 0:
        parser.error(f"`--window` must be positive, got {args.window}")
    if os.geteuid() != 0:
        print("benchmarks/classroom.py needs root: the hub runs every student as their own Linux user "
              "and this script creates and deletes those users", file=sys.stderr)
        return 2
    if not os.access(hh.PROXY, os.X_OK):
        print(f"configurable-http-proxy not found at {hh.PROXY}; {hh.PROXY_HINT}", file=sys.stderr)
        return 2

    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / GiB:.1f} GiB, load average "
          f"{os.getloadavg()[0]:.1f} at the start (other work on the machine slows every figure); "
          f"chapter: {_chapter()}")
    laptop = measure_laptop()
    laptop_mem = laptop["server_rss"] + laptop["kernel_rss"]
    print(f"baseline (plain JupyterLab, one learner, no hub): first result {laptop['first_result']:.1f} s "
          f"(server start included), chapter {laptop['chapter']:.1f} s, server {laptop['server_rss'] / MiB:.0f} MiB "
          f"+ kernel {laptop['kernel_rss'] / MiB:.0f} MiB RSS")

    results = []
    with hh.CourseRemote(sorted((ROOT / "notebooks").glob("*.ipynb")), name=FOLDER) as course:
        for n in sizes:
            t = time.monotonic()
            results.append(measure_class(n, course))
            print(f"  N={n}: measured in {time.monotonic() - t:.0f} s", flush=True)

    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print()
    print("| N | spawn s (median / max) | first result s (median / max) | vs laptop | chapter s (median) "
          "| server RSS MiB | kernel RSS MiB | student RSS MiB (max) | vs laptop | student PSS MiB | CPU s / student |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for res in results:
        rows = res["rows"]
        per = [r["server_rss"] + r["kernel_rss"] for r in rows]
        pss = [r["server_pss"] + r["kernel_pss"] for r in rows]
        cpu = [r["server_cpu"] + r["kernel_cpu"] for r in rows]
        print(f"| {res['n']} | {_med(rows, 'spawn'):.1f} / {_max(rows, 'spawn'):.1f} "
              f"| {_med(rows, 'first_result'):.1f} / {_max(rows, 'first_result'):.1f} "
              f"| {_med(rows, 'first_result') / laptop['first_result']:.1f}x "
              f"| {_med(rows, 'chapter'):.1f} | {_med(rows, 'server_rss', MiB):.0f} | {_med(rows, 'kernel_rss', MiB):.0f} "
              f"| {max(per) / MiB:.0f} | {max(per) / laptop_mem:.2f}x | {statistics.median(pss) / MiB:.0f} "
              f"| {statistics.median(cpu):.1f} |")

    all_rows = [r for res in results for r in res["rows"]]
    per_student = max(r["server_rss"] + r["kernel_rss"] for r in all_rows)
    cpu_seconds = statistics.median(r["server_cpu"] + r["kernel_cpu"] for r in all_rows)
    hub_rss = max(res["hub_rss"] for res in results)
    here = os.cpu_count() or 1
    sizes = [res["n"] for res in results]
    lasts = [_max(res["rows"], "first_result") for res in results]
    a, b = arrival_fit(sizes, lasts)
    print()
    print(f"per student: {per_student / MiB:.0f} MiB (largest server + kernel RSS seen, after chapter 1); "
          f"{cpu_seconds:.1f} CPU s in the student's own processes (median; the hub's work and the "
          f"waits are not in it); hub + proxy + culler {hub_rss / MiB:.0f} MiB")
    print("arrival: last first result = a + b x (N - 1), from N = " + ", ".join(map(str, sizes))
          + " (" + ", ".join(f"{t:.0f} s" for t in lasts) + f"): a = {a:.1f} s (one student alone), "
          f"b = {b:.2f} s per more student on {here} cores ({b * here:.1f} core-seconds each)")
    print()
    print(f"capacity: memory = floor((RAM - {OS_RESERVE_GIB:g} GiB system - {hub_rss / MiB:.0f} MiB hub) / "
          f"{per_student / MiB:.0f} MiB); CPU = 1 + floor(({args.window:g} s - {a:.1f} s) x cores / "
          f"({b:.2f} s x {here})): a class arriving together sees its first result within {args.window:g} s; "
          "students = the smaller")
    print("| machine | memory arithmetic | memory bound | CPU arithmetic | CPU bound | students |")
    print("|---|---|---|---|---|---|")
    for cores, gib in MACHINES:
        c = capacity(per_student, a, b, here, args.window, hub_rss, cores, gib)
        print(f"| {cores} cores / {gib} GiB | {c['usable'] / MiB:.0f} MiB / {per_student / MiB:.0f} MiB | {c['memory']} "
              f"| 1 + ({args.window:g} - {a:.1f}) x {cores} / ({b:.2f} x {here}) | {c['cpu']} | **{c['students']}** |")
    z = z2jh_resources(per_student, b * here, args.window)
    print()
    print("Zero to JupyterHub (deploy/z2jh/values.yaml), from these figures:")
    print("singleuser:\n  memory:\n"
          f"    guarantee: {z['memory_guarantee']}   # per-student RSS {per_student / MiB:.0f} MiB, rounded up to 128M\n"
          f"    limit: {z['memory_limit']}       # twice the guarantee: room for a student's own arrays\n"
          "  cpu:\n"
          f"    guarantee: {z['cpu_guarantee']}     # {b * here:.1f} core-seconds per arriving student / {args.window:g} s\n"
          f"    limit: {z['cpu_limit']}")
    print("one-machine hub (deploy/jupyterhub): CALC_HUB_MAX_SERVERS = the 'students' column for the machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
