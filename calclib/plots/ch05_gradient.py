"""Chapter 5 figures: the gradient collects the partial derivatives.

* :func:`loss_map` -- a loss of two parameters on a grid with its contour lines, computed
  once (a slider only draws what moves); :func:`draw_loss_map` draws it.
* :func:`plot_gradient_at` -- the gradient as an arrow: uphill, across the contour line,
  longer where the contours crowd (explorer: :func:`gradient_explorer`).
* :func:`plot_directional` -- a unit direction ``u`` turned around the point: the slope of
  the loss along ``u`` is ``∇L·u = |∇L| cos φ`` (explorer: :func:`direction_explorer`).
* :func:`plot_ranked_partials` -- the partials of a many-parameter loss, ranked by size:
  which parameters matter most here; :func:`plot_nudges` checks the ranking by nudging
  one parameter at a time (explorer: :func:`ranking_explorer`, along a descent path).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from .._validation import as_float_array, check_callable, check_real
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, cheap_log_axes, corner_box, count, mark_data

__all__ = [
    "LossMap", "loss_map", "draw_loss_map", "unit_direction",
    "GradientPlot", "plot_gradient_at", "DirectionSlice", "plot_direction_slice", "direction_slice_limits",
    "DirectionalPlot", "plot_directional",
    "RankedPartials", "plot_ranked_partials", "NudgeEffects", "nudge_effects", "plot_nudges",
    "DescentRanking", "ranking_path", "plot_ranking_step",
    "gradient_explorer", "direction_explorer", "ranking_explorer",
]

_CONTOUR_COLOUR = "#b8b8b8"


# ------------------------------------------------------------------ the loss on a grid
@dataclass
class LossMap:
    """A loss of two parameters sampled on a grid, with its contour lines (computed once).

    Attributes
    ----------
    f, grad : callable
        The loss ``f(theta)`` and its gradient ``grad(theta)``; ``theta`` has
        shape ``(2,)`` or ``(2, ...)`` (a grid of points).
    wlim, blim : (float, float)
        The ranges of the two parameters.
    W, B, Z : ndarray
        The grid and the loss on it.
    levels : ndarray
        The loss values of the contour lines, at equal steps.
    segments : list of ndarray
        Every contour line as an ``(m, 2)`` array of points.
    minimum : ndarray, shape (2,)
        The lowest grid point.
    field_points, field_grads : ndarray, shape (k, 2)
        A coarse grid of points and the gradient at each (for the arrow field).
    names : (str, str)
        The parameters' names, for axis labels.
    """
    f: object = field(repr=False)
    grad: object = field(repr=False)
    wlim: tuple
    blim: tuple
    W: np.ndarray = field(repr=False)
    B: np.ndarray = field(repr=False)
    Z: np.ndarray = field(repr=False)
    levels: np.ndarray
    segments: list = field(repr=False)
    minimum: np.ndarray
    field_points: np.ndarray = field(repr=False)
    field_grads: np.ndarray = field(repr=False)
    names: tuple = ("w", "b")

    def gradient(self, point):
        """The gradient at ``point`` (shape ``(2,)``), as a float array."""
        return _grad_at(self.grad, point)


def _limits(lim, name):
    lo, hi = (float(v) for v in lim)
    if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
        raise ValueError(f"`{name}` must be a finite range (low, high) with low < high, got {lim!r}")
    return lo, hi


def _grad_at(grad, point):
    g = as_float_array(grad(np.asarray(point, dtype=float)), "grad")
    if g.shape != (2,) or not np.all(np.isfinite(g)):
        raise ValueError(f"`grad` must return 2 finite numbers at {point!r}, got {g!r}")
    return g


def loss_map(f, grad, wlim, blim, *, n=121, nlevels=11, field=9, names=("w", "b")):
    r"""Sample a loss of two parameters on a grid and compute its contour lines, once.

    Parameters
    ----------
    f : callable
        ``f(theta)`` for ``theta`` of shape ``(2,)`` and of shape ``(2, ny, nx)``
        (the whole grid at once).
    grad : callable
        Its gradient, ``grad(theta)`` of shape ``(2,)`` (also called on a grid
        ``(2, k)`` for the arrow field).
    wlim, blim : (float, float)
        Ranges of the first and second parameter.
    n : int
        Grid points per axis.
    nlevels : int
        Number of contour lines, at equal steps of loss: where they crowd
        together the loss changes fast.
    field : int
        Arrows per axis in the gradient field.
    names : (str, str)
        Names of the parameters (axis labels).

    Returns
    -------
    LossMap

    Examples
    --------
    >>> f = lambda t: t[0]**2 + 4 * t[1]**2
    >>> g = lambda t: np.array([2 * t[0], 8 * t[1]])
    >>> m = loss_map(f, g, (-2, 2), (-2, 2), n=41)
    >>> np.allclose(m.minimum, [0.0, 0.0]), len(m.levels), m.Z.shape
    (True, 11, (41, 41))
    """
    check_callable(f, "f")
    check_callable(grad, "grad")
    wlim, blim = _limits(wlim, "wlim"), _limits(blim, "blim")
    n, nlevels, field = int(n), int(nlevels), int(field)
    if n < 5 or nlevels < 2 or field < 2:
        raise ValueError(f"`n` must be >= 5, `nlevels` >= 2 and `field` >= 2, got {n}, {nlevels}, {field}")
    import contourpy

    w = np.linspace(*wlim, n)
    b = np.linspace(*blim, n)
    W, B = np.meshgrid(w, b)
    Z = as_float_array(f(np.array([W, B])), "f")
    if Z.shape != W.shape or not np.all(np.isfinite(Z)):
        raise ValueError(f"`f` must return finite values of shape {W.shape} on a (2, {n}, {n}) grid, got {Z.shape}")
    k = np.unravel_index(np.argmin(Z), Z.shape)
    minimum = np.array([W[k], B[k]])
    lo, hi = float(Z.min()), float(np.percentile(Z, 70))
    levels = lo + (hi - lo) * np.linspace(0.0, 1.0, nlevels + 1)[1:]
    gen = contourpy.contour_generator(W, B, Z, line_type="Separate")
    spacing = 0.03 * min(wlim[1] - wlim[0], blim[1] - blim[0])
    segments = [_thin(seg, spacing) for level in levels for seg in gen.lines(level) if len(seg) > 1]
    fw = np.linspace(*wlim, field + 2)[1:-1]
    fb = np.linspace(*blim, field + 2)[1:-1]
    FW, FB = np.meshgrid(fw, fb)
    points = np.c_[FW.ravel(), FB.ravel()]
    grads = as_float_array(grad(points.T.copy()), "grad").reshape(2, -1).T
    return LossMap(f, grad, wlim, blim, W, B, Z, levels, segments, minimum, points, grads, tuple(names))


def _thin(seg, spacing):
    """The points of a contour line about `spacing` apart along it, ends kept (fewer points: a
    smaller SVG to build, send and draw while a slider moves)."""
    d = np.r_[0.0, np.cumsum(np.hypot(*np.diff(seg, axis=0).T))]
    if d[-1] <= 2 * spacing:
        return seg
    keep = np.unique(np.searchsorted(d, np.arange(0.0, d[-1], spacing)))
    return np.vstack([seg[keep], seg[-1:]])


def draw_loss_map(ax, lmap, *, field=True, minimum=True):
    """Draw the contour lines of ``lmap`` (and the gradient field) on ``ax``, equal aspect.

    Returns the list of artists drawn. The arrows of the field are drawn to one
    scale (the longest spans 80 % of the grid spacing): longer means steeper.
    """
    drawn = [ax.add_collection(LineCollection(lmap.segments, colors=_CONTOUR_COLOUR, linewidths=0.9,
                                              zorder=1), autolim=False)]
    if field:
        g = lmap.field_grads
        spacing = (lmap.wlim[1] - lmap.wlim[0]) / (np.sqrt(len(g)) + 1)
        s = 0.8 * spacing / max(float(np.max(np.hypot(*g.T))), 1e-300)
        drawn.append(ax.quiver(lmap.field_points[:, 0], lmap.field_points[:, 1], s * g[:, 0], s * g[:, 1],
                               angles="xy", scale_units="xy", scale=1, color=PALETTE["blue"], alpha=0.55, width=0.004,
                               zorder=2))
    if minimum:
        drawn += ax.plot(*lmap.minimum, marker="x", ms=8, mew=2, color=PALETTE["black"], ls="none", zorder=4)
    ax.set_xlim(*lmap.wlim)
    ax.set_ylim(*lmap.blim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(lmap.names[0])
    ax.set_ylabel(lmap.names[1])
    ax.grid(False)                   # the contour lines are the grid; fewer lines, a cheaper redraw
    _few_ticks(ax)
    return drawn


def _arrow(ax, start, vector, color, span, zorder=5):
    """A filled arrow from `start` along `vector` (data units; the axes have equal aspect)."""
    length = float(np.hypot(*vector))
    head = min(0.035 * span, 0.45 * length)
    return ax.arrow(start[0], start[1], vector[0], vector[1], width=0.009 * span, head_width=head,
                    head_length=1.3 * head, length_includes_head=True, color=color, zorder=zorder, lw=0)


def _arrow_scale(lmap, reach=0.3):
    """Data units per unit of gradient: the 75th percentile of the field's gradients spans `reach`
    of the width (the steepest arrows are then drawn shortened, see :func:`plot_gradient_at`)."""
    typical = float(np.percentile(np.hypot(*lmap.field_grads.T), 75))
    return reach * (lmap.wlim[1] - lmap.wlim[0]) / max(typical, 1e-300)


def _few_ticks(ax, n=4):
    """Fewer ticks: each tick is several artists to build per redraw."""
    ax.xaxis.set_major_locator(MaxNLocator(n))
    ax.yaxis.set_major_locator(MaxNLocator(n))


def _room(p, v, lmap, margin=0.04):
    """The largest fraction (at most 1) of the vector `v` from `p` that stays inside the map's limits."""
    frac = 1.0
    for k, (lo, hi) in enumerate((lmap.wlim, lmap.blim)):
        pad = margin * (hi - lo)
        if v[k] > 0:
            frac = min(frac, max(hi - pad - p[k], 0.0) / v[k])
        elif v[k] < 0:
            frac = min(frac, max(p[k] - lo - pad, 0.0) / -v[k])
    return frac


