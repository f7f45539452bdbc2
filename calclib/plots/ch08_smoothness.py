"""Chapter 8 figures and helpers: smoothness, and why gradients work.

* :func:`plot_zoom` -- zoom in on a point: a smooth curve turns into its tangent, a kink
  never does (explorer: :func:`zoom_explorer`, the smooth and the kinked side by side).
* :func:`plot_prediction_bound` -- a gradient that changes at most ``L`` per unit keeps the
  curve between the parabolas ``f(x) + f'(x) h +- (L/2) h**2``; the measured error of the
  linear prediction against that bound (explorer: :func:`prediction_bound_explorer`).
* :func:`threshold_losses` and :func:`plot_threshold_losses` -- a step activation makes a
  loss flat almost everywhere; a sigmoid of temperature ``T`` keeps a slope.
* :func:`kink_differences` and :func:`plot_kink_differences` -- difference quotients whose
  points straddle a kink.
* :func:`one_step_changes`, :func:`largest_safe_lr` and :func:`plot_step_changes` -- one
  gradient step lowers a loss from every start exactly when ``lr < 2/L``
  (explorer: :func:`step_change_explorer`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_float_array, check_callable, check_real
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, cheap_log_axes, fix_ylim, grid_of, legend_corner, mark_data

__all__ = [
    "ZoomPlot", "zoom_gap", "plot_zoom", "zoom_explorer",
    "PredictionBoundPlot", "prediction_errors", "plot_prediction_bound", "prediction_bound_explorer",
    "ThresholdLosses", "threshold_losses", "plot_threshold_losses",
    "KinkDifferences", "kink_differences", "plot_kink_differences",
    "one_step_changes", "largest_safe_lr", "StepChangePlot", "plot_step_changes", "step_change_explorer",
    "worst_step_changes", "paired_panels",
]


def _positive(value, name):
    value = check_real(value, name)
    if not value > 0:
        raise ValueError(f"`{name}` must be positive, got {value!r}")
    return value


# ------------------------------------------------------------------ zooming in
def zoom_gap(f, df, x0, halfwidth, n=401):
    r"""How far `f` strays from its tangent at `x0` over ``[x0 - w, x0 + w]``, relative to the window.

    Returns :math:`\max_{|t - x_0| \le w} |f(t) - f(x_0) - f'(x_0)(t - x_0)| \,/\, (2w)`:
    the gap as a fraction of the window's width. For a smooth `f` it shrinks
    like :math:`|f''(x_0)|\,w/4` as the window shrinks; at a kink it stays put.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.functions import relu
    >>> round(zoom_gap(np.exp, np.exp, 0.0, 1e-3), 6)         # about w/4 = 0.00025
    0.00025
    >>> zoom_gap(relu, lambda x: 1.0 * (x > 0), 0.0, 1e-3)    # the kink: half the window, at any zoom
    0.5
    """
    check_callable(f)
    check_callable(df, "df")
    x0 = check_real(x0, "x0")
    w = _positive(halfwidth, "halfwidth")
    t = x0 + np.linspace(-w, w, n)
    fx0, d = float(f(np.float64(x0))), float(df(np.float64(x0)))
    return float(np.max(np.abs(np.asarray(f(t), dtype=float) - fx0 - d * (t - x0))) / (2 * w))


def _zoom_text(zoom):
    """1.3, 12, 1,000: a magnification as a reader says it."""
    return f"{zoom:.2g}" if zoom < 10 else f"{zoom:,.0f}"


@dataclass
class ZoomPlot:
    """What :func:`plot_zoom` drew."""
    x0: float
    zoom: float
    halfwidth: float
    slope: float
    gap: float


def plot_zoom(ax, f, df, x0, zoom, *, base=2.0, label="f", title=None):
    """Show `f` in a window of half-width ``base / zoom`` around `x0`, with its tangent there.

    Both axes zoom together (the window is square in data units), so a
    slope looks the same at every zoom. For a smooth `f` the curve
    straightens onto the tangent as the zoom grows; at a kink the picture
    looks the same at every zoom.

    Returns
    -------
    ZoomPlot
        ``gap`` is :func:`zoom_gap`: the largest distance between curve and
        tangent over the window, as a fraction of the window's width.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_zoom(ax, np.sin, np.cos, 1.0, 100)
    >>> r.halfwidth, bool(r.gap < 0.01)
    (0.02, True)
    >>> plt.close(fig)
    """
    check_callable(f)
    check_callable(df, "df")
    x0 = check_real(x0, "x0")
    zoom = _positive(zoom, "zoom")
    base = _positive(base, "base")
    w = base / zoom
    t = x0 + np.linspace(-w, w, 201)
    y = np.asarray(f(t), dtype=float)
    fx0, d = float(f(np.float64(x0))), float(df(np.float64(x0)))
    gap = zoom_gap(f, df, x0, w)
    mark_data(*ax.plot(t, y, color=CURVE, lw=2.2))
    ax.plot(t, fx0 + d * (t - x0), color=TANGENT, ls="--", lw=1.6)
    ax.plot([x0], [fx0], "o", color=PALETTE["black"], ms=5, zorder=5)
    ax.set_xlim(x0 - w, x0 + w)
    ax.set_ylim(fx0 - w, fx0 + w)
    ax.set_xticks([x0 - w, x0, x0 + w])
    ax.set_yticks([fx0 - w, fx0, fx0 + w])
    ax.set_xticklabels([f"\u2212{w:.2g}", "0", f"+{w:.2g}"])
    ax.set_yticklabels([f"\u2212{w:.2g}", "0", f"+{w:.2g}"])
    ax.set_xlabel("x \u2212 x\u2080")
    ax.set_ylabel(f"{label}(x) \u2212 {label}(x\u2080)")
    ax.set_title(title if title is not None else
                 f"{label} \u00d7{_zoom_text(zoom)}: {100 * gap:.2g}% off its tangent", fontsize=9.5)
    return ZoomPlot(x0, zoom, w, d, gap)


def zoom_explorer(f, df, g, dg, *, x0=0.0, zoom=1.0, names=("softplus", "relu")):
    """Sliders for the zoom and the point: a smooth `f` beside a kinked `g`, at the same point."""
    for fn, name in ((f, "f"), (df, "df"), (g, "g"), (dg, "dg")):
        check_callable(fn, name)

    def draw(ax_f, ax_g, zoom, x0):
        return (plot_zoom(ax_f, f, df, x0, zoom, label=names[0]),
                plot_zoom(ax_g, g, dg, x0, zoom, label=names[1]))

    return Explorer(draw, [Slider("zoom", 0.0, 4.0, 0.1, zoom, "zoom", log=True, readout=".3g"),
                           Slider("x0", -1.0, 1.0, 0.05, x0, "point x")],
                    figsize=(8.6, 3.7), ncols=2,
                    margins=dict(left=0.115, right=0.96, bottom=0.14, top=0.9, wspace=0.5))


# ------------------------------------------------------------------ the linear prediction and its bound
@dataclass
class PredictionBoundPlot:
    """What :func:`plot_prediction_bound` drew: the worst error against its bound."""
    x0: float
    L: float
    worst_ratio: float          # max over h of error / ((L/2) h**2): at most 1 when L is an upper bound
    escape: float               # smallest |h| where the curve leaves the band (nan if it never does)


def prediction_errors(f, df, x0, hs):
    r"""The error :math:`|f(x_0+h) - f(x_0) - f'(x_0)\,h|` of the tangent's prediction, for each h.

    Examples
    --------
    >>> np.allclose(prediction_errors(np.exp, np.exp, 0.0, [0.1]), np.exp(0.1) - 1.1)
    True
    """
    check_callable(f)
    check_callable(df, "df")
    x0 = check_real(x0, "x0")
    hs = as_float_array(hs, "hs", ndim=1, finite=True)
    fx0, d = float(f(np.float64(x0))), float(df(np.float64(x0)))
    return np.abs(np.asarray(f(x0 + hs), dtype=float) - fx0 - d * hs)


def plot_prediction_bound(ax_band, ax_err, f, df, x0, L, *, xlim=(-4.0, 4.0), ylim=None, label="f"):
    r"""Left: `f`, its tangent at `x0` and the band :math:`f(x_0) + f'(x_0)h \pm \frac{L}{2}h^2`.
    Right: the measured error of the tangent's prediction against :math:`\frac{L}{2}h^2`, log-log.

    If the slope :math:`f'` changes by at most `L` per unit, the curve never
    leaves the band; with a smaller `L` it escapes (marked in vermillion).

    Returns
    -------
    PredictionBoundPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> r = plot_prediction_bound(a, b, np.sin, np.cos, 1.0, 1.0)
    >>> bool(r.worst_ratio <= 1), bool(np.isnan(r.escape))
    (True, True)
    >>> bool(plot_prediction_bound(a, b, np.sin, np.cos, 1.0, 0.5).worst_ratio > 1)
    True
    >>> plt.close(fig)
    """
    check_callable(f)
    check_callable(df, "df")
    x0 = check_real(x0, "x0")
    L = _positive(L, "L")
    t, y = grid_of(f, xlim)
    fx0, d = float(f(np.float64(x0))), float(df(np.float64(x0)))
    h = t - x0
    line = fx0 + d * h
    upper, lower = line + L / 2 * h**2, line - L / 2 * h**2
    outside = (y > upper + 1e-12) | (y < lower - 1e-12)
    ax_band.fill_between(t, lower, upper, color=TANGENT, alpha=0.15, lw=0)
    ax_band.plot(t, upper, color=TANGENT, lw=1.0)
    ax_band.plot(t, lower, color=TANGENT, lw=1.0)
    ax_band.plot(t, line, color=TANGENT, ls="--", lw=1.4)
    mark_data(*ax_band.plot(t, y, color=CURVE, lw=2.0))
    if outside.any():
        ax_band.plot(t, np.where(outside, y, np.nan), color=SECANT, lw=3.2)
    ax_band.plot([x0], [fx0], "o", color=PALETTE["black"], ms=5, zorder=5)
    ax_band.set_xlim(*xlim)
    if ylim is None:
        fix_ylim(ax_band, y)
    else:
        ax_band.set_ylim(*ylim)
    ax_band.set_xlabel("x")
    ax_band.set_ylabel(f"{label}(x)")
    escape = float(np.min(np.abs(h[outside]))) if outside.any() else float("nan")
    ax_band.set_title(f"L = {L:.2f}: the curve stays in the band" if not outside.any() else
                      f"L = {L:.2f} too small: leaves the band at |h| = {escape:.2f}", fontsize=9.5)

    hs = np.logspace(-3, np.log10(xlim[1] - xlim[0]), 60)
    errs = np.maximum(prediction_errors(f, df, x0, hs), prediction_errors(f, df, x0, -hs))
    bound = L / 2 * hs**2
    ok = errs > 0
    worst = float(np.max(errs / bound))
    mark_data(*ax_err.loglog(hs[ok], errs[ok], color=CURVE, lw=2.0))
    ax_err.loglog(hs, bound, color=TANGENT, ls="--", lw=1.4)
    above = errs > bound * (1 + 1e-9)
    if above.any():
        ax_err.loglog(hs, np.where(above, errs, np.nan), color=SECANT, lw=3.2)
    ax_err.set_xlim(hs[0], hs[-1])
    ax_err.set_ylim(1e-12, 1e2)
    cheap_log_axes(ax_err)
    ax_err.text(0.03, 0.94, "\u2014 measured error", transform=ax_err.transAxes, color=CURVE, fontsize=8.5,
                va="top")
    ax_err.text(0.03, 0.85, "- - bound (L/2)h\u00b2", transform=ax_err.transAxes, color=TANGENT, fontsize=8.5,
                va="top")
    ax_err.set_xlabel("step |h|")
    ax_err.set_ylabel("error of the prediction")
    ax_err.set_title(f"largest error / bound = {worst:.2f}" + (" \u2264 1" if worst <= 1 else " > 1"),
                     fontsize=9.5)
    return PredictionBoundPlot(x0, L, worst, escape)


def prediction_bound_explorer(f, df, *, x0=1.0, L=1.0, xlim=(-4.0, 4.0), label="f"):
    """Sliders for the point `x0` and the bound `L`: does the curve stay between the parabolas?"""
    check_callable(f)
    check_callable(df, "df")
    _, y = grid_of(f, xlim)
    span = float(np.ptp(y)) or 1.0
    ylim = (float(y.min()) - 0.6 * span, float(y.max()) + 0.6 * span)
    return Explorer(lambda a, b, x0, L: plot_prediction_bound(a, b, f, df, x0, L, xlim=xlim, ylim=ylim, label=label),
                    [Slider("x0", -3.0, 3.0, 0.1, x0, "point x\u2080"),
                     Slider("L", 0.2, 2.0, 0.05, L, "bound L")],
                    figsize=(8.6, 3.5), ncols=2,
                    margins=dict(left=0.075, right=0.98, bottom=0.15, top=0.9, wspace=0.3))


# ------------------------------------------------------------------ a step activation
@dataclass
class ThresholdLosses:
    """Losses of the threshold classifier "class 1 when x > w" against the threshold w."""
    w: np.ndarray
    step: np.ndarray            # fraction misclassified: a staircase
    smooth: np.ndarray          # mean squared error of sigmoid((x - w) / T)
    step_slope: np.ndarray      # central difference of the step loss: 0 almost everywhere
    smooth_slope: np.ndarray    # exact derivative of the smooth loss
    T: float


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def threshold_losses(x, y, w, T=0.3, h=1e-4):
    r"""Two losses of a threshold `w` on data `x` with labels `y` (0 or 1).

    The **step** loss counts mistakes of :math:`\hat y = [x > w]`: it only
    changes when `w` crosses a data point, so its slope (a central
    difference with step `h`) is 0 almost everywhere. The **smooth** loss
    replaces the step by :math:`\sigma((x - w)/T)` and takes the mean
    squared error; its exact slope is

    .. math:: \frac{dL}{dw} = \frac{1}{n}\sum_i 2(\sigma_i - y_i)\,\sigma_i(1 - \sigma_i)\cdot\left(-\frac{1}{T}\right).

    Examples
    --------
    >>> x, y = np.array([-1.0, 0.5, 2.0]), np.array([0.0, 1.0, 1.0])
    >>> r = threshold_losses(x, y, np.array([-0.5, 0.0, 1.0]))
    >>> r.step.tolist(), r.step_slope.tolist()
    ([0.0, 0.0, 0.3333333333333333], [0.0, 0.0, 0.0])
    >>> bool(np.all(r.smooth_slope[:2] != 0))
    True
    """
    x = as_float_array(x, "x", ndim=1, finite=True)
    y = as_float_array(y, "y", ndim=1, finite=True)
    if x.shape != y.shape or x.size == 0:
        raise ValueError(f"`x` and `y` must be non-empty and of the same length, got {x.size} and {y.size}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("`y` must hold labels 0 and 1")
    w = as_float_array(w, "w", ndim=1, finite=True)
    T = _positive(T, "T")
    h = _positive(h, "h")

    def step_loss(v):
        return np.mean((x[None, :] > v[:, None]) != (y[None, :] == 1), axis=1)

    s = _sigmoid((x[None, :] - w[:, None]) / T)
    smooth = np.mean((s - y) ** 2, axis=1)
    smooth_slope = np.mean(2 * (s - y) * s * (1 - s) * (-1.0 / T), axis=1)
    step_slope = (step_loss(w + h) - step_loss(w - h)) / (2 * h)
    return ThresholdLosses(w, step_loss(w), smooth, step_slope, smooth_slope, T)


def plot_threshold_losses(ax_loss, ax_slope, x, y, T, *, wlim=(-2.5, 2.5)):
    """Left: the step loss (a staircase) and the smooth loss against the threshold w.
    Right: their slopes: 0 almost everywhere for the step (crosses where it jumps, at the data
    points), a guide everywhere for the sigmoid.

    Returns
    -------
    ThresholdLosses
    """
    x = as_float_array(x, "x", ndim=1, finite=True)
    w = np.linspace(*wlim, 801)
    r = threshold_losses(x, y, w, T)
    mark_data(*ax_loss.plot(w, r.step, color=PALETTE["grey"], lw=2.0, drawstyle="steps-mid",
                            label="step: fraction wrong"))
    mark_data(*ax_loss.plot(w, r.smooth, color=CURVE, lw=2.0, label=f"sigmoid, T = {T:.2g}: squared error"))
    ax_loss.plot(x, np.full_like(x, -0.03), "|", color=PALETTE["black"], ms=8)
    ax_loss.set_xlim(*wlim)
    ax_loss.set_ylim(-0.08, 0.85)
    ax_loss.set_xlabel("threshold w")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title(f"T = {T:.2g}: losses against the threshold", fontsize=9.5)
    legend_corner(ax_loss, [(w, r.step), (w, r.smooth)], fontsize=8.5)
    zero = np.mean(r.step_slope == 0)
    # where the step loss jumps (w at a data point) it has no derivative: a gap and a cross, not a spike
    mark_data(*ax_slope.plot(w, np.where(r.step_slope == 0, 0.0, np.nan), color=PALETTE["grey"], lw=2.4,
                             label="step: slope"))
    ax_slope.plot(x, np.zeros_like(x), "x", color=PALETTE["black"], ms=6, label="step: jumps, no slope")
    mark_data(*ax_slope.plot(w, r.smooth_slope, color=CURVE, lw=1.8, label="sigmoid: slope"))
    ax_slope.set_xlim(*wlim)
    fix_ylim(ax_slope, r.smooth_slope, np.zeros(1), top=0.45)
    ax_slope.set_xlabel("threshold w")
    ax_slope.set_ylabel("dL/dw")
    ax_slope.set_title(f"the step loss has slope 0 at {100 * zero:.1f}% of the thresholds", fontsize=9.5)
    legend_corner(ax_slope, [(w, r.smooth_slope)], fontsize=8.5)
    return r


# ------------------------------------------------------------------ difference quotients across a kink
@dataclass
class KinkDifferences:
    """Forward, backward and central differences at `x` for each step `h`."""
    x: float
    hs: np.ndarray
    forward: np.ndarray
    backward: np.ndarray
    central: np.ndarray


def kink_differences(f, x, hs):
    """The three difference quotients of `f` at `x` for each step in `hs`.

    Examples
    --------
    >>> from calclib.functions import relu
    >>> r = kink_differences(relu, 0.01, [0.1, 0.001])
    >>> r.central.round(6).tolist(), r.forward.round(6).tolist()     # slope of relu at 0.01 is 1
    ([0.55, 1.0], [1.0, 1.0])
    """
    check_callable(f)
    x = check_real(x, "x")
    hs = as_float_array(hs, "hs", ndim=1, finite=True)
    if not np.all(hs > 0):
        raise ValueError("`hs` must hold positive steps")
    fx = float(f(np.float64(x)))
    fp, fm = np.asarray(f(x + hs), dtype=float), np.asarray(f(x - hs), dtype=float)
    return KinkDifferences(x, hs, (fp - fx) / hs, (fx - fm) / hs, (fp - fm) / (2 * hs))


def plot_kink_differences(ax, f, x, slope, *, hs=None, label="relu"):
    """The three difference quotients at `x` (near a kink at 0) against the step, beside the true `slope`.

    Once ``h > |x|`` the points on the far side straddle the kink, and the
    estimates that use them drift from the slope.

    Returns
    -------
    KinkDifferences
    """
    hs = np.logspace(-5, 0, 101) if hs is None else hs
    r = kink_differences(f, x, hs)
    ax.axvline(abs(x), color=PALETTE["grey"], ls=":", lw=1.2)
    ax.axhline(slope, color=PALETTE["black"], lw=0.9)
    mark_data(*ax.semilogx(r.hs, r.forward, color=TANGENT, lw=2.0, label="forward: x and x + h"))
    mark_data(*ax.semilogx(r.hs, r.backward, color=ACCENT, lw=2.0, ls="-.", label="backward: x \u2212 h and x"))
    mark_data(*ax.semilogx(r.hs, r.central, color=SECANT, lw=2.0, ls="--", label="central: x \u2212 h and x + h"))
    ax.text(abs(x) / 1.2, 0.3, f"right of h = |x| = {abs(x):g},\nx \u2212 h lies past the kink \u2192", fontsize=8.5,
            color=PALETTE["black"], ha="right", transform=ax.get_xaxis_transform())
    cheap_log_axes(ax)
    ax.set_xlim(r.hs[0], r.hs[-1])
    ax.set_ylim(-0.1, 1.45)
    ax.set_xlabel("step h")
    ax.set_ylabel(f"estimated slope of {label} at x = {x:g}")
    ax.set_title(f"the slope is {slope:g}; differences that straddle the kink are not", fontsize=10)
    ax.legend(loc="upper left", fontsize=8.5, ncols=3)
    return r


# ------------------------------------------------------------------ one gradient step, and 2/L
def one_step_changes(f, df, xs, lr):
    """``f(x - lr * f'(x)) - f(x)`` for every start `x` in `xs`: negative where the step lowers the loss.

    Examples
    --------
    >>> np.allclose(one_step_changes(lambda x: x**2, lambda x: 2 * x, [1.0], 0.25), [0.25 - 1.0])
    True
    """
    check_callable(f)
    check_callable(df, "df")
    xs = as_float_array(xs, "xs", ndim=1, finite=True)
    lr = _positive(lr, "lr")
    return np.asarray(f(xs - lr * np.asarray(df(xs), dtype=float)), dtype=float) - np.asarray(f(xs), dtype=float)


def largest_safe_lr(f, df, xs, lrs):
    """The largest learning rate in `lrs` (and every smaller one) for which one step from each start
    in `xs` does not raise the loss. Starts where ``f'(x) = 0`` are left out (they do not move).

    Examples
    --------
    >>> xs, lrs = np.linspace(-2, 2, 41), np.arange(0.01, 1.5, 0.01)
    >>> round(largest_safe_lr(lambda x: 2 * x**2, lambda x: 4 * x, xs, lrs), 2)   # 2/L with L = 4
    0.5
    """
    check_callable(f)
    check_callable(df, "df")
    xs = as_float_array(xs, "xs", ndim=1, finite=True)
    lrs = np.sort(as_float_array(lrs, "lrs", ndim=1, finite=True))
    moving = xs[np.asarray(df(xs), dtype=float) != 0]
    safe = np.nan
    for lr in lrs:
        worst = np.max(one_step_changes(f, df, moving, lr))
        if worst > 1e-14 * max(1.0, float(np.max(np.abs(f(moving))))):
            break
        safe = float(lr)
    return safe


@dataclass
class StepChangePlot:
    """What :func:`plot_step_changes` drew."""
    lr: float
    L: float
    worst_change: float          # largest f(x - lr f'(x)) - f(x) over the starts
    guaranteed: bool             # lr < 2/L


def worst_step_changes(f, df, *, xlim=(-3.0, 3.0), lr_max=3.0, n=150):
    """The worst change of the loss over all starts in `xlim`, for `n` learning rates up to `lr_max`.

    Returns
    -------
    lrs, worst : ndarray
    """
    xs = np.linspace(*xlim, 301)
    lrs = np.linspace(0.02, _positive(lr_max, "lr_max"), n)
    return lrs, np.array([np.max(one_step_changes(f, df, xs, v)) for v in lrs])


def plot_step_changes(ax_change, ax_worst, f, df, L, lr, *, xlim=(-3.0, 3.0), lr_max=3.0, ylim=(-0.8, 0.4),
                      worst=None):
    r"""Left: the change of the loss after one step :math:`x \to x - \eta f'(x)`, for every start x,
    beside the guarantee :math:`-\eta(1 - L\eta/2)\,f'(x)^2`. Right: the worst change over all starts
    against :math:`\eta`; it crosses zero at :math:`2/L`.

    ``worst`` is :func:`worst_step_changes` computed once (a slider reuses it).

    Returns
    -------
    StepChangePlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> f, df = lambda x: np.log(np.cosh(x)), np.tanh
    >>> plot_step_changes(a, b, f, df, 1.0, 1.5).worst_change <= 0
    True
    >>> plot_step_changes(a, b, f, df, 1.0, 2.5).worst_change > 0
    True
    >>> plt.close(fig)
    """
    L = _positive(L, "L")
    lr = _positive(lr, "lr")
    xs = np.linspace(*xlim, 301)
    change = one_step_changes(f, df, xs, lr)
    g = np.asarray(df(xs), dtype=float)
    bound = -lr * (1 - L * lr / 2) * g**2
    ax_change.axhline(0, color=PALETTE["black"], lw=0.8)
    ax_change.plot(xs, bound, color=TANGENT, ls="--", lw=1.5)
    mark_data(*ax_change.plot(xs, change, color=CURVE, lw=2.0))
    rises = change > 1e-12
    if rises.any():
        ax_change.plot(xs, np.where(rises, change, np.nan), color=SECANT, lw=3.2)
    ax_change.set_xlim(*xlim)
    ax_change.set_ylim(*ylim)
    ax_change.set_xlabel("start x")
    ax_change.set_ylabel("f(after) \u2212 f(before)")
    worst_change = float(np.max(change))
    limit = 2 / L
    ax_change.set_title(f"\u03b7 = {lr:.2f} < 2/L = {limit:.2g}: every step lowers the loss" if lr < limit else
                        f"\u03b7 = {lr:.2f} \u2265 2/L = {limit:.2g}: some steps raise the loss", fontsize=9.5)
    # coloured labels instead of a legend: a legend costs more than the rest of this panel per redraw
    labels = [("\u2014 actual change", CURVE), ("- - guarantee \u2212\u03b7(1 \u2212 L\u03b7/2) f\u2032\u00b2", TANGENT)]
    if rises.any():
        labels.append(("\u2014 the loss rises", SECANT))
    for i, (text, colour) in enumerate(labels):
        ax_change.text(0.5, 0.04 + 0.08 * (len(labels) - 1 - i), text, transform=ax_change.transAxes,
                       ha="center", va="bottom", color=colour, fontsize=8.5)

    lrs, worst_curve = worst_step_changes(f, df, xlim=xlim, lr_max=lr_max) if worst is None else worst
    mark_data(*ax_worst.plot(lrs, worst_curve, color=CURVE, lw=2.0))
    ax_worst.axvline(limit, color=SECANT, ls="--", lw=1.3)
    ax_worst.axhline(0, color=PALETTE["black"], lw=0.8)
    ax_worst.plot([lr], [worst_change], "o", color=ACCENT, mec=PALETTE["black"], ms=9, zorder=5)
    ax_worst.text(limit, 0.97, " 2/L", color=SECANT, fontsize=9, va="top", transform=ax_worst.get_xaxis_transform())
    ax_worst.set_xlim(0, lr_max * 1.04)
    fix_ylim(ax_worst, worst_curve, np.zeros(1))
    ax_worst.set_xlabel("learning rate \u03b7")
    ax_worst.set_ylabel("worst change over all starts")
    ax_worst.set_title("the worst step stops lowering the loss at \u03b7 = 2/L", fontsize=9.5)
    return StepChangePlot(lr, L, worst_change, lr < limit)


def step_change_explorer(f, df, L, *, lr=1.0, xlim=(-3.0, 3.0), lr_max=3.0):
    """A slider for the learning rate: one step's effect on the loss from every start, and 2/L."""
    check_callable(f)
    check_callable(df, "df")
    L = _positive(L, "L")
    xs = np.linspace(*xlim, 301)
    lows = [np.min(one_step_changes(f, df, xs, v)) for v in np.linspace(0.05, lr_max, 30)]
    highs = [np.max(one_step_changes(f, df, xs, v)) for v in np.linspace(0.05, lr_max, 30)]
    span = max(highs) - min(lows)
    ylim = (min(lows) - 0.1 * span, max(highs) + 0.25 * span)
    worst = worst_step_changes(f, df, xlim=xlim, lr_max=lr_max)
    return Explorer(lambda a, b, lr: plot_step_changes(a, b, f, df, L, lr, xlim=xlim, lr_max=lr_max, ylim=ylim,
                                                       worst=worst),
                    [Slider("lr", 0.1, lr_max, 0.05, lr, "learning rate \u03b7")],
                    figsize=(8.6, 3.5), ncols=2,
                    margins=dict(left=0.085, right=0.98, bottom=0.15, top=0.9, wspace=0.32))


# ------------------------------------------------------------------ static views
def paired_panels(draw, cases, *, panel_size=(5.0, 2.9), suptitle=None):
    """One row of two panels per case: ``draw(ax_left, ax_right, **case)``. The static view beside a
    two-panel slider figure (the same drawing at a few slider values).

    Returns
    -------
    fig : matplotlib.figure.Figure
    results : list
        What `draw` returned for each case.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, res = paired_panels(lambda a, b, L: plot_prediction_bound(a, b, np.sin, np.cos, 1.0, L),
    ...                          [{"L": 1.0}, {"L": 0.5}])
    >>> len(fig.axes), [bool(r.worst_ratio <= 1) for r in res]
    (4, [True, False])
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    check_callable(draw, "draw")
    cases = list(cases)
    if not cases or not all(isinstance(c, dict) for c in cases):
        raise ValueError("`cases` must be a non-empty list of dicts of keyword arguments")
    fig, axes = plt.subplots(len(cases), 2, figsize=(2 * panel_size[0], panel_size[1] * len(cases) + 0.4),
                             layout="constrained", squeeze=False)
    results = [draw(a, b, **case) for (a, b), case in zip(axes, cases)]
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    return fig, results
