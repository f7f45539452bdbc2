"""Chapter 2 figures: the derivative as a local rate of change.

* :func:`plot_secant_to_tangent` -- the secant turns into the tangent as ``h`` shrinks.
* :func:`plot_function_and_derivative` -- ``f`` above, ``f'`` below: the slope as a function.
* :func:`plot_tangent_prediction` -- the tangent predicts ``f(x + h)``; a zoom shows the error,
  and :func:`plot_linear_approximation` puts that error against ``h`` on log-log axes.
* :func:`plot_loss_step` -- a step against ``L'(w)`` lowers a loss as forecast, until it does not.
* :func:`plot_difference_errors` -- truncation against round-off in finite differences.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import PolyCollection

from .._validation import as_float_array, check_callable, check_step
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import (Explorer, Slider, cheap_log_axes, check_nonzero_step, corner_box, fix_ylim, grid_of,
                   legend_corner, mark_data, power_of_ten)

__all__ = [
    "SecantTangentPlot", "plot_secant_to_tangent", "plot_function_and_derivative",
    "LinearApproxCurves", "linear_approximation_curves", "LinearApproxPlot", "plot_tangent_prediction",
    "plot_linear_approximation", "LossStepPlot", "plot_loss_step",
    "DifferenceErrorCurves", "difference_error_curves", "DifferenceErrorPlot", "plot_difference_errors",
    "tangent_explorer", "linear_approx_explorer", "loss_step_explorer", "difference_error_explorer",
]
EPS = np.finfo(float).eps


# ------------------------------------------------------------------ secant to tangent
@dataclass
class SecantTangentPlot:
    """What :func:`plot_secant_to_tangent` drew."""
    x: float
    h: float
    secant_slope: float
    tangent_slope: float
    gap: float
    secant: object = field(repr=False)
    tangent: object = field(repr=False)


def plot_secant_to_tangent(ax, f, df, x, h, *, xlim=(-2.0, 2.0), ylim=None, label="f", title=None,
                           legend=True):
    r"""Draw the secant over :math:`[x, x+h]` beside the tangent at ``x``.

    As ``h`` shrinks the secant turns into the tangent; the title prints the
    gap between their slopes, which shrinks roughly in proportion to ``h``.

    Returns
    -------
    SecantTangentPlot
        Both slopes and their gap.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_secant_to_tangent(ax, np.sin, np.cos, 0.5, 1e-3)
    >>> r.gap < 1e-3
    True
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    check_callable(df, "df")
    x = float(x)
    h = check_nonzero_step(float(h))
    t, y = grid_of(f, xlim)
    fx, fxh = float(f(np.float64(x))), float(f(np.float64(x + h)))
    s = (fxh - fx) / h
    d = float(df(np.float64(x)))
    curve, = ax.plot(t, y, color=CURVE, label=f"{label}(x)")
    tan, = ax.plot(t, fx + d * (t - x), color=TANGENT, lw=2.2, label=f"tangent, slope {d:.4f}")
    sec, = ax.plot(t, fx + s * (t - x), color=SECANT, ls="--", lw=1.8, label=f"secant, slope {s:.4f}")
    pts, = ax.plot([x, x + h], [fx, fxh], "o", color=PALETTE["black"], ms=5, zorder=5)
    mark_data(curve, pts)
    ax.set_xlim(*xlim)
    if ylim is None:
        fix_ylim(ax, y)
    else:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel(f"{label}(x)")
    ax.set_title(title if title is not None else f"h = {h:.3g}: slopes differ by {abs(s - d):.2e}")
    if legend:
        legend_corner(ax, [(t, y), ([x, x + h], [fx, fxh])], soft=[(t, fx + d * (t - x)), (t, fx + s * (t - x))])
    return SecantTangentPlot(x, h, s, d, abs(s - d), sec, tan)


