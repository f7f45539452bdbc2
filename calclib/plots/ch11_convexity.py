"""Chapter 11 figures: convexity, and why non-convex losses still train.

* :func:`plot_chord` -- the chord between two points of a graph, and where the
  graph rises above it (explorer: :func:`chord_explorer`, a convex curve beside
  a double well).
* :func:`plot_tangents_below` and :func:`plot_curvature_sign` -- the two other faces of
  convexity: every tangent below the graph, and :math:`f'' \\ge 0`.
* :func:`plot_descent_from_start` -- gradient descent on a curve from one start,
  with the basin of each minimum shaded (explorer: :func:`descent_start_explorer`).
* :func:`plot_saddle_descent` -- descent that passes a saddle point in two
  dimensions: a plateau in the loss curve (explorer: :func:`saddle_explorer`).
* A small network on the two-moons data: :func:`train_tanh_classifier`,
  :func:`moons_loss`, :func:`permute_hidden_units`, :func:`loss_along_line`;
  drawn by :func:`plot_loss_along_line` (the loss between two solutions rises
  far above the chord) and :func:`plot_seed_loss_curves` (it still falls at
  every step of training).

The example functions: :func:`convex_example` (:math:`x^2/2 + e^{-x}`, convex,
its minimum at the omega constant 0.567143...) and :func:`saddle_example`
(:math:`(x^2 - 1)^2 + y^2`, two minima with a saddle between them).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection

from .._validation import as_float_array, check_callable, check_int, check_real, check_step
from ..functions import Example, Objective
from ..optimize import gradient_descent
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, cheap_log_axes, fix_ylim, grid_of, legend_corner, mark_data

__all__ = [
    "OMEGA", "convex_example", "saddle_example",
    "ChordPlot", "chord_profile", "plot_chord", "chord_explorer",
    "TangentsBelowPlot", "plot_tangents_below", "CurvatureSignPlot", "plot_curvature_sign",
    "curve_minima", "BasinDescentPlot", "plot_descent_from_start", "descent_start_explorer",
    "SaddleGrid", "saddle_grid", "SaddlePlot", "plot_saddle_descent", "saddle_explorer",
    "ClassifierRun", "moons_loss", "train_tanh_classifier", "permute_hidden_units", "loss_along_line",
    "LossLinePlot", "plot_loss_along_line", "plot_seed_loss_curves",
]

#: The omega constant, the solution of x = e^(-x): where x^2/2 + e^(-x) has its minimum.
OMEGA = 0.5671432904097838

_GOOD = "#d9efe6"        # light green: the basin of the global minimum
_LOCAL = "#fbe3c4"       # light orange: the basin of a local minimum


# ------------------------------------------------------------------ example functions
def convex_example():
    r"""The convex curve :math:`f(x) = x^2/2 + e^{-x}`, with :math:`f'' = 1 + e^{-x} > 0`.

    Its one minimum solves :math:`f'(x) = x - e^{-x} = 0`: the omega
    constant :data:`OMEGA` :math:`\approx 0.567143`.

    Returns
    -------
    calclib.functions.Example

    Examples
    --------
    >>> ex = convex_example()
    >>> np.allclose(ex.df(OMEGA), 0.0), bool(np.all(ex.d2f(np.linspace(-5, 5, 11)) > 1))
    (True, True)
    """
    return Example("convex bowl", lambda x: 0.5 * x * x + np.exp(-x), lambda x: x - np.exp(-x),
                   r"x^2/2 + e^{-x}", d2f=lambda x: 1.0 + np.exp(-x))


def saddle_example():
    r"""The two-dimensional double well :math:`f(x, y) = (x^2 - 1)^2 + y^2`.

    Minima at :math:`(\pm 1, 0)` (value 0), a saddle at :math:`(0, 0)`
    (value 1) where the Hessian is ``diag(-4, 2)``: a maximum along ``x``,
    a minimum along ``y``. As :class:`calclib.functions.Objective`, its
    functions take ``p`` of shape ``(2,)`` or ``(2, ...)`` (a grid).

    Examples
    --------
    >>> s = saddle_example()
    >>> float(s.f(np.array([0.0, 0.0]))), s.grad(np.array([0.0, 0.0])).tolist()
    (1.0, [0.0, 0.0])
    >>> np.linalg.eigvalsh(s.hessian(np.array([0.0, 0.0]))).tolist()
    [-4.0, 2.0]
    """
    def f(p):
        p = np.asarray(p, dtype=float)
        return (p[0] ** 2 - 1.0) ** 2 + p[1] ** 2

    def grad(p):
        p = np.asarray(p, dtype=float)
        return np.stack([4.0 * p[0] * (p[0] ** 2 - 1.0), 2.0 * p[1]]) + 0.0     # + 0.0: no -0.0 at the saddle

    def hessian(p):
        p = np.asarray(p, dtype=float)
        zero = np.zeros_like(p[0])
        return np.array([[12.0 * p[0] ** 2 - 4.0, zero], [zero, 2.0 + zero]])

    return Objective("two wells and a saddle", f, grad, hessian, r"(x^2 - 1)^2 + y^2",
                     minimizer=np.array([1.0, 0.0]))


# ------------------------------------------------------------------ the chord
@dataclass
class ChordPlot:
    """What :func:`plot_chord` drew: the chord's ends and how far the graph rises above it."""
    a: float
    b: float
    max_gap: float          # largest f(x) - chord(x) between the ends (<= 0: chord on or above)
    x_at_max: float
    convex_here: bool


