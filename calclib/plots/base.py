"""What every figure of the course shares: sliders, explorers, small multiples, axis helpers.

A figure of the course is a plain function that draws one idea on a
matplotlib ``Axes`` you pass in and returns a small result object with the
numbers it drew. An :class:`Explorer` wires sliders to such a function
(``interact(ex.show, **ex.widgets())``); :func:`small_multiples` draws the
same function at a few fixed values, the static view that reads without a
kernel. Chapter modules (``ch01_change``, ``ch02_derivative``, ...) hold the
drawings themselves.

Slider figures are shown as SVG: text stays text, so they are sharp at any
zoom, and a redraw costs less than a 2x PNG. A figure with a heavy raster
background (a filled contour) can ask for a 2x PNG instead (``fmt="png"``).
"""
from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from .._validation import check_callable
from ..style import DPI, FIGSIZE

__all__ = [
    "Slider", "Explorer", "small_multiples", "figure_png", "figure_svg",
    "grid_of", "check_nonzero_step", "cheap_log_axes", "power_of_ten", "fix_ylim", "corner_box",
    "mark_data", "MAX_WIDTH", "STATIC_MAX_WIDTH",
]


#: Widest slider figure, inches: JupyterLab shows SVG at its natural size (96 px per inch) and
#: its output area at a 1280 px window is about 850 px wide.
MAX_WIDTH = 8.6
#: Widest static figure, inches: JupyterLab scales a PNG down to its output area (about 850 px at a
#: 1280 px window), and 9 pt tick labels stay at least 10 px up to this width.
STATIC_MAX_WIDTH = 9.8


# ------------------------------------------------------------------ helpers for drawings
def grid_of(f, xlim, n=400):
    """``n`` points across ``xlim`` and ``f`` on them, as float arrays."""
    t = np.linspace(xlim[0], xlim[1], n)
    return t, np.asarray(f(t), dtype=float)


def check_nonzero_step(h, name="h"):
    """A secant's step may be negative (it then goes left), but not zero or non-finite."""
    if not np.isfinite(h) or h == 0:
        raise ValueError(f"`{name}` must be a nonzero finite number, got {h!r}")
    return float(h)


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def power_of_ten(value, pos=None):
    """Tick label 10⁻⁵ in plain Unicode: no mathtext parsing on every redraw.

    Examples
    --------
    >>> power_of_ten(1e-5), power_of_ten(10.0), power_of_ten(0.0)
    ('10⁻⁵', '10¹', '')
    """
    if value <= 0:
        return ""
    k = int(round(np.log10(value)))
    return "10" + str(k).translate(_SUPERSCRIPT)


def cheap_log_axes(ax, numticks=6):
    """Decade ticks only: minor tick labels on log axes are the slowest part of a redraw."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log":
            axis.set_major_locator(LogLocator(base=10, numticks=numticks))
            axis.set_minor_locator(NullLocator())
            axis.set_major_formatter(FuncFormatter(power_of_ten))


def fix_ylim(ax, *ys, pad=0.12, top=0.0):
    """Set the y-limits to span every array in ``ys`` (nan ignored), with ``pad`` on each side
    and an extra ``top`` fraction of headroom (room for a legend or a text box)."""
    vals = np.concatenate([np.ravel(np.asarray(y, dtype=float)) for y in ys])
    vals = vals[np.isfinite(vals)]
    lo, hi = (float(vals.min()), float(vals.max())) if vals.size else (0.0, 1.0)
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    ax.set_ylim(lo - pad * span, hi + (pad + top) * span)
    return ax.get_ylim()


def mark_data(*artists):
    """Tag artists as the figure's data: tests check that no text box or legend covers them."""
    for a in artists:
        a.calclib_data = True
    return artists


_CORNERS = {
    "upper left": (0.02, 0.97, "left", "top"),
    "upper right": (0.98, 0.97, "right", "top"),
    "lower left": (0.02, 0.03, "left", "bottom"),
    "lower right": (0.98, 0.03, "right", "bottom"),
}


def _corner_score(ax, w, h, corner, groups):
    x0, y0, ha, va = _CORNERS[corner]
    xa = (x0, x0 + w) if ha == "left" else (x0 - w, x0)
    ya = (y0 - h, y0) if va == "top" else (y0, y0 + h)
    score = 0.0
    for frac, weight in groups:
        if len(frac):
            score += weight * np.sum((frac[:, 0] >= xa[0] - 0.02) & (frac[:, 0] <= xa[1] + 0.02)
                                     & (frac[:, 1] >= ya[0] - 0.02) & (frac[:, 1] <= ya[1] + 0.02))
    return score