def plot_function_and_derivative(ax_f, ax_df, f, df, points, *, xlim=(-2.0, 2.0), label="f"):
    r"""``f`` with short tangents at ``points`` (top) and ``f'`` with the same slopes marked (below).

    Where :math:`f' > 0` (shaded) ``f`` climbs; where :math:`f' < 0` it falls;
    where :math:`f' = 0` it is flat, at the tops and bottoms of ``f``.

    Returns
    -------
    numpy.ndarray
        The slopes :math:`f'` at ``points``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(2, 1)
    >>> s = plot_function_and_derivative(a, b, np.sin, np.cos, [0.0, np.pi / 2])
    >>> np.allclose(s, [1.0, 0.0])
    True
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    check_callable(df, "df")
    points = as_float_array(points, "points", ndim=1)
    t, y = grid_of(f, xlim)
    dy = np.asarray(df(t), dtype=float)
    slopes = np.asarray(df(points), dtype=float)
    mark_data(*ax_f.plot(t, y, color=CURVE, label=f"{label}(x)"))
    w = 0.18 * (xlim[1] - xlim[0])
    for p, s in zip(points, slopes):
        fp = float(f(np.float64(p)))
        ax_f.plot([p - w / 2, p + w / 2], [fp - s * w / 2, fp + s * w / 2], color=TANGENT, lw=2.2)
        ax_f.plot([p], [fp], "o", color=PALETTE["black"], ms=4, zorder=5)
        for ax in (ax_f, ax_df):
            ax.axvline(p, color=PALETTE["grey"], lw=0.8, ls=":")
    edge = np.r_[t, t[::-1]]
    zero = np.zeros_like(t)
    ax_df.add_collection(PolyCollection([np.c_[edge, np.r_[np.maximum(dy, 0), zero]],
                                         np.c_[edge, np.r_[np.minimum(dy, 0), zero]]],
                                        facecolors=[PALETTE["sky"], ACCENT], alpha=0.35, linewidths=0),
                         autolim=False)
    ax_df.axhline(0, color=PALETTE["black"], lw=0.8)
    mark_data(*ax_df.plot(t, dy, color=TANGENT, label=f"{label}\u2032(x)"))
    ax_df.plot(points, slopes, "o", color=PALETTE["black"], ms=5, zorder=5)
    for ax, data in ((ax_f, y), (ax_df, dy)):
        ax.set_xlim(*xlim)
        fix_ylim(ax, data, np.zeros(1))
    ax_f.set_ylabel(f"{label}(x)")
    ax_df.set_ylabel(f"{label}\u2032(x)")
    ax_df.set_xlabel("x")
    ax_f.set_title(f"{label} with its tangents: their slopes are the values of {label}\u2032 below")
    ax_df.set_title(f"{label}\u2032 > 0 (blue): {label} climbs; {label}\u2032 < 0 (orange): it falls; "
                    f"{label}\u2032 = 0: flat", fontsize=10)
    return slopes


# ------------------------------------------------------------------ the tangent's prediction
@dataclass
class LinearApproxCurves:
    """Precomputed error of the linear approximation over many steps."""
    x: float
    hs: np.ndarray
    errors: np.ndarray
    order: float


def linear_approximation_curves(f, df, x, hs=None):
    r"""Error :math:`|f(x+h) - f(x) - f'(x)h|` of the tangent-line prediction.

    Computed once per point ``x`` (a slider over ``h`` reuses it). ``order``
    is the fitted log-log slope over the steps, about 2 for a smooth ``f``
    with :math:`f''(x) \neq 0`.

    Examples
    --------
    >>> c = linear_approximation_curves(np.exp, np.exp, 0.0)
    >>> bool(abs(c.order - 2) < 0.1)
    True
    """
    check_callable(f, "f")
    check_callable(df, "df")
    x = float(x)
    hs = np.logspace(-3, 0, 40) if hs is None else as_float_array(hs, "hs", ndim=1)
    fx, d = float(f(np.float64(x))), float(df(np.float64(x)))
    err = np.abs(np.asarray(f(x + hs), dtype=float) - (fx + d * hs))
    ok = err > 0
    order = float(np.polyfit(np.log(hs[ok]), np.log(err[ok]), 1)[0]) if ok.sum() >= 2 else np.nan
    return LinearApproxCurves(x, hs, err, order)


@dataclass
class LinearApproxPlot:
    """What :func:`plot_tangent_prediction` and :func:`plot_linear_approximation` drew."""
    x: float
    h: float
    actual: float
    predicted: float
    error: float
    order: float
    zoom: float = 1.0


def plot_tangent_prediction(ax, f, df, x, h, *, xlim=(-2.0, 2.0), ylim=None, label="f", title=None,
                            legend=True, zoom=True):
    r"""Draw the tangent at ``x`` and its prediction :math:`f(x) + f'(x)h` of
    :math:`f(x+h)`, with the prediction's error as a thick vertical bar.

    When the bar is too short to see, an inset magnifies the neighbourhood
    of :math:`x + h` until it is (``zoom`` in the result says by how much).

    Returns
    -------
    LinearApproxPlot
        ``actual``, ``predicted``, ``error`` and the inset's ``zoom`` (``order`` is nan here).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_tangent_prediction(ax, np.exp, np.exp, 0.0, 0.1)
    >>> np.allclose(r.predicted, 1.1), np.allclose(r.error, np.exp(0.1) - 1.1), bool(r.zoom > 1)
    (True, True, True)
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    check_callable(df, "df")
    h = check_step(h, "h", allow_none=False)
    x = float(x)
    t, y = grid_of(f, xlim)
    fx, d = float(f(np.float64(x))), float(df(np.float64(x)))
    actual = float(f(np.float64(x + h)))
    predicted = fx + d * h
    err = abs(actual - predicted)
    curve, = ax.plot(t, y, color=CURVE, label=f"{label}(x)")
    ax.plot(t, fx + d * (t - x), color=TANGENT, label=f"tangent: {label}(x) + {label}\u2032(x)\u00b7h")
    ax.plot([x + h, x + h], [predicted, actual], color=SECANT, lw=3, solid_capstyle="butt",
            label=f"error {err:.1e}")
    dots, = ax.plot([x, x + h], [fx, actual], "o", color=PALETTE["black"], ms=5, zorder=5)
    ax.plot([x + h], [predicted], "s", color=TANGENT, ms=5, zorder=5)
    mark_data(curve, dots)
    ax.set_xlim(*xlim)
    if ylim is None:
        fix_ylim(ax, y)
    else:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel(f"{label}(x)")
    ax.set_title(title if title is not None else
                 f"h = {h:.2g}: error {err:.1e}, error / h\u00b2 = {err / h**2:.3f}")
    taken = ()
    if legend:
        taken = (legend_corner(ax, [(t, y), ([x, x + h], [fx, actual])], soft=[(t, fx + d * (t - x))],
                               fontsize=8.5),)
    magnification = 1.0
    lo, hi = ax.get_ylim()
    bar_fraction = err / (hi - lo)
    if zoom and bar_fraction < 0.05:
        magnification = _zoom_inset(ax, f, d, fx, x, h, actual, predicted, err, (hi - lo), taken)
    return LinearApproxPlot(x, h, actual, predicted, err, float("nan"), float(magnification))


