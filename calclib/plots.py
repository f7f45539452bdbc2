"""The drawing behind every figure of the course.

Each function draws one idea on a matplotlib ``Axes`` that you pass in and
returns a small result object with the numbers it drew, so that

* a notebook only wires sliders to it (``interact``),
* the same function makes the static small multiples (:func:`small_multiples`),
* tests check *what* is drawn (the secant passes through both points, the
  tangent touches the curve), not only that drawing runs.

Work that does not depend on a slider is split off into a ``*_curves``
function whose result is passed in, so a slider callback stays cheap.

Colours come from the Okabe-Ito palette, which stays distinguishable with
the common forms of colour blindness; lines also differ in style, so no
message rests on colour alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import PolyCollection

from ._validation import as_float_array, check_callable, check_step

__all__ = [
    "PALETTE",
    "use_course_style",
    "small_multiples",
    "plot_secant",
    "plot_rate_curve",
    "plot_secant_to_tangent",
    "plot_tangent_prediction",
    "plot_linear_approximation",
    "linear_approximation_curves",
    "difference_error_curves",
    "plot_difference_errors",
]

#: Okabe-Ito colour-blind-safe palette.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#999999",
}
CURVE = PALETTE["blue"]
SECANT = PALETTE["vermillion"]
TANGENT = PALETTE["green"]
ACCENT = PALETTE["orange"]
EPS = np.finfo(float).eps


def use_course_style(*, figsize=(7.2, 3.4), dpi=80):
    """Set the course's matplotlib defaults (palette, size, fonts, grid).

    Called once in the first cell of every notebook, so figures look the
    same everywhere and render fast enough for sliders.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> use_course_style()
    >>> mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE["blue"]
    True
    """
    import matplotlib as mpl
    from cycler import cycler

    order = ["blue", "vermillion", "green", "orange", "purple", "sky", "black"]
    mpl.rcParams.update({
        "figure.figsize": figsize,
        "figure.dpi": dpi,
        "figure.constrained_layout.use": True,
        "axes.prop_cycle": cycler(color=[PALETTE[c] for c in order]),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 9,
        "legend.framealpha": 0.85,
        "font.size": 10,
        "lines.linewidth": 2.0,
    })


def small_multiples(draw, params, *, ncols=None, panel_size=(3.0, 2.6), sharey=True,
                    suptitle=None):
    """Draw the same figure for several parameter sets side by side.

    This is the static view that stands beside every slider: it reads on a
    page with no kernel running.

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
    ncols = min(len(params), 4) if ncols is None else ncols
    nrows = -(-len(params) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                             sharey=sharey, squeeze=False)
    results = []
    for ax, p in zip(axes.flat, params):
        results.append(draw(ax, **p))
    for ax in axes.flat[len(params):]:
        ax.set_visible(False)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    return fig, results


def _grid(f, xlim, n=400):
    t = np.linspace(xlim[0], xlim[1], n)
    return t, np.asarray(f(t), dtype=float)


def _check_nonzero_step(h):
    """A secant's step may be negative (it then goes left), but not zero or non-finite."""
    if h == 0 or not np.isfinite(h):
        raise ValueError(f"`h` must be a nonzero finite number, got {h!r}")


def _cheap_log_axes(ax):
    """Decade ticks only: minor tick labels on log axes are the slowest part of a redraw."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10, numticks=6))
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(FuncFormatter(_power_of_ten))


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def _power_of_ten(value, pos=None):
    """Tick label 10⁻⁵ in plain Unicode: no mathtext parsing on every redraw."""
    if value <= 0:
        return ""
    k = int(round(np.log10(value)))
    return "10" + str(k).translate(_SUPERSCRIPT)


def _clip_ylim(ax, y, pad=0.15):
    lo, hi = np.nanmin(y), np.nanmax(y)
    span = hi - lo if hi > lo else 1.0
    ax.set_ylim(lo - pad * span, hi + pad * span)


# ---------------------------------------------------------------- chapter 1
@dataclass
class SecantPlot:
    """What :func:`plot_secant` drew: the two points and the secant's slope."""
    x: float
    h: float
    fx: float
    fxh: float
    slope: float
    secant: object = field(repr=False)
    points: object = field(repr=False)


