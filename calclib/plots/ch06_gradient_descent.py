"""Chapter 6 figures: gradient descent and learning.

* :func:`plot_descent_run` -- the path of ``θ ← θ − η∇L`` over the contour lines, with the loss
  curve beside it (explorer: :func:`descent_run_explorer`, sliders for the rate and the start).
* :func:`plot_step_forecast` -- one step: the decrease the local linear picture predicts,
  ``η|∇L|²``, beside the actual one, and where they part (explorer: :func:`forecast_explorer`).
* :func:`plot_quadratic_steps` -- on ``L(x) = c x²/2`` each step multiplies ``x`` by ``1 − ηc``:
  the threshold ``2/c`` (explorer: :func:`threshold_explorer`); :func:`divergence_threshold`
  finds it by running descent.
* :func:`plot_valley` -- a narrow valley: plain descent zig-zags, momentum fixes it
  (explorer: :func:`valley_explorer`, sliders for the condition number and the momentum).
* :func:`plot_line_fit`, :func:`plot_logistic_fit`, :func:`plot_training_curve` -- small models
  trained from scratch (explorer: :func:`training_explorer`, a slider over the steps).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from .._validation import as_float_array, check_callable, check_real, check_step
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, cheap_log_axes, corner_box, count, legend_corner, mark_data
from .ch05_gradient import draw_loss_map, loss_map

__all__ = [
    "DescentRunPlot", "lowest_loss", "plot_descent_run", "descent_run_explorer",
    "StepForecastPlot", "plot_step_forecast", "forecast_limits", "forecast_explorer",
    "QuadraticStepsPlot", "plot_quadratic_steps", "divergence_threshold", "threshold_explorer",
    "heavy_ball_path", "ValleyPlot", "plot_valley", "valley_explorer",
    "plot_line_fit", "plot_logistic_fit", "plot_training_curve", "training_explorer",
]

_GAP_FLOOR = 1e-12


def _few_ticks(ax, n=4):
    ax.xaxis.set_major_locator(MaxNLocator(n))
    ax.yaxis.set_major_locator(MaxNLocator(n))


def _status(res, gaps, short=False):
    """In words: how a gradient_descent run ended."""
    if res.success:
        return f"done in {count(res.nit, 'step')}" if short else f"converges in {count(res.nit, 'step')}"
    if res.message.startswith("diverged") or gaps[-1] > gaps[0]:
        return "diverges" if short else f"diverges (the loss grew for {res.nit} steps)"
    return f"{gaps[-1]:.0e} to go" if short else f"still {gaps[-1]:.0e} above L* after {count(res.nit, 'step')}"


# ------------------------------------------------------------------ a descent run on the map
def lowest_loss(f, grad, theta, *, lr, maxiter=20000):
    """The loss at the minimum, by running gradient descent from ``theta`` to a tiny gradient.

    Examples
    --------
    >>> f = lambda t: (t[0] - 1)**2 + 3 * t[1]**2 + 0.5
    >>> g = lambda t: np.array([2 * (t[0] - 1), 6 * t[1]])
    >>> bool(abs(lowest_loss(f, g, [0.0, 1.0], lr=0.1) - 0.5) < 1e-12)
    True
    """
    from ..optimize import gradient_descent

    res = gradient_descent(f, theta, grad=grad, lr=lr, maxiter=maxiter, tol=1e-10)
    if not res.success:
        raise ValueError(f"gradient descent did not reach the minimum with `lr`={lr!r}: {res.message}")
    return float(res.fun)


@dataclass
class DescentRunPlot:
    """What :func:`plot_descent_run` drew: the run and its gaps to the lowest loss."""
    lr: float
    start: np.ndarray
    nit: int
    success: bool
    gaps: np.ndarray
    status: str
    path: object = field(repr=False)


def plot_descent_run(ax_map, ax_loss, lmap, res, *, lr, fmin, limit=None, gap_ylim=(1e-10, 1e3), steps=None,
                     short=False):
    r"""The iterates of a gradient-descent run on the contour map, and the loss curve beside it.

    Left: every iterate :math:`\theta_k` (dots joined by a line) from the start
    (square). Right: the gap :math:`L(\theta_k) - L^*` to the lowest loss on a
    log axis: a straight falling line means the gap shrinks by the same factor
    every step; a rising one, divergence.

    Parameters
    ----------
    ax_map, ax_loss : matplotlib.axes.Axes
        ``ax_loss`` may be None: the map alone (its title says how the run ended).
    lmap : LossMap
        From :func:`calclib.plots.loss_map`.
    res : GradientDescentResult
        From :func:`calclib.optimize.gradient_descent`.
    lr : float
        The learning rate of the run (for the titles).
    fmin : float
        The lowest loss :math:`L^*` (see :func:`lowest_loss`).
    limit : float, optional
        The largest stable rate ``2/L``, printed in the box.
    steps : int, optional
        The step axis runs to this many steps (default: the run's length).
    short : bool
        A short title for the map (small multiples).

    Returns
    -------
    DescentRunPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from calclib.optimize import gradient_descent
    >>> f = lambda t: t[0]**2 + 4 * t[1]**2
    >>> g = lambda t: np.array([2 * t[0], 8 * t[1]])
    >>> res = gradient_descent(f, [1.5, 1.0], grad=g, lr=0.1, maxiter=200)
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> r = plot_descent_run(a, b, loss_map(f, g, (-2, 2), (-2, 2), n=41), res, lr=0.1, fmin=0.0)
    >>> r.success, bool(r.gaps[-1] < r.gaps[0])
    (True, True)
    >>> plt.close(fig)
    """
    lr = check_step(lr, "lr", allow_none=False)
    fmin = check_real(fmin, "fmin")
    path = np.asarray(res.path, dtype=float)
    gaps = np.maximum(np.asarray(res.losses, dtype=float) - fmin, _GAP_FLOOR)
    status = _status(res, gaps, short=short)
    # left: the map
    draw_loss_map(ax_map, lmap, field=False)
    shown = path[np.all(np.abs(path) < 1e6, axis=1)]
    line, = ax_map.plot(shown[:, 0], shown[:, 1], "-", color=SECANT, lw=1.3, zorder=4)
    ax_map.plot(shown[:, 0], shown[:, 1], "o", color=SECANT, ms=3, zorder=4)
    start, = ax_map.plot(*path[0], "s", color=PALETTE["black"], ms=7, zorder=6)
    mark_data(start)
    ax_map.set_title(f"\u03b7 = {lr:.2f}: {status}", fontsize=10)
    if ax_loss is None:
        return DescentRunPlot(lr, path[0], res.nit, res.success, gaps, status, line)
    # right: the loss curve
    k = np.arange(len(gaps))
    curve, = ax_loss.semilogy(k, gaps, color=CURVE)
    mark_data(curve)
    ax_loss.set_ylim(*gap_ylim)
    ax_loss.set_xlim(0, steps if steps is not None else max(len(gaps) - 1, 1))
    cheap_log_axes(ax_loss, numticks=5)
    ax_loss.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    ax_loss.set_xlabel("step k")
    ax_loss.set_ylabel("L(\u03b8\u2096) \u2212 L*")
    rising = res.message.startswith("diverged") or gaps[-1] > gaps[0]
    if rising:
        ax_loss.set_title("the loss grows: the steps overshoot", fontsize=10)
    elif len(gaps) > 2 and gaps[-1] < gaps[0]:
        half = len(gaps) // 2
        rate = (gaps[-1] / gaps[half]) ** (1 / max(len(gaps) - 1 - half, 1))
        ax_loss.set_title(f"the gap shrinks about \u00d7{rate:.2f} per step", fontsize=10)
    else:
        ax_loss.set_title("the loss does not fall", fontsize=10)
    if limit is not None:
        # (a log axis: the corner is chosen from how the curve runs, not measured)
        corner_box(ax_loss, f"\u03b7 = {lr:.2f}\n2/L = {limit:.3f}", [], fontsize=9,
                   prefer=("lower right",) if rising else ("upper right",))
    return DescentRunPlot(lr, path[0], res.nit, res.success, gaps, status, line)


def descent_run_explorer(f, grad, *, wlim, blim, lr=0.1, w=-0.5, b=2.5, steps=60, limit=None, names=("w", "b"),
                     lr_max=0.5):
    """Sliders for the learning rate and the start: the path on the map and the loss curve.

    The map, the lowest loss and (if ``limit`` is None) nothing else are computed once;
    each slider move runs :func:`calclib.optimize.gradient_descent` for at most ``steps`` steps.
    """
    from ..optimize import gradient_descent

    check_callable(f, "f")
    lmap = loss_map(f, grad, wlim, blim, names=names)
    fmin = lowest_loss(f, grad, lmap.minimum, lr=0.5 * (limit if limit else 0.1))
    (w0, w1), (b0, b1) = lmap.wlim, lmap.blim
    pad_w, pad_b = 0.08 * (w1 - w0), 0.08 * (b1 - b0)

    def draw(ax_map, ax_loss, lr, w, b):
        res = gradient_descent(f, [w, b], grad=grad, lr=lr, maxiter=steps, tol=1e-8)
        return plot_descent_run(ax_map, ax_loss, lmap, res, lr=lr, fmin=fmin, limit=limit, steps=steps)

    return Explorer(draw,
                    [Slider("lr", 0.02, lr_max, 0.01, lr, "learning rate \u03b7"),
                     Slider("w", round(w0 + pad_w, 1), round(w1 - pad_w, 1), 0.1, w, f"start {names[0]}"),
                     Slider("b", round(b0 + pad_b, 1), round(b1 - pad_b, 1), 0.1, b, f"start {names[1]}")],
                    figsize=(8.6, 3.6), ncols=2,
                    margins=dict(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.25))


# ------------------------------------------------------------------ the forecast of one step
@dataclass
class StepForecastPlot:
    """What :func:`plot_step_forecast` drew: one step and both decreases of the loss."""
    lr: float
    predicted: float
    actual: float
    step: np.ndarray


def plot_step_forecast(ax_map, ax_dec, lmap, point, lr, *, lr_max=1.0, dec_ylim=None):
    r"""One step :math:`\theta \to \theta - \eta\nabla L` and the decrease it brings.

    The local linear picture predicts the loss to fall by
    :math:`\eta\,|\nabla L|^2` (the slope along the step, :math:`-|\nabla L|`,
    times its length :math:`\eta|\nabla L|`). Right: predicted (straight line)
    and actual decrease against :math:`\eta`; they agree for small steps and
    part as the step grows, because the loss curves upward along the step;
    where the actual decrease turns negative the step makes the loss worse.

    Returns
    -------
    StepForecastPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> f = lambda t: t[0]**2 + 4 * t[1]**2
    >>> g = lambda t: np.array([2 * t[0], 8 * t[1]])
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> r = plot_step_forecast(a, b, loss_map(f, g, (-2, 2), (-2, 2), n=41), [1.0, 0.5], 0.01)
    >>> bool(np.isclose(r.predicted, 0.01 * 20.0)), bool(abs(r.actual - r.predicted) < 0.05 * r.predicted)
    (True, True)
    >>> plt.close(fig)
    """
    p = as_float_array(point, "point", ndim=1, finite=True)
    lr = check_step(lr, "lr", allow_none=False)
    g = lmap.gradient(p)
    g2 = float(g @ g)
    L0 = float(lmap.f(p))
    step = -lr * g
    predicted = lr * g2
    actual = L0 - float(lmap.f(p + step))
    # left: the step on the map
    draw_loss_map(ax_map, lmap, field=False)
    end = p + step
    ax_map.annotate("", xy=tuple(end), xytext=tuple(p), zorder=5,
                    arrowprops=dict(arrowstyle="-|>", color=ACCENT, lw=2.2, shrinkA=0, shrinkB=0))
    dots, = ax_map.plot([p[0], end[0]], [p[1], end[1]], "o", color=PALETTE["black"], ms=5, zorder=6)
    mark_data(dots)
    ax_map.set_title(f"one step of \u03b7 = {lr:.2f} from ({p[0]:.1f}, {p[1]:.1f})", fontsize=10)
    # right: decrease against the rate
    etas = np.linspace(0.0, lr_max, 121)
    moved = p[:, None] - etas[None, :] * g[:, None]
    actual_curve = L0 - np.asarray(lmap.f(moved), dtype=float)
    pred_line, = ax_dec.plot(etas, etas * g2, color=TANGENT, lw=1.8, label="predicted  \u03b7|\u2207L|\u00b2")
    act_line, = ax_dec.plot(etas, actual_curve, color=CURVE, label="actual  L(\u03b8) \u2212 L(\u03b8 \u2212 \u03b7\u2207L)")
    ax_dec.axhline(0.0, color=PALETTE["black"], lw=0.8)
    ax_dec.plot([lr, lr], [actual, predicted], color=SECANT, lw=2.5, solid_capstyle="butt", zorder=4)
    here, = ax_dec.plot([lr, lr], [actual, predicted], "o", color=PALETTE["black"], ms=4, zorder=5)
    mark_data(act_line, here)
    ax_dec.set_xlim(0.0, lr_max)
    ax_dec.set_ylim(*(forecast_limits(lmap.f, g, p, lr_max) if dec_ylim is None else dec_ylim))
    ax_dec.set_xlabel("learning rate \u03b7")
    ax_dec.set_ylabel("decrease of the loss")
    if actual < 0:
        verdict = "the loss rises"
    elif abs(actual - predicted) <= 0.1 * predicted:
        verdict = "as predicted"
    else:
        verdict = f"{actual / predicted:.0%} of the prediction"
    ax_dec.set_title(f"predicted {predicted:.2f}, actual {actual:.2f}: {verdict}", fontsize=10)
    _few_ticks(ax_dec, 4)
    legend_corner(ax_dec, [(etas, actual_curve), ([lr, lr], [actual, predicted])], soft=[(etas, etas * g2)],
                  fontsize=8, prefer=("upper left", "upper right", "lower left"))
    return StepForecastPlot(lr, predicted, actual, step)


def forecast_explorer(f, grad, point, *, wlim, blim, lr=0.05, lr_max=1.0, names=("w", "b")):
    """A slider for the learning rate: the predicted decrease ``η|∇L|²`` beside the actual one."""
    p = as_float_array(point, "point", ndim=1, finite=True)
    if p.shape != (2,):
        raise ValueError(f"`point` must hold 2 numbers, got shape {p.shape}")
    lmap = loss_map(f, grad, wlim, blim, names=names)
    ylim = forecast_limits(f, lmap.gradient(p), p, lr_max)
    return Explorer(lambda a, b, lr: plot_step_forecast(a, b, lmap, p, lr, lr_max=lr_max, dec_ylim=ylim),
                    [Slider("lr", 0.01, lr_max, 0.01, lr, "learning rate \u03b7")],
                    figsize=(8.6, 3.6), ncols=2,
                    margins=dict(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.25))


def forecast_limits(f, g, point, lr_max):
    """Limits for the decrease panel: the whole actual curve, and the prediction up to half of ``lr_max``."""
    p = np.asarray(point, dtype=float)
    etas = np.linspace(0.0, lr_max, 121)
    dec = float(f(p)) - np.asarray(f(p[:, None] - etas[None, :] * g[:, None]), dtype=float)
    lo = min(float(dec.min()), 0.0)
    hi = max(float(dec.max()), 0.5 * lr_max * float(g @ g))
    return lo - 0.08 * (hi - lo), hi + 0.3 * (hi - lo)


# ------------------------------------------------------------------ the threshold 2/L
@dataclass
class QuadraticStepsPlot:
    """What :func:`plot_quadratic_steps` drew: the factor per step and the iterates."""
    lr: float
    curvature: float
    factor: float
    xs: np.ndarray


def _draw_parabola(ax, c, lr, factor, xs, x0, shown):
    """The parabola c x²/2 and the first `shown` iterates, joined in order."""
    reach = 1.6 * abs(x0)
    t = np.linspace(-reach, reach, 101)
    curve, = ax.plot(t, 0.5 * c * t * t, color=CURVE)
    first = xs[: shown + 1]
    pts = first[np.abs(first) <= reach]
    ax.plot(pts, 0.5 * c * pts * pts, "-", color=SECANT, lw=1.2, zorder=4)
    ax.plot(pts, 0.5 * c * pts * pts, "o", color=SECANT, ms=4, zorder=4)
    start, = ax.plot([x0], [0.5 * c * x0 * x0], "s", color=PALETTE["black"], ms=6, zorder=5)
    mark_data(curve, start)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-0.08 * 0.5 * c * reach**2, 1.12 * 0.5 * c * reach**2)
    ax.set_xlabel("x")
    ax.set_ylabel("L(x) = c x\u00b2/2")
    ax.set_title(f"\u03b7c = {lr * c:.2f}: each step x \u2192 {factor:+.2f}\u00b7x", fontsize=10)
    _few_ticks(ax)


def plot_quadratic_steps(ax_curve, ax_size, curvature, lr, *, x0=1.0, steps=30, shown=8, title=None, box=True):
    r"""Descent on :math:`L(x) = \tfrac{c}{2}x^2`: each step multiplies :math:`x` by :math:`1 - \eta c`.

    Left (``ax_curve``, may be None): the parabola and the first ``shown``
    iterates, joined in order (they jump across the bottom once :math:`\eta > 1/c`). Right: :math:`|x_k|` on a
    log axis: it shrinks for :math:`\eta < 2/c` (:math:`|1 - \eta c| < 1`),
    stays put at :math:`\eta = 2/c` and grows beyond.

    Returns
    -------
    QuadraticStepsPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> r = plot_quadratic_steps(a, b, 4.0, 0.45, steps=5)
    >>> float(r.factor), np.allclose(r.xs, (-0.8) ** np.arange(6))
    (-0.8, True)
    >>> plt.close(fig)
    """
    c = check_real(curvature, "curvature")
    if not c > 0:
        raise ValueError(f"`curvature` must be positive, got {curvature!r}")
    lr = check_step(lr, "lr", allow_none=False)
    factor = 1.0 - lr * c
    xs = x0 * factor ** np.arange(steps + 1)
    limit = 2.0 / c
    if ax_curve is not None:
        _draw_parabola(ax_curve, c, lr, factor, xs, x0, shown)
    # right: |x_k| on a log axis
    k = np.arange(steps + 1)
    sizes = np.maximum(np.abs(xs), 1e-300)
    line, = ax_size.semilogy(k, sizes, "o-", color=CURVE, ms=3)
    mark_data(line)
    ax_size.axhline(abs(x0), color=PALETTE["grey"], lw=1, ls=":")
    ax_size.set_ylim(1e-6, 1e4)
    ax_size.set_xlim(0, steps)
    cheap_log_axes(ax_size, numticks=6)
    ax_size.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax_size.set_xlabel("step k")
    ax_size.set_ylabel("|x\u2096|")
    if abs(factor) < 1 - 1e-12:
        verdict = "converges" + (", jumping across" if factor < 0 else "")
    elif abs(factor) <= 1 + 1e-12:
        verdict = "bounces forever: \u03b7 = 2/c"
    else:
        verdict = "diverges: \u03b7 > 2/c"
    ax_size.set_title(title if title is not None else f"|1 \u2212 \u03b7c| = {abs(factor):.2f}: {verdict}",
                      fontsize=10)
    if box:     # (a log axis: the corner is chosen from how the line runs, not measured)
        corner_box(ax_size, f"\u03b7 = {lr:.3f}\n2/c = {limit:.3f}", [], fontsize=9,
                   prefer=("lower right",) if abs(factor) > 1 + 1e-12 else ("upper right",))
    return QuadraticStepsPlot(lr, c, factor, xs)


def divergence_threshold(f, grad, x0, lr_lo, lr_hi, *, steps=100, iterations=24):
    r"""The learning rate where gradient descent starts to diverge, found by running it.

    Bisection between ``lr_lo`` (must converge) and ``lr_hi`` (must diverge):
    a rate counts as diverging when, after ``steps`` steps, the loss is still
    growing (the last loss above the one two steps before) or the run stopped
    as diverged. On a quadratic the answer is :math:`2/L`, ``L`` the largest
    curvature.

    Returns
    -------
    float

    Notes
    -----
    Each bisection step halves the bracket, so the result is within
    ``(lr_hi - lr_lo) / 2**iterations`` of the rate where the test flips;
    ``iterations * steps`` gradient steps in all.

    Examples
    --------
    >>> f = lambda x: 0.5 * (x[0]**2 + 10 * x[1]**2)
    >>> g = lambda x: np.array([x[0], 10 * x[1]])
    >>> bool(abs(divergence_threshold(f, g, [1.0, 1.0], 0.05, 0.5) - 0.2) < 1e-6)
    True
    """
    from ..optimize import gradient_descent

    lo = check_step(lr_lo, "lr_lo", allow_none=False)
    hi = check_step(lr_hi, "lr_hi", allow_none=False)
    if not lo < hi:
        raise ValueError(f"`lr_lo` must be smaller than `lr_hi`, got {lr_lo!r} and {lr_hi!r}")

    def diverges(lr):
        res = gradient_descent(f, x0, grad=grad, lr=lr, maxiter=int(steps), tol=0.0)
        return res.message.startswith("diverged") or res.losses[-1] > res.losses[-3]

    if diverges(lo):
        raise ValueError(f"gradient descent already diverges at `lr_lo`={lr_lo!r}: choose a smaller one")
    if not diverges(hi):
        raise ValueError(f"gradient descent still converges at `lr_hi`={lr_hi!r}: choose a larger one")
    for _ in range(int(iterations)):
        mid = 0.5 * (lo + hi)
        if diverges(mid):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def threshold_explorer(curvature, *, lr=0.2, x0=1.0, steps=30):
    """A slider for the learning rate on ``c x²/2``: converge, bounce at ``2/c``, diverge."""
    c = check_real(curvature, "curvature")
    if not c > 0:
        raise ValueError(f"`curvature` must be positive, got {curvature!r}")
    limit = 2.0 / c
    step = round(limit / 40, 12)
    return Explorer(lambda a, b, lr: plot_quadratic_steps(a, b, c, lr, x0=x0, steps=steps),
                    [Slider("lr", step, 1.25 * limit, step, lr, "learning rate \u03b7", readout=".3f")],
                    figsize=(8.6, 3.4), ncols=2,
                    margins=dict(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.28))


# ------------------------------------------------------------------ a narrow valley, and momentum
def heavy_ball_path(curvatures, start, lr, momentum, steps):
    r"""Heavy-ball descent on the diagonal quadratic :math:`\tfrac12\sum_i c_i x_i^2`, fast.

    The same iteration as :func:`calclib.optimize.gradient_descent`
    (``v = β v − η ∇L; x = x + v``) written for this one loss with numpy, so a
    slider can run hundreds of steps per move. Returns the iterates, shape
    ``(steps + 1, n)``.

    Examples
    --------
    >>> from calclib.optimize import gradient_descent
    >>> c = np.array([1.0, 10.0])
    >>> ref = gradient_descent(lambda x: 0.5 * np.sum(c * x * x), [1.0, 1.0], grad=lambda x: c * x,
    ...                        lr=0.1, momentum=0.5, maxiter=20, tol=0.0)
    >>> np.allclose(heavy_ball_path(c, [1.0, 1.0], 0.1, 0.5, 20), ref.path)
    True
    """
    c = as_float_array(curvatures, "curvatures", ndim=1, finite=True)
    x = as_float_array(start, "start", ndim=1, finite=True).copy()
    if x.shape != c.shape:
        raise ValueError(f"`start` must have the shape of `curvatures` {c.shape}, got {x.shape}")
    lr = check_step(lr, "lr", allow_none=False)
    beta = check_real(momentum, "momentum")
    v = np.zeros_like(x)
    path = np.empty((int(steps) + 1, x.size))
    path[0] = x
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, int(steps) + 1):
            v = beta * v - lr * (c * x)
            x = x + v
            path[k] = x
    return path


def _steps_to(grad_norms, tol):
    below = np.nonzero(grad_norms < tol)[0]
    return int(below[0]) if below.size else None


def _visible(k, loss, floor, most=200):
    """The part of a loss curve above `floor` (plus the step that reaches it), at most about `most` points:
    fewer points, a smaller SVG to send and draw."""
    below = np.nonzero(loss < floor)[0]
    end = below[0] + 1 if below.size else len(loss)
    step = max(1, -(-end // most))
    idx = np.r_[np.arange(0, end, step), end - 1] if step > 1 else np.arange(end)
    return k[idx], np.maximum(loss[idx], floor)


@dataclass
class ValleyPlot:
    """What :func:`plot_valley` drew: steps to the tolerance with and without momentum."""
    kappa: float
    momentum: float
    lr: float
    steps_plain: int | None
    steps_momentum: int | None


def plot_valley(ax_map, ax_loss, kappa, momentum, *, start=(-9.0, 1.8), steps=1000, tol=1e-6, xlim=(-10.5, 3.0),
                ylim=(-2.6, 2.6)):
    r"""Descent in the valley :math:`L = \tfrac12(x^2 + \kappa\,y^2)` with and without momentum.

    The learning rate is :math:`\eta = 2/(L + \mu) = 2/(\kappa + 1)`, the best
    fixed rate for plain descent. Across the valley (curvature :math:`\kappa`)
    each step overshoots and the path zig-zags; along it (curvature 1) it
    crawls. Momentum (:math:`\beta`) carries speed along the valley and lets
    the zig-zags cancel. Right: the loss on a log axis for both; the title
    counts the steps until the gradient is smaller than ``tol``.

    Returns
    -------
    ValleyPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> r = plot_valley(a, b, 30.0, 0.7)
    >>> r.steps_momentum < r.steps_plain
    True
    >>> plt.close(fig)
    """
    kappa = check_real(kappa, "kappa")
    if not kappa >= 1:
        raise ValueError(f"`kappa` (the condition number) must be at least 1, got {kappa!r}")
    beta = check_real(momentum, "momentum")
    if not 0 <= beta < 1:
        raise ValueError(f"`momentum` must be in [0, 1), got {momentum!r}")
    c = np.array([1.0, kappa])
    lr = 2.0 / (kappa + 1.0)
    runs = {}
    for b in {0.0, beta}:
        path = heavy_ball_path(c, start, lr, b, steps)
        loss = 0.5 * np.sum(c * path * path, axis=1)
        gnorm = np.linalg.norm(c * path, axis=1)
        runs[b] = (path, loss, _steps_to(gnorm, tol))
    # left: the valley's contour lines (ellipses, drawn exactly) and the paths
    t = np.linspace(0, 2 * np.pi, 49)
    L0 = 0.5 * (start[0] ** 2 + kappa * start[1] ** 2)
    levels = L0 * np.linspace(0.04, 1.0, 7) ** 2
    ellipses = [np.c_[np.sqrt(2 * lev) * np.cos(t), np.sqrt(2 * lev / kappa) * np.sin(t)] for lev in levels]
    ax_map.add_collection(LineCollection(ellipses, colors="#b8b8b8", linewidths=0.9), autolim=False)
    plain = runs[0.0][0][:60]
    ax_map.plot(plain[:, 0], plain[:, 1], "-", color=PALETTE["grey"], lw=1.0, zorder=3)
    mom = runs[beta][0][:60]
    ax_map.plot(mom[:, 0], mom[:, 1], "-", color=SECANT, lw=1.5, zorder=4)
    ax_map.plot(mom[:, 0], mom[:, 1], "o", color=SECANT, ms=2.5, zorder=4)
    s, = ax_map.plot(*start, "s", color=PALETTE["black"], ms=6, zorder=6)
    ax_map.plot(0, 0, marker="x", ms=8, mew=2, color=PALETTE["black"], zorder=5)
    mark_data(s)
    ax_map.set_xlim(*xlim)
    ax_map.set_ylim(*ylim)
    ax_map.grid(False)
    ax_map.set_xlabel("x (along the valley)")
    ax_map.set_ylabel("y (across)")
    _few_ticks(ax_map, 4)

    def count(n):
        return f"{n}" if n is not None else f">{steps}"

    n0, nb = runs[0.0][2], runs[beta][2]
    if ax_loss is None:
        ax_map.set_title(f"\u03ba = {kappa:.0f}, \u03b2 = {beta:.2f}: {count(nb)} steps ({count(n0)} plain)",
                         fontsize=10)
        return ValleyPlot(kappa, beta, lr, n0, nb)
    ax_map.set_title(f"\u03ba = {kappa:.0f}, \u03b7 = 2/(\u03ba+1): the first 60 steps", fontsize=10)
    # right: the loss curves
    k = np.arange(steps + 1)
    floor = 1e-14          # the axis' bottom: a loss of exactly 0 (one step, at kappa = 1) shows on it
    plain_k, plain_loss = _visible(k, runs[0.0][1], floor)
    mom_k, mom_loss = _visible(k, runs[beta][1], floor)
    ax_loss.semilogy(plain_k, plain_loss, color=PALETTE["grey"], lw=1.2, label="plain, \u03b2 = 0")
    lline, = ax_loss.semilogy(mom_k, mom_loss, color=SECANT, lw=1.6, label=f"momentum, \u03b2 = {beta:.2f}")
    mark_data(lline)
    ax_loss.set_ylim(floor / 2, 1e3)
    ax_loss.set_xlim(0, steps)
    cheap_log_axes(ax_loss, numticks=5)
    ax_loss.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax_loss.set_xlabel("step k")
    ax_loss.set_ylabel("loss")
    ax_loss.legend(loc="upper right", fontsize=8)
    ax_loss.set_title(f"steps to |\u2207L| < {tol:g}: {count(n0)} plain, {count(nb)} with \u03b2 = {beta:.2f}",
                      fontsize=10)
    return ValleyPlot(kappa, beta, lr, n0, nb)


def valley_explorer(*, kappa=30.0, momentum=0.0, steps=1000):
    """Sliders for the condition number ``κ`` (log) and the momentum ``β`` in the narrow valley."""
    return Explorer(lambda a, b, kappa, beta: plot_valley(a, b, kappa, beta, steps=steps),
                    [Slider("kappa", 0.0, 2.0, 0.1, kappa, "condition number \u03ba", log=True, readout=".0f"),
                     Slider("beta", 0.0, 0.95, 0.05, momentum, "momentum \u03b2")],
                    figsize=(8.6, 3.4), ncols=2,
                    margins=dict(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.22))


# ------------------------------------------------------------------ small models, trained
def plot_line_fit(ax, x, y, w, b, *, title=None):
    """The data and the line ``y = w x + b``."""
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    dots, = ax.plot(x, y, "o", color=CURVE, ms=4, label="data")
    t = np.linspace(x.min(), x.max(), 2)
    sign = "+" if b >= 0 else "\u2212"
    ax.plot(t, w * t + b, color=SECANT, lw=2, label=f"fit: y = {w:.2f} x {sign} {abs(b):.2f}")
    mark_data(dots)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title if title is not None else f"the trained line: w = {w:.2f}, b = {b:.2f}", fontsize=10)
    legend_corner(ax, [(x, y)], fontsize=8.5)


def plot_training_curve(ax, losses, *, k=None, title=None, ylim=None):
    """The loss against the step (log axis); ``k`` marks one step."""
    losses = as_float_array(losses, "losses", ndim=1)
    steps = np.arange(losses.size)
    line, = ax.semilogy(steps, losses, color=CURVE)
    mark_data(line)
    if k is not None:
        i = int(round(k))
        ax.plot([i], [losses[i]], "o", color=SECANT, ms=7, zorder=5)
    ax.set_xlim(0, losses.size - 1)
    if ylim is not None:
        ax.set_ylim(*ylim)
    cheap_log_axes(ax, numticks=5)
    ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title if title is not None else f"loss {losses[0]:.3f} \u2192 {losses[-1]:.3f}", fontsize=10)


def plot_logistic_fit(ax, X, y, theta, *, title=None, lim=None):
    r"""Two classes of points and the boundary where the model's probability is 1/2.

    The model is :math:`p = \sigma(w_1 x_1 + w_2 x_2 + b)`; its boundary
    :math:`w_1 x_1 + w_2 x_2 + b = 0` is a straight line (black). Class 0 is drawn
    as blue dots, class 1 as orange triangles. Returns the accuracy.
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    w1, w2, b = (float(v) for v in as_float_array(theta, "theta", ndim=1))
    if lim is None:
        lo, hi = float(X.min()) - 0.5, float(X.max()) + 0.5
        lim = (lo, hi)
    zero, = ax.plot(X[y == 0, 0], X[y == 0, 1], "o", color=CURVE, ms=4, label="class 0")
    one, = ax.plot(X[y == 1, 0], X[y == 1, 1], "^", color=ACCENT, ms=5, label="class 1")
    mark_data(zero, one)
    t = np.linspace(*lim, 2)
    if abs(w2) > 1e-12:
        ax.plot(t, -(w1 * t + b) / w2, color=PALETTE["black"], lw=1.8, label="p = 1/2")
    elif abs(w1) > 1e-12:
        ax.plot([-b / w1] * 2, lim, color=PALETTE["black"], lw=1.8, label="p = 1/2")
    ax.set_xlim(*lim)
    ax.set_ylim(*lim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x\u2081")
    ax.set_ylabel("x\u2082")
    accuracy = float(np.mean(((X @ np.array([w1, w2]) + b) > 0) == (y == 1)))
    ax.set_title(title if title is not None else f"boundary p = 1/2: {accuracy:.0%} classified right", fontsize=10)
    return accuracy


def training_explorer(X, y, path, losses, *, k=0):
    """A slider over the training steps: the boundary of a logistic regression at step ``k``,
    beside the loss curve."""
    path = as_float_array(path, "path", ndim=2)
    losses = as_float_array(losses, "losses", ndim=1)
    lo, hi = float(np.min(X)) - 0.5, float(np.max(X)) + 0.5
    ylim = (float(losses.min()) / 1.5, float(losses.max()) * 1.5)

    def draw(ax_fit, ax_loss, k):
        i = int(round(k))
        acc = plot_logistic_fit(ax_fit, X, y, path[i], lim=(lo, hi), title="")
        ax_fit.set_title(f"step {i}: {acc:.0%} classified right", fontsize=10)
        plot_training_curve(ax_loss, losses, k=i, ylim=ylim, title=f"loss at step {i}: {losses[i]:.3f}")
        return acc

    return Explorer(draw, [Slider("k", 0, len(losses) - 1, 1, k, "training step", readout=".0f")],
                    figsize=(8.6, 3.6), ncols=2,
                    margins=dict(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.25))