def _zoom_inset(ax, f, d, fx, x, h, actual, predicted, err, span, taken):
    """A magnified window around x + h in a free corner, so the error bar always shows."""
    corner = next(c for c in ("upper left", "lower right", "upper right", "lower left") if c not in taken)
    bounds = {"upper left": [0.03, 0.5, 0.3, 0.44], "upper right": [0.67, 0.5, 0.3, 0.44],
              "lower left": [0.03, 0.05, 0.3, 0.44], "lower right": [0.67, 0.05, 0.3, 0.44]}[corner]
    ins = ax.inset_axes(bounds)
    height = max(err, 1e-300) * 1.1                      # the bar fills almost half the inset
    width = height / max(abs(d), 1e-3) * 1.5
    tt = np.linspace(x + h - width, x + h + width, 60)
    ins.plot(tt, np.asarray(f(tt), dtype=float), color=CURVE)
    ins.plot(tt, fx + d * (tt - x), color=TANGENT)
    ins.plot([x + h, x + h], [predicted, actual], color=SECANT, lw=3, solid_capstyle="butt")
    ins.plot([x + h], [actual], "o", color=PALETTE["black"], ms=4)
    ins.plot([x + h], [predicted], "s", color=TANGENT, ms=4)
    mid = (actual + predicted) / 2
    ins.set_xlim(x + h - width, x + h + width)
    ins.set_ylim(mid - height, mid + height)
    ins.set_xticks([])
    ins.set_yticks([])
    ins.grid(False)
    magnification = span / (2 * height)
    ins.set_title(f"zoom \u00d7{_times(magnification)}", fontsize=8.5, pad=2)
    for s in ins.spines.values():
        s.set_edgecolor(PALETTE["grey"])
    return magnification