def _axes_fractions(ax, xy):
    pts = [np.c_[np.ravel(np.asarray(x, dtype=float)), np.ravel(np.asarray(y, dtype=float))] for x, y in xy]
    pts = np.concatenate(pts) if pts else np.zeros((0, 2))
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    # transScale first, so log axes place the points where they are drawn
    return (ax.transScale + ax.transLimits).transform(pts) if len(pts) else pts


def _free_corner(ax, w, h, xy, soft, avoid, prefer):
    groups = [(_axes_fractions(ax, xy), 100.0), (_axes_fractions(ax, soft), 1.0)]
    best, best_score = None, None
    for corner in prefer:
        if corner in avoid:
            continue
        score = _corner_score(ax, w, h, corner, groups)
        if best_score is None or score < best_score:
            best, best_score = corner, score
    return best


def corner_box(ax, text, xy, *, soft=(), avoid=(), fontsize=9.0,
               prefer=("upper left", "upper right", "lower right", "lower left")):
    """Write ``text`` in the corner of ``ax`` that the data leaves most free.

    ``xy`` is a list of ``(x, y)`` arrays in data coordinates that the box must
    not cover (the curve, its points); ``soft`` lists lines it should rather
    not cover (a secant running across the axes). The box's size is estimated
    from its characters, so no renderer is needed. ``avoid`` names corners
    already taken (a legend's). Returns the Text and its corner.
    """
    lines = text.splitlines() or [""]
    fig_w, fig_h = ax.figure.get_size_inches() * ax.get_position().size
    w = (max(map(len, lines)) * 0.58 * fontsize / 72 + 0.15) / fig_w   # axes fraction
    h = (len(lines) * 1.3 * fontsize / 72 + 0.12) / fig_h
    best = _free_corner(ax, w, h, xy, soft, avoid, prefer)
    x0, y0, ha, va = _CORNERS[best]
    t = ax.text(x0, y0, text, transform=ax.transAxes, ha=ha, va=va, fontsize=fontsize, zorder=6,
                bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="#cccccc", alpha=0.92))
    return t, best


def legend_corner(ax, xy, *, soft=(), avoid=(), fontsize=9.0,
                  prefer=("upper left", "upper right", "lower right", "lower left"), **kw):
    """A legend in the corner the data leaves most free (see :func:`corner_box`); returns the corner."""
    _, labels = ax.get_legend_handles_labels()
    fig_w, fig_h = ax.figure.get_size_inches() * ax.get_position().size
    w = ((max(map(len, labels)) + 5) * 0.58 * fontsize / 72 + 0.2) / fig_w
    h = (len(labels) * 1.4 * fontsize / 72 + 0.15) / fig_h
    corner = _free_corner(ax, w, h, xy, soft, avoid, prefer)
    ax.legend(loc=corner, fontsize=fontsize, **kw)
    return corner


__all__ += ["legend_corner", "count"]


def count(n, noun, plural=None):
    """``n`` and `noun`, in the plural unless ``n`` is 1: for titles that change with a slider.

    Examples
    --------
    >>> count(1, "step"), count(3, "step"), count(0, "pass", "passes")
    ('1 step', '3 steps', '0 passes')
    """
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