def chord_profile(f, a, b, n=201):
    r"""The graph and the chord between ``a`` and ``b``, on ``n`` points between them.

    The chord is the straight line from :math:`(a, f(a))` to :math:`(b, f(b))`;
    at :math:`x = (1-t)a + tb` it has height :math:`(1-t)f(a) + t f(b)`.
    Convexity says the graph never rises above it.

    Returns
    -------
    x, fx, chord : ndarray
        The points, the graph and the chord there.

    Examples
    --------
    >>> x, fx, chord = chord_profile(lambda t: t**2, -1.0, 2.0)
    >>> bool(np.all(fx <= chord + 1e-12)), np.allclose(chord[[0, -1]], [1.0, 4.0])
    (True, True)
    """
    check_callable(f, "f")
    a, b = check_real(a, "a"), check_real(b, "b")
    t = np.linspace(0.0, 1.0, check_int(n, "n", minimum=2))
    x = (1 - t) * a + t * b
    fa, fb = float(f(np.float64(a))), float(f(np.float64(b)))
    return x, np.asarray(f(x), dtype=float), (1 - t) * fa + t * fb


def plot_chord(ax, f, a, b, *, xlim=(-1.8, 1.8), ylim=None, label="f", title=None, legend=True):
    r"""Draw ``f`` and its chord from ``a`` to ``b``, shading where the graph rises above it.

    A function is convex when, for every pair of points,
    :math:`f((1-t)a + tb) \le (1-t) f(a) + t f(b)` for :math:`t \in [0, 1]`:
    no chord ever dips below the graph. Green shading: the chord is above
    (as convexity requires); orange: the graph is above (it is not convex).

    Returns
    -------
    ChordPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_chord(ax, lambda t: (t**2 - 1)**2, -1.0, 1.0)
    >>> np.allclose([r.max_gap, r.x_at_max], [1.0, 0.0], atol=1e-3), r.convex_here
    (True, False)
    >>> plot_chord(ax, np.exp, -1.0, 1.0).convex_here
    True
    >>> plt.close(fig)
    """
    x, fx, chord = chord_profile(f, a, b)
    gap = fx - chord
    scale = max(1.0, float(np.max(np.abs(fx))))
    k = int(np.argmax(gap))
    max_gap = float(gap[k])
    convex_here = max_gap <= 1e-12 * scale
    t, y = grid_of(f, xlim, n=240)          # smooth at this size, and half the points to draw
    fa, fb = chord[0], chord[-1]
    # the region between graph and chord, split by which one is on top (one collection, no autoscale)
    edge = np.r_[x, x[::-1]]
    above = np.r_[np.maximum(fx, chord), chord[::-1]]
    below = np.r_[np.minimum(fx, chord), chord[::-1]]
    ax.add_collection(PolyCollection([np.c_[edge, below], np.c_[edge, above]],
                                     facecolors=[TANGENT, SECANT], alpha=0.25, linewidths=0), autolim=False)
    curve, = ax.plot(t, y, color=CURVE, label=f"{label}(x)")
    ax.plot([a, b], [fa, fb], color=SECANT, lw=2, ls="--", label="chord")
    ends, = ax.plot([a, b], [fa, fb], "o", color=PALETTE["black"], ms=5, zorder=5)
    mark_data(curve, ends)
    if not convex_here:
        ax.plot([x[k], x[k]], [chord[k], fx[k]], color=SECANT, lw=2.5, solid_capstyle="butt")
    ax.set_xlim(*xlim)
    if ylim is None:
        fix_ylim(ax, y)
    else:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel(f"{label}(x)")
    if title is None:
        title = ("the chord lies on or above the graph" if convex_here
                 else f"the graph rises {max_gap:.2f} above the chord")
    ax.set_title(title, fontsize=10)
    if legend:
        legend_corner(ax, [(t, y), ([a, b], [fa, fb])], soft=[(x, chord)], fontsize=8.5)
    return ChordPlot(float(a), float(b), max_gap, float(x[k]), bool(convex_here))