def _times(m):
    """A magnification for a label: 37, 4.1·10⁶."""
    if m < 1000:
        return f"{m:.0f}"
    k = int(np.floor(np.log10(m)))
    return f"{m / 10**k:.1f}\u00b7{power_of_ten(10.0**k)}"


def plot_linear_approximation(ax_curve, ax_error, f, df, curves, h, *, xlim=(-2.0, 2.0), ylim=None, label="f"):
    r"""Left: the tangent-line prediction :math:`f(x) + f'(x)h` against the truth
    (:func:`plot_tangent_prediction`). Right: the prediction's error against
    ``h`` on log-log axes, beside a :math:`h^2` guide line, with the current
    ``h`` marked.

    Parameters
    ----------
    ax_curve, ax_error : matplotlib.axes.Axes
    f, df : callable
        The function and its exact derivative.
    curves : LinearApproxCurves
        From :func:`linear_approximation_curves` at the point ``x``.
    h : float
        The step, positive.

    Returns
    -------
    LinearApproxPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> c = linear_approximation_curves(np.exp, np.exp, 0.0)
    >>> r = plot_linear_approximation(a, b, np.exp, np.exp, c, 0.1)
    >>> np.allclose(r.error, np.exp(0.1) - 1.1), bool(abs(r.order - 2) < 0.1)
    (True, True)
    >>> plt.close(fig)
    """
    r = plot_tangent_prediction(ax_curve, f, df, curves.x, h, xlim=xlim, ylim=ylim, label=label,
                                title=f"h = {h:.2g}: prediction off by {abs(r_err(f, df, curves.x, h)):.1e}",
                                legend=False)
    ok = curves.errors > 0
    hs, es = curves.hs[ok], curves.errors[ok]
    mark_data(*ax_error.loglog(hs, es, color=SECANT, label="error"))
    ax_error.loglog(hs, es[-1] * (hs / hs[-1]) ** 2, color=PALETTE["grey"], ls=":", label="slope 2 (\u221d h\u00b2)")
    ax_error.plot([r.h], [max(r.error, 1e-300)], "o", color=PALETTE["black"], ms=6, zorder=5)
    ax_error.set_xlim(hs[0] / 1.5, hs[-1] * 1.5)
    ax_error.set_ylim(es.min() / 3, es.max() * 30)
    cheap_log_axes(ax_error)
    ax_error.set_xlabel("step h")
    ax_error.set_ylabel("error of the prediction")
    ax_error.set_title(f"error / h\u00b2 = {r.error / r.h**2:.3f}: halve h, error \u00f7 4", fontsize=10)
    ax_error.legend(loc="upper left", fontsize=8.5)
    return LinearApproxPlot(r.x, r.h, r.actual, r.predicted, r.error, curves.order, r.zoom)


def r_err(f, df, x, h):
    """The tangent prediction's error f(x+h) - f(x) - f'(x) h (signed)."""
    return float(f(np.float64(x + h))) - float(f(np.float64(x))) - float(df(np.float64(x))) * h


