"""Chapter 3 figures: derivatives of simple operations.

* :func:`plot_product_area` -- the rectangle of area ``x y`` with both sides nudged: two strips
  ``y dx`` and ``x dy`` (the product rule) and a corner ``dx dy`` that vanishes;
  :func:`plot_product_shares` puts the three pieces side by side as shares of the change
  (explorer: :func:`product_rule_explorer`).
* :func:`plot_square_nudge` and :func:`plot_cube_nudge` -- the square ``a**2`` grows by two strips
  ``a da`` (``2a da``), the cube ``b**3`` by three slabs ``b**2 db`` (``3b**2 db``); the rest
  shrinks faster than the nudge (explorer: :func:`power_rule_explorer`).
* :func:`plot_input_nudges` -- nudge one input at a time: the output's change beside the partial
  derivative's prediction (explorer: :func:`input_nudge_explorer`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from .._validation import as_float_array, check_callable, check_real
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, mark_data

__all__ = [
    "ProductArea", "product_area", "plot_product_area", "plot_product_shares", "product_rule_explorer",
    "PowerNudge", "square_nudge", "cube_nudge", "plot_square_nudge", "plot_cube_nudge", "power_rule_explorer",
    "InputNudges", "input_nudges", "plot_input_nudges", "input_nudge_explorer",
]

#: Colours of the pieces: the original shape, what the derivative predicts, what it leaves out.
_BASE, _STRIP, _STRIP2, _ROD, _CORNER = CURVE, TANGENT, PALETTE["purple"], ACCENT, SECANT


def _side(value, name):
    value = check_real(value, name)
    if value <= 0:
        raise ValueError(f"`{name}` must be a positive side length, got {value!r}")
    return value


def _nudge(value, name):
    return check_real(value, name, minimum=0.0)


def _bars(ax, *args, **kw):
    """``ax.bar`` whose container is not kept in ``ax.containers``: an explorer reuses its axes, and a
    legend built from old containers would list the bars of earlier drawings again."""
    bars = ax.bar(*args, **kw)
    ax.containers.remove(bars)
    return bars


def _percent(part, whole):
    return 100.0 * part / whole if whole > 0 else 0.0


# ------------------------------------------------------------------ the product x y
@dataclass(frozen=True)
class ProductArea:
    r"""The pieces of :math:`(x+dx)(y+dy) - xy = y\,dx + x\,dy + dx\,dy`."""
    x: float
    y: float
    dx: float
    dy: float
    area: float
    strip_x: float        # y dx: what dz/dx = y predicts for the nudge of x
    strip_y: float        # x dy: what dz/dy = x predicts for the nudge of y
    corner: float         # dx dy: left out by the derivatives, second order
    change: float         # (x + dx)(y + dy) - x y
    corner_share: float   # corner / change, in percent (0 when nothing was nudged)


def product_area(x, y, dx, dy):
    r"""The change of the area :math:`xy` when the sides grow by ``dx`` and ``dy``.

    Parameters
    ----------
    x, y : float
        Sides, positive.
    dx, dy : float
        Nudges, non-negative.

    Returns
    -------
    ProductArea
        ``strip_x = y dx`` and ``strip_y = x dy`` (the product rule's
        prediction), ``corner = dx dy`` and their sum ``change``.

    Notes
    -----
    The corner's share of the change is of order ``dx`` (for ``dx = dy``):
    halve the nudges and it halves, so in the limit only the strips remain,
    :math:`d(xy) = y\,dx + x\,dy`.

    Examples
    --------
    >>> r = product_area(3.0, 2.0, 0.1, 0.1)
    >>> np.allclose([r.strip_x, r.strip_y, r.corner], [0.2, 0.3, 0.01])
    True
    >>> np.allclose(r.change, 3.1 * 2.1 - 6.0)
    True
    """
    x, y = _side(x, "x"), _side(y, "y")
    dx, dy = _nudge(dx, "dx"), _nudge(dy, "dy")
    strip_x, strip_y, corner = y * dx, x * dy, dx * dy
    change = strip_x + strip_y + corner
    return ProductArea(x, y, dx, dy, x * y, strip_x, strip_y, corner, change, _percent(corner, change))


def plot_product_area(ax, x, y, dx, dy, *, lim=(4.2, 3.2), title=None, compact=False):
    r"""Draw the rectangle :math:`x \times y`, its two strips and its corner.

    The blue rectangle is :math:`xy`; nudging the sides adds a strip
    :math:`y\,dx` on the right, a strip :math:`x\,dy` on top (both green: the
    product rule) and a corner :math:`dx\,dy` (vermillion) that is left out
    by the derivatives: it shrinks much faster than the strips. ``compact``
    gives a short title (for small multiples).

    Returns
    -------
    ProductArea

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_product_area(ax, 3.0, 2.0, 0.5, 0.0)
    >>> r.corner, r.corner_share, len(ax.patches)
    (0.0, 0.0, 4)
    >>> plt.close(fig)
    """
    r = product_area(x, y, dx, dy)
    x, y, dx, dy = r.x, r.y, r.dx, r.dy
    pieces = [((0, 0), x, y, _BASE, 0.35), ((x, 0), dx, y, _STRIP, 0.85), ((0, y), x, dy, _STRIP2, 0.85),
              ((x, y), dx, dy, _CORNER, 0.95)]
    for (x0, y0), w, h, colour, alpha in pieces:
        ax.add_patch(Rectangle((x0, y0), w, h, facecolor=colour, alpha=alpha, edgecolor="white", lw=0.6))
    outline, = ax.plot([0, x, x, 0, 0], [0, 0, y, y, 0], color=_BASE, lw=1.5)
    mark_data(outline)
    ax.plot([x + dx, x + dx, 0], [0, y + dy, y + dy], color=PALETTE["black"], lw=1.0, ls="--")
    ax.text(x / 2, y / 2, f"x·y = {r.area:.2f}", ha="center", va="center", fontsize=9.5)
    ax.set_xlim(0, lim[0])
    ax.set_ylim(0, lim[1])
    ax.set_xticks(np.arange(int(lim[0]) + 1))     # few fixed ticks and no grid: cheap to redraw
    ax.set_yticks(np.arange(int(lim[1]) + 1))
    ax.grid(False)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("side x")
    ax.set_ylabel("side y")
    if title is None and compact:
        title = f"dx = {dx:g}, dy = {dy:g}: corner {r.corner_share:.0f}%"
    if title is None:
        if dx > 0 and dy > 0:
            title = f"dx = {dx:.2f}, dy = {dy:.2f}: the corner is {r.corner_share:.1f}% of the change"
        elif dx > 0 or dy > 0:
            title = (f"only {'x' if dx > 0 else 'y'} nudged: the change is exactly the strip "
                     f"{'y·dx' if dx > 0 else 'x·dy'} = {r.change:.3f}")
        else:
            title = "no nudge yet: move dx or dy"
    ax.set_title(title, fontsize=10)
    return r


def plot_product_shares(ax, r, *, title=None):
    r"""Bars of the three pieces of the change of :math:`xy` (from :func:`product_area`), in
    percent of the change, with their areas written above them.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_product_shares(ax, product_area(3.0, 2.0, 1.0, 1.0))
    >>> np.allclose([b.get_height() for b in ax.patches], [100 / 3, 50.0, 100 / 6])
    True
    >>> plt.close(fig)
    """
    shares = [_percent(v, r.change) for v in (r.strip_x, r.strip_y, r.corner)]
    bars = _bars(ax, [0, 1, 2], shares, color=[_STRIP, _STRIP2, _CORNER], width=0.6, alpha=0.9)
    for b, v, s in zip(bars, (r.strip_x, r.strip_y, r.corner), shares):
        ax.text(b.get_x() + b.get_width() / 2, s + 2.0, f"{v:.3f}\n({s:.0f}%)", ha="center", va="bottom",
                fontsize=9)
    ax.set_xticks([0, 1, 2], ["strip y·dx", "strip x·dy", "corner dx·dy"])
    ax.set_xlim(-0.6, 2.6)
    ax.set_ylim(0, 125)
    ax.set_yticks([0, 25, 50, 75, 100])
    ax.set_ylabel("share of the change (%)")
    if title is None:
        title = (f"Δ = {r.change:.3f}: strips {r.strip_x + r.strip_y:.3f} + corner {r.corner:.3f}"
                 if r.change > 0 else "no nudge, no change: move dx or dy")
    ax.set_title(title, fontsize=10)
    return r


def product_rule_explorer(*, x=3.0, y=2.0, dx=0.5, dy=0.5):
    """Sliders for the sides ``x, y`` and the nudges ``dx, dy`` of the rectangle ``x y``."""
    def draw(ax_area, ax_bars, x, y, dx, dy):
        r = plot_product_area(ax_area, x, y, dx, dy)
        plot_product_shares(ax_bars, r)
        return r

    return Explorer(draw,
                    [Slider("x", 1.0, 3.0, 0.25, x, "side x"), Slider("y", 0.5, 2.0, 0.25, y, "side y"),
                     Slider("dx", 0.0, 1.0, 0.05, dx, "nudge dx"), Slider("dy", 0.0, 1.0, 0.05, dy, "nudge dy")],
                    figsize=(8.6, 3.8), ncols=2,
                    margins=dict(left=0.07, right=0.985, bottom=0.15, top=0.9, wspace=0.32))


# ------------------------------------------------------------------ the square a**2 and the cube b**3
@dataclass(frozen=True)
class PowerNudge:
    """The pieces of the change of ``side**power`` when the side grows by ``d``."""
    power: int
    side: float
    d: float
    change: float          # (side + d)**power - side**power
    predicted: float       # power * side**(power - 1) * d: the strips (square) or slabs (cube)
    rest: float            # change - predicted: corner (and rods), order d**2
    slope: float           # power * side**(power - 1), the derivative
    ratio: float           # change / d, which tends to slope as d shrinks


def _power_nudge(power, side, d, names):
    side, d = _side(side, names[0]), _side(d, names[1])
    slope = power * side ** (power - 1)
    change = (side + d) ** power - side ** power
    predicted = slope * d
    return PowerNudge(power, side, d, change, predicted, change - predicted, slope, change / d)


def square_nudge(a, d):
    r"""The square :math:`a^2` with its side nudged by ``d``: :math:`2a\,d` plus the corner :math:`d^2`.

    Examples
    --------
    >>> r = square_nudge(1.5, 0.1)
    >>> np.allclose([r.predicted, r.rest, r.slope], [0.3, 0.01, 3.0])
    True
    """
    return _power_nudge(2, a, d, ("a", "d"))


def cube_nudge(b, d):
    r"""The cube :math:`b^3` with its side nudged by ``d``: three slabs :math:`3b^2\,d`, three rods
    :math:`3b\,d^2` and a corner :math:`d^3`.

    Notes
    -----
    ``rest`` (rods and corner) is of order :math:`d^2`, so ``ratio = change / d``
    tends to the derivative :math:`3b^2` with an error of order :math:`d`.

    Examples
    --------
    >>> r = cube_nudge(1.0, 0.1)
    >>> np.allclose([r.predicted, r.rest, r.slope], [0.3, 3 * 0.01 + 0.001, 3.0])
    True
    """
    return _power_nudge(3, b, d, ("b", "d"))


def plot_square_nudge(ax, a, d, *, lim=3.1, title=None, compact=False):
    r"""The square :math:`a^2` (blue), its two strips :math:`a\,d` (green) and its corner :math:`d^2`.

    The title prints the change split into strips and corner, and the change
    divided by ``d`` beside the derivative :math:`2a` (``compact``: one short line).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_square_nudge(ax, 1.5, 0.5)
    >>> np.allclose([r.change, r.predicted], [2.0**2 - 1.5**2, 1.5])
    True
    >>> plt.close(fig)
    """
    r = square_nudge(a, d)
    a, d = r.side, r.d
    for (x0, y0), w, h, colour, alpha in [((0, 0), a, a, _BASE, 0.35), ((a, 0), d, a, _STRIP, 0.85),
                                          ((0, a), a, d, _STRIP, 0.85), ((a, a), d, d, _CORNER, 0.95)]:
        ax.add_patch(Rectangle((x0, y0), w, h, facecolor=colour, alpha=alpha, edgecolor="white", lw=0.6))
    outline, = ax.plot([0, a, a, 0, 0], [0, 0, a, a, 0], color=_BASE, lw=1.5)
    mark_data(outline)
    ax.text(a / 2, a / 2, "a²", ha="center", va="center", fontsize=11)
    ax.set_xlim(0, lim)
    ax.set_ylim(0, lim)
    ax.set_xticks(np.arange(int(lim) + 1))
    ax.set_yticks(np.arange(int(lim) + 1))
    ax.grid(False)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("side a")
    if title is None and compact:
        title = f"square a = {a:g}, d = {d:g}: Δ ÷ d = {r.ratio:.2f}"
    if title is None:
        title = (f"square: Δ = 2a·d + d² = {r.predicted:.3f} + {r.rest:.3f}\n"
                 f"Δ ÷ d = {r.ratio:.3f}, derivative 2a = {r.slope:.2f}")
    ax.set_title(title, fontsize=10)
    return r


#: Isometric view from (1, 1, 1): x runs down to the right, y down to the left, z up.
_ISO = np.array([[np.cos(np.pi / 6), -np.cos(np.pi / 6), 0.0], [-0.5, -0.5, 1.0]])


def _face_pieces(axis, s, b):
    """The face ``axis = s`` of the grown cube (side ``s``), split at ``b`` into a b x b square, two
    b x (s - b) strips and an (s - b) x (s - b) corner; each piece a polygon in 3-D."""
    pieces = []
    for (u0, u1), (v0, v1), kind in [((0, b), (0, b), 1), ((b, s), (0, b), 2), ((0, b), (b, s), 2),
                                     ((b, s), (b, s), 3)]:
        quad = []
        for u, v in [(u0, v0), (u1, v0), (u1, v1), (u0, v1)]:
            p = [u, v]
            p.insert(axis, s)
            quad.append(p)
        pieces.append((np.array(quad, dtype=float), kind))
    return pieces


def _shade(colour, k):
    """`colour` mixed with white (k > 0) or black (k < 0)."""
    from matplotlib.colors import to_rgb
    c = np.array(to_rgb(colour))
    return tuple(c + (1 - c) * k) if k > 0 else tuple(c * (1 + k))


def plot_cube_nudge(ax, b, d, *, extent=2.55, title=None, compact=False):
    r"""The cube :math:`b^3` (dashed, inside) after its side grew by ``d``, seen from a corner.

    Each visible face of the grown cube repeats the square's picture: the
    face of a slab :math:`b^2 d` (green; three slabs make the derivative
    :math:`3b^2`), two rods :math:`b\,d^2` (orange) and the corner
    :math:`d^3` (vermillion). ``compact``: a one-line title and no key below
    the picture (for small multiples).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_cube_nudge(ax, 1.0, 0.5)
    >>> np.allclose([r.predicted, r.rest], [1.5, 3 * 0.25 + 0.125]), len(ax.collections[0].get_paths())
    (True, 12)
    >>> plt.close(fig)
    """
    r = cube_nudge(b, d)
    b, d = r.side, r.d
    s = b + d
    polys, colours = [], []
    for axis, shade in ((2, 0.45), (0, 0.1), (1, -0.2)):         # top, the +x face, the +y face
        for quad, kind in _face_pieces(axis, s, b):
            polys.append(quad @ _ISO.T)
            colours.append(_shade([_BASE, _STRIP, _ROD, _CORNER][kind], shade))
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors="white", linewidths=0.6),
                      autolim=False)
    # The cube b**3 inside: its outline and the three edges meeting at its hidden corner (b, b, b).
    hexagon = np.array([(0, 0, b), (b, 0, b), (b, 0, 0), (b, b, 0), (0, b, 0), (0, b, b), (0, 0, b)]) @ _ISO.T
    outline, = ax.plot(hexagon[:, 0], hexagon[:, 1], color=_BASE, lw=1.3, ls="--")
    mark_data(outline)
    for end in [(0, b, b), (b, 0, b), (b, b, 0)]:
        edge = np.array([(b, b, b), end]) @ _ISO.T
        ax.plot(edge[:, 0], edge[:, 1], color=_BASE, lw=1.3, ls="--")
    c = np.cos(np.pi / 6)
    ax.set_xlim(-c * extent, c * extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for sp in ax.spines.values():
        sp.set_visible(False)
    if not compact:
        ax.set_xlabel("dashed: the cube b³ inside; green: slabs b²·d\norange: rods b·d²; red: corner d³")
    if title is None and compact:
        title = f"cube b = {b:g}, d = {d:g}: Δ ÷ d = {r.ratio:.2f}"
    if title is None:
        title = (f"cube: Δ = 3b²·d + rest = {r.predicted:.3f} + {r.rest:.3f}\n"
                 f"Δ ÷ d = {r.ratio:.3f}, derivative 3b² = {r.slope:.2f}")
    ax.set_title(title, fontsize=10)
    return r


def power_rule_explorer(*, a=1.5, b=1.0, d=0.5):
    """Sliders for the sides ``a`` (square), ``b`` (cube) and the nudge ``d`` (log scale)."""
    def draw(ax_square, ax_cube, a, b, d):
        return plot_square_nudge(ax_square, a, d), plot_cube_nudge(ax_cube, b, d)

    return Explorer(draw,
                    [Slider("a", 0.5, 2.0, 0.25, a, "side a"), Slider("b", 0.5, 1.5, 0.25, b, "side b"),
                     Slider("d", -2.0, 0.0, 0.1, d, "nudge d", log=True, readout=".3f")],
                    figsize=(8.6, 4.4), ncols=2,
                    margins=dict(left=0.06, right=0.99, bottom=0.1, top=0.86, wspace=0.12))


# ------------------------------------------------------------------ one input at a time
@dataclass(frozen=True)
class InputNudges:
    """Each input nudged alone: the actual change of the output beside the partial's prediction.

    ``actual[i]`` and ``predicted[i]`` are for input ``i`` alone; ``actual_all`` and
    ``predicted_all`` for all nudges at once (the predictions add up).
    """
    point: np.ndarray
    nudges: np.ndarray
    partials: np.ndarray
    actual: np.ndarray
    predicted: np.ndarray
    actual_all: float
    predicted_all: float


def input_nudges(f, partials, point, nudges):
    r"""Nudge each input of ``f`` alone and compare the output's change with the partial's prediction.

    Parameters
    ----------
    f : callable
        ``f(*point) -> float``, a function of several numbers.
    partials : callable
        ``partials(*point) -> sequence`` of the exact partial derivatives.
    point, nudges : sequence of float
        Where, and by how much each input moves.

    Returns
    -------
    InputNudges
        ``actual[i] = f(p + nudge_i e_i) - f(p)`` beside
        ``predicted[i] = df/dp_i * nudge_i``.

    Notes
    -----
    ``actual - predicted`` is of order ``nudge**2`` (zero for an input that
    enters linearly, such as ``c`` in ``a**2 + b**3 - c``).

    Examples
    --------
    >>> f = lambda a, b, c: a**2 + b**3 - c
    >>> df = lambda a, b, c: (2 * a, 3 * b**2, -1.0)
    >>> r = input_nudges(f, df, [1.5, 0.8, 2.0], [0.1, 0.0, 0.2])
    >>> np.allclose(r.predicted, [0.3, 0.0, -0.2]), np.allclose(r.actual - r.predicted, [0.01, 0.0, 0.0])
    (True, True)
    """
    check_callable(f, "f")
    check_callable(partials, "partials")
    point = as_float_array(point, "point", ndim=1, finite=True)
    nudges = as_float_array(nudges, "nudges", ndim=1, finite=True)
    if nudges.shape != point.shape:
        raise ValueError(f"`nudges` must hold one nudge per input ({point.size}), got {nudges.size}")
    grad = as_float_array(partials(*point), "partials", ndim=1, finite=True)
    if grad.shape != point.shape:
        raise ValueError(f"`partials` must return one partial per input ({point.size}), got {grad.size}")
    f0 = float(f(*point))
    actual = np.array([float(f(*(point + np.where(np.arange(point.size) == i, nudges, 0.0)))) - f0
                       for i in range(point.size)])
    return InputNudges(point, nudges, grad, actual, grad * nudges, float(f(*(point + nudges))) - f0,
                       float(grad @ nudges))


def plot_input_nudges(ax, f, partials, point, nudges, *, names=("a", "b", "c"), ylim=(-2.6, 4.4),
                      title=None, legend=True, compact=False):
    r"""Grouped bars: for each input nudged alone, the output's actual change (vermillion) beside the
    partial derivative's prediction :math:`\partial f/\partial p_i \cdot \Delta p_i` (green); the last
    group nudges all inputs at once. ``compact`` writes only the inputs' names under the bars (for
    small multiples).

    Returns
    -------
    InputNudges

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> f = lambda a, b, c: a**2 + b**3 - c
    >>> df = lambda a, b, c: (2 * a, 3 * b**2, -1.0)
    >>> r = plot_input_nudges(ax, f, df, [1.5, 0.8, 2.0], [0.2, 0.0, 0.0])
    >>> np.allclose([r.actual[0], r.predicted[0]], [1.7**2 - 1.5**2, 0.6])
    True
    >>> plt.close(fig)
    """
    r = input_nudges(f, partials, point, nudges)
    names = list(names)
    if len(names) != r.point.size:
        raise ValueError(f"`names` must name each of the {r.point.size} inputs, got {len(names)}")
    actual = np.r_[r.actual, r.actual_all]
    predicted = np.r_[r.predicted, r.predicted_all]
    pos = np.arange(actual.size)
    w = 0.38
    bars = (_bars(ax, pos - w / 2, actual, w, color=SECANT, label="actual change of f"),
            _bars(ax, pos + w / 2, predicted, w, color=TANGENT, label="prediction: partial × nudge"))
    ax.axhline(0, color=PALETTE["black"], lw=0.8)
    labels = ([f"{n} alone" for n in names] + ["all"] if compact else
              [f"Δ{n} = {v:+.2f}\nalone" for n, v in zip(names, r.nudges)] + ["all\nat once"])
    ax.set_xticks(pos, labels)
    ax.set_xlim(-0.6, actual.size - 0.4)
    ax.set_ylim(*ylim)
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_ylabel("change of f")
    if title is None:
        miss = ", ".join(f"{n}: {abs(a - p):.3f}" for n, a, p in zip(names, r.actual, r.predicted))
        title = f"each partial predicts its own input's effect; it misses by {miss}"
    ax.set_title(title, fontsize=10)
    if legend:
        ax.legend(handles=bars, loc="upper left", fontsize=8.5)
    return r


def input_nudge_explorer(f, partials, point, *, names=("a", "b", "c"), nudges=(0.2, 0.0, 0.0), limit=0.5,
                         ylim=(-2.6, 4.4)):
    """One slider per input: the nudge of that input, from ``-limit`` to ``limit``."""
    check_callable(f, "f")
    check_callable(partials, "partials")
    point = as_float_array(point, "point", ndim=1, finite=True)
    names = tuple(names)

    def draw(ax, **kw):
        return plot_input_nudges(ax, f, partials, point, [kw[f"d{n}"] for n in names], names=names, ylim=ylim)

    return Explorer(draw, [Slider(f"d{n}", -limit, limit, 0.05, v, f"nudge Δ{n}") for n, v in zip(names, nudges)],
                    figsize=(8.4, 3.8), margins=dict(left=0.09, right=0.98, bottom=0.17, top=0.9))
