"""The curriculum as an executable check: its cost under nbval, and the capstone's training cell.

Measured in one run, on this machine:

1. ``pytest --nbval`` over every course notebook, against the same number of empty notebooks (one
   trivial code cell each) run the same way: the ratio says what the course's own computation adds
   to the fixed cost of starting a kernel per notebook. Targets (issues 11-13): the whole course in
   at most 60 s on a 2-core machine, and within 2x the empty notebooks' time.
   For information, also the same number of notebooks that only import what every chapter imports,
   which splits the cost per notebook into kernel start, imports and the chapter's own cells.
2. The capstone (chapter 12): each code cell run in this process, in order; the slowest one is the
   training loop. Target: at most 5 s.

Printed, not asserted: timings are not tests.

    .venv/bin/python benchmarks/curriculum.py
"""
import contextlib
import io
import json
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COURSE_TARGET_S, RATIO_TARGET, CAPSTONE_TARGET_S = 60.0, 2.0, 5.0


def _pytest(args, cwd):
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                          "--nbval-current-env", *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"pytest failed in {cwd}:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    return elapsed


#: What every course notebook imports first (for the "imports only" line, for information).
IMPORTS = ("import numpy as np\nimport matplotlib.pyplot as plt\nfrom ipywidgets import interact\n"
           "from calclib import plots\nfrom calclib.exercises import check\nplots.use_course_style()")


def empty_notebooks(folder, n, source="x = 1"):
    import nbformat
    for k in range(n):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, execution_count=1)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / f"{k + 1:02d}_empty.ipynb")


def capstone_cells(path):
    """Seconds per code cell of the capstone notebook, run in order in this process."""
    import matplotlib

    matplotlib.use("Agg")
    import ipywidgets
    import matplotlib.pyplot as plt

    ns = {"__name__": "__notebook__"}
    saved = ipywidgets.interact, plt.show
    ipywidgets.interact, plt.show = (lambda f, **w: f), (lambda *a, **k: plt.close("all"))
    times = []
    try:
        for k, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] != "code":
                continue
            src = "\n".join(ln for ln in "".join(cell["source"]).splitlines() if not ln.lstrip().startswith("%"))
            t = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(src, f"{path.name}[{k}]", "exec"), ns)  # noqa: S102 - our notebook
            times.append((time.perf_counter() - t, k, src.splitlines()[0][:60]))
    finally:
        ipywidgets.interact, plt.show = saved
    return times


def main():
    n = len(NOTEBOOKS)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        empty_notebooks(tmp, n)
        _pytest([str(tmp)], tmp)                       # warm-up: imports, font cache, kernel spec
        t_empty = _pytest([str(tmp)], tmp)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        empty_notebooks(tmp, n, IMPORTS)
        t_imports = _pytest([str(tmp)], tmp)
    t_course = _pytest(["notebooks"], ROOT)
    ratio = t_course / t_empty
    print(f"nbval, {n} course notebooks : {t_course:6.1f} s   (target <= {COURSE_TARGET_S:.0f} s: "
          f"{'met' if t_course <= COURSE_TARGET_S else 'NOT met'})")
    print(f"nbval, {n} empty notebooks  : {t_empty:6.1f} s")
    print(f"ratio course / empty        : {ratio:6.2f}     (target <= {RATIO_TARGET:.0f}: "
          f"{'met' if ratio <= RATIO_TARGET else 'NOT met'})")
    print(f"for information: {n} notebooks that only import the course's stack (numpy, matplotlib, "
          f"ipywidgets, calclib): {t_imports:.1f} s,\n  ratio course / imports only {t_course / t_imports:.2f}; "
          f"per notebook: kernel {t_empty / n:.2f} s, imports {(t_imports - t_empty) / n:.2f} s, "
          f"the chapter itself {(t_course - t_imports) / n:.2f} s")

    capstone = ROOT / "notebooks" / "12_summary.ipynb"
    if capstone.exists():
        times = capstone_cells(capstone)
        slowest = max(times)
        print(f"\ncapstone ({capstone.name}): {len(times)} code cells, {sum(t for t, _, _ in times):.2f} s in all")
        print(f"slowest cell {slowest[1]} ({slowest[2]!r}...): {slowest[0]:.2f} s   "
              f"(target <= {CAPSTONE_TARGET_S:.0f} s: {'met' if slowest[0] <= CAPSTONE_TARGET_S else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