__all__ += ["r_err"]


# ------------------------------------------------------------------ a step on a loss
@dataclass
class LossStepPlot:
    """What :func:`plot_loss_step` drew: the step and both changes of the loss."""
    w: float
    lr: float
    step: float
    predicted_change: float
    actual_change: float


def plot_loss_step(ax, loss, dloss, w, lr, *, wlim=(-1.0, 3.0), ylim=None, title=None, legend=True,
                   show_numbers=True):
    r"""One step against the slope of a loss: :math:`\Delta w = -\eta\,L'(w)`.

    The tangent at ``w`` forecasts the change :math:`L'(w)\,\Delta w` (always
    a decrease); the curve gives the actual change. For a small step the two
    agree; as the step grows the forecast drifts off, and past the minimum
    the loss can even rise.

    Returns
    -------
    LossStepPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_loss_step(ax, lambda w: (w - 1)**2, lambda w: 2 * (w - 1), 0.0, 0.1)
    >>> np.allclose([r.step, r.predicted_change, r.actual_change], [0.2, -0.4, -0.36])
    True
    >>> plt.close(fig)
    """
    check_callable(loss, "loss")
    check_callable(dloss, "dloss")
    w = float(w)
    lr = check_step(lr, "lr", allow_none=False)
    t, y = grid_of(loss, wlim)
    L0, g = float(loss(np.float64(w))), float(dloss(np.float64(w)))
    step = -lr * g
    w1 = w + step
    predicted, actual = g * step, float(loss(np.float64(w1))) - L0
    curve, = ax.plot(t, y, color=CURVE, label="loss L(w)")
    ax.plot(t, L0 + g * (t - w), color=TANGENT, lw=1.8, label="tangent: the forecast")
    ax.annotate("", xy=(w1, L0), xytext=(w, L0),
                arrowprops=dict(arrowstyle="->", color=PALETTE["black"], lw=1.5))
    ax.plot([w1, w1], [L0, L0 + predicted], color=TANGENT, lw=4, alpha=0.6, solid_capstyle="butt")
    ax.plot([w1, w1], [L0, L0 + actual], color=SECANT, lw=2, solid_capstyle="butt")
    dots, = ax.plot([w, w1], [L0, L0 + actual], "o", color=PALETTE["black"], ms=5, zorder=5)
    ax.plot([w1], [L0 + predicted], "s", color=TANGENT, ms=6, zorder=5)
    mark_data(curve, dots)
    ax.set_xlim(*wlim)
    if ylim is None:
        fix_ylim(ax, y)
    else:
        ax.set_ylim(*ylim)
    ax.set_xlabel("parameter w")
    ax.set_ylabel("loss L(w)")
    if title is None:
        if actual > 0:
            title = f"step \u03b7 = {lr:.2f}: overshoot, the loss rises by {actual:.3f} though the forecast says it falls"
        elif abs(actual - predicted) <= 0.2 * abs(predicted):
            title = f"step \u03b7 = {lr:.2f}: the loss falls by {-actual:.3f}, close to the forecast {-predicted:.3f}"
        else:
            title = f"step \u03b7 = {lr:.2f}: the loss falls by {-actual:.3f}, less than the forecast {-predicted:.3f}"
    ax.set_title(title, fontsize=10)
    xy = [(t, y), ([w, w1], [L0, L0 + actual])]
    soft = [(t, L0 + g * (t - w))]
    taken = ()
    if show_numbers:
        _, c = corner_box(ax, f"w = {w:.2f},  L\u2032(w) = {g:.3f}\n\u0394w = \u2212\u03b7 L\u2032(w) = {step:.3f}\n"
                              f"forecast  L\u2032(w)\u00b7\u0394w = {predicted:.3f}\nactual change = {actual:.3f}", xy, soft=soft)
        taken = (c,)
    if legend:
        legend_corner(ax, xy, soft=soft, avoid=taken, fontsize=8.5)
    return LossStepPlot(w, lr, step, predicted, actual)