# ------------------------------------------------------------------ rendering
def figure_svg(fig):
    """The figure as SVG text (text kept as text; stable ids, no date)."""
    import matplotlib as mpl

    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "calclib"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def figure_png(fig, scale=2):
    """The figure as PNG bytes at ``scale`` x its display size (2: sharp on high-density screens)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi * scale, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _clear(fig, axes):
    """Remove what a drawing added to `axes`, keeping the axes themselves (and their ticks)."""
    for ax in axes:
        for child in list(ax.child_axes):
            child.remove()
        for group in (ax.lines, ax.collections, ax.patches, ax.texts, ax.images, ax.tables, ax.artists):
            for artist in list(group):
                artist.remove()
        ax.containers.clear()               # bar containers: else a legend lists old bars again
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        ax.set_title("")
        ax.set_xlabel("")
        ax.set_ylabel("")
    for artist in list(fig.texts) + list(fig.legends):
        artist.remove()


# ------------------------------------------------------------------ small multiples
def small_multiples(draw, params, *, ncols=None, panel_size=(2.5, 2.4), sharey=True, suptitle=None):
    """Draw the same figure for several parameter sets side by side.

    This is the static view that stands beside every slider: it reads on a
    page with no kernel running. Four panels go in one row of at most
    :data:`STATIC_MAX_WIDTH` inches (JupyterLab scales a wider image down,
    and its tick labels with it); more wrap to further rows.

    Parameters
    ----------
    draw : callable
        ``draw(ax, **p)`` draws one panel.
    params : list of dict
        One dict of keyword arguments per panel.
    ncols : int, optional
        Panels per row (default: all in one row, at most 4).
    panel_size : (float, float)
        Width and height of one panel in inches.
    sharey : bool
        Share the y axis so panels compare at a glance.
    suptitle : str, optional
        A title over all panels: say what to see.

    Returns
    -------
    fig : matplotlib.figure.Figure
    results : list
        What ``draw`` returned for each panel.

    Examples
    --------
    >>> from calclib.plots import plot_secant
    >>> fig, res = small_multiples(lambda ax, h: plot_secant(ax, np.sin, 0.5, h),
    ...                            [{"h": 1.0}, {"h": 0.1}])
    >>> len(fig.axes), [round(r.h, 1) for r in res]
    (2, [1.0, 0.1])
    >>> plt.close(fig)
    """
    check_callable(draw, "draw")
    params = list(params)
    if not params:
        raise ValueError("`params` must hold at least one dict of keyword arguments")
    ncols = min(len(params), 4) if ncols is None else int(ncols)
    if ncols < 1:
        raise ValueError(f"`ncols` must be at least 1, got {ncols}")
    nrows = -(-len(params) // ncols)
    width = min(panel_size[0] * ncols, STATIC_MAX_WIDTH)    # wider would shrink the ticks below 10 px
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, panel_size[1] * nrows + 0.35),
                             sharey=sharey, squeeze=False, layout="constrained")
    results = [draw(ax, **p) for ax, p in zip(axes.flat, params)]
    for ax in axes.flat[len(params):]:
        ax.set_visible(False)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    return fig, results


# ------------------------------------------------------------------ explorers
@dataclass(frozen=True)
class Slider:
    """One slider of an :class:`Explorer`: its range, step and start value.

    For a log slider (``log=True``) ``min``, ``max`` and ``step`` are
    exponents of ten; ``value`` is not.

    Examples
    --------
    >>> Slider("h", 0.05, 1.0, 0.05, 0.33).value      # snapped to the grid, as the widget will
    0.35
    >>> Slider("h", -3.0, 0.0, 0.5, 0.03, log=True).values(3)
    [0.001, 0.0316, 1.0]
    """
    name: str
    min: float
    max: float
    step: float
    value: float
    description: str = ""
    log: bool = False
    readout: str = ""

    def __post_init__(self):
        if not (np.isfinite(self.min) and np.isfinite(self.max) and self.max > self.min):
            raise ValueError(f"slider `{self.name}`: `max` must be larger than `min`, got {self.min}, {self.max}")
        if not (np.isfinite(self.step) and self.step > 0):
            raise ValueError(f"slider `{self.name}`: `step` must be positive, got {self.step}")
        n = np.round((self.max - self.min) / self.step)
        if self.log:
            if not self.value > 0:
                raise ValueError(f"log slider `{self.name}`: `value` must be positive, got {self.value}")
            k = np.clip(np.round((np.log10(self.value) - self.min) / self.step), 0, n)
            value = float(10.0 ** (self.min + k * self.step))
        else:
            k = np.clip(np.round((self.value - self.min) / self.step), 0, n)
            value = float(np.round(self.min + k * self.step, 12))
        object.__setattr__(self, "value", value)

    def positions(self):
        """Every value the slider can take, end to end."""
        n = int(np.round((self.max - self.min) / self.step))
        exps = np.round(self.min + self.step * np.arange(n + 1), 12)
        return [float(v) for v in (10.0 ** exps if self.log else exps)]

    def values(self, n=5):
        """`n` values spread over the slider's grid, both ends included (used by the tests)."""
        pos = self.positions()
        idx = np.unique(np.round(np.linspace(0, len(pos) - 1, min(n, len(pos)))).astype(int))
        return [pos[i] for i in idx]

    def widget(self):
        import ipywidgets as w
        desc = self.description or self.name
        style = {"description_width": "initial"}
        layout = w.Layout(width="440px")
        if self.log:
            return w.FloatLogSlider(value=self.value, base=10, min=self.min, max=self.max, step=self.step,
                                    description=desc, style=style, layout=layout,
                                    readout_format=self.readout or ".1e")
        return w.FloatSlider(value=self.value, min=self.min, max=self.max, step=self.step,
                             description=desc, style=style, layout=layout,
                             readout_format=self.readout or ".2f")