def unit_direction(g, angle):
    """The unit vector at ``angle`` degrees (counter-clockwise) from the direction of ``g``.

    Examples
    --------
    >>> np.allclose(unit_direction([3.0, 4.0], 0.0), [0.6, 0.8])
    True
    >>> np.allclose(unit_direction([3.0, 4.0], 180.0), [-0.6, -0.8])
    True
    """
    g = as_float_array(g, "g", ndim=1, finite=True)
    if g.shape != (2,):
        raise ValueError(f"`g` must hold 2 numbers, got shape {g.shape}")
    norm = float(np.hypot(*g))
    if norm == 0:
        raise ValueError("`g` must be nonzero: a zero gradient has no direction")
    a = np.deg2rad(check_real(angle, "angle"))
    c, s = np.cos(a), np.sin(a)
    return np.array([c * g[0] - s * g[1], s * g[0] + c * g[1]]) / norm


# ------------------------------------------------------------------ the gradient as an arrow
@dataclass
class GradientPlot:
    """What :func:`plot_gradient_at` drew: the point, its gradient and the arrow's scale."""
    point: np.ndarray
    gradient: np.ndarray
    norm: float
    scale: float
    arrow_end: np.ndarray
    tangent: np.ndarray


def plot_gradient_at(ax, lmap, point, *, title=None, show_numbers=True, field=True, scale=None):
    r"""The gradient at ``point`` as an arrow over the contour lines.

    The arrow :math:`\nabla L` points where the loss rises fastest; it is at
    right angles to the contour line through the point (along that line the
    loss does not change), and it is longer where the contour lines crowd
    together. A dotted segment shows the contour's direction at the point.
    An arrow that would leave the axes is drawn shortened to fit (the box
    says so and prints the true numbers).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    lmap : LossMap
        From :func:`loss_map`.
    point : array_like, shape (2,)
    scale : float, optional
        Data units per unit of gradient (default: a typical gradient of the
        field spans 30 % of the width); fixed, so lengths compare between points.

    Returns
    -------
    GradientPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> f = lambda t: t[0]**2 + 4 * t[1]**2
    >>> g = lambda t: np.array([2 * t[0], 8 * t[1]])
    >>> fig, ax = plt.subplots()
    >>> r = plot_gradient_at(ax, loss_map(f, g, (-2, 2), (-2, 2), n=41), [1.0, 0.5])
    >>> np.allclose(r.gradient, [2.0, 4.0]), bool(abs(r.tangent @ r.gradient) < 1e-12)
    (True, True)
    >>> plt.close(fig)
    """
    p = as_float_array(point, "point", ndim=1, finite=True)
    if p.shape != (2,):
        raise ValueError(f"`point` must hold 2 numbers, got shape {p.shape}")
    g = lmap.gradient(p)
    norm = float(np.hypot(*g))
    s = _arrow_scale(lmap) if scale is None else float(scale)
    draw_loss_map(ax, lmap, field=field)
    span = lmap.wlim[1] - lmap.wlim[0]
    tangent = np.array([-g[1], g[0]]) / norm if norm > 0 else np.zeros(2)
    seg = np.array([p - 0.12 * span * tangent, p + 0.12 * span * tangent])
    ax.plot(seg[:, 0], seg[:, 1], color=PALETTE["black"], ls=":", lw=1.5, zorder=4)
    drawn = s * g
    room = _room(p, drawn, lmap)
    shortened = room < 1.0
    if shortened:
        drawn = drawn * room
    end = p + drawn
    if norm > 0:
        _arrow(ax, p, drawn, TANGENT, span)
    dot, = ax.plot(*p, "o", color=PALETTE["black"], ms=6, zorder=6)
    shaft, = ax.plot([p[0], end[0]], [p[1], end[1]], color=TANGENT, lw=0, zorder=0)   # for placing boxes
    mark_data(dot, shaft)
    n1, n2 = lmap.names
    if title is None:
        typical = float(np.percentile(np.hypot(*lmap.field_grads.T), 75))
        title = (f"near the bottom, at ({p[0]:.1f}, {p[1]:.1f}), \u2207L almost vanishes" if norm < 0.05 * typical
                 else f"\u2207L at ({p[0]:.1f}, {p[1]:.1f}) points uphill, across the contour")
    ax.set_title(title, fontsize=10.5)
    if show_numbers:
        corner_box(ax, f"\u2202L/\u2202{n1} = {g[0]:+.2f}\n\u2202L/\u2202{n2} = {g[1]:+.2f}\n"
                       f"|\u2207L| = {norm:.2f}" + ("\n(arrow shortened)" if shortened else ""), [([p[0], end[0]], [p[1], end[1]]), (seg[:, 0], seg[:, 1])],
                   soft=[tuple(lmap.field_points.T)], fontsize=9)
    return GradientPlot(p, g, norm, s, end, tangent)