# ------------------------------------------------------------------ finite-difference errors
@dataclass
class DifferenceErrorCurves:
    """Precomputed errors of forward and central differences over many steps."""
    x: float
    hs: np.ndarray
    errors: dict
    best_h: dict
    best_error: dict


def difference_error_curves(f, df, x, hs=None):
    r"""Measured error of the forward and central difference at ``x`` for many ``h``.

    For each method the step with the smallest measured error is recorded:
    to its right truncation error dominates (it falls as ``h`` shrinks), to
    its left round-off dominates (it grows like :math:`\epsilon / h`).

    Examples
    --------
    >>> c = difference_error_curves(np.exp, np.exp, 1.0)
    >>> bool(1e-10 < c.best_h["forward"] < 1e-6), bool(1e-7 < c.best_h["central"] < 1e-3)
    (True, True)
    >>> bool(c.best_error["central"] < c.best_error["forward"])
    True
    """
    check_callable(f, "f")
    check_callable(df, "df")
    x = float(x)
    hs = np.logspace(-15, -1, 141) if hs is None else as_float_array(hs, "hs", ndim=1)
    exact = float(df(np.float64(x)))
    fx = float(f(np.float64(x)))
    fp = np.asarray(f(x + hs), dtype=float)
    fm = np.asarray(f(x - hs), dtype=float)
    scale = max(abs(exact), 1e-300)
    errors = {
        "forward": np.abs((fp - fx) / hs - exact) / scale,
        "central": np.abs((fp - fm) / (2 * hs) - exact) / scale,
    }
    best_h, best_error = {}, {}
    for name, e in errors.items():
        e = np.where(e > 0, e, EPS / 2)          # an exact hit shows as half an ulp
        errors[name] = e
        k = int(np.argmin(e))
        best_h[name], best_error[name] = float(hs[k]), float(e[k])
    return DifferenceErrorCurves(x, hs, errors, best_h, best_error)


@dataclass
class DifferenceErrorPlot:
    """What :func:`plot_difference_errors` drew."""
    h: float
    error_at_h: dict
    best_h: dict
    best_error: dict
    lines: dict = field(repr=False)


def plot_difference_errors(ax, curves, h=None, *, title=None, legend=True):
    r"""Log-log plot of the relative error of forward and central differences against ``h``.

    Right of the minimum the error falls with ``h`` (truncation: slope 1 for
    forward, 2 for central); left of it the error grows like
    :math:`\epsilon/h` (round-off: f(x+h) and f(x) agree in most digits, and
    subtracting them cancels those digits). The best step of each method is
    marked; ``h`` (a slider) draws a vertical line and reads both errors there.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    curves : DifferenceErrorCurves
        From :func:`difference_error_curves`.
    h : float, optional
        A step to mark; the nearest computed step is read.

    Returns
    -------
    DifferenceErrorPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_difference_errors(ax, difference_error_curves(np.sin, np.cos, 1.0), 1e-4)
    >>> r.error_at_h["forward"] > r.error_at_h["central"]
    True
    >>> plt.close(fig)
    """
    styles = {"forward": dict(color=SECANT, ls="--"), "central": dict(color=TANGENT, ls="-")}
    lines, at_h = {}, {}
    k = None
    if h is not None:
        h = check_step(h, "h", allow_none=False)
        k = int(np.argmin(np.abs(np.log(curves.hs) - np.log(h))))
    for name, e in curves.errors.items():
        lines[name], = ax.loglog(curves.hs, e, label=f"{name}: best h {curves.best_h[name]:.0e}",
                                 **styles[name])
        mark_data(lines[name])
        ax.plot([curves.best_h[name]], [curves.best_error[name]], marker="v", ms=8,
                color=styles[name]["color"], zorder=5)
        if k is not None:
            at_h[name] = float(e[k])
    ax.loglog(curves.hs, EPS / curves.hs, color=PALETTE["grey"], ls=":", lw=1.2, label="round-off \u2248 \u03b5/h")
    if k is not None:
        ax.axvline(curves.hs[k], color=PALETTE["black"], lw=1)
        ax.set_title(f"h = {curves.hs[k]:.1e}: forward error {at_h['forward']:.1e}, "
                     f"central {at_h['central']:.1e}")
    else:
        ax.set_title("too small h: round-off; too large h: truncation")
    if title is not None:
        ax.set_title(title)
    ax.set_xlim(curves.hs[0], curves.hs[-1])
    ax.set_ylim(1e-17, 10)
    cheap_log_axes(ax)
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error")
    if legend:
        ax.legend(loc="lower left", fontsize=8.5)
    return DifferenceErrorPlot(None if k is None else float(curves.hs[k]), at_h,
                               dict(curves.best_h), dict(curves.best_error), lines)


