"""Every figure of every notebook, as the notebooks draw it: readable, unclipped, off the data.

For each ``notebooks/*.ipynb`` (found by glob, so a new chapter is covered at
once) the notebook's code runs in this process (``tools/notebook_figures.py``):

* every slider figure is drawn at every combination of a few positions of its
  sliders, both ends included; every static figure as the notebook shows it;
* each drawing is checked for what a learner would see: every text (titles,
  labels, tick labels, boxes, legends) inside the figure; boxes, legends and
  annotations inside their axes; no box or legend covering the figure's data
  (artists tagged with ``calclib.plots.mark_data``); no two labels on top of
  each other; a title on every panel that says what to see;
* a slider figure redrawn in its reused figure (as a slider moves it) is the same
  image as one drawn from scratch;
* every slider's widget matches its declared range and start value.
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from calclib import style  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_figures import run_notebook_code  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TOL = 1.5  # px


def _visible_texts(fig):
    """Every text the figure actually draws (tick labels only for ticks inside the view)."""
    tick_labels, drawn_ticks = set(), []
    for ax in fig.axes:
        for axis, lim in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = min(lim), max(lim)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                for label in (tick.label1, tick.label2):
                    tick_labels.add(id(label))
                    if lo <= tick.get_loc() <= hi and tick.get_visible():
                        drawn_ticks.append(label)
    for t in fig.findobj(Text):
        if id(t) in tick_labels and t not in drawn_ticks:
            continue
        if t.get_visible() and t.get_text().strip() and (t.axes is None or t.axes.get_visible()):
            yield t


def _inside(inner, outer, tol=TOL):
    return (inner.x0 >= outer.x0 - tol and inner.y0 >= outer.y0 - tol
            and inner.x1 <= outer.x1 + tol and inner.y1 <= outer.y1 + tol)


def _overlap(a, b, tol=1.0):
    return a.x0 < b.x1 - tol and b.x0 < a.x1 - tol and a.y0 < b.y1 - tol and b.y0 < a.y1 - tol


def _data_points(ax):
    """Display coordinates of the data artists of `ax` (lines tagged 'data'), densified."""
    pts = []
    for line in ax.get_lines():
        if not getattr(line, "calclib_data", False) or not line.get_visible():
            continue
        xy = line.get_xydata()
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy) > 1 and line.get_linestyle() not in ("None", "", " "):
            t = np.linspace(0, 1, 6)[:-1]
            xy = np.concatenate([a + t[:, None] * (b - a) for a, b in zip(xy[:-1], xy[1:])] + [xy[-1:]])
        pts.append(ax.transData.transform(xy))
    return np.concatenate(pts) if pts else np.zeros((0, 2))


def figure_problems(fig, where, tight=False):
    """What a learner would see wrong in `fig`, as a list of messages.

    ``tight``: the figure is saved with ``bbox_inches="tight"`` (static figures, by the
    inline backend), so the saved image grows to hold every text and none is cut.
    """
    if not hasattr(fig.canvas, "get_renderer"):      # an Explorer's plain Figure: give it an Agg canvas
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems = []
    fig_box = fig.bbox
    labels = []
    for t in _visible_texts(fig):
        box = t.get_window_extent(renderer)
        name = repr(t.get_text()[:40])
        if not tight and not _inside(box, fig_box):
            problems.append(f"{where}: text {name} is cut at the figure's edge")
        if t.axes is not None and (t in t.axes.texts or t.get_gid() == "box"):
            if not _inside(box, t.axes.bbox):
                problems.append(f"{where}: text {name} sticks out of its axes")
        if t.axes is not None and (t is t.axes.title or t in t.axes.texts or t is t.axes.xaxis.label
                                   or t is t.axes.yaxis.label):
            labels.append((t, box))
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        is_inset = any(ax in other.child_axes for other in fig.axes)
        if not is_inset and not ax.get_title().strip() and not (fig._suptitle and fig._suptitle.get_text()):
            problems.append(f"{where}: a panel has no title (say what to see)")
        boxes = [(f"box {t.get_text()[:30]!r}", t.get_window_extent(renderer)) for t in ax.texts
                 if t.get_visible() and t.get_text().strip()]
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            lbox = legend.get_window_extent(renderer)
            boxes.append(("legend", lbox))
            if not _inside(lbox, ax.bbox):
                problems.append(f"{where}: the legend sticks out of its axes")
        data = _data_points(ax)
        for what, box in boxes:
            if len(data) and np.any((data[:, 0] > box.x0 + 1) & (data[:, 0] < box.x1 - 1)
                                    & (data[:, 1] > box.y0 + 1) & (data[:, 1] < box.y1 - 1)):
                problems.append(f"{where}: the {what} covers the data")
        for (w1, b1), (w2, b2) in itertools.combinations(boxes, 2):
            if _overlap(b1, b2):
                problems.append(f"{where}: the {w1} and the {w2} overlap")
    for (t1, b1), (t2, b2) in itertools.combinations(labels, 2):
        if _overlap(b1, b2, tol=2.0):
            problems.append(f"{where}: {t1.get_text()[:30]!r} and {t2.get_text()[:30]!r} overlap")
    return problems


_RUNS = {}


def _run(path):
    if path not in _RUNS:
        found = []
        nb = run_notebook_code(path, on_figure=lambda fig, k: found.extend(
            figure_problems(fig, f"{path.name} cell {k}", tight=True)))
        _RUNS[path] = nb, found
    return _RUNS[path]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_static_figures_are_readable(path):
    nb, problems = _run(path)
    assert nb.static, f"{path.name} shows no static figure"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_slider_figure_is_readable_over_its_grid(path):
    nb, _ = _run(path)
    explorers = [(i.cell, i.explorer) for i in nb.interacts]
    assert explorers and all(ex is not None for _, ex in explorers), \
        f"{path.name}: every slider must drive a calclib Explorer (interact(ex.show, **ex.widgets()))"
    problems = []
    with style.course_style():
        for cell, ex in explorers:
            n = 5 if len(ex.sliders) == 1 else 3
            for values in ex.grid(n):
                fig, _ = ex.render(**values)
                where = f"{path.name} cell {cell} at " + ", ".join(f"{k}={v:.3g}" for k, v in values.items())
                problems += figure_problems(fig, where)
                plt.close(fig)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_slider_widgets_match_their_specs(path):
    nb, _ = _run(path)
    for inter in nb.interacts:
        ex = inter.explorer
        assert set(inter.widgets) == {s.name for s in ex.sliders}
        for s in ex.sliders:
            w = inter.widgets[s.name]
            assert (w.min, w.max) == (s.min, s.max)
            assert w.value == pytest.approx(s.value)
            assert (type(w).__name__ == "FloatLogSlider") == s.log
            lo, hi = (10**s.min, 10**s.max) if s.log else (s.min, s.max)
            assert lo <= s.value <= hi


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_a_reused_slider_figure_draws_the_same_image_as_a_fresh_one(path):
    from calclib.plots import figure_png, figure_svg
    nb, _ = _run(path)
    with style.course_style():
        for inter in nb.interacts:
            ex = inter.explorer
            for values in ex.grid(3):
                mime, data = ex.image(**values)
                fig, _ = ex.render(**values)
                fresh = figure_svg(fig) if mime == "image/svg+xml" else figure_png(fig)
                plt.close(fig)
                assert data == fresh, f"{path.name} cell {inter.cell} at {values}: the reused figure differs"


def test_the_checker_catches_a_clipped_label_and_a_box_over_data():
    """Self-test: a label past the figure's edge and a box over the curve are reported."""
    from calclib.plots import mark_data
    fig, ax = plt.subplots(figsize=(4, 3))
    t = np.linspace(0, 1, 50)
    mark_data(*ax.plot(t, t))
    ax.set_title("a line")
    ax.text(0.5, 0.5, "over the data", transform=ax.transAxes, ha="center")
    ax.annotate("far right", (1, 0.5), xytext=(150, 0), textcoords="offset points")
    problems = figure_problems(fig, "self-test")
    plt.close(fig)
    assert any("covers the data" in p for p in problems), problems
    assert any("cut at the figure's edge" in p and "far right" in p for p in problems), problems