# ------------------------------------------------------------------ the slope in a direction
@dataclass
class DirectionSlice:
    """What :func:`plot_direction_slice` drew."""
    angle: float
    slope: float
    measured: float


def plot_direction_slice(ax, lmap, point, angle, *, reach=1.0, ylim=None, title=None):
    r"""The loss along the line :math:`\theta + t\,u` through ``point``, ``u`` at ``angle`` degrees
    from the gradient, with the line of slope :math:`\nabla L\cdot u` touching it at :math:`t = 0`.

    Returns
    -------
    DirectionSlice
        ``slope`` is ``∇L·u``; ``measured`` the slope of the drawn curve at
        ``t = 0`` by a central difference (step ``1e-5``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> f = lambda t: t[0]**2 + 4 * t[1]**2
    >>> g = lambda t: np.array([2 * t[0], 8 * t[1]])
    >>> fig, ax = plt.subplots()
    >>> r = plot_direction_slice(ax, loss_map(f, g, (-2, 2), (-2, 2), n=41), [1.0, 0.5], 180.0)
    >>> np.allclose([r.slope, r.measured], -np.hypot(2.0, 4.0))
    True
    >>> plt.close(fig)
    """
    p = as_float_array(point, "point", ndim=1, finite=True)
    g = lmap.gradient(p)
    angle = check_real(angle, "angle")
    u = unit_direction(g, angle)
    slope = float(g @ u)
    ts = np.linspace(-reach, reach, 81)
    Ls = _slice(lmap, p, u, ts)
    L0 = float(lmap.f(p))
    h = 1e-5
    measured = float((lmap.f(p + h * u) - lmap.f(p - h * u)) / (2 * h))
    curve, = ax.plot(ts, Ls, color=CURVE, label="L(\u03b8 + t u)")
    ax.plot(ts, L0 + slope * ts, color=TANGENT, lw=1.8, label="slope \u2207L\u00b7u")
    dot, = ax.plot([0.0], [L0], "o", color=PALETTE["black"], ms=5, zorder=5)
    mark_data(curve, dot)
    ax.set_xlim(-reach, reach)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("distance t along u")
    ax.set_ylabel("loss")
    ax.set_title(title if title is not None else f"along u the slope is {slope:+.2f}", fontsize=9.5)
    _few_ticks(ax)
    return DirectionSlice(angle, slope, measured)