def chord_explorer(left, right, *, a=-1.2, b=1.0, xlim=(-1.8, 1.8)):
    """Sliders for the chord's ends ``a`` and ``b``, on two curves side by side.

    ``left`` and ``right`` are :class:`calclib.functions.Example` (usually a
    convex curve and a double well): the same chord ends on both, so moving
    them shows the convex curve's chords always above its graph, and the
    double well's dipping below whenever the ends straddle its hump.
    """
    panels = []
    for ex in (left, right):
        check_callable(ex.f, "f")
        _, y = grid_of(ex.f, xlim)
        panels.append((ex, (float(y.min()) - 0.1 * np.ptp(y), float(y.max()) + 0.1 * np.ptp(y))))

    def draw(ax_left, ax_right, a, b):
        results = []
        for ax, (ex, ylim) in zip((ax_left, ax_right), panels):
            r = plot_chord(ax, ex.f, a, b, xlim=xlim, ylim=ylim, label="f", legend=False, title="")
            ax.set_title(f"{ex.name}: chord on or above the graph" if r.convex_here
                         else f"{ex.name}: graph {r.max_gap:.2f} above the chord", fontsize=10)
            results.append(r)
        return results

    lo, hi = xlim[0] + 0.1, xlim[1] - 0.1
    return Explorer(draw, [Slider("a", lo, hi, 0.05, a, "left end a"), Slider("b", lo, hi, 0.05, b, "right end b")],
                    figsize=(8.6, 3.4), ncols=2, margins=dict(left=0.07, right=0.985, bottom=0.15, top=0.9,
                                                              wspace=0.24))


# ------------------------------------------------------------------ tangents and curvature
@dataclass
class TangentsBelowPlot:
    """What :func:`plot_tangents_below` drew: which tangents cross above the graph somewhere."""
    points: np.ndarray
    crosses: np.ndarray     # True where the tangent at that point rises above the graph in the window


def plot_tangents_below(ax, ex, points, *, xlim=(-1.8, 1.8), ylim=None, title=None):
    r"""Draw ``ex.f`` with its tangents at ``points``; a tangent drawn dashed rises above the graph.

    For a convex function every tangent stays below the graph,
    :math:`f(y) \ge f(x) + f'(x)(y - x)`: so where :math:`f'(x) = 0` the
    graph is nowhere lower, and a flat point is the global minimum.

    Returns
    -------
    TangentsBelowPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_tangents_below(ax, convex_example(), [-1.0, 0.0, 1.0])
    >>> r.crosses.tolist()
    [False, False, False]
    >>> from calclib.functions import double_well
    >>> plot_tangents_below(ax, double_well(), [0.2, 1.0]).crosses.tolist()
    [True, False]
    >>> plt.close(fig)
    """
    points = as_float_array(points, "points", ndim=1, finite=True)
    t, y = grid_of(ex.f, xlim)
    curve, = ax.plot(t, y, color=CURVE, label=f"{ex.name}")
    mark_data(curve)
    crosses = []
    w = 0.3 * (xlim[1] - xlim[0])
    for p in points:
        fp, s = float(ex.f(np.float64(p))), float(ex.df(np.float64(p)))
        line = fp + s * (t - p)
        cross = bool(np.any(line - y > 1e-9 * max(1.0, float(np.max(np.abs(y))))))
        crosses.append(cross)
        near = np.abs(t - p) <= w
        ax.plot(t[near], line[near], color=SECANT if cross else TANGENT, lw=1.8, ls="--" if cross else "-")
        ax.plot([p], [fp], "o", color=PALETTE["black"], ms=4, zorder=5)
    ax.set_xlim(*xlim)
    if ylim is None:
        fix_ylim(ax, y)
    else:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    crosses = np.array(crosses, dtype=bool)
    if title is None:
        title = ("every tangent stays below the graph" if not crosses.any()
                 else f"{int(crosses.sum())} of {len(points)} tangents rise above it (dashed)")
    ax.set_title(title, fontsize=10)
    return TangentsBelowPlot(points, crosses)


@dataclass
class CurvatureSignPlot:
    """What :func:`plot_curvature_sign` drew: the smallest f'' and where f'' < 0."""
    min_d2f: float
    negative: list          # (start, end) intervals of the window where f'' < 0