class Explorer:
    """An interactive figure: a drawing function plus the sliders that drive it.

    ``explorer.show(**values)`` draws a new figure and displays it (the
    callback given to ``ipywidgets.interact``); ``explorer.render(**values)``
    returns the figure and the drawing's result without showing it (used by
    tests and benchmarks); ``explorer.widgets()`` builds the sliders.

    Parameters
    ----------
    draw : callable
        ``draw(*axes, **slider_values)``; returns what it drew.
    sliders : sequence of Slider
    figsize : (float, float), optional
    nrows, ncols : int
        The panels, passed to ``draw`` in reading order.
    fmt : {"svg", "png"}
        How :meth:`show` sends the figure: SVG (default, sharp, cheap for
        line drawings) or a 2x PNG (for heavy raster backgrounds).
    margins : dict, optional
        ``subplots_adjust`` arguments (fixed margins: a layout engine per
        redraw would cost more than the drawing).

    Examples
    --------
    >>> from calclib.plots import secant_explorer
    >>> ex = secant_explorer(np.sin)
    >>> [s.name for s in ex.sliders]
    ['x', 'h']
    >>> fig, r = ex.render(x=0.0, h=0.5)
    >>> np.allclose(r.slope, np.sin(0.5) / 0.5)
    True
    >>> plt.close(fig)
    """

    def __init__(self, draw, sliders, *, figsize=None, nrows=1, ncols=1, fmt="svg", margins=None,
                 sharex=False):
        self._draw = check_callable(draw, "draw")
        self.sliders = tuple(sliders)
        if not self.sliders or not all(isinstance(s, Slider) for s in self.sliders):
            raise TypeError("`sliders` must be a non-empty sequence of Slider")
        if fmt not in ("svg", "png"):
            raise ValueError(f"`fmt` must be 'svg' or 'png', got {fmt!r}")
        self.figsize = FIGSIZE if figsize is None else tuple(figsize)
        if not 0 < self.figsize[0] <= MAX_WIDTH:
            raise ValueError(f"`figsize` width must be at most {MAX_WIDTH} inches (JupyterLab shows a slider's "
                             f"SVG at its natural size: wider figures are cut at a 1280 px window), "
                             f"got {self.figsize[0]}")
        self.nrows, self.ncols, self.fmt, self.sharex = nrows, ncols, fmt, sharex
        self.margins = dict(left=0.09 if ncols == 1 else 0.07, right=0.98, bottom=0.14, top=0.9,
                            wspace=0.28, hspace=0.35)
        self.margins.update(margins or {})

    def defaults(self):
        return {s.name: s.value for s in self.sliders}

    def _values(self, values):
        kw = self.defaults()
        unknown = set(values) - set(kw)
        if unknown:
            raise TypeError(f"unknown slider(s) {sorted(unknown)}; this figure has {sorted(kw)}")
        kw.update(values)
        return kw

    def _new_figure(self):
        import matplotlib as mpl
        from matplotlib.figure import Figure

        # A plain Figure, outside pyplot: the inline backend never shows it by itself.
        fig = Figure(figsize=self.figsize, dpi=DPI, layout="none")
        with mpl.rc_context({"axes.titley": 1.0}):     # no automatic title placement: it costs a layout pass
            axes = fig.subplots(self.nrows, self.ncols, squeeze=False, sharex=self.sharex)
        fig.subplots_adjust(**self.margins)
        for ax in axes.flat:
            ax.locator_params(nbins=6)      # fewer ticks: each one is several artists to build per redraw
        return fig, list(axes.flat)

    def render(self, **values):
        """A new figure at these slider values (defaults for the rest) and what was drawn."""
        kw = self._values(values)
        fig, axes = self._new_figure()
        return fig, self._draw(*axes, **kw)

    def image(self, **values):
        """The figure at these values as ``(mime type, data)``: what :meth:`show` displays.

        A slider moves many times, so the figure and its axes are made once and
        reused: each call removes what the last one drew and draws again. (The
        tests check that the result equals a figure drawn from scratch.)
        """
        kw = self._values(values)
        if getattr(self, "_figure", None) is None:
            self._figure = self._new_figure()
        else:
            _clear(*self._figure)
        fig, axes = self._figure
        try:
            self._draw(*axes, **kw)
            if self.fmt == "svg":
                return "image/svg+xml", figure_svg(fig)
            return "image/png", figure_png(fig)
        except BaseException:
            self._figure = None          # never reuse a half-drawn figure
            raise

    def show(self, **values):
        """Draw at these values and display the image (the ``interact`` callback)."""
        from IPython.display import display
        mime, data = self.image(**values)
        size = (self.figsize[0] * DPI, self.figsize[1] * DPI)
        meta = {} if mime == "image/svg+xml" else {mime: {"width": int(size[0]), "height": int(size[1])}}
        display({mime: data, "text/plain": f"<figure: {', '.join(f'{k}={v:.3g}' for k, v in values.items())}>"},
                raw=True, metadata=meta)

    def widgets(self):
        """``{name: ipywidgets slider}``, ready for ``interact(ex.show, **ex.widgets())``."""
        return {s.name: s.widget() for s in self.sliders}

    def grid(self, n=5):
        """Every combination of `n` values per slider, ends included."""
        names = [s.name for s in self.sliders]
        for combo in itertools.product(*(s.values(n) for s in self.sliders)):
            yield dict(zip(names, combo))