def direction_slice_limits(lmap, point, reach=1.0):
    """Loss limits that hold the slice :math:`L(\theta + t u)` for every direction ``u`` (a slider keeps them)."""
    p = as_float_array(point, "point", ndim=1, finite=True)
    g = lmap.gradient(p)
    ts = np.linspace(-reach, reach, 41)
    every = np.concatenate([_slice(lmap, p, unit_direction(g, a), ts) for a in np.arange(0.0, 360.0, 5.0)])
    pad = 0.08 * np.ptp(every)
    return float(every.min()) - pad, float(every.max()) + pad


@dataclass
class DirectionalPlot:
    """What :func:`plot_directional` drew: the direction and the slope along it."""
    angle: float
    u: np.ndarray
    gradient: np.ndarray
    slope: float
    measured: float


def _slice(lmap, p, u, ts):
    return np.asarray(lmap.f(p[:, None] + u[:, None] * ts[None, :]), dtype=float)


def plot_directional(ax_map, ax_slice, ax_curve, lmap, point, angle, *, reach=1.0, slice_ylim=None,
                     measured=None):
    r"""A unit direction ``u`` at ``angle`` degrees from the gradient, and the slope along it.

    Left: the contour map with the direction of :math:`\nabla L` (green) and
    the unit vector ``u`` (orange), both drawn at length 1. Middle: the loss along the line
    :math:`\theta + t\,u`; its slope at :math:`t = 0` is the directional
    derivative :math:`\nabla L \cdot u`. Right: that slope for every angle,
    :math:`|\nabla L| \cos\varphi`: largest along the gradient (0°), zero across
    it (±90°), most negative against it (180°).

    Parameters
    ----------
    ax_map, ax_slice, ax_curve : matplotlib.axes.Axes
    lmap : LossMap
    point : array_like, shape (2,)
    angle : float
        Degrees between ``u`` and the gradient (counter-clockwise).
    reach : float
        The slice runs over ``t`` in ``[-reach, reach]``.
    slice_ylim : (float, float), optional
        Fixed limits for the middle panel (a slider keeps them).
    measured : dict, optional
        ``{angle: slope}`` measured numerically, drawn as dots on the right.

    Returns
    -------
    DirectionalPlot
        ``slope`` is ``∇L·u``; ``measured`` the slope of the drawn slice at
        ``t = 0`` (a central difference, step ``1e-5``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> f = lambda t: t[0]**2 + 4 * t[1]**2
    >>> g = lambda t: np.array([2 * t[0], 8 * t[1]])
    >>> fig, axes = plt.subplots(1, 3)
    >>> r = plot_directional(*axes, loss_map(f, g, (-2, 2), (-2, 2), n=41), [1.0, 0.5], 90.0)
    >>> bool(abs(r.slope) < 1e-12), bool(abs(r.measured) < 1e-6)
    (True, True)
    >>> plt.close(fig)
    """
    p = as_float_array(point, "point", ndim=1, finite=True)
    g = lmap.gradient(p)
    angle = check_real(angle, "angle")
    u = unit_direction(g, angle)
    slope = float(g @ u)
    norm = float(np.hypot(*g))
    # left: the map (both arrows of length 1: u is a unit vector, the green one shows the direction of ∇L)
    draw_loss_map(ax_map, lmap, field=False)
    span = lmap.wlim[1] - lmap.wlim[0]
    line = np.array([p - reach * u, p + reach * u])
    ax_map.plot(line[:, 0], line[:, 1], color=ACCENT, ls=":", lw=1.4, zorder=3)
    if norm > 0:
        _arrow(ax_map, p, g / norm, TANGENT, span)
    _arrow(ax_map, p, u, ACCENT, span, zorder=6)
    dot, = ax_map.plot(*p, "o", color=PALETTE["black"], ms=5, zorder=7)
    mark_data(dot)
    ax_map.set_title(f"u (orange) at {angle:.0f}\u00b0 from \u2207L", fontsize=9.5)
    _few_ticks(ax_map, 3)
    # middle: the loss along the line
    measured_here = plot_direction_slice(ax_slice, lmap, p, angle, reach=reach, ylim=slice_ylim).measured
    # right: every angle
    phis = np.linspace(-180.0, 180.0, 181)
    cos_curve, = ax_curve.plot(phis, norm * np.cos(np.deg2rad(phis)), color=TANGENT,
                               label="|\u2207L| cos \u03c6")
    ax_curve.axhline(0.0, color=PALETTE["black"], lw=0.8)
    if measured:
        ang = np.array(sorted(measured))
        ax_curve.plot(ang, [measured[a] for a in ang], "o", color=SECANT, ms=4, zorder=4,
                      label="measured")
    here, = ax_curve.plot([angle], [slope], "o", color=ACCENT, ms=9, mec=PALETTE["black"], zorder=5)
    mark_data(cos_curve, here)
    ax_curve.set_xlim(-180, 180)
    ax_curve.set_xticks([-180, -90, 0, 90, 180])
    ax_curve.set_ylim(-1.35 * norm, 1.6 * norm)
    ax_curve.set_xlabel("angle \u03c6 from \u2207L (degrees)")
    ax_curve.set_ylabel("\u2207L\u00b7u")
    ax_curve.yaxis.set_major_locator(MaxNLocator(3))
    ax_curve.set_title("max at 0\u00b0, 0 at \u00b190\u00b0, min at 180\u00b0", fontsize=9.5)
    return DirectionalPlot(angle, u, g, slope, measured_here)