def plot_curvature_sign(ax, ex, *, xlim=(-1.8, 1.8), ylim=None, title=None):
    r"""Draw :math:`f''` of ``ex``, shading where it is negative (the graph bends down there).

    A twice differentiable function is convex exactly when :math:`f'' \ge 0`
    everywhere: its slope never decreases.

    Returns
    -------
    CurvatureSignPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from calclib.functions import double_well
    >>> fig, ax = plt.subplots()
    >>> r = plot_curvature_sign(ax, double_well())
    >>> np.allclose(r.negative, [(-1 / np.sqrt(3), 1 / np.sqrt(3))], atol=0.01)
    True
    >>> plt.close(fig)
    """
    if ex.d2f is None:
        raise ValueError(f"`ex` must have a second derivative d2f; {ex.name!r} has none")
    t = np.linspace(xlim[0], xlim[1], 721)
    d2 = np.asarray(ex.d2f(t), dtype=float) + 0 * t
    neg = d2 < 0
    intervals = []
    if neg.any():
        edges = np.flatnonzero(np.diff(np.r_[0, neg.astype(int), 0]))
        for s, e in zip(edges[::2], edges[1::2]):
            intervals.append((float(t[s]), float(t[e - 1])))
    edge = np.r_[t, t[::-1]]
    zero = np.zeros_like(t)
    ax.add_collection(PolyCollection([np.c_[edge, np.r_[np.maximum(d2, 0), zero]],
                                      np.c_[edge, np.r_[np.minimum(d2, 0), zero]]],
                                     facecolors=[TANGENT, SECANT], alpha=0.3, linewidths=0), autolim=False)
    ax.axhline(0, color=PALETTE["black"], lw=0.8)
    mark_data(*ax.plot(t, d2, color=TANGENT, label="f\u2033(x)"))
    ax.set_xlim(*xlim)
    if ylim is None:
        fix_ylim(ax, d2, np.zeros(1))
    else:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("f\u2033(x)")
    if title is None:
        title = ("f\u2033 > 0 everywhere: convex" if not intervals else
                 "f\u2033 < 0 on " + ", ".join(f"({s:.2f}, {e:.2f})" for s, e in intervals) + ": not convex")
    ax.set_title(title, fontsize=10)
    return CurvatureSignPlot(float(d2.min()), intervals)


# ------------------------------------------------------------------ descent from one start
def curve_minima(ex, xlim=(-3.0, 3.0), n=2001):
    """The local minima of ``ex.f`` inside ``xlim``: where ``ex.df`` changes sign from - to +.

    Each is refined by bisection on ``ex.df`` to about 1e-12.

    Examples
    --------
    >>> from calclib.functions import double_well
    >>> np.allclose(curve_minima(double_well()), [-1.0, 1.0])
    True
    >>> np.allclose(curve_minima(convex_example()), [OMEGA])
    True
    """
    t = np.linspace(xlim[0], xlim[1], check_int(n, "n", minimum=3))
    d = np.asarray(ex.df(t), dtype=float)
    found = []
    for i in np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0)):
        lo, hi = float(t[i]), float(t[i + 1])
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if float(ex.df(np.float64(mid))) < 0:
                lo = mid
            else:
                hi = mid
        found.append(0.5 * (lo + hi))
    return np.array(found)


@dataclass
class BasinDescentPlot:
    """What :func:`plot_descent_from_start` drew: where descent from ``x0`` ended."""
    x0: float
    x_end: float
    f_end: float
    nit: int
    is_global: bool
    minima: np.ndarray
    path: np.ndarray = field(repr=False)


def _basins(ex, minima, xlim):
    """(lo, hi, minimum) for the basin of each minimum: split at the local maxima between them."""
    t = np.linspace(xlim[0], xlim[1], 2001)
    d = np.asarray(ex.df(t), dtype=float)
    tops = [float(t[i]) for i in np.flatnonzero((d[:-1] > 0) & (d[1:] <= 0))]
    edges = [xlim[0]] + tops + [xlim[1]]
    return [(lo, hi, m) for lo, hi, m in zip(edges[:-1], edges[1:], minima)] if len(edges) - 1 == len(minima) \
        else [(xlim[0], xlim[1], m) for m in minima[:1]]