def plot_secant(ax, f, x, h, *, xlim=(-2.0, 2.0), label="f", title=None, show_triangle=True,
                legend=True):
    r"""Draw ``f``, the points at ``x`` and ``x + h``, and the secant through them.

    The secant's slope is the average rate of change
    :math:`\frac{f(x+h) - f(x)}{h}` over :math:`[x, x+h]`; the rise and the
    run are drawn as a right triangle.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    f : callable
        Vectorised function of one variable.
    x : float
        Left end of the step.
    h : float
        Step; may be negative (the step then goes left), not zero.
    xlim : (float, float)
        Range of the horizontal axis.
    label : str
        Name of the function in the legend.
    title : str, optional
        Default: the slope, the number to read off the figure.
    show_triangle : bool
        Draw the rise-over-run triangle.
    legend : bool
        Draw the legend (small multiples leave it out).

    Returns
    -------
    SecantPlot
        ``x, h, fx, fxh, slope`` and the secant and point artists.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> r = plot_secant(ax, lambda t: t**2, 1.0, 0.5)
    >>> np.allclose(r.slope, 2.5)
    True
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    x = float(x)
    h = float(h)
    _check_nonzero_step(h)
    t, y = _grid(f, xlim)
    fx, fxh = float(f(np.float64(x))), float(f(np.float64(x + h)))
    slope = (fxh - fx) / h
    ax.plot(t, y, color=CURVE, label=f"{label}(x)")
    line, = ax.plot(t, fx + slope * (t - x), color=SECANT, ls="--", lw=1.8,
                    label=f"secant, slope {slope:.3f}")
    if show_triangle:
        ax.plot([x, x + h], [fx, fx], color=PALETTE["grey"], lw=1.2, ls=":")
        ax.plot([x + h, x + h], [fx, fxh], color=PALETTE["grey"], lw=1.2, ls=":")
        ax.annotate(f"rise {fxh - fx:.3f}", (x + h, (fx + fxh) / 2), xytext=(7, 0),
                    textcoords="offset points", fontsize=8, va="center")
        # the run's label goes on the side of the segment away from the triangle
        ax.annotate(f"run {h:.3f}", (x + h / 2, fx), xytext=(0, 5 if fxh < fx else -11),
                    textcoords="offset points", fontsize=8, ha="center")
    pts, = ax.plot([x, x + h], [fx, fxh], "o", color=PALETTE["black"], ms=5, zorder=5)
    ax.set_xlim(*xlim)
    _clip_ylim(ax, y)
    ax.set_xlabel("x")
    ax.set_ylabel(f"{label}(x)")
    ax.set_title(title if title is not None else f"average rate over [{x:.2f}, {x + h:.2f}] = {slope:.3f}")
    if legend:
        ax.legend(loc="upper left")
    return SecantPlot(x, h, fx, fxh, slope, line, pts)


@dataclass
class RateCurvePlot:
    """What :func:`plot_rate_curve` drew."""
    x: float
    h: float
    rate: float
    rates: np.ndarray = field(repr=False)
    grid: np.ndarray = field(repr=False)


def plot_rate_curve(ax, f, x, h, *, xlim=(-2.0, 2.0), label="f", title=None, legend=True,
                    show_function=False):
    r"""Draw the average rate :math:`\frac{f(t+h)-f(t)}{h}` as a function of the start ``t``.

    One secant slope for every starting point: the figure shows that the rate
    of change is itself a function of where you stand, positive where ``f``
    climbs (blue band), negative where it falls (orange band). The current
    ``x`` is marked.

    Parameters
    ----------
    show_function : bool
        Also draw ``f`` itself (thin) with its secant over ``[x, x+h]``, on the
        same axes, so one panel shows both the curve and its rates.

    Returns
    -------
    RateCurvePlot
        The rate at ``x`` and the whole curve.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> r = plot_rate_curve(ax, lambda t: t**2, 1.0, 0.5)
    >>> np.allclose(r.rate, 2.5), np.allclose(r.rates, 2 * r.grid + 0.5)
    (True, True)
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    x, h = float(x), float(h)
    _check_nonzero_step(h)
    t = np.linspace(xlim[0], xlim[1], 400)
    ft = np.asarray(f(t), dtype=float)
    rates = (np.asarray(f(t + h), dtype=float) - ft) / h
    fx, fxh = float(f(np.float64(x))), float(f(np.float64(x + h)))
    rate = (fxh - fx) / h
    ax.axhline(0, color=PALETTE["black"], lw=0.8)
    # Two polygons as one collection, without autoscaling (limits are set below):
    # fill_between and ax.fill cost more than the rest of the frame.
    edge = np.r_[t, t[::-1]]
    zero = np.zeros_like(t)
    bands = PolyCollection([np.c_[edge, np.r_[np.maximum(rates, 0), zero]],
                            np.c_[edge, np.r_[np.minimum(rates, 0), zero]]],
                           facecolors=[PALETTE["sky"], ACCENT], alpha=0.35, linewidths=0)
    ax.add_collection(bands, autolim=False)
    ax.fill([], [], color=PALETTE["sky"], alpha=0.35, lw=0, label=f"{label} climbs")   # legend keys
    ax.fill([], [], color=ACCENT, alpha=0.35, lw=0, label=f"{label} falls")
    ax.plot(t, rates, color=SECANT, ls="--", label=f"average rate over [x, x+{h:.2f}]")
    ax.plot([x], [rate], "o", color=SECANT, ms=7, zorder=5)
    shown = rates
    if show_function:
        ax.plot(t, ft, color=CURVE, lw=1.5, label=f"{label}(x)")
        ax.plot([x, x + h], [fx, fxh], "o-", color=PALETTE["black"], ms=5, lw=2.5, zorder=5,
                label="secant")
        ax.plot([x, x], [min(fx, rate), max(fx, rate)], ":", color=PALETTE["grey"], lw=1.2)
        shown = np.r_[rates, ft]
    ax.set_xlim(*xlim)
    _clip_ylim(ax, shown)
    if show_function and legend:           # headroom for the two-column legend
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.35 * (hi - lo))
    ax.set_xlabel("starting point x")
    ax.set_ylabel("average rate" if not show_function else f"{label}(x) and average rate")
    ax.set_title(title if title is not None else f"rate at x = {x:.2f} is {rate:.3f}")
    if legend:
        ax.legend(loc="upper left" if not show_function else "upper center", ncols=2 if show_function else 1)
    return RateCurvePlot(x, h, rate, rates, t)