# ------------------------------------------------------------------ which parameters matter
@dataclass
class RankedPartials:
    """What :func:`plot_ranked_partials` drew: the order, largest ``|∂L/∂θ_i|`` first."""
    order: np.ndarray
    values: np.ndarray
    names: list


def plot_ranked_partials(ax, g, names, *, xlim=None, title=None, log=False):
    r"""Horizontal bars of the partials :math:`\partial L/\partial\theta_i`, largest size on top.

    A bar's length says how fast the loss changes per unit of that
    parameter alone; its colour says which way: vermillion (positive) means
    raising the parameter raises the loss, blue (negative) that raising it
    lowers the loss. With ``log=True`` the bars show :math:`|\partial L/\partial\theta_i|`
    on a logarithmic axis (colour still gives the sign), so small partials
    stay visible beside large ones.

    Returns
    -------
    RankedPartials

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_ranked_partials(ax, [0.5, -3.0, 1.0], ["a", "b", "c"])
    >>> r.order.tolist(), r.names
    ([1, 2, 0], ['b', 'c', 'a'])
    >>> plt.close(fig)
    """
    g = as_float_array(g, "g", ndim=1, finite=True)
    names = [str(n) for n in names]
    if len(names) != g.size:
        raise ValueError(f"`names` must hold one name per partial ({g.size}), got {len(names)}")
    order = np.argsort(-np.abs(g), kind="stable")
    vals = g[order]
    ys = np.arange(g.size)[::-1]
    colours = [SECANT if v > 0 else CURVE for v in vals]
    top = max(float(np.max(np.abs(g))), 1e-12)
    if log:
        lo = 1e-3 * top if xlim is None else xlim[0]
        bars = ax.barh(ys, np.maximum(np.abs(vals), lo) - lo, left=lo, color=colours, height=0.6)
        ax.set_xscale("log")
        ax.set_xlim(*((lo, 2.0 * top) if xlim is None else xlim))
        cheap_log_axes(ax, numticks=5)
        ax.set_xlabel("|\u2202L/\u2202\u03b8\u1d62|, log scale (vermillion +, blue \u2212)")
    else:
        bars = ax.barh(ys, vals, color=colours, height=0.6)
        ax.axvline(0.0, color=PALETTE["black"], lw=0.8)
        ax.set_xlim(*((-1.15 * top, 1.15 * top) if xlim is None else xlim))
        ax.set_xlabel("\u2202L/\u2202\u03b8\u1d62")
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{names[i]}  {g[i]:+.3g}" for i in order])
    ax.grid(False, axis="y")
    ax.set_ylim(-0.6, g.size - 0.4)
    ax.set_title(title if title is not None else
                 f"{names[order[0]]} matters most here: |\u2202L/\u2202{names[order[0]]}| = {abs(vals[0]):.2f}",
                 fontsize=10.5)
    for bar in bars:
        bar.calclib_data = True
    return RankedPartials(order, g, [names[i] for i in order])