def plot_descent_from_start(ax, ex, x0, *, lr=0.02, maxiter=500, xlim=(-1.6, 1.6), ylim=None, title=None,
                            legend=True, minima=None, brief=False):
    r"""Gradient descent :math:`x \leftarrow x - \eta f'(x)` on ``ex.f`` from ``x0``, drawn on the curve.

    Each minimum's basin (the starts that descend into it) is shaded: green
    for the global minimum, orange for a local one. Descent only ever sees
    the local slope, so the basin of the start decides where it ends.

    ``brief=True`` gives a short title (for small multiples).

    Returns
    -------
    BasinDescentPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from calclib.functions import double_well
    >>> fig, ax = plt.subplots()
    >>> w = double_well(tilt=0.3)
    >>> left, right = plot_descent_from_start(ax, w, -0.5), plot_descent_from_start(ax, w, 0.5)
    >>> bool(left.x_end < 0 < right.x_end), left.is_global, right.is_global
    (True, True, False)
    >>> plt.close(fig)
    """
    x0 = check_real(x0, "x0")
    lr = check_step(lr, "lr", allow_none=False)
    minima = curve_minima(ex, xlim) if minima is None else np.asarray(minima, dtype=float)
    values = np.asarray(ex.f(minima), dtype=float)
    best = float(minima[int(np.argmin(values))])
    res = gradient_descent(ex.f, x0, grad=ex.df, lr=lr, maxiter=maxiter, tol=1e-8)
    path = res.path[:, 0]
    x_end, f_end = float(res.x), float(res.fun)
    is_global = abs(x_end - best) < 1e-3
    basins = _basins(ex, minima, xlim)
    for lo, hi, m in basins:
        ax.axvspan(lo, hi, color=_GOOD if abs(m - best) < 1e-9 else _LOCAL, lw=0, zorder=0)
    t, y = grid_of(ex.f, xlim)
    curve, = ax.plot(t, y, color=CURVE, label=ex.name)
    shown = path[: min(len(path), 60)]
    ax.plot(shown, ex.f(shown), "-o", color=PALETTE["black"], ms=3, lw=0.8, alpha=0.7, label="descent steps")
    start, = ax.plot([x0], [float(ex.f(np.float64(x0)))], "o", color=PALETTE["black"], ms=8, mfc="white",
                     mew=2, zorder=6, label="start")
    end, = ax.plot([x_end], [f_end], "*", color=SECANT, ms=14, zorder=6, label="end")
    mark_data(curve, start, end)
    ax.set_xlim(*xlim)
    if ylim is None:
        fix_ylim(ax, y)
    else:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("loss f(x)")
    if title is None and brief:
        title = f"x\u2080 = {x0:.2f} \u2192 {'global' if is_global else 'local'} minimum"
    elif title is None:
        kind = "the global" if is_global else "a local"
        title = f"start {x0:.2f} \u2192 {kind} minimum at x = {x_end:.3f} (loss {f_end:.3f})"
    ax.set_title(title, fontsize=10)
    if legend:
        for lo, hi, m in basins:
            text = "basin of the global minimum" if abs(m - best) < 1e-9 else "basin of a local minimum"
            ax.text(0.5 * (lo + hi), 0.96, text, transform=ax.get_xaxis_transform(), ha="center", va="top",
                    fontsize=8.5, color=PALETTE["black"])
    return BasinDescentPlot(x0, x_end, f_end, res.nit, bool(is_global), minima, path)


def descent_start_explorer(ex, *, x0=0.3, lr=0.02, xlim=(-1.6, 1.6)):
    """A slider for the start ``x0`` of gradient descent on ``ex`` (a curve with several minima)."""
    check_callable(ex.f, "f")
    _, y = grid_of(ex.f, xlim)
    ylim = (float(y.min()) - 0.08 * np.ptp(y), float(y.max()) + 0.2 * np.ptp(y))
    minima = curve_minima(ex, xlim)
    return Explorer(lambda ax, x0: plot_descent_from_start(ax, ex, x0, lr=lr, xlim=xlim, ylim=ylim, minima=minima),
                    [Slider("x0", xlim[0] + 0.05, xlim[1] - 0.05, 0.05, x0, "start x\u2080")],
                    figsize=(7.6, 3.6), margins=dict(left=0.09, top=0.91))


# ------------------------------------------------------------------ a saddle in two dimensions
@dataclass
class SaddleGrid:
    """Contour lines of the loss, computed once for every redraw of :func:`plot_saddle_descent`."""
    xlim: tuple
    ylim: tuple
    levels: tuple
    lines: list = field(repr=False)      # one list of (k, 2) arrays per level


def saddle_grid(obj, xlim=(-1.7, 1.7), ylim=(-1.0, 1.9), n=160, levels=(0.05, 0.25, 0.6, 1.0, 1.6, 2.5, 3.6)):
    """Contour lines of ``obj.f`` at ``levels`` over an ``n`` x ``n`` grid, traced once.

    Examples
    --------
    >>> g = saddle_grid(saddle_example(), n=40, levels=(1.0,))
    >>> pts = np.concatenate(g.lines[0])                 # the level set through the saddle
    >>> np.allclose(saddle_example().f(pts.T), 1.0, atol=0.02)
    True
    """
    import contourpy

    n = check_int(n, "n", minimum=2)
    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    X, Y = np.meshgrid(xs, ys)
    z = np.asarray(obj.f(np.stack([X, Y])), dtype=float)
    gen = contourpy.contour_generator(X, Y, z, line_type="Separate")
    return SaddleGrid(tuple(xlim), tuple(ylim), tuple(levels), [list(gen.lines(level)) for level in levels])


@dataclass
class SaddlePlot:
    """What :func:`plot_saddle_descent` drew."""
    start: np.ndarray
    end: np.ndarray
    nit: int
    near_saddle: int        # steps spent within `radius` of the saddle
    losses: np.ndarray = field(repr=False)
    path: np.ndarray = field(repr=False)