# ---------------------------------------------------------------- chapter 2
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


def plot_secant_to_tangent(ax, f, df, x, h, *, xlim=(-2.0, 2.0), label="f", title=None, legend=True):
    r"""Draw the secant over :math:`[x, x+h]` beside the tangent at ``x``.

    As ``h`` shrinks the secant turns into the tangent; the title prints the
    gap between their slopes, which shrinks roughly in proportion to ``h``.

    Returns
    -------
    SecantTangentPlot
        Both slopes and their gap.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> r = plot_secant_to_tangent(ax, np.sin, np.cos, 0.5, 1e-3)
    >>> r.gap < 1e-3
    True
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    check_callable(df, "df")
    x, h = float(x), float(h)
    _check_nonzero_step(h)
    t, y = _grid(f, xlim)
    fx, fxh = float(f(np.float64(x))), float(f(np.float64(x + h)))
    s = (fxh - fx) / h
    d = float(df(np.float64(x)))
    ax.plot(t, y, color=CURVE, label=f"{label}(x)")
    tan, = ax.plot(t, fx + d * (t - x), color=TANGENT, lw=2.2, label=f"tangent, slope {d:.4f}")
    sec, = ax.plot(t, fx + s * (t - x), color=SECANT, ls="--", lw=1.8,
                   label=f"secant, slope {s:.4f}")
    ax.plot([x, x + h], [fx, fxh], "o", color=PALETTE["black"], ms=5, zorder=5)
    ax.set_xlim(*xlim)
    _clip_ylim(ax, y)
    ax.set_xlabel("x")
    ax.set_ylabel(f"{label}(x)")
    ax.set_title(title if title is not None else f"h = {h:.3g}: slopes differ by {abs(s - d):.2e}")
    if legend:
        ax.legend(loc="upper left")
    return SecantTangentPlot(x, h, s, d, abs(s - d), sec, tan)


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
    """What :func:`plot_linear_approximation` drew."""
    x: float
    h: float
    actual: float
    predicted: float
    error: float
    order: float


def plot_tangent_prediction(ax, f, df, x, h, *, xlim=(-2.0, 2.0), label="f", title=None, legend=True):
    r"""Draw the tangent at ``x`` and its prediction :math:`f(x) + f'(x)h` of
    :math:`f(x+h)`, with the prediction's error as a thick vertical bar.

    Returns
    -------
    LinearApproxPlot
        ``actual``, ``predicted`` and ``error`` (``order`` is nan here).

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> r = plot_tangent_prediction(ax, np.exp, np.exp, 0.0, 0.1)
    >>> np.allclose(r.predicted, 1.1), np.allclose(r.error, np.exp(0.1) - 1.1)
    (True, True)
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    check_callable(df, "df")
    h = check_step(h, "h", allow_none=False)
    x = float(x)
    t, y = _grid(f, xlim)
    fx, d = float(f(np.float64(x))), float(df(np.float64(x)))
    actual = float(f(np.float64(x + h)))
    predicted = fx + d * h
    err = abs(actual - predicted)
    ax.plot(t, y, color=CURVE, label=f"{label}(x)")
    ax.plot(t, fx + d * (t - x), color=TANGENT, label="f(x) + f′(x)·h")
    ax.plot([x + h, x + h], [predicted, actual], color=SECANT, lw=3, solid_capstyle="butt",
            label=f"error {err:.2e}")
    ax.plot([x], [fx], "o", color=PALETTE["black"], ms=5, zorder=5)
    ax.plot([x + h], [actual], "o", color=CURVE, ms=5, zorder=5)
    ax.plot([x + h], [predicted], "s", color=TANGENT, ms=5, zorder=5)
    ax.set_xlim(*xlim)
    _clip_ylim(ax, y)
    ax.set_xlabel("x")
    ax.set_ylabel(f"{label}(x)")
    ax.set_title(title if title is not None else
                 f"h = {h:.2g}: error {err:.1e}, error / h\u00b2 = {err / h**2:.3f}")
    if legend:
        ax.legend(loc="upper left")
    return LinearApproxPlot(x, h, actual, predicted, err, float("nan"))


