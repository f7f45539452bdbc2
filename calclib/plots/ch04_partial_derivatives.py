"""Chapter 4 figures: partial derivatives and many parameters.

* :func:`plot_loss_map` and :func:`plot_slice` -- a loss of two parameters seen from above, with
  the two lines through a point along which one parameter moves; along each line the loss is a
  curve whose slope at the point is a partial derivative (explorer: :func:`slice_explorer`;
  :func:`plot_surface_slices` draws the same in 3-D).
* :func:`plot_parameter_nudge` -- a loss of many parameters: one partial per parameter, and the
  nudge of one parameter that estimates it (explorer: :func:`parameter_nudge_explorer`).
* :func:`plot_partials_cost` -- loss evaluations and time for all partials against the number of
  parameters: numerical partials grow with it, reverse-mode autodiff does not.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from .._validation import as_float_array, check_callable, check_real, check_step
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, cheap_log_axes, mark_data

__all__ = [
    "LossGrid", "loss_grid", "SliceView", "plot_loss_map", "plot_slice", "plot_slices",
    "plot_surface_slices", "slice_explorer",
    "ParameterNudge", "parameter_nudge", "plot_parameter_nudge", "parameter_nudge_explorer",
    "plot_partials_cost",
]

W_COLOUR, B_COLOUR = ACCENT, PALETTE["purple"]      # the slice along w, the slice along b


def _CONTOUR_CMAP(v):
    from matplotlib import colormaps
    return colormaps["Blues"](v)


# ------------------------------------------------------------------ a loss of two parameters
@dataclass(frozen=True)
class LossGrid:
    """A loss of two parameters ``f(w, b)`` on a grid, computed once for a slider figure."""
    w: np.ndarray          # (nw,)
    b: np.ndarray          # (nb,)
    values: np.ndarray     # (nb, nw): values[j, i] = f(w[i], b[j])
    levels: np.ndarray
    contours: tuple        # one list of (k, 2) arrays per level
    zlim: tuple            # (min, max) of the values


def loss_grid(f, wlim, blim, *, n=121, levels=10):
    r"""``f(w, b)`` on an ``n`` by ``n`` grid, with contour lines at ``levels`` values.

    Parameters
    ----------
    f : callable
        ``f(w, b)``, vectorised (numpy arrays in, an array of the same shape out).
    wlim, blim : (float, float)
        The ranges of the two parameters.

    Returns
    -------
    LossGrid

    Examples
    --------
    >>> g = loss_grid(lambda w, b: w**2 + b**2, (-1, 1), (-1, 1), n=21)
    >>> g.values.shape, np.allclose(g.zlim, (0.0, 2.0))
    ((21, 21), True)
    """
    import contourpy

    check_callable(f, "f")
    w = np.linspace(float(wlim[0]), float(wlim[1]), int(n))
    b = np.linspace(float(blim[0]), float(blim[1]), int(n))
    W, B = np.meshgrid(w, b)
    Z = np.asarray(f(W, B), dtype=float)
    if Z.shape != W.shape or not np.all(np.isfinite(Z)):
        raise ValueError(f"`f` must return finite numbers of the grid's shape {W.shape} for array arguments")
    lo, hi = float(Z.min()), float(Z.max())
    lv = lo + (hi - lo) * np.linspace(0.02, 0.9, int(levels)) ** 2        # denser near the minimum
    gen = contourpy.contour_generator(W, B, Z)
    return LossGrid(w, b, Z, lv, tuple(gen.lines(v) for v in lv), (lo, hi))


@dataclass(frozen=True)
class SliceView:
    """What the slice figures drew: the point, the loss there and its two partials."""
    w: float
    b: float
    value: float
    dw: float      # dL/dw: slope of the slice along w (b held fixed)
    db: float      # dL/db: slope of the slice along b (w held fixed)


def _slice_view(f, df, w, b):
    w, b = check_real(w, "w"), check_real(b, "b")
    dw, db = (float(v) for v in df(w, b))
    return SliceView(w, b, float(f(w, b)), dw, db)


def plot_loss_map(ax, grid, w, b, *, title=None):
    r"""The loss seen from above (contour lines, darker inside) with the point ``(w, b)`` and the two
    lines through it: along the orange one only ``w`` moves, along the purple one only ``b``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> g = loss_grid(lambda w, b: w**2 + b**2, (-1, 1), (-1, 1), n=21)
    >>> plot_loss_map(ax, g, 0.5, -0.5)
    (0.5, -0.5)
    >>> plt.close(fig)
    """
    w, b = check_real(w, "w"), check_real(b, "b")
    extent = (grid.w[0], grid.w[-1], grid.b[0], grid.b[-1])
    # Contour lines only, darker towards the minimum (vector lines: cheaper to redraw than an image).
    segments, shades = [], []
    for k, lines in enumerate(grid.contours):
        segments += lines
        shades += [_CONTOUR_CMAP(0.9 - 0.6 * k / max(len(grid.contours) - 1, 1))] * len(lines)
    ax.add_collection(LineCollection(segments, colors=shades, linewidths=1.0), autolim=False)
    ax.plot(grid.w[[0, -1]], [b, b], color=W_COLOUR, lw=2.2)
    ax.plot([w, w], grid.b[[0, -1]], color=B_COLOUR, lw=2.2)
    mark_data(*ax.plot([w], [b], "o", color=PALETTE["black"], ms=6, zorder=5))
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.locator_params(nbins=4)          # few ticks: each is several artists to draw per slider move
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.grid(False)
    ax.set_title(title if title is not None else "from above: move w alone, or b alone", fontsize=10)
    return (w, b)


def plot_slice(ax, t, values, at, value, slope, *, colour=W_COLOUR, name="w", ylim=None, title=None):
    r"""One slice of a loss: ``values`` along ``t`` (one parameter moving), the point ``at`` and the
    tangent whose slope is the partial derivative ``slope``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = np.linspace(-1, 1, 11)
    >>> line = plot_slice(ax, t, t**2, 0.5, 0.25, 1.0, name="w")
    >>> np.allclose(line.get_ydata(), 0.25 + 1.0 * (t - 0.5))
    True
    >>> plt.close(fig)
    """
    t = as_float_array(t, "t", ndim=1)
    values = as_float_array(values, "values", ndim=1)
    curve, = ax.plot(t, values, color=colour, lw=2.2)
    tangent, = ax.plot(t, value + slope * (t - at), color=TANGENT, lw=1.6, ls="--")
    dot, = ax.plot([at], [value], "o", color=PALETTE["black"], ms=6, zorder=5)
    mark_data(curve, dot)
    ax.set_xlim(t[0], t[-1])
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.locator_params(nbins=4)
    ax.set_xlabel(name)
    ax.set_ylabel("loss")
    ax.set_title(title if title is not None else f"only {name} moves: slope ∂L/∂{name} = {slope:.3f}",
                 fontsize=10)
    return tangent


def plot_slices(ax_map, ax_w, ax_b, f, df, grid, w, b, *, ylim=None):
    r"""The map of :func:`plot_loss_map` beside the two slices through ``(w, b)``.

    Parameters
    ----------
    ax_map, ax_w, ax_b : matplotlib.axes.Axes
    f : callable
        ``f(w, b)``, vectorised.
    df : callable
        ``df(w, b) -> (dL/dw, dL/db)``, the exact partials.
    grid : LossGrid
        From :func:`loss_grid` (computed once).
    w, b : float
        The point.
    ylim : (float, float), optional
        Fixed loss range of both slice panels (default: the grid's).

    Returns
    -------
    SliceView

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, axes = plt.subplots(1, 3)
    >>> f = lambda w, b: w**2 + 3 * w * b + b**2
    >>> df = lambda w, b: (2 * w + 3 * b, 3 * w + 2 * b)
    >>> r = plot_slices(*axes, f, df, loss_grid(f, (-1, 1), (-1, 1), n=21), 0.5, -0.5)
    >>> np.allclose([r.dw, r.db], [-0.5, 0.5])
    True
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    check_callable(df, "df")
    r = _slice_view(f, df, w, b)
    ylim = grid.zlim if ylim is None else ylim
    ylim = (ylim[0] - 0.05 * (ylim[1] - ylim[0]), ylim[1] + 0.05 * (ylim[1] - ylim[0]))
    plot_loss_map(ax_map, grid, r.w, r.b)
    plot_slice(ax_w, grid.w, np.asarray(f(grid.w, r.b), dtype=float), r.w, r.value, r.dw, colour=W_COLOUR,
               name="w", ylim=ylim, title=f"b fixed at {r.b:.1f}: ∂L/∂w = {r.dw:.3f}")
    plot_slice(ax_b, grid.b, np.asarray(f(r.w, grid.b), dtype=float), r.b, r.value, r.db, colour=B_COLOUR,
               name="b", ylim=ylim, title=f"w fixed at {r.w:.1f}: ∂L/∂b = {r.db:.3f}")
    ax_b.set_ylabel("")
    return r


def plot_surface_slices(ax, f, grid, w, b):
    r"""The loss as a surface over the plane ``(w, b)`` (a 3-D axes), with the two slices through the
    point drawn on it: cut the surface along one direction and you get a curve of one variable.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> ax = fig.add_subplot(projection="3d")
    >>> f = lambda w, b: w**2 + b**2
    >>> plot_surface_slices(ax, f, loss_grid(f, (-1, 1), (-1, 1), n=21), 0.5, 0.0)
    0.25
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    w, b = check_real(w, "w"), check_real(b, "b")
    step = max(1, grid.w.size // 30)
    W, B = np.meshgrid(grid.w[::step], grid.b[::step])
    ax.computed_zorder = False            # draw the slices on top of the surface, not behind it
    ax.plot_surface(W, B, grid.values[::step, ::step], cmap="Blues_r", alpha=0.45, linewidth=0,
                    antialiased=True, rstride=1, cstride=1, zorder=1)
    ax.plot(grid.w, np.full_like(grid.w, b), np.asarray(f(grid.w, b), dtype=float), color=W_COLOUR, lw=2.8,
            zorder=3)
    ax.plot(np.full_like(grid.b, w), grid.b, np.asarray(f(w, grid.b), dtype=float), color=B_COLOUR, lw=2.8,
            zorder=3)
    value = float(f(w, b))
    ax.plot([w], [b], [value], "o", color=PALETTE["black"], ms=6, zorder=4)
    ax.set_xticks(np.linspace(grid.w[0], grid.w[-1], 5))
    ax.set_yticks(np.linspace(grid.b[0], grid.b[-1], 5))
    ax.zaxis.set_major_locator(MaxNLocator(4))
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_zlabel("loss")
    ax.view_init(elev=28, azim=-60)
    ax.set_title(f"cut along w (orange, b = {b:g}) and along b (purple, w = {w:g})", fontsize=10)
    return value


def slice_explorer(f, df, *, w=1.0, b=0.0, wlim=(-1.0, 3.0), blim=(-2.0, 2.0)):
    """Sliders for the point ``(w, b)``: the two slices through it and their slopes."""
    check_callable(f, "f")
    check_callable(df, "df")
    grid = loss_grid(f, wlim, blim)
    lo, hi = grid.zlim
    ylim = (lo, lo + 0.8 * (hi - lo))
    return Explorer(lambda a, bw, bb, w, b: plot_slices(a, bw, bb, f, df, grid, w, b, ylim=ylim),
                    [Slider("w", wlim[0], wlim[1], 0.1, w, "parameter w"),
                     Slider("b", blim[0], blim[1], 0.1, b, "parameter b")],
                    figsize=(8.6, 3.3), ncols=3,
                    margins=dict(left=0.07, right=0.99, bottom=0.16, top=0.88, wspace=0.32))


# ------------------------------------------------------------------ a loss of many parameters
@dataclass(frozen=True)
class ParameterNudge:
    """One parameter nudged: the forward-difference estimate beside the exact partial."""
    i: int
    h: float
    partials: np.ndarray      # every exact partial
    estimate: float           # (L(theta + h e_i) - L(theta)) / h
    exact: float              # partials[i]
    evaluations: int          # loss evaluations used: one at theta, one nudged


def parameter_nudge(loss, grad, theta, i, h):
    r"""Estimate :math:`\partial L/\partial\theta_i` by nudging parameter ``i`` alone by ``h``.

    Parameters
    ----------
    loss : callable
        ``loss(theta) -> float``.
    grad : callable
        ``grad(theta) -> array``, the exact partials (for comparison).
    theta : array_like, shape (n,)
    i : int
        Which parameter, ``0 <= i < n``.
    h : float
        The nudge, positive.

    Returns
    -------
    ParameterNudge

    Notes
    -----
    A forward difference: error of order ``h``. Every partial needs its own
    nudged evaluation, so all ``n`` of them cost ``n + 1`` evaluations.

    Examples
    --------
    >>> loss = lambda t: t[0]**2 + 3 * t[1]
    >>> grad = lambda t: np.array([2 * t[0], 3.0])
    >>> r = parameter_nudge(loss, grad, [1.0, 2.0], 0, 1e-3)
    >>> np.allclose(r.estimate, 2.001), r.exact, r.evaluations
    (True, 2.0, 2)
    """
    check_callable(loss, "loss")
    check_callable(grad, "grad")
    theta = as_float_array(theta, "theta", ndim=1, finite=True)
    i = int(round(check_real(i, "i")))
    if not 0 <= i < theta.size:
        raise ValueError(f"`i` must be a parameter index in range({theta.size}), got {i}")
    h = check_step(h, "h", allow_none=False)
    partials = as_float_array(grad(theta), "grad", ndim=1, finite=True)
    if partials.shape != theta.shape:
        raise ValueError(f"`grad` must return one partial per parameter ({theta.size}), got {partials.size}")
    nudged = theta.copy()
    nudged[i] += h
    estimate = (float(loss(nudged)) - float(loss(theta))) / h
    return ParameterNudge(i, h, partials, estimate, float(partials[i]), 2)


def plot_parameter_nudge(ax_bars, ax_slice, loss, grad, theta, i, h, *, trange=(-1.5, 1.5), ylim=None,
                         bar_lim=None):
    r"""Left: one bar per parameter, its exact partial; parameter ``i`` highlighted and its nudged
    estimate marked (◆). Right: the loss along parameter ``i`` alone, with the secant of the nudge
    and the tangent of the exact partial.

    Returns
    -------
    ParameterNudge

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> loss = lambda t: t[0]**2 + 3 * t[1]
    >>> grad = lambda t: np.array([2 * t[0], 3.0])
    >>> r = plot_parameter_nudge(a, b, loss, grad, [1.0, 2.0], 1, 0.5)
    >>> np.allclose([r.estimate, r.exact], [3.0, 3.0])
    True
    >>> plt.close(fig)
    """
    r = parameter_nudge(loss, grad, theta, i, h)
    theta = np.asarray(theta, dtype=float)
    n = theta.size
    colours = [ACCENT if k == r.i else CURVE for k in range(n)]
    ax_bars.bar(np.arange(n), r.partials, color=colours, alpha=0.85, width=0.7)
    ax_bars.containers.clear()          # an explorer reuses its axes: keep no stale containers
    ax_bars.axhline(0, color=PALETTE["black"], lw=0.8)
    mark_data(*ax_bars.plot([r.i], [r.estimate], "D", color=PALETTE["black"], ms=7, zorder=5))
    ax_bars.set_xticks(np.arange(n), [f"θ{k + 1}" for k in range(n)])
    ax_bars.set_xlim(-0.6, n - 0.4)
    if bar_lim is not None:
        ax_bars.set_ylim(*bar_lim)
    ax_bars.set_ylabel("partial ∂L/∂θ")
    ax_bars.set_title(f"{n} parameters, {n} partials: nudging θ{r.i + 1} gives ◆ = {r.estimate:.3f}", fontsize=10)

    t = np.linspace(trange[0], trange[1], 121)
    steps = np.zeros((t.size, n))
    steps[:, r.i] = t
    values = np.array([float(loss(theta + s)) for s in steps])
    L0 = float(loss(theta))
    curve, = ax_slice.plot(t, values, color=ACCENT, lw=2.2)
    ax_slice.plot(t, L0 + r.exact * t, color=TANGENT, lw=1.6, ls="--")
    ax_slice.plot([0, r.h], [L0, L0 + r.estimate * r.h], color=SECANT, lw=2.5)
    dots, = ax_slice.plot([0, r.h], [L0, L0 + r.estimate * r.h], "o", color=PALETTE["black"], ms=5, zorder=5)
    mark_data(curve, dots)
    ax_slice.set_xlim(*trange)
    if ylim is not None:
        ax_slice.set_ylim(*ylim)
    ax_slice.set_xlabel(f"change of θ{r.i + 1} (all others held)")
    ax_slice.set_ylabel("loss")
    ax_slice.set_title(f"h = {r.h:.3g}: secant slope {r.estimate:.3f}, exact ∂L/∂θ{r.i + 1} = {r.exact:.3f}",
                       fontsize=10)
    return r


def parameter_nudge_explorer(loss, grad, theta, *, i=1, h=0.3, trange=(-1.5, 1.5)):
    """Sliders for which parameter to nudge (numbered from 1, as θ1 ... θn) and by how much (log scale)."""
    check_callable(loss, "loss")
    check_callable(grad, "grad")
    theta = as_float_array(theta, "theta", ndim=1, finite=True)
    n = theta.size
    t = np.linspace(trange[0], trange[1], 41)
    everything = [float(loss(theta + np.where(np.arange(n) == k, s, 0.0))) for k in range(n) for s in t]
    lo, hi = min(everything), max(everything)
    ylim = (lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo))
    g = as_float_array(grad(theta), "grad", ndim=1, finite=True)
    est = [parameter_nudge(loss, grad, theta, k, 1.0).estimate for k in range(n)]
    span = [min(0.0, g.min(), min(est)), max(0.0, g.max(), max(est))]
    pad = 0.12 * (span[1] - span[0])
    bar_lim = (span[0] - pad, span[1] + pad)
    return Explorer(lambda a, b, i, h: plot_parameter_nudge(a, b, loss, grad, theta, round(i) - 1, h,
                                                            trange=trange, ylim=ylim, bar_lim=bar_lim),
                    [Slider("i", 1, n, 1, i, "parameter θ number", readout=".0f"),
                     Slider("h", -3.0, 0.0, 0.1, h, "nudge h", log=True, readout=".3f")],
                    figsize=(8.6, 3.5), ncols=2,
                    margins=dict(left=0.08, right=0.985, bottom=0.16, top=0.88, wspace=0.28))


# ------------------------------------------------------------------ the cost of all partials
def plot_partials_cost(ax_evals, ax_time, ns, numerical_evals, autodiff_evals, *, numerical_seconds=None,
                       autodiff_seconds=None, evaluation_seconds=None, title=None):
    r"""Left: loss evaluations needed for all ``n`` partials, numerically and by reverse-mode
    autodiff (one forward and one backward pass). Right: measured times (if given): numerical
    partials, the time of their evaluations alone (``numerical_evals`` times one evaluation: what
    any implementation must spend), autodiff, and one plain evaluation. Log-log axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> plot_partials_cost(a, b, [10, 100], [21, 201], [2, 2], numerical_seconds=[1e-3, 1e-2],
    ...                    autodiff_seconds=[1e-4, 1e-4], evaluation_seconds=[2e-5, 3e-5])
    >>> a.get_xscale(), b.get_yscale()
    ('log', 'log')
    >>> plt.close(fig)
    """
    ns = as_float_array(ns, "ns", ndim=1)
    num = as_float_array(numerical_evals, "numerical_evals", ndim=1)
    auto = as_float_array(autodiff_evals, "autodiff_evals", ndim=1)
    mark_data(*ax_evals.loglog(ns, num, "o-", color=SECANT, label="numerical: 2n + 1 evaluations"))
    mark_data(*ax_evals.loglog(ns, auto, "s-", color=TANGENT, label="autodiff: forward + backward pass"))
    ax_evals.set_xlabel("number of parameters n")
    ax_evals.set_ylabel("loss evaluations")
    ax_evals.set_title("evaluations for all n partials: 2n + 1 against 2", fontsize=10)
    ax_evals.set_ylim(1, num.max() * 5)
    ax_evals.legend(loc="upper left", fontsize=8.5)
    cheap_log_axes(ax_evals)
    if numerical_seconds is not None:
        ts = [as_float_array(v, name, ndim=1) * 1e3 for v, name in
              ((numerical_seconds, "numerical_seconds"), (autodiff_seconds, "autodiff_seconds"),
               (evaluation_seconds, "evaluation_seconds"))]
        evals_alone = num * ts[2]
        mark_data(*ax_time.loglog(ns, ts[0], "o-", color=SECANT, label="numerical partials (calclib)"))
        mark_data(*ax_time.loglog(ns, evals_alone, "o--", color=SECANT, alpha=0.6,
                                  label="their 2n + 1 evaluations alone"))
        mark_data(*ax_time.loglog(ns, ts[1], "s-", color=TANGENT, label="autodiff (Tensor)"))
        mark_data(*ax_time.loglog(ns, ts[2], "^:", color=PALETTE["grey"], label="one evaluation (numpy)"))
        ax_time.set_ylim(min(t.min() for t in ts) / 3, max(t.max() for t in ts) * 60)
        ax_time.set_xlabel("number of parameters n")
        ax_time.set_ylabel("time (ms), measured")
        ax_time.set_title(f"at n = {ns[-1]:.0f} autodiff beats even the bare evaluations "
                          f"{evals_alone[-1] / ts[1][-1]:.0f}x", fontsize=10)
        ax_time.legend(loc="upper left", fontsize=8.5)
        cheap_log_axes(ax_time)
    if title:
        ax_evals.figure.suptitle(title, fontsize=11)