def plot_saddle_descent(ax_map, ax_loss, obj, grid, start, *, lr=0.05, maxiter=140, saddle=(0.0, 0.0),
                        radius=0.3, title=None):
    """Descent from ``start`` on a 2-D loss with a saddle: the path over the loss (left), the loss curve (right).

    A start close to the ridge through the saddle slides down to the saddle,
    where the gradient is nearly zero, lingers there (a plateau in the loss
    curve, shaded), and then escapes along the direction of negative
    curvature to a minimum. The closer the start to the ridge, the longer
    the plateau: it grows like the logarithm of 1 / distance.

    Returns
    -------
    SaddlePlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> s = saddle_example()
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> g = saddle_grid(s, n=20)
    >>> near, far = (plot_saddle_descent(a, b, s, g, [eps, 1.6]) for eps in (1e-6, 1e-1))
    >>> near.near_saddle > far.near_saddle, np.allclose(np.abs(near.end), [1.0, 0.0], atol=1e-3)
    (True, True)
    >>> plt.close(fig)
    """
    start = as_float_array(start, "start", ndim=1, finite=True)
    res = gradient_descent(obj.f, start, grad=obj.grad, lr=lr, maxiter=maxiter, tol=1e-10)
    path, losses = res.path, res.losses
    dist = np.hypot(path[:, 0] - saddle[0], path[:, 1] - saddle[1])
    near = dist < radius
    n_near = int(near.sum())
    (x0, x1), (y0, y1) = grid.xlim, grid.ylim
    segments, colours, widths = [], [], []
    for level, lines in zip(grid.levels, grid.lines):
        saddle_level = abs(level - float(obj.f(np.asarray(saddle, dtype=float)))) < 1e-9
        for seg in lines:
            segments.append(seg)
            colours.append(SECANT if saddle_level else PALETTE["sky"])
            widths.append(1.3 if saddle_level else 0.9)
    ax_map.add_collection(LineCollection(segments, colors=colours, linewidths=widths, linestyles="solid"),
                          autolim=False)
    mins = np.array([[-1.0, 0.0], [1.0, 0.0]])
    ax_map.plot(mins[:, 0], mins[:, 1], "*", color=PALETTE["black"], ms=11, zorder=5)
    ax_map.plot([saddle[0]], [saddle[1]], "X", color=SECANT, ms=10, zorder=5)
    ax_map.annotate("saddle", (saddle[0], saddle[1]), xytext=(-44, -16), textcoords="offset points", fontsize=9,
                    color=SECANT)
    line, = ax_map.plot(path[:, 0], path[:, 1], "-o", color=ACCENT, ms=2.5, lw=1.2)
    ax_map.plot([start[0]], [start[1]], "o", color=PALETTE["black"], mfc="white", mew=2, ms=8, zorder=6)
    mark_data(line)
    ax_map.set_xlim(x0, x1)
    ax_map.set_ylim(y0, y1)
    ax_map.set_xlabel("x")
    ax_map.set_ylabel("y")
    steps = np.arange(len(losses))
    top = max(float(obj.f(start)), 1.2)
    if n_near:
        first, last = int(np.argmax(near)), len(near) - 1 - int(np.argmax(near[::-1]))
        ax_loss.axvspan(first, last, color=_LOCAL, lw=0, zorder=0)
    ax_loss.axhline(float(obj.f(np.asarray(saddle, dtype=float))), color=SECANT, lw=1, ls=":")
    curve, = ax_loss.plot(steps, losses, color=CURVE)
    mark_data(curve)
    ax_loss.set_xlim(0, maxiter)
    ax_loss.set_ylim(-0.05 * top, 1.1 * top)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss")
    ax_map.set_title(title if title is not None else
                     f"start ({start[0]:.0e}, {start[1]:g}): slow past the saddle", fontsize=10)
    ax_loss.set_title(f"{n_near} steps near the saddle (shaded)", fontsize=10)
    return SaddlePlot(start, np.asarray(res.x, dtype=float), res.nit, n_near, losses, path)


def saddle_explorer(obj, *, eps=1e-4, y0=1.6, lr=0.05, maxiter=140):
    """A log slider for how close the start ``(eps, y0)`` is to the ridge through the saddle."""
    grid = saddle_grid(obj)
    return Explorer(lambda a, b, eps: plot_saddle_descent(a, b, obj, grid, [eps, y0], lr=lr, maxiter=maxiter),
                    [Slider("eps", -8.0, -0.5, 0.5, eps, "start x (distance from the ridge)", log=True)],
                    figsize=(8.6, 3.5), ncols=2,
                    margins=dict(left=0.08, right=0.985, bottom=0.15, top=0.9, wspace=0.27))


# ------------------------------------------------------------------ a small network's loss
@dataclass
class ClassifierRun:
    """One training run of :func:`train_tanh_classifier`."""
    seed: int
    weights: list                   # [(W, b), ...] after training, W of shape (nin, nout)
    losses: np.ndarray              # the loss before each step, and after the last one
    grad_sq: np.ndarray             # |grad L|^2 before each step
    lr: float