@dataclass
class NudgeEffects:
    """The loss change when each parameter alone moves ``step`` against its partial."""
    step: float
    actual: np.ndarray
    predicted: np.ndarray


def nudge_effects(f, theta, g, step):
    r"""Move each parameter alone by ``step`` against the sign of its partial; record the loss change.

    The local linear picture predicts a change of :math:`-\text{step}\,|\partial L/\partial\theta_i|`:
    the parameters with the largest partials lower the loss most.

    Examples
    --------
    >>> f = lambda t: t[0]**2 + 10 * t[1]**2
    >>> r = nudge_effects(f, np.array([1.0, 1.0]), np.array([2.0, 20.0]), 0.01)
    >>> np.allclose(r.predicted, [-0.02, -0.2]), np.allclose(r.actual, [-0.0199, -0.199])
    (True, True)
    """
    check_callable(f, "f")
    theta = as_float_array(theta, "theta", ndim=1, finite=True)
    g = as_float_array(g, "g", ndim=1, finite=True)
    step = check_real(step, "step")
    if g.shape != theta.shape:
        raise ValueError(f"`g` must have the shape of `theta` {theta.shape}, got {g.shape}")
    f0 = float(f(theta))
    actual = np.empty(theta.size)
    for i in range(theta.size):
        moved = theta.copy()
        moved[i] -= step * np.sign(g[i])
        actual[i] = float(f(moved)) - f0
    return NudgeEffects(step, actual, -step * np.abs(g))