# ------------------------------------------------------------------ explorers
def tangent_explorer(f, df, *, x=0.5, h=1.0, label="f", xlim=(-2.0, 2.0)):
    """A log slider for ``h``: the secant turns into the tangent."""
    check_callable(f, "f")
    check_callable(df, "df")
    _, y = grid_of(f, xlim)
    ylim = (float(y.min()) - 0.12 * np.ptp(y), float(y.max()) + 0.12 * np.ptp(y))
    return Explorer(lambda ax, h, x: plot_secant_to_tangent(ax, f, df, x, h, xlim=xlim, ylim=ylim, label=label),
                    [Slider("h", -3.0, 0.0, 0.1, h, "step h", log=True, readout=".3f"),
                     Slider("x", xlim[0] + 0.2, xlim[1] - 1.1, 0.05, x, "point x")])


def linear_approx_explorer(f, df, x, *, h=0.3, label="f", xlim=(-2.0, 2.0)):
    """A log slider for ``h``: the tangent's prediction of ``f(x + h)`` (with a zoom on its error),
    beside that error against ``h`` on log-log axes.

    The right panel's title prints ``error / h**2``, which settles near
    ``f''(x) / 2`` as ``h`` shrinks: the error falls like ``h**2``.
    """
    check_callable(f, "f")
    check_callable(df, "df")
    curves = linear_approximation_curves(f, df, x)
    _, y = grid_of(f, xlim)
    ylim = (float(y.min()) - 0.12 * np.ptp(y), float(y.max()) + 0.12 * np.ptp(y))
    return Explorer(lambda a, b, h: plot_linear_approximation(a, b, f, df, curves, h, xlim=xlim, ylim=ylim,
                                                              label=label),
                    [Slider("h", -3.0, 0.0, 0.1, h, "step h", log=True, readout=".3f")],
                    figsize=(8.6, 3.5), ncols=2, margins=dict(left=0.075, right=0.985, wspace=0.32))


def loss_step_explorer(loss, dloss, w, *, lr=0.1, lr_max=0.4, wlim=(-0.5, 2.8)):
    """A slider for the step size ``lr``: the forecast of a step against ``L'(w)`` beside the truth."""
    check_callable(loss, "loss")
    check_callable(dloss, "dloss")
    _, y = grid_of(loss, wlim)
    ylim = (float(y.min()) - 0.1 * np.ptp(y), float(y.max()) + 0.1 * np.ptp(y))
    return Explorer(lambda ax, lr: plot_loss_step(ax, loss, dloss, w, lr, wlim=wlim, ylim=ylim),
                    [Slider("lr", 0.01, lr_max, 0.01, lr, "step size \u03b7")], figsize=(7.6, 3.8))


def difference_error_explorer(f, df, x, *, h=1e-4):
    """A log slider for ``h`` over the error of forward and central differences."""
    curves = difference_error_curves(f, df, x)
    return Explorer(lambda ax, h: plot_difference_errors(ax, curves, h),
                    [Slider("h", -15.0, -1.0, 0.5, h, "step h", log=True)],
                    figsize=(7.2, 3.6), margins=dict(left=0.12))
