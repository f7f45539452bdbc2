"""Cost of one slider move: compute, draw and encode the PNG, per slider of the course.

Runs the notebooks' code cells in this process with ``interact`` replaced by a
recorder, so the callbacks timed are exactly the ones the notebooks wire to
their sliders. Each move is timed the way the inline backend works: the
callback draws a new figure, and ``plt.show()`` renders it to PNG.

Target (issue "The notebook pattern"): median <= 50 ms per callback on the
course's 2-core machine. Printed, not asserted: timings are not tests.

    .venv/bin/python benchmarks/slider_callbacks.py
"""
import contextlib
import io
import json
import pathlib
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET_MS = 50.0


def _show_as_png():
    """What the inline backend does on plt.show(): render every open figure to PNG."""
    for num in plt.get_fignums():
        fig = plt.figure(num)
        buf = io.BytesIO()
        fig.canvas.print_figure(buf, format="png", bbox_inches=None)
        assert buf.tell() > 1000, "no image was drawn"
        plt.close(fig)


def collect_interacts(path):
    """Execute a notebook's code cells; return [(cell index, callback, widgets)]."""
    recorded = []
    cell_index = [0]

    def interact(callback, **widgets):
        recorded.append((cell_index[0], callback, widgets))
        return callback

    import ipywidgets
    ns = {"__name__": "__notebook__"}
    real_interact, real_show = ipywidgets.interact, plt.show
    ipywidgets.interact, plt.show = interact, _show_as_png
    try:
        cells = json.loads(path.read_text())["cells"]
        for k, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            cell_index[0] = k
            src = "\n".join(line for line in "".join(cell["source"]).splitlines()
                            if not line.lstrip().startswith("%"))
            with contextlib.redirect_stdout(io.StringIO()):   # the notebook's own prints
                exec(compile(src, f"{path.name}[{k}]", "exec"), ns)  # noqa: S102 - our notebooks
    finally:
        ipywidgets.interact, plt.show = real_interact, real_show
    plt.close("all")
    return recorded


def slider_values(w, n=15):
    """`n` positions of a slider from one end to the other (log sliders in exponent)."""
    if type(w).__name__ == "FloatLogSlider":
        return list(w.base ** np.linspace(w.min, w.max, n))
    return list(np.linspace(w.min, w.max, n))


def time_moves(callback, widgets, name):
    """Milliseconds per move of slider `name` across its range (twice)."""
    values = {k: w.value for k, w in widgets.items()}
    times = []
    real_show, plt.show = plt.show, _show_as_png
    try:
        for v in slider_values(widgets[name]) * 2:
            values[name] = v
            t = time.perf_counter()
            callback(**values)
            times.append((time.perf_counter() - t) * 1e3)
    finally:
        plt.show = real_show
    return times


def main():
    from calclib import plots
    plots.use_course_style()
    rows = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell, callback, widgets in collect_interacts(path):
            time_moves(callback, widgets, next(iter(widgets)))   # warm-up (font caches)
            for name, w in widgets.items():
                ts = time_moves(callback, widgets, name)
                rows.append((path.stem, cell, w.description or name, statistics.median(ts),
                             float(np.percentile(ts, 95))))
    print(f"{'notebook':<28} {'cell':>4}  {'slider':<10} {'median ms':>9} {'p95 ms':>7}  "
          f"{'median/target':>13}")
    worst = 0.0
    for nb, cell, name, med, p95 in rows:
        worst = max(worst, med)
        print(f"{nb:<28} {cell:>4}  {name:<10} {med:9.1f} {p95:7.1f}  {med / TARGET_MS:13.2f}"
              f"  {'ok' if med <= TARGET_MS else 'SLOW'}")
    print(f"\n{len(rows)} sliders; slowest median {worst:.1f} ms; target median <= {TARGET_MS:.0f} ms: "
          f"{'met' if worst <= TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