def plot_nudges(ax, effects, names, order):
    """Bars of the actual loss change (dark) beside the predicted one (light), in ``order``."""
    ys = np.arange(len(order))[::-1]
    pred = ax.barh(ys + 0.17, effects.predicted[order], height=0.34, color=TANGENT, alpha=0.45,
                   label="predicted: \u2212step\u00b7|\u2202L/\u2202\u03b8\u1d62|")
    act = ax.barh(ys - 0.17, effects.actual[order], height=0.34, color=TANGENT, label="actual change")
    ax.axvline(0.0, color=PALETTE["black"], lw=0.8)
    ax.set_yticks(ys)
    ax.set_yticklabels([names[i] for i in order])
    ax.grid(False, axis="y")
    lo = float(min(effects.actual.min(), effects.predicted.min()))
    ax.set_xlim(1.1 * lo, -0.75 * lo)
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.set_xlabel("change of the loss")
    ax.set_title(f"one parameter at a time, moved {effects.step:g} downhill", fontsize=10.5)
    for bar in list(pred) + list(act):
        bar.calclib_data = True
    ax.legend(loc="lower right", fontsize=8)
    return pred, act


# ------------------------------------------------------------------ explorers
def gradient_explorer(f, grad, *, wlim, blim, w=0.5, b=-0.5, names=("w", "b"), pad=0.2):
    """Sliders for the point: the gradient arrow over the contour lines (grid computed once).

    The sliders keep ``pad`` of each range free at both ends, and the arrows' scale is chosen
    so that the arrows of most slider positions fit in that margin (the steepest few are drawn
    shortened, and say so).
    """
    lmap = loss_map(f, grad, wlim, blim, names=names)
    (w0, w1), (b0, b1) = lmap.wlim, lmap.blim
    pad_w, pad_b = pad * (w1 - w0), pad * (b1 - b0)
    sw = Slider("w", round(w0 + pad_w, 1), round(w1 - pad_w, 1), 0.1, w, f"parameter {names[0]}")
    sb = Slider("b", round(b0 + pad_b, 1), round(b1 - pad_b, 1), 0.1, b, f"parameter {names[1]}")
    W, B = np.meshgrid(np.linspace(sw.min, sw.max, 15), np.linspace(sb.min, sb.max, 15))
    norms = np.hypot(*as_float_array(grad(np.array([W.ravel(), B.ravel()])), "grad").reshape(2, -1))
    room = min(pad_w, pad_b) - 0.04 * min(w1 - w0, b1 - b0)
    scale = room / max(float(np.percentile(norms, 85)), 1e-300)
    return Explorer(lambda ax, w, b: plot_gradient_at(ax, lmap, [w, b], scale=scale), [sw, sb],
                    figsize=(5.6, 4.8), margins=dict(left=0.12, right=0.97, bottom=0.11, top=0.92))