def _forward(weights, X):
    h = X
    last = len(weights) - 1
    for i, (W, b) in enumerate(weights):
        h = h @ W + b
        if i < last:
            h = np.tanh(h)
    return h[:, 0]


def moons_loss(weights, X, y):
    r"""The logistic loss of a tanh network with these weights on the data ``X``, ``y``.

    With the score :math:`z_i` of sample :math:`i` and its label
    :math:`s_i = \pm 1` (``2 y - 1``), the loss is
    :math:`\frac1n \sum_i \log(1 + e^{-s_i z_i})`: near 0 when every score
    has the right sign by a margin, :math:`\log 2` when every score is 0.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> zero = [(np.zeros((2, 3)), np.zeros(3)), (np.zeros((3, 1)), np.zeros(1))]
    >>> np.allclose(moons_loss(zero, X, np.array([0, 1])), np.log(2))
    True
    """
    X = as_float_array(X, "X", ndim=2, finite=True)
    s = 2.0 * as_float_array(y, "y", ndim=1) - 1.0
    return float(np.mean(np.logaddexp(0.0, -s * _forward(weights, X))))


def train_tanh_classifier(X, y, *, hidden=(8,), seed=0, steps=600, lr=1.0):
    r"""Train a tanh network (``calclib.nn.TensorMLP``) on ``X``, ``y`` by plain gradient descent.

    The loss is the logistic loss of :func:`moons_loss`, built from Tensor
    operations so that ``backward()`` gives its gradient; each step is
    :math:`\theta \leftarrow \theta - \eta \nabla L` on the whole data set.

    Returns
    -------
    ClassifierRun

    Examples
    --------
    >>> from calclib.nn import make_moons
    >>> X, y = make_moons(40, noise=0.1, rng=0)
    >>> run = train_tanh_classifier(X, y, steps=50)
    >>> bool(run.losses[-1] < run.losses[0]), np.allclose(run.losses[-1], moons_loss(run.weights, X, y))
    (True, True)
    """
    from ..autodiff import Tensor
    from ..nn import TensorMLP, sgd_step

    X = as_float_array(X, "X", ndim=2, finite=True)
    y = as_float_array(y, "y", ndim=1, finite=True)
    steps = check_int(steps, "steps", minimum=0)
    lr = check_step(lr, "lr", allow_none=False)
    s = Tensor((2.0 * y - 1.0).reshape(-1, 1))
    model = TensorMLP(X.shape[1], [*hidden, 1], activation="tanh", rng=seed)
    losses, grad_sq = [], []
    for _ in range(steps):
        loss = (1.0 + (-(model(X) * s)).exp()).log().mean()
        loss.backward()
        losses.append(loss.item())
        grad_sq.append(sum(float(np.sum(p.grad ** 2)) for p in model.parameters()))
        sgd_step(model.parameters(), lr)
    weights = model.get_weights()
    losses.append(moons_loss(weights, X, y))
    return ClassifierRun(int(seed), weights, np.array(losses), np.array(grad_sq), lr)


def permute_hidden_units(weights, perm):
    """The same network with the units of its first hidden layer reordered by ``perm``.

    Swapping hidden units (their incoming weights, bias and outgoing weights
    together) changes the parameters but not the function the network
    computes, so the loss is exactly the same: a second, distinct minimum.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> w = [(rng.normal(size=(2, 3)), rng.normal(size=3)), (rng.normal(size=(3, 1)), rng.normal(size=1))]
    >>> X, y = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
    >>> np.allclose(moons_loss(permute_hidden_units(w, [2, 0, 1]), X, y), moons_loss(w, X, y))
    True
    """
    perm = np.asarray(perm)
    n = weights[0][0].shape[1]
    if perm.dtype.kind not in "iu" or sorted(perm.tolist()) != list(range(n)):
        raise ValueError(f"`perm` must be a permutation of 0..{n - 1} (one per hidden unit), got {perm!r:.60}")
    (W0, b0), (W1, b1), *rest = weights
    return [(W0[:, perm].copy(), b0[perm].copy()), (W1[perm, :].copy(), b1.copy()), *rest]


def loss_along_line(wa, wb, X, y, ts):
    r"""The loss at :math:`\theta(t) = (1 - t)\,\theta_A + t\,\theta_B` for each ``t`` in ``ts``.

    Examples
    --------
    >>> X, y = np.array([[1.0, 0.0]]), np.array([1])
    >>> wa = [(np.zeros((2, 1)), np.zeros(1)), (np.ones((1, 1)), np.zeros(1))]
    >>> wb = [(np.zeros((2, 1)), np.zeros(1)), (np.ones((1, 1)), np.full(1, 2.0))]
    >>> np.allclose(loss_along_line(wa, wb, X, y, [0.0, 0.5]), np.log1p(np.exp(-np.array([0.0, 1.0]))))
    True
    """
    ts = as_float_array(ts, "ts", ndim=1, finite=True)
    return np.array([moons_loss([((1 - t) * Wa + t * Wb, (1 - t) * ba + t * bb)
                                 for (Wa, ba), (Wb, bb) in zip(wa, wb)], X, y) for t in ts])