def plot_linear_approximation(ax_curve, ax_error, f, df, curves, h, *, xlim=(-2.0, 2.0), label="f"):
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
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> c = linear_approximation_curves(np.exp, np.exp, 0.0)
    >>> r = plot_linear_approximation(a, b, np.exp, np.exp, c, 0.1)
    >>> np.allclose(r.error, np.exp(0.1) - 1.1), bool(abs(r.order - 2) < 0.1)
    (True, True)
    >>> plt.close(fig)
    """
    r = plot_tangent_prediction(ax_curve, f, df, curves.x, h, xlim=xlim, label=label)
    ok = curves.errors > 0
    ax_error.loglog(curves.hs[ok], curves.errors[ok], color=SECANT, label="error")
    ref = curves.errors[ok][-1] * (curves.hs[ok] / curves.hs[ok][-1]) ** 2
    ax_error.loglog(curves.hs[ok], ref, color=PALETTE["grey"], ls=":", label="slope 2 (∝ h²)")
    ax_error.plot([r.h], [max(r.error, 1e-300)], "o", color=PALETTE["black"], ms=6, zorder=5)
    _cheap_log_axes(ax_error)
    ax_error.set_xlabel("step h")
    ax_error.set_ylabel("error of the prediction")
    ax_error.set_title(f"halve h, error / 4: slope {curves.order:.2f}")
    ax_error.legend(loc="upper left")
    return LinearApproxPlot(r.x, r.h, r.actual, r.predicted, r.error, curves.order)


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
        ax.plot([curves.best_h[name]], [curves.best_error[name]], marker="v", ms=8,
                color=styles[name]["color"], zorder=5)
        if k is not None:
            at_h[name] = float(e[k])
    ax.loglog(curves.hs, EPS / curves.hs, color=PALETTE["grey"], ls=":", lw=1.2,
              label="round-off ≈ ε/h")
    if k is not None:
        ax.axvline(curves.hs[k], color=PALETTE["black"], lw=1)
        ax.set_title(f"h = {curves.hs[k]:.1e}: forward {at_h['forward']:.1e}, "
                     f"central {at_h['central']:.1e}")
    else:
        ax.set_title("too small h: round-off; too large h: truncation")
    if title is not None:
        ax.set_title(title)
    ax.set_ylim(1e-17, 10)
    _cheap_log_axes(ax)
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error")
    if legend:
        ax.legend(loc="lower left")
    return DifferenceErrorPlot(None if k is None else float(curves.hs[k]), at_h,
                               dict(curves.best_h), dict(curves.best_error), lines)


# ---------------------------------------------------------------- explorers
@dataclass(frozen=True)
class Slider:
    """One slider of an :class:`Explorer`: its range, step and start value."""
    name: str
    min: float
    max: float
    step: float
    value: float
    description: str = ""
    log: bool = False      # a log slider: min, max, step are exponents of ten; value is not

    def __post_init__(self):
        # Snap the start value to the slider's grid, as the widget will, so the
        # first figure and the slider's readout agree.
        if self.log:
            k = np.clip(np.round((np.log10(self.value) - self.min) / self.step), 0,
                        np.round((self.max - self.min) / self.step))
            value = float(10.0 ** (self.min + k * self.step))
        else:
            k = np.clip(np.round((self.value - self.min) / self.step), 0,
                        np.round((self.max - self.min) / self.step))
            value = float(np.round(self.min + k * self.step, 12))
        object.__setattr__(self, "value", value)

    def values(self, n=5):
        """`n` values from end to end, both ends included (used by the tests)."""
        if self.log:
            return list(10.0 ** np.linspace(self.min, self.max, n))
        return list(np.linspace(self.min, self.max, n))

    def widget(self):
        import ipywidgets as w
        desc = self.description or self.name
        style = {"description_width": "initial"}
        layout = w.Layout(width="420px")
        if self.log:
            return w.FloatLogSlider(value=self.value, base=10, min=self.min, max=self.max, step=self.step,
                                    description=desc, style=style, layout=layout, readout_format=".1e")
        return w.FloatSlider(value=self.value, min=self.min, max=self.max, step=self.step,
                             description=desc, style=style, layout=layout, readout_format=".2f")


class Explorer:
    """An interactive figure: a drawing function plus the sliders that drive it.

    ``explorer.show(**values)`` draws a new figure and shows it (the
    callback given to ``ipywidgets.interact``); ``explorer.render(**values)``
    returns the figure and the drawing's result without showing it (used by
    tests and benchmarks); ``explorer.widgets()`` builds the sliders.

    Examples
    --------
    >>> ex = secant_explorer(np.sin)
    >>> [s.name for s in ex.sliders]
    ['x', 'h']
    >>> fig, r = ex.render(x=0.0, h=0.5)
    >>> np.allclose(r.slope, np.sin(0.5) / 0.5)
    True
    >>> plt.close(fig)
    """

    def __init__(self, draw, sliders, *, figsize=None, ncols=1):
        self._draw = check_callable(draw, "draw")
        self.sliders = tuple(sliders)
        self.figsize = figsize
        self.ncols = ncols

    def defaults(self):
        return {s.name: s.value for s in self.sliders}

    def render(self, **values):
        kw = self.defaults()
        unknown = set(values) - set(kw)
        if unknown:
            raise TypeError(f"unknown slider(s) {sorted(unknown)}; this figure has {sorted(kw)}")
        kw.update(values)
        # Fixed margins instead of a layout engine: a slider redraws the figure
        # many times, and constrained layout would cost more than the drawing.
        fig, axes = plt.subplots(1, self.ncols, figsize=self.figsize, squeeze=False, layout="none")
        fig.subplots_adjust(left=0.09 if self.ncols == 1 else 0.07, right=0.98, bottom=0.15,
                            top=0.9, wspace=0.25)
        result = self._draw(*axes.flat, **kw)
        return fig, result

    def show(self, **values):
        fig, result = self.render(**values)
        plt.show()
        plt.close(fig)
        return None

    def widgets(self):
        """``{name: ipywidgets slider}``, ready for ``interact(ex.show, **ex.widgets())``."""
        return {s.name: s.widget() for s in self.sliders}

    def grid(self, n=5):
        """Every combination of `n` values per slider, ends included."""
        import itertools
        names = [s.name for s in self.sliders]
        for combo in itertools.product(*(s.values(n) for s in self.sliders)):
            yield dict(zip(names, combo))


def secant_explorer(f, *, x=0.5, h=0.6, label="f", xlim=(-2.0, 2.0)):
    """Sliders ``x`` and ``h`` moving the secant over ``[x, x + h]`` (chapter 1)."""
    check_callable(f, "f")
    span = xlim[1] - xlim[0]
    return Explorer(
        lambda ax, x, h: plot_secant(ax, f, x, h, xlim=xlim, label=label),
        [Slider("x", xlim[0] + 0.1 * span, xlim[1] - 0.3 * span, 0.05, x, "start x"),
         Slider("h", 0.05, 0.25 * span, 0.05, h, "step h")])


def rate_explorer(f, *, x=-1.0, h=0.3, label="f", xlim=(-2.0, 2.0)):
    """The curve with its secant, and the average rate for every start (chapter 1)."""
    check_callable(f, "f")
    span = xlim[1] - xlim[0]
    return Explorer(lambda ax, x, h: plot_rate_curve(ax, f, x, h, xlim=xlim, label=label, show_function=True),
                    [Slider("x", xlim[0] + 0.1 * span, xlim[1] - 0.3 * span, 0.05, x, "start x"),
                     Slider("h", 0.05, 0.25 * span, 0.05, h, "step h")],
                    figsize=(7.2, 3.8))


def tangent_explorer(f, df, *, x=0.5, h=1.0, label="f", xlim=(-2.0, 2.0)):
    """A log slider for ``h``: the secant turns into the tangent (chapter 2)."""
    check_callable(f, "f")
    check_callable(df, "df")
    return Explorer(lambda ax, h, x: plot_secant_to_tangent(ax, f, df, x, h, xlim=xlim, label=label),
                    [Slider("h", -3.0, 0.0, 0.1, h, "step h", log=True),
                     Slider("x", xlim[0] + 0.2, xlim[1] - 1.0, 0.05, x, "point x")])


def linear_approx_explorer(f, df, x, *, h=0.3, label="f", xlim=(-2.0, 2.0)):
    """A log slider for ``h``: the tangent's prediction of ``f(x + h)`` and its error (chapter 2).

    The title prints ``error / h**2``, which settles near ``f''(x) / 2`` as ``h``
    shrinks: the error falls like ``h**2``.
    """
    check_callable(f, "f")
    check_callable(df, "df")
    return Explorer(lambda ax, h: plot_tangent_prediction(ax, f, df, x, h, xlim=xlim, label=label),
                    [Slider("h", -3.0, 0.0, 0.1, h, "step h", log=True)])


def difference_error_explorer(f, df, x, *, h=1e-4):
    """A log slider for ``h`` over the error of forward and central differences (chapter 2)."""
    curves = difference_error_curves(f, df, x)
    return Explorer(lambda ax, h: plot_difference_errors(ax, curves, h),
                    [Slider("h", -15.0, -1.0, 0.5, h, "step h", log=True)],
                    figsize=(7.2, 3.6))


__all__ += ["Slider", "Explorer", "secant_explorer", "rate_explorer", "tangent_explorer",
            "linear_approx_explorer", "difference_error_explorer"]