def direction_explorer(f, grad, point, *, angle=45.0, names=("w", "b"), reach=1.0, window=1.6):
    """A slider turning the unit direction ``u`` around ``point``: the slope ``∇L·u`` along it.

    The map shows ``point ± window`` (grid and contours computed once).
    """
    from ..differentiate import directional_derivative

    p = as_float_array(point, "point", ndim=1, finite=True)
    if p.shape != (2,):
        raise ValueError(f"`point` must hold 2 numbers, got shape {p.shape}")
    lmap = loss_map(f, grad, (p[0] - window, p[0] + window), (p[1] - window, p[1] + window), names=names)
    g = lmap.gradient(p)
    measured = {float(a): float(directional_derivative(f, p, unit_direction(g, a)))
                for a in np.arange(-180.0, 181.0, 30.0)}
    ylim = direction_slice_limits(lmap, p, reach)
    return Explorer(lambda a, b, c, angle: plot_directional(a, b, c, lmap, p, angle, reach=reach,
                                                            slice_ylim=ylim, measured=measured),
                    [Slider("angle", -180.0, 180.0, 5.0, angle, "angle of u from \u2207L (\u00b0)", readout=".0f")],
                    figsize=(8.6, 3.4), ncols=3,
                    margins=dict(left=0.075, right=0.975, bottom=0.16, top=0.9, wspace=0.42))


@dataclass
class DescentRanking:
    """Gradients along a descent path (from :func:`ranking_path`), for ranking the partials step by step."""
    grads: np.ndarray
    losses: np.ndarray
    lr: float
    xlim: tuple

    @property
    def steps(self):
        return len(self.losses) - 1


def ranking_path(f, grad, theta0, *, lr=0.05, steps=60):
    r"""Take ``steps`` steps :math:`\theta \leftarrow \theta - \eta\nabla L` from ``theta0`` and keep the
    gradient at every step (with :func:`calclib.optimize.gradient_descent`).

    Examples
    --------
    >>> f = lambda t: t[0]**2 + 10 * t[1]**2
    >>> g = lambda t: np.array([2 * t[0], 20 * t[1]])
    >>> r = ranking_path(f, g, [1.0, 1.0], lr=0.04, steps=20)
    >>> r.steps, int(np.argmax(np.abs(r.grads[0]))), int(np.argmax(np.abs(r.grads[-1])))
    (20, 1, 0)
    """
    from ..optimize import gradient_descent

    check_callable(grad, "grad")
    res = gradient_descent(f, theta0, grad=grad, lr=lr, maxiter=int(steps), tol=0.0)
    grads = np.array([as_float_array(grad(t), "grad") for t in res.path])
    top = float(np.max(np.abs(grads)))
    nonzero = np.abs(grads)[np.abs(grads) > 0]
    low = max(float(nonzero.min()) if nonzero.size else 1e-12, 1e-4 * top)
    return DescentRanking(grads, res.losses, float(lr), (low, 2.0 * top))


def plot_ranking_step(ax, path, names, k):
    """The ranked partials (log axis, fixed limits) after ``k`` steps of ``path`` (a :class:`DescentRanking`)."""
    i = int(round(k))
    if not 0 <= i <= path.steps:
        raise ValueError(f"`k` must be a step between 0 and {path.steps}, got {k!r}")
    g = path.grads[i]
    return plot_ranked_partials(ax, g, names, xlim=path.xlim, log=True,
                                title=f"after {count(i, 'step')} (loss {path.losses[i]:.3f}): "
                                      f"{names[int(np.argmax(np.abs(g)))]} matters most")


def ranking_explorer(path, names, *, k=0):
    """A slider for the number of steps downhill along ``path`` (from :func:`ranking_path`): the ranking
    of the partials changes as ``θ`` moves."""
    names = list(names)
    return Explorer(lambda ax, k: plot_ranking_step(ax, path, names, k),
                    [Slider("k", 0, path.steps, 1, k, "steps downhill", readout=".0f")],
                    figsize=(7.2, 3.6), margins=dict(left=0.17, right=0.97, bottom=0.15, top=0.9))
