"""Chapter 1 figures: functions and change.

* :func:`plot_secant` -- the secant through ``x`` and ``x + h``; its slope is the
  average rate of change (explorer: :func:`secant_explorer`).
* :func:`plot_rate_curve` -- that rate for every start ``x`` at once;
  :func:`plot_rate_explorer` stacks it under the curve (explorer: :func:`rate_explorer`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import PolyCollection

from .._validation import check_callable
from ..style import ACCENT, CURVE, PALETTE, SECANT
from .base import Explorer, Slider, check_nonzero_step, corner_box, fix_ylim, grid_of, legend_corner, mark_data

__all__ = ["SecantPlot", "plot_secant", "RateCurvePlot", "plot_rate_curve", "plot_rate_explorer",
           "secant_explorer", "rate_explorer"]


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


def plot_secant(ax, f, x, h, *, xlim=(-2.0, 2.0), ylim=None, label="f", title=None, show_triangle=True,
                show_numbers=False, legend=True):
    r"""Draw ``f``, the points at ``x`` and ``x + h``, and the secant through them.

    The secant's slope is the average rate of change
    :math:`\frac{f(x+h) - f(x)}{h}` over :math:`[x, x+h]`; the run and the
    rise are drawn as the legs of a right triangle.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    f : callable
        Vectorised function of one variable.
    x : float
        Left end of the step.
    h : float
        Step; may be negative (the step then goes left), not zero.
    xlim, ylim : (float, float)
        Ranges of the axes (``ylim`` defaults to the curve's range): fixed
        limits keep the picture still while a slider moves.
    label : str
        Name of the function in the legend.
    title : str, optional
        Default: the slope, the number to read off the figure.
    show_triangle : bool
        Draw the run and rise legs.
    show_numbers : bool
        Write rise, run and slope in a box in the corner the curve leaves free.
    legend : bool
        Draw the legend (small multiples leave it out).

    Returns
    -------
    SecantPlot
        ``x, h, fx, fxh, slope`` and the secant and point artists.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_secant(ax, lambda t: t**2, 1.0, 0.5)
    >>> np.allclose(r.slope, 2.5)
    True
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    x = float(x)
    h = check_nonzero_step(float(h))
    t, y = grid_of(f, xlim)
    fx, fxh = float(f(np.float64(x))), float(f(np.float64(x + h)))
    slope = (fxh - fx) / h
    curve, = ax.plot(t, y, color=CURVE, label=f"{label}(x)")
    secant_y = fx + slope * (t - x)
    line, = ax.plot(t, secant_y, color=SECANT, ls="--", lw=1.8, label="secant")
    if show_triangle:
        ax.plot([x, x + h, x + h], [fx, fx, fxh], color=PALETTE["black"], lw=1.2, ls=":")
    pts, = ax.plot([x, x + h], [fx, fxh], "o", color=PALETTE["black"], ms=5, zorder=5)
    mark_data(curve, pts)
    ax.set_xlim(*xlim)
    if ylim is None:
        fix_ylim(ax, y)
    else:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel(f"{label}(x)")
    ax.set_title(title if title is not None else f"average rate over [{x:.2f}, {x + h:.2f}] = {slope:.3f}")
    taken = ()
    xy, soft = [(t, y), ([x, x + h], [fx, fxh])], [(t, secant_y)]
    if show_numbers:
        _, corner = corner_box(ax, f"rise  {label}(x+h) \u2212 {label}(x) = {fxh - fx:.3f}\n"
                                   f"run   h = {h:.3f}\nslope = rise / run = {slope:.3f}", xy, soft=soft)
        taken = (corner,)
    if legend:
        legend_corner(ax, xy, soft=soft, avoid=taken)
    return SecantPlot(x, h, fx, fxh, slope, line, pts)


@dataclass
class RateCurvePlot:
    """What :func:`plot_rate_curve` drew."""
    x: float
    h: float
    rate: float
    rates: np.ndarray = field(repr=False)
    grid: np.ndarray = field(repr=False)


def _rates(f, t, h):
    return (np.asarray(f(t + h), dtype=float) - np.asarray(f(t), dtype=float)) / h


def plot_rate_curve(ax, f, x, h, *, xlim=(-2.0, 2.0), ylim=None, label="f", title=None, legend=True):
    r"""Draw the average rate :math:`\frac{f(t+h)-f(t)}{h}` as a function of the start ``t``.

    One secant slope for every starting point: the figure shows that the rate
    of change is itself a function of where you stand, positive where ``f``
    climbs (blue band), negative where it falls (orange band). The current
    ``x`` is marked.

    Returns
    -------
    RateCurvePlot
        The rate at ``x`` and the whole curve.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_rate_curve(ax, lambda t: t**2, 1.0, 0.5)
    >>> np.allclose(r.rate, 2.5), np.allclose(r.rates, 2 * r.grid + 0.5)
    (True, True)
    >>> plt.close(fig)
    """
    check_callable(f, "f")
    x = float(x)
    h = check_nonzero_step(float(h))
    t = np.linspace(xlim[0], xlim[1], 400)
    rates = _rates(f, t, h)
    rate = float(_rates(f, np.float64(x), h))
    ax.axhline(0, color=PALETTE["black"], lw=0.8)
    # Two polygons as one collection, without autoscaling (limits are set below):
    # fill_between costs more than the rest of the frame.
    edge = np.r_[t, t[::-1]]
    zero = np.zeros_like(t)
    bands = PolyCollection([np.c_[edge, np.r_[np.maximum(rates, 0), zero]],
                            np.c_[edge, np.r_[np.minimum(rates, 0), zero]]],
                           facecolors=[PALETTE["sky"], ACCENT], alpha=0.35, linewidths=0)
    ax.add_collection(bands, autolim=False)
    ax.fill([], [], color=PALETTE["sky"], alpha=0.35, lw=0, label=f"{label} climbs")   # legend keys
    ax.fill([], [], color=ACCENT, alpha=0.35, lw=0, label=f"{label} falls")
    curve, = ax.plot(t, rates, color=SECANT, ls="--", label=f"average rate, h = {h:.2f}")
    dot, = ax.plot([x], [rate], "o", color=SECANT, ms=7, zorder=5)
    mark_data(curve, dot)
    ax.set_xlim(*xlim)
    if ylim is None:
        fix_ylim(ax, rates, np.zeros(1))
    else:
        ax.set_ylim(*ylim)
    ax.set_xlabel("starting point x")
    ax.set_ylabel("average rate")
    ax.set_title(title if title is not None else f"rate at x = {x:.2f} is {rate:.3f}")
    if legend:
        legend_corner(ax, [(t, rates)])
    return RateCurvePlot(x, h, rate, rates, t)


def plot_rate_explorer(ax_f, ax_rate, f, x, h, *, xlim=(-2.0, 2.0), f_ylim=None, rate_ylim=None, label="f"):
    """The curve with its secant over ``[x, x + h]`` (top), and the rate at every start (below).

    The dot on the lower curve is the slope of the secant above it; a dotted
    line joins the two panels at ``x``.

    Returns
    -------
    RateCurvePlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(2, 1)
    >>> r = plot_rate_explorer(a, b, lambda t: t**3 - 2 * t, 1.0, 0.5)
    >>> np.allclose(r.rate, 2.75)
    True
    >>> plt.close(fig)
    """
    top = plot_secant(ax_f, f, x, h, xlim=xlim, ylim=f_ylim, label=label, show_triangle=False, legend=False,
                      title="")
    r = plot_rate_curve(ax_rate, f, x, h, xlim=xlim, ylim=rate_ylim, label=label, title="", legend=False)
    for ax in (ax_f, ax_rate):
        ax.axvline(x, color=PALETTE["grey"], lw=1, ls=":")
    ax_f.set_xlabel("")
    ax_f.set_title(f"secant over [{x:.2f}, {x + h:.2f}] has slope {top.slope:.3f}: the dot below")
    ax_rate.set_title(f"average rate for every start (h = {h:.2f}): above 0 {label} climbs, below 0 it falls",
                      fontsize=10)
    return r


# ------------------------------------------------------------------ explorers
def secant_explorer(f, *, x=0.5, h=0.6, label="f", xlim=(-2.0, 2.0)):
    """Sliders ``x`` and ``h`` moving the secant over ``[x, x + h]``."""
    check_callable(f, "f")
    span = xlim[1] - xlim[0]
    _, y = grid_of(f, xlim)
    lo, hi = float(np.min(y)), float(np.max(y))
    ylim = (lo - 0.12 * (hi - lo), hi + 0.12 * (hi - lo))
    return Explorer(
        lambda ax, x, h: plot_secant(ax, f, x, h, xlim=xlim, ylim=ylim, label=label, show_numbers=True),
        [Slider("x", xlim[0] + 0.1 * span, xlim[1] - 0.3 * span, 0.05, x, "start x"),
         Slider("h", 0.05, 0.25 * span, 0.05, h, "step h")])


def rate_explorer(f, *, x=-1.0, h=0.3, label="f", xlim=(-2.0, 2.0)):
    """The curve with its secant (top) and the average rate for every start (below)."""
    check_callable(f, "f")
    span = xlim[1] - xlim[0]
    h_slider = Slider("h", 0.05, 0.25 * span, 0.05, h, "step h")
    t, y = grid_of(f, xlim)
    all_rates = np.concatenate([_rates(f, t, hh) for hh in h_slider.positions()] + [np.zeros(1)])
    lo, hi = float(np.min(all_rates)), float(np.max(all_rates))        # fixed over every h on the slider
    rate_ylim = (lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo))
    f_ylim = (float(y.min()) - 0.12 * np.ptp(y), float(y.max()) + 0.12 * np.ptp(y))
    return Explorer(lambda a, b, x, h: plot_rate_explorer(a, b, f, x, h, xlim=xlim, f_ylim=f_ylim,
                                                          rate_ylim=rate_ylim, label=label),
                    [Slider("x", xlim[0] + 0.1 * span, xlim[1] - 0.3 * span, 0.05, x, "start x"), h_slider],
                    figsize=(7.2, 5.0), nrows=2, sharex=True,
                    margins=dict(top=0.93, bottom=0.1, hspace=0.32))