@dataclass
class LossLinePlot:
    """What :func:`plot_loss_along_line` drew."""
    max_loss: float
    t_at_max: float
    max_above_chord: float


def plot_loss_along_line(ax, ts, losses, *, labels=("solution A", "solution B"), title=None):
    r"""The loss along the straight line from one solution (:math:`t = 0`) to another (:math:`t = 1`).

    The dashed chord joins the two ends. For a convex loss the curve would
    stay below it; where it rises above (shaded) the loss is not convex.

    Returns
    -------
    LossLinePlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ts = np.linspace(-0.2, 1.2, 15)
    >>> r = plot_loss_along_line(ax, ts, 1 - (ts - 0.5)**2)
    >>> np.allclose([r.max_loss, r.t_at_max, r.max_above_chord], [1.0, 0.5, 0.25])
    True
    >>> plt.close(fig)
    """
    ts = as_float_array(ts, "ts", ndim=1, finite=True)
    losses = as_float_array(losses, "losses", ndim=1, finite=True)
    la, lb = np.interp(0.0, ts, losses), np.interp(1.0, ts, losses)
    inside = (ts >= 0) & (ts <= 1)
    chord = (1 - ts) * la + ts * lb
    gap = np.where(inside, losses - chord, -np.inf)
    k = int(np.argmax(losses))
    t_in, l_in, c_in = ts[inside], losses[inside], chord[inside]
    edge = np.r_[t_in, t_in[::-1]]
    ax.add_collection(PolyCollection([np.c_[edge, np.r_[np.maximum(l_in, c_in), c_in[::-1]]]],
                                     facecolors=[SECANT], alpha=0.25, linewidths=0), autolim=False)
    curve, = ax.plot(ts, losses, color=CURVE, label="loss along the line")
    ax.plot([0, 1], [la, lb], color=SECANT, ls="--", lw=1.8, label="chord")
    ends, = ax.plot([0, 1], [la, lb], "o", color=PALETTE["black"], ms=6, zorder=5)
    mark_data(curve, ends)
    for t, value, text in ((0.0, la, labels[0]), (1.0, lb, labels[1])):
        ax.annotate(text, (t, value), xytext=(0, 12), textcoords="offset points", ha="center", fontsize=8.5)
    ax.set_xlim(float(ts[0]), float(ts[-1]))
    fix_ylim(ax, losses, np.zeros(1), top=0.1)
    ax.set_xlabel(r"$t$   (parameters $(1 - t)\,\theta_A + t\,\theta_B$)")
    ax.set_ylabel("loss")
    ax.set_title(title if title is not None else
                 f"between two solutions the loss climbs to {losses[k]:.2f}, far above the chord", fontsize=10)
    legend_corner(ax, [(ts, losses), ([0, 1], [la, lb])], soft=[([0, 1], [la, lb])], fontsize=8.5)
    return LossLinePlot(float(losses[k]), float(ts[k]), float(np.max(gap)))


def plot_seed_loss_curves(ax, runs, *, title=None):
    """The loss of each training run against the step (log scale), one line per run.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> runs = [ClassifierRun(k, [], np.array([0.7, 0.5, 0.1 * k + 0.1]), np.ones(2), 1.0) for k in (1, 2)]
    >>> len(plot_seed_loss_curves(ax, runs))
    2
    >>> plt.close(fig)
    """
    colours = [CURVE, SECANT, TANGENT, ACCENT, PALETTE["purple"], PALETTE["sky"]]
    styles = ["-", "--", "-.", ":"]
    lines = []
    for i, run in enumerate(runs):
        line, = ax.semilogy(np.arange(len(run.losses)), run.losses, color=colours[i % len(colours)],
                            ls=styles[i % len(styles)], lw=1.8, label=f"seed {run.seed}: ends at {run.losses[-1]:.3f}")
        lines.append(mark_data(line)[0])
    n = max(len(r.losses) for r in runs)
    ax.set_xlim(0, n - 1)
    lows = [float(np.min(r.losses)) for r in runs]
    highs = [float(np.max(r.losses)) for r in runs]
    ax.set_ylim(min(lows) / 8, max(highs) * 1.6)          # room below the curves for the legend
    cheap_log_axes(ax)
    ax.set_xlabel("step")
    ax.set_ylabel("loss (log scale)")
    ax.set_title(title if title is not None else "every run's loss falls step after step, to different ends",
                 fontsize=10)
    legend_corner(ax, [(np.arange(len(r.losses)), r.losses) for r in runs], fontsize=8.5,
                  prefer=("lower left", "lower right", "upper right", "upper left"))
    return lines
