"""Cost of one slider move: compute, draw and encode the image, per slider of the course.

Runs each notebook's code in this process (``tools/notebook_figures.py``: ``interact``
replaced by a recorder), so the callbacks timed are exactly the ones the notebooks wire
to their sliders. A move is timed as the notebook runs it: ``explorer.image(**values)``
draws a new figure and encodes it as the notebook shows it (SVG, or a 2x PNG for the
explorers that ask for one), which is all ``explorer.show`` adds to ``display``.

Baseline, measured in the same run: the same drawing rendered the way the course did
before pattern v2 (a 1x PNG at 80 dpi), so the ratio says what sharp figures cost.

Target (issues "Pattern v2" and the chapter issues): median <= 50 ms per callback on the
course's 2-core machine. Printed, not asserted: timings are not tests.

    .venv/bin/python benchmarks/slider_callbacks.py [notebooks/NN_*.ipynb ...]
"""
import io
import pathlib
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_figures import run_notebook_code  # noqa: E402

TARGET_MS = 50.0


def slider_values(slider, n=15):
    """`n` positions of a slider from one end to the other."""
    return slider.values(n)


def time_moves(ex, name, baseline=False, clock=time.perf_counter):
    """Milliseconds per move of slider `name` across its range (twice), by `clock`.

    Wall time is what a learner waits; CPU time (``time.process_time``) hardly
    depends on what else the machine is doing, so both are printed."""
    values = ex.defaults()
    times = []
    for v in slider_values(next(s for s in ex.sliders if s.name == name)) * 2:
        values[name] = v
        t = clock()
        if baseline:
            fig, _ = ex.render(**values)
            fig.set_dpi(80)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=80)
            plt.close(fig)
        else:
            ex.image(**values)
        times.append((clock() - t) * 1e3)
    return times


def main(argv=None):
    paths = [pathlib.Path(p) for p in (argv or sys.argv[1:])] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    rows = []
    for path in paths:
        for inter in run_notebook_code(path).interacts:
            ex = inter.explorer
            time_moves(ex, ex.sliders[0].name)                 # warm-up (font caches)
            for s in ex.sliders:
                ts = time_moves(ex, s.name)
                cpu = time_moves(ex, s.name, clock=time.process_time)
                base = time_moves(ex, s.name, baseline=True)
                rows.append((path.stem, inter.cell, s.description or s.name, ex.fmt, statistics.median(ts),
                             float(np.percentile(ts, 95)), statistics.median(cpu), statistics.median(base)))
    print(f"{'notebook':<28} {'cell':>4}  {'slider':<16} {'fmt':<4} {'median ms':>9} {'p95 ms':>7} "
          f"{'cpu ms':>7} {'1x png ms':>9} {'ratio':>6} {'/target':>8}")
    worst = 0.0
    for nb, cell, name, fmt, med, p95, cpu, base in rows:
        worst = max(worst, med)
        print(f"{nb:<28} {cell:>4}  {name:<16} {fmt:<4} {med:9.1f} {p95:7.1f} {cpu:7.1f} {base:9.1f} "
              f"{med / base:6.2f} {med / TARGET_MS:8.2f}  {'ok' if med <= TARGET_MS else 'SLOW'}")
    print(f"\n{len(rows)} sliders; slowest median {worst:.1f} ms; target median <= {TARGET_MS:.0f} ms: "
          f"{'met' if worst <= TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
