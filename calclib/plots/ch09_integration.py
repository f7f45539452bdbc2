"""Chapter 9 figures: integration as accumulation.

* :func:`plot_rule` -- the pieces of one integration rule (left, right or midpoint
  rectangles, trapezoids, Simpson's parabolas) under a curve; :func:`plot_rule_errors`
  puts every rule's error against ``n`` on log-log axes, where the slope is the
  rule's order (explorers: :func:`riemann_explorer`, :func:`rules_error_explorer`).
* :func:`plot_monte_carlo_samples` and :func:`plot_monte_carlo_error` -- an expectation
  estimated from ``n`` samples, its error shrinking like ``1/sqrt(n)``
  (explorer: :func:`monte_carlo_explorer`).
* :func:`plot_density_and_cdf` -- a density whose area is 1, and its running area, the
  cumulative distribution.
* :func:`plot_minibatches` and :func:`plot_minibatch_spread` -- the training loss as an
  average over data, and mini-batch losses as its Monte Carlo estimates
  (explorer: :func:`minibatch_explorer`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

from .._validation import as_float_array, check_callable, check_int, check_interval
from ..integrate import convergence_order, cumulative_integral, riemann_sum, simpson, trapezoid
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, cheap_log_axes, corner_box, grid_of, legend_corner, mark_data

__all__ = [
    "RULES", "RULE_NAMES", "rule_estimate", "rule_pieces", "RulePlot", "plot_rule",
    "RuleErrors", "rule_error_curves", "rule_error_ylim", "plot_rule_errors", "riemann_explorer",
    "rules_error_explorer",
    "MonteCarloStream", "monte_carlo_stream", "plot_monte_carlo_samples", "plot_monte_carlo_error",
    "monte_carlo_explorer", "DensityPlot", "plot_density_and_cdf",
    "MinibatchData", "minibatch_data", "minibatch_losses", "MinibatchPlot", "plot_minibatches",
    "MinibatchSpread", "minibatch_spread", "plot_minibatch_spread", "minibatch_explorer",
]

#: The five rules of the chapter, in the order they are drawn.
RULES = ("left", "right", "midpoint", "trapezoid", "simpson")
#: How each rule is named in titles and legends.
RULE_NAMES = {"left": "left sum", "right": "right sum", "midpoint": "midpoint sum",
              "trapezoid": "trapezoid", "simpson": "Simpson"}
_RULE_STYLE = {
    "left": dict(color=SECANT, ls="--"),
    "right": dict(color=ACCENT, ls="-."),
    "midpoint": dict(color=TANGENT, ls="-"),
    "trapezoid": dict(color=PALETTE["purple"], ls=":"),
    "simpson": dict(color=CURVE, ls="-"),
}
_PIECE_FILL = dict(facecolors=PALETTE["orange"], edgecolors=PALETTE["vermillion"], alpha=0.35, linewidths=0.9)


def _loglog(ax, *args, **kw):
    """``ax.loglog`` without resetting the scales of axes that are already log-log: an explorer
    reuses its axes, and setting a scale again rebuilds its locators and rescales the view."""
    if ax.get_xscale() != "log":
        ax.set_xscale("log")
    if ax.get_yscale() != "log":
        ax.set_yscale("log")
    return ax.plot(*args, **kw)


def _check_rule(rule):
    if not isinstance(rule, str) or rule not in RULES:
        raise ValueError(f"`rule` must be one of {', '.join(map(repr, RULES))}, got {rule!r:.60}")
    return rule


def _check_n(n, rule):
    n = check_int(n, "n")
    if rule == "simpson" and n % 2:
        raise ValueError(f"`n` must be even for Simpson's rule (its parabolas span pairs of pieces), got {n}")
    return n


# ------------------------------------------------------------------ the pieces of a rule
def rule_estimate(f, a, b, n, rule):
    """The estimate of the integral of ``f`` over ``[a, b]`` by ``rule`` with ``n`` pieces.

    One front door to :mod:`calclib.integrate` (:func:`~calclib.integrate.riemann_sum`,
    :func:`~calclib.integrate.trapezoid`, :func:`~calclib.integrate.simpson`).

    Examples
    --------
    >>> [round(rule_estimate(lambda x: x, 0, 1, 4, r), 4) for r in RULES]
    [0.375, 0.625, 0.5, 0.5, 0.5]
    """
    rule = _check_rule(rule)
    n = _check_n(n, rule)
    if rule == "trapezoid":
        return trapezoid(f, a, b, n)
    if rule == "simpson":
        return simpson(f, a, b, n)
    return riemann_sum(f, a, b, n, rule=rule)


def rule_pieces(f, a, b, n, rule, *, points_per_parabola=9):
    r"""The shapes a rule adds up, as polygons (each an ``(m, 2)`` array of vertices).

    Rectangles for the left, right and midpoint sums (height ``f`` at the
    left end, the right end or the middle of each piece), trapezoids joining
    neighbouring values, and for Simpson's rule the area under the parabola
    through three neighbouring points, one per pair of pieces.

    Returns
    -------
    polygons : list of ndarray
        Each closed along the x axis (the first and last vertices lie on ``y = 0``).
    nodes : ndarray, shape (k, 2)
        The points where ``f`` was evaluated.

    Examples
    --------
    >>> polys, nodes = rule_pieces(lambda x: 1 + x, 0.0, 1.0, 2, "left")
    >>> len(polys), nodes.tolist()
    (2, [[0.0, 1.0], [0.5, 1.5]])
    >>> polys, nodes = rule_pieces(lambda x: x**2, 0.0, 2.0, 2, "simpson")
    >>> len(polys), np.allclose(polys[0][1:-1, 1], polys[0][1:-1, 0] ** 2)   # on the parabola x**2
    (1, True)
    """
    check_callable(f, "f")
    a, b = check_interval(a, b)
    rule = _check_rule(rule)
    n = _check_n(n, rule)
    x = np.linspace(a, b, n + 1)
    if rule in ("left", "right", "midpoint"):
        offset = {"left": 0.0, "right": 1.0, "midpoint": 0.5}[rule]
        xs = x[:-1] + offset * (x[1:] - x[:-1])
        ys = np.asarray(f(xs), dtype=float) * np.ones_like(xs)
        polys = [np.array([[x0, 0.0], [x0, y], [x1, y], [x1, 0.0]]) for x0, x1, y in zip(x[:-1], x[1:], ys)]
        return polys, np.c_[xs, ys]
    y = np.asarray(f(x), dtype=float) * np.ones_like(x)
    if rule == "trapezoid":
        polys = [np.array([[x0, 0.0], [x0, y0], [x1, y1], [x1, 0.0]])
                 for x0, x1, y0, y1 in zip(x[:-1], x[1:], y[:-1], y[1:])]
        return polys, np.c_[x, y]
    polys = []
    for j in range(0, n, 2):
        x0, xm, x1 = x[j], x[j + 1], x[j + 2]
        y0, ym, y1 = y[j], y[j + 1], y[j + 2]
        t = np.linspace(x0, x1, points_per_parabola)
        # Lagrange form of the parabola through the three points
        p = (y0 * (t - xm) * (t - x1) / ((x0 - xm) * (x0 - x1))
             + ym * (t - x0) * (t - x1) / ((xm - x0) * (xm - x1))
             + y1 * (t - x0) * (t - xm) / ((x1 - x0) * (x1 - xm)))
        polys.append(np.r_[[[x0, 0.0]], np.c_[t, p], [[x1, 0.0]]])
    return polys, np.c_[x, y]


@dataclass
class RulePlot:
    """What :func:`plot_rule` drew: the rule, ``n``, its estimate and (given the exact value) its error."""
    rule: str
    n: int
    estimate: float
    error: float
    pieces: object = field(repr=False)


def plot_rule(ax, f, a, b, n, rule, *, exact=None, xlim=None, ylim=None, title=None, show_nodes=True):
    """The curve ``f`` over ``[a, b]`` and the pieces ``rule`` adds up with ``n`` pieces.

    The title gives the estimate's error (with ``exact``) or the estimate.

    Returns
    -------
    RulePlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> r = plot_rule(ax, np.exp, 0.0, 1.0, 4, "midpoint", exact=np.e - 1)
    >>> np.allclose(r.estimate, 0.25 * np.exp([0.125, 0.375, 0.625, 0.875]).sum()), r.error < 0.01
    (True, True)
    >>> plt.close(fig)
    """
    polys, nodes = rule_pieces(f, a, b, n, rule)
    estimate = rule_estimate(f, a, b, n, rule)
    error = float("nan") if exact is None else abs(estimate - float(exact))
    lo, hi = (a, b) if xlim is None else xlim
    t, y = grid_of(f, (lo, hi), 160)
    pieces = ax.add_collection(PolyCollection(polys, **_PIECE_FILL), autolim=False)
    curve, = ax.plot(t, y, color=CURVE, lw=1.8)
    mark_data(curve)
    if show_nodes:
        ax.plot(nodes[:, 0], nodes[:, 1], "o", color=PALETTE["black"], ms=3, zorder=5)
    ax.axhline(0, color=PALETTE["black"], lw=0.8)
    ax.set_xlim(lo, hi)
    if ylim is None:
        top = max(float(np.max(y)), float(np.max([p[:, 1].max() for p in polys])))
        ylim = (min(0.0, float(np.min(y))), 1.15 * top)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    if title is None:
        title = (f"{RULE_NAMES[rule]}: error {error:.1e}" if exact is not None
                 else f"{RULE_NAMES[rule]}: {estimate:.4f}")
    ax.set_title(title, fontsize=10)
    return RulePlot(rule, int(n), float(estimate), error, pieces)


# ------------------------------------------------------------------ errors against n
@dataclass
class RuleErrors:
    """Every rule's error over a range of ``n``, and the fitted order of each."""
    ns: np.ndarray
    errors: dict
    orders: dict
    exact: float


def rule_error_curves(f, a, b, exact, ns=None, *, fit_from=8):
    r"""Error of each rule against the number of pieces ``n`` (even, so Simpson applies).

    ``orders[rule]`` is the least-squares slope of :math:`\log(\text{error})`
    against :math:`\log(1/n)` over ``n >= fit_from``
    (:func:`calclib.integrate.convergence_order`): about 1, 1, 2, 2 and 4 for a
    smooth integrand with ``f(a) != f(b)``.

    Examples
    --------
    >>> c = rule_error_curves(np.exp, 0.0, 1.0, np.e - 1)
    >>> [round(c.orders[r]) for r in RULES]
    [1, 1, 2, 2, 4]
    """
    check_callable(f, "f")
    exact = float(exact)
    ns = np.arange(2, 66, 2) if ns is None else as_float_array(ns, "ns", ndim=1).astype(int)
    errors = {r: np.array([abs(rule_estimate(f, a, b, int(n), r) - exact) for n in ns]) for r in RULES}
    orders = {}
    for r, e in errors.items():
        keep = (ns >= fit_from) & (e > 1e-13 * max(abs(exact), 1.0))
        orders[r] = convergence_order(ns[keep], e[keep]) if keep.sum() >= 2 else float("nan")
    return RuleErrors(np.asarray(ns), errors, orders, exact)


def rule_error_ylim(curves):
    """Fixed y-limits for :func:`plot_rule_errors`: every error, with headroom above for the legend."""
    allerr = np.concatenate(list(curves.errors.values()))
    allerr = allerr[allerr > 0]
    lo, hi = np.log10(allerr.min() / 3), np.log10(allerr.max())
    return 10.0 ** lo, 10.0 ** (hi + 0.5 * (hi - lo))


def plot_rule_errors(ax, curves, n=None, *, title=None, legend=True, ylim=None):
    """Each rule's error against ``n`` on log-log axes; the legend gives the fitted orders.

    A line of slope ``-p`` is an error proportional to ``n**-p``: doubling ``n``
    divides the error by ``2**p``. With ``n`` a vertical line marks the current
    number of pieces and the dots read each rule's error there.

    Returns
    -------
    dict
        ``{rule: error at n}`` (empty without ``n``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> c = rule_error_curves(np.exp, 0.0, 1.0, np.e - 1)
    >>> at = plot_rule_errors(ax, c, 8)
    >>> np.allclose(at["trapezoid"], abs(trapezoid(np.exp, 0, 1, 8) - (np.e - 1)))
    True
    >>> plt.close(fig)
    """
    at = {}
    k = None if n is None else int(np.argmin(np.abs(curves.ns - n)))
    for r in RULES:
        e = curves.errors[r]
        line, = _loglog(ax, curves.ns, e, lw=1.6, label=f"{RULE_NAMES[r]}: order {curves.orders[r]:.2f}",
                          **_RULE_STYLE[r])
        mark_data(line)
        if k is not None:
            at[r] = float(e[k])
    if k is not None:                 # the errors at n: one artist for all five dots
        ax.scatter(np.full(len(RULES), curves.ns[k]), list(at.values()), s=16, zorder=5,
                   c=[_RULE_STYLE[r]["color"] for r in RULES])
        ax.axvline(curves.ns[k], color=PALETTE["black"], lw=0.8)
    ax.set_xlim(curves.ns[0] / 1.15, curves.ns[-1] * 1.15)
    if ylim is None:
        ylim = rule_error_ylim(curves)
    ax.set_ylim(*ylim)
    cheap_log_axes(ax)
    lo, hi = np.log10(ylim)
    step = 1 if hi - lo <= 6 else 2 if hi - lo <= 12 else 3
    ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(np.ceil(lo), np.floor(hi) + 1, step)))
    ticks = [v for v in 2 ** np.arange(1, 11) if curves.ns[0] <= v <= curves.ns[-1]]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(lambda v, pos: f"{v:.0f}")
    ax.set_xlabel("pieces n")
    ax.set_ylabel("error")
    ax.set_title(title if title is not None else "error against n: slope = order", fontsize=10)
    if legend:
        ax.legend(loc="upper right", fontsize=7.5, handlelength=2.2, borderaxespad=0.3)
    return at


def _rule_panels(axes, f, a, b, n, rules, exact, ylim, xticks, yticks):
    """Draw ``rules`` side by side with shared fixed axes; only the first panel labels its y axis."""
    found = {}
    for k, (ax, r) in enumerate(zip(axes, rules)):
        found[r] = plot_rule(ax, f, a, b, n, r, exact=exact, ylim=ylim)
        ax.set_xticks(xticks)          # few fixed ticks, no grid: each is several artists per redraw
        ax.set_yticks(yticks)
        ax.grid(False)
        if k == 0:
            ax.set_ylabel("f(x)")
        else:
            ax.tick_params(labelleft=False)
    return found


def _fixed_frame(f, a, b):
    _, y = grid_of(f, (a, b))
    ylim = (min(0.0, float(np.min(y))), 1.18 * float(np.max(y)))
    yticks = MaxNLocator(4).tick_values(*ylim)
    return ylim, np.linspace(a, b, 3), yticks[(yticks >= ylim[0]) & (yticks <= ylim[1])]


_THREE_PANELS = dict(figsize=(8.6, 3.2), ncols=3,
                     margins=dict(left=0.06, right=0.985, bottom=0.15, top=0.9, wspace=0.12))


def riemann_explorer(f, a, b, exact, *, n=4, n_max=32):
    """A slider for the number of pieces ``n``: left, right and midpoint sums side by side.

    Each title gives the error: doubling ``n`` halves the error of the left and
    right sums and divides the midpoint sum's by about four.
    """
    check_callable(f, "f")
    ylim, xticks, yticks = _fixed_frame(f, a, b)
    rules = ("left", "right", "midpoint")

    def draw(*axes, n):
        return _rule_panels(axes, f, a, b, int(round(n)), rules, exact, ylim, xticks, yticks)

    return Explorer(draw, [Slider("n", 1, n_max, 1, n, "pieces n", readout=".0f")], **_THREE_PANELS)


def rules_error_explorer(f, a, b, exact, *, n=4, n_max=32):
    """A slider for ``n`` (even): the trapezoid and Simpson pieces, beside every rule's error
    against ``n`` on log-log axes (computed once), where each rule is a line whose slope is its order.
    """
    check_callable(f, "f")
    curves = rule_error_curves(f, a, b, exact, np.arange(2, 2 * n_max + 2, 2))
    elim = rule_error_ylim(curves)
    ylim, xticks, yticks = _fixed_frame(f, a, b)

    def draw(ax_t, ax_s, ax_e, n):
        n = int(round(n))
        found = _rule_panels((ax_t, ax_s), f, a, b, n, ("trapezoid", "simpson"), exact, ylim, xticks, yticks)
        plot_rule_errors(ax_e, curves, n, ylim=elim)
        return found

    margins = dict(_THREE_PANELS["margins"], wspace=0.3)
    return Explorer(draw, [Slider("n", 2, n_max, 2, n, "pieces n", readout=".0f")],
                    figsize=_THREE_PANELS["figsize"], ncols=3, margins=margins)


# ------------------------------------------------------------------ Monte Carlo
@dataclass
class MonteCarloStream:
    """One seeded stream of samples and the running estimate of ``E[f(X)]`` along it."""
    samples: np.ndarray
    values: np.ndarray         # f at the samples
    running: np.ndarray        # running mean: running[k] uses the first k + 1 samples
    exact: float
    sigma: float               # standard deviation of f(X)
    ns: np.ndarray             # log-spaced sample counts for drawing
    errors: np.ndarray         # |running mean - exact| at ns

    def estimate(self, n):
        """The estimate from the first ``n`` samples."""
        return float(self.running[int(n) - 1])


def monte_carlo_stream(f, sampler, exact, *, n_max=100_000, rng=0, sigma=None):
    r"""Draw ``n_max`` samples once and keep the running mean of ``f`` along them.

    The estimate from the first ``n`` samples is ``running[n - 1]``; its error
    is about :math:`\sigma/\sqrt{n}` with :math:`\sigma` the standard deviation
    of ``f(X)`` (estimated from the samples unless given).

    Examples
    --------
    >>> s = monte_carlo_stream(lambda x: x**2, lambda rng, n: rng.standard_normal(n), 1.0, n_max=10_000)
    >>> bool(abs(s.estimate(10_000) - 1.0) < 4 * s.sigma / 100)
    True
    """
    check_callable(f, "f")
    check_callable(sampler, "sampler")
    n_max = check_int(n_max, "n_max", minimum=2)
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    samples = np.asarray(sampler(gen, n_max), dtype=float)
    values = np.asarray(f(samples), dtype=float)
    running = np.cumsum(values) / np.arange(1, n_max + 1)
    sigma = float(np.std(values, ddof=1)) if sigma is None else float(sigma)
    ns = np.unique(np.round(np.logspace(0, np.log10(n_max), 240)).astype(int))
    errors = np.abs(running[ns - 1] - float(exact))
    return MonteCarloStream(samples, values, running, float(exact), sigma, ns, errors)


def plot_monte_carlo_samples(ax, stream, n, density, *, xlim=(-4.0, 4.0), bins=None, ylim=None, title=None):
    """A histogram of the first ``n`` samples over the density they are drawn from.

    As ``n`` grows the histogram settles onto the density; the average of
    ``f`` over the samples settles onto ``E[f(X)]`` (the title gives both).

    Returns
    -------
    float
        The estimate from the first ``n`` samples.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> phi = lambda x: np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)
    >>> s = monte_carlo_stream(np.abs, lambda rng, n: rng.standard_normal(n), np.sqrt(2 / np.pi), n_max=1000)
    >>> fig, ax = plt.subplots()
    >>> np.allclose(plot_monte_carlo_samples(ax, s, 100, phi), np.abs(s.samples[:100]).mean())
    True
    >>> plt.close(fig)
    """
    check_callable(density, "density")
    n = int(n)
    if bins is None:            # wide bins for few samples, so that each bar holds several
        bins = int(np.clip(2 * np.sqrt(n), 8, 48))
    edges = np.linspace(xlim[0], xlim[1], bins + 1)
    counts, _ = np.histogram(stream.samples[:n], bins=edges)
    heights = counts / (n * (edges[1] - edges[0]))
    ax.stairs(heights, edges, fill=True, color=PALETTE["sky"], alpha=0.55, label=f"histogram of {n} samples")
    t, p = grid_of(density, xlim, 200)
    line, = ax.plot(t, p, color=CURVE, lw=1.8, label="density p(x)")
    mark_data(line)
    ax.set_xlim(*xlim)
    ax.set_ylim(*(ylim if ylim is not None else (0.0, 1.5 * float(np.max(p)))))
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    est = stream.estimate(n)
    ax.set_title(title if title is not None else
                 f"n = {n}: average {est:.3f}, exact {stream.exact:.3f}", fontsize=10)
    return est


def plot_monte_carlo_error(ax, stream, n=None, *, title=None, legend=True):
    """The error of the running estimate against ``n`` (log-log), beside ``σ/√n``.

    One seeded stream wiggles around the guide line of slope ``-1/2``: a
    hundred times more samples buy one more correct digit.

    Returns
    -------
    float or None
        The error at ``n``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> s = monte_carlo_stream(np.abs, lambda rng, n: rng.standard_normal(n), np.sqrt(2 / np.pi), n_max=1000)
    >>> fig, ax = plt.subplots()
    >>> np.allclose(plot_monte_carlo_error(ax, s, 100), abs(s.estimate(100) - s.exact))
    True
    >>> plt.close(fig)
    """
    ok = stream.errors > 0
    line, = _loglog(ax, stream.ns[ok], stream.errors[ok], color=SECANT, lw=1.4, label="error of the estimate")
    mark_data(line)
    _loglog(ax, stream.ns, stream.sigma / np.sqrt(stream.ns), color=PALETTE["black"], ls="--", lw=1.4,
              label="σ/√n")
    at = None
    if n is not None:
        n = int(n)
        at = abs(stream.estimate(n) - stream.exact)
        ax.axvline(n, color=PALETTE["grey"], lw=1)
        ax.plot([n], [max(at, 1e-12)], "o", color=PALETTE["black"], ms=6, zorder=5)
    ax.set_xlim(1, stream.ns[-1] * 1.3)
    ax.set_ylim(max(stream.sigma / np.sqrt(stream.ns[-1]) / 300, 1e-7), stream.sigma * 10)
    cheap_log_axes(ax)
    ax.set_xlabel("samples n")
    ax.set_ylabel("|estimate − exact|")
    if title is None:
        title = ("error falls like 1/√n: 100× the samples, 10× smaller" if n is None else
                 f"n = {n}: error {at:.1e}, σ/√n = {stream.sigma / np.sqrt(n):.1e}")
    ax.set_title(title, fontsize=10)
    if legend:
        ax.legend(loc="upper right", fontsize=8.5)
    return at


def monte_carlo_explorer(f, density, sampler, exact, *, n=100, n_max=100_000, rng=0, xlim=(-4.0, 4.0)):
    """A log slider for the number of samples ``n`` of one seeded stream: the histogram
    settling onto the density (left), and the estimate's error against ``1/sqrt(n)`` (right)."""
    stream = monte_carlo_stream(f, sampler, exact, n_max=n_max, rng=rng)
    _, p = grid_of(density, xlim, 200)
    ylim = (0.0, 1.6 * float(np.max(p)))

    def draw(ax_s, ax_e, n):
        n = int(round(n))
        est = plot_monte_carlo_samples(ax_s, stream, n, density, xlim=xlim, ylim=ylim)
        plot_monte_carlo_error(ax_e, stream, n)
        return est

    return Explorer(draw, [Slider("n", 1.0, float(np.log10(n_max)), 0.25, n, "samples n", log=True,
                                  readout=".0f")],
                    figsize=(8.6, 3.6), ncols=2, margins=dict(left=0.08, right=0.985, wspace=0.3))


# ------------------------------------------------------------------ a density and its running area
@dataclass
class DensityPlot:
    """What :func:`plot_density_and_cdf` drew."""
    total: float           # the area under the density over the drawn range
    x: float
    cdf_at_x: float        # the area to the left of x


def plot_density_and_cdf(ax_p, ax_F, density, x, *, xlim=(-4.0, 5.0), lower=None, upper=None):
    """A density with the area to the left of ``x`` shaded (top), and that area for every ``x``:
    the cumulative distribution ``F`` (bottom), which climbs from 0 to 1.

    ``lower`` is where the area starts and ``upper`` where the whole area
    ends (default: the ends of ``xlim``); choose them far enough out that
    the density is negligible beyond.

    Returns
    -------
    DensityPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> phi = lambda t: np.exp(-t**2 / 2) / np.sqrt(2 * np.pi)
    >>> fig, (a, b) = plt.subplots(2, 1)
    >>> r = plot_density_and_cdf(a, b, phi, 0.0, xlim=(-9, 9))
    >>> np.allclose([r.total, r.cdf_at_x], [1.0, 0.5])
    True
    >>> plt.close(fig)
    """
    check_callable(density, "density")
    lower = xlim[0] if lower is None else float(lower)
    upper = xlim[1] if upper is None else float(upper)
    t, p = grid_of(density, xlim, 300)
    F = cumulative_integral(density, lower, t)
    total = float(cumulative_integral(density, lower, upper, n=200))
    Fx = float(cumulative_integral(density, lower, x))
    left = t <= x
    ax_p.fill_between(t[left], p[left], color=PALETTE["sky"], alpha=0.5, lw=0)
    line, = ax_p.plot(t, p, color=CURVE, lw=1.8)
    mark_data(line)
    ax_p.axvline(x, color=PALETTE["black"], lw=1)
    ax_p.set_xlim(*xlim)
    ax_p.set_ylim(0, 1.25 * float(np.max(p)))
    ax_p.set_ylabel("density p(x)")
    ax_p.set_title(f"the whole area under p is {total:.4f}; the shaded part, left of x = {x:g}, is {Fx:.4f}",
                   fontsize=10)
    cdf, = ax_F.plot(t, F, color=TANGENT, lw=1.8)
    mark_data(cdf)
    ax_F.plot([x], [Fx], "o", color=PALETTE["black"], ms=6, zorder=5)
    ax_F.axvline(x, color=PALETTE["black"], lw=1)
    for level in (0.0, 1.0):
        ax_F.axhline(level, color=PALETTE["grey"], lw=0.8, ls=":")
    ax_F.set_xlim(*xlim)
    ax_F.set_ylim(-0.08, 1.12)
    ax_F.set_xlabel("x")
    ax_F.set_ylabel("F(x) = P(X ≤ x)")
    ax_F.set_title("its running area F(x) climbs from 0 to 1; the dot is the shaded area above", fontsize=10)
    return DensityPlot(total, float(x), Fx)


# ------------------------------------------------------------------ the loss as an average over data
@dataclass
class MinibatchData:
    """A data set for the line ``y ≈ w x`` through the origin, with what its squared-error
    loss needs: per-example loss ``(w x_i - y_i)**2 = w**2 x_i**2 - 2 w x_i y_i + y_i**2``."""
    x: np.ndarray
    y: np.ndarray
    xx: np.ndarray = field(repr=False)
    xy: np.ndarray = field(repr=False)
    yy: np.ndarray = field(repr=False)

    @property
    def size(self):
        return self.x.size

    def loss(self, w, index=None):
        """The mean loss over the examples ``index`` (all by default), at each ``w``."""
        sel = slice(None) if index is None else index
        w = np.asarray(w, dtype=float)
        return (w ** 2 * self.xx[sel].mean(axis=-1, keepdims=w.ndim > 0)
                - 2 * w * self.xy[sel].mean(axis=-1, keepdims=w.ndim > 0)
                + self.yy[sel].mean(axis=-1, keepdims=w.ndim > 0))


def minibatch_data(x, y):
    """Wrap a data set ``(x, y)`` (1-D, same length) for the mini-batch figures.

    Examples
    --------
    >>> d = minibatch_data([1.0, 2.0], [1.0, 3.0])
    >>> float(d.loss(1.0)), d.size
    (0.5, 2)
    """
    x = as_float_array(x, "x", ndim=1, finite=True)
    y = as_float_array(y, "y", ndim=1, finite=True)
    if x.size != y.size or x.size < 2:
        raise ValueError(f"`x` and `y` must have the same length, at least 2, got {x.size} and {y.size}")
    return MinibatchData(x, y, x * x, x * y, y * y)


def minibatch_losses(data, batch_size, w, *, k=20, rng=0):
    r"""The losses of ``k`` mini-batches of ``batch_size`` examples drawn (with replacement)
    from ``data``, at each ``w``: shape ``(k, len(w))``.

    Each is a Monte Carlo estimate of the full loss; their spread shrinks like
    :math:`1/\sqrt{B}`.

    Examples
    --------
    >>> d = minibatch_data(np.arange(1.0, 6.0), np.arange(1.0, 6.0) * 2)
    >>> minibatch_losses(d, 3, np.array([2.0]), k=4).ravel().tolist()     # w = 2 fits every example
    [0.0, 0.0, 0.0, 0.0]
    """
    batch_size = check_int(batch_size, "batch_size")
    k = check_int(k, "k")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    idx = gen.integers(0, data.size, size=(k, batch_size))
    w = np.atleast_1d(np.asarray(w, dtype=float))
    xx, xy, yy = (m[idx].mean(axis=1)[:, None] for m in (data.xx, data.xy, data.yy))
    return w[None, :] ** 2 * xx - 2 * w[None, :] * xy + yy


@dataclass
class MinibatchPlot:
    """What :func:`plot_minibatches` drew."""
    batch_size: int
    w0: float
    full_loss: float
    spread: float         # standard deviation of the k mini-batch losses at w0


def plot_minibatches(ax, data, batch_size, w0, *, wlim=(0.0, 3.0), k=20, rng=0, population=None, ylim=None,
                     title=None, legend=True):
    """The full training loss (the average over every example) with ``k`` mini-batch losses of
    ``batch_size`` examples around it; ``population`` (optional) is the loss averaged over the
    data's whole distribution, an integral.

    Returns
    -------
    MinibatchPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(1, 0.5, 200)
    >>> d = minibatch_data(x, 1.5 * x + rng.normal(0, 0.3, 200))
    >>> fig, ax = plt.subplots()
    >>> small, large = (plot_minibatches(ax, d, b, 0.5) for b in (4, 100))
    >>> bool(small.spread > large.spread)
    True
    >>> plt.close(fig)
    """
    batch_size = check_int(batch_size, "batch_size")
    w = np.linspace(wlim[0], wlim[1], 90)
    batches = minibatch_losses(data, batch_size, w, k=k, rng=rng)
    full = data.loss(w)
    ax.add_collection(LineCollection([np.c_[w, b] for b in batches], colors=ACCENT, linewidths=0.9, alpha=0.55,
                                     label=f"{k} batches of {batch_size}"), autolim=False)
    line, = ax.plot(w, full, color=CURVE, lw=2.2, label=f"all {data.size} examples")
    mark_data(line)
    if population is not None:
        ax.plot(w, np.asarray(population(w), dtype=float), color=PALETTE["black"], ls="--", lw=1.4,
                label="integral")
    at_w0 = minibatch_losses(data, batch_size, np.array([w0]), k=k, rng=rng)[:, 0]
    full0 = float(data.loss(w0))
    ax.axvline(w0, color=PALETTE["grey"], lw=0.8)
    ax.set_xlim(*wlim)
    if ylim is None:
        ylim = (0.0, 1.3 * float(np.max(full)))
    ax.set_ylim(*ylim)
    ax.set_xlabel("parameter w")
    ax.set_ylabel("loss")
    spread = float(np.std(at_w0, ddof=1))
    ax.set_title(title if title is not None else
                 f"B = {batch_size}: batch losses spread ±{spread:.2f} at w = {w0:g}", fontsize=10)
    if legend:
        ax.legend(loc="upper center", fontsize=8, borderaxespad=0.3, handlelength=1.6)
    return MinibatchPlot(batch_size, float(w0), full0, spread)


@dataclass
class MinibatchSpread:
    """The measured spread of the mini-batch loss at ``w0`` for several batch sizes."""
    w0: float
    sizes: np.ndarray
    spread: np.ndarray     # standard deviation of the batch loss, measured over many batches
    sigma: float           # standard deviation of one example's loss: the spread at B = 1


def minibatch_spread(data, w0, sizes=None, *, trials=400, rng=1):
    r"""Measure the spread of the mini-batch loss at ``w0`` for each batch size in ``sizes``.

    Each spread is the standard deviation over ``trials`` batches drawn with
    replacement; it follows :math:`\sigma/\sqrt{B}`, with :math:`\sigma` the
    spread of one example's loss.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(1, 0.5, 500)
    >>> d = minibatch_data(x, 1.5 * x + rng.normal(0, 0.3, 500))
    >>> s = minibatch_spread(d, 0.5, [1, 16, 256])
    >>> np.allclose(s.spread, s.sigma / np.sqrt([1, 16, 256]), rtol=0.15)
    True
    """
    w0 = float(w0)
    per_example = data.xx * w0 ** 2 - 2 * w0 * data.xy + data.yy
    sigma = float(np.std(per_example))           # the data set is the population batches come from
    sizes = (np.unique(np.round(np.logspace(0, np.log10(data.size), 13)).astype(int)) if sizes is None
             else as_float_array(sizes, "sizes", ndim=1).astype(int))
    gen = np.random.default_rng(rng)
    spread = np.array([float(np.std(minibatch_losses(data, int(b), np.array([w0]), k=trials, rng=gen)[:, 0],
                                    ddof=1)) for b in sizes])
    return MinibatchSpread(w0, sizes, spread, sigma)


def plot_minibatch_spread(ax, spread, batch_size=None, *, title=None):
    r"""The measured spread of the mini-batch loss against the batch size (log-log), beside
    :math:`\sigma/\sqrt{B}`; with ``batch_size`` the current size is marked.

    Returns
    -------
    float or None
        :math:`\sigma/\sqrt{B}` at ``batch_size``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> d = minibatch_data(np.linspace(0, 2, 50), np.linspace(0, 2, 50) ** 2)
    >>> fig, ax = plt.subplots()
    >>> s = minibatch_spread(d, 1.0, [1, 4, 16])
    >>> np.allclose(plot_minibatch_spread(ax, s, 4), s.sigma / 2)
    True
    >>> plt.close(fig)
    """
    sizes, sigma = spread.sizes, spread.sigma
    dots, = _loglog(ax, sizes, spread.spread, "o", color=ACCENT, ms=5, label="measured spread")
    mark_data(dots)
    _loglog(ax, sizes, sigma / np.sqrt(sizes), color=PALETTE["black"], ls="--", lw=1.4, label="σ/√B")
    guide = None
    if batch_size is not None:
        guide = sigma / np.sqrt(batch_size)
        ax.axvline(batch_size, color=PALETTE["grey"], lw=1)
        ax.plot([batch_size], [guide], "s", color=PALETTE["black"], ms=6, zorder=5)
    ax.set_xlim(sizes[0] / 1.5, sizes[-1] * 1.5)
    ax.set_ylim(sigma / np.sqrt(sizes[-1]) / 4, sigma * 4)
    cheap_log_axes(ax)
    ax.set_xlabel("batch size B")
    ax.set_ylabel("spread of the batch loss")
    if title is None:
        title = ("spread falls like 1/√B: 100× the batch, 10× less spread" if batch_size is None else
                 f"B = {batch_size}: spread ≈ σ/√B = {guide:.2f}")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper right", fontsize=8.5)
    return guide


def minibatch_explorer(data, w0, *, batch_size=8, wlim=(0.0, 3.0), population=None, k=20):
    """A log slider for the batch size: ``k`` mini-batch losses around the full training loss
    (left) and their spread against ``1/sqrt(B)`` (right, measured once)."""
    w = np.linspace(wlim[0], wlim[1], 90)
    ylim = (0.0, 1.3 * float(np.max(data.loss(w))))
    top = float(np.floor(np.log10(data.size) * 4 + 1e-9) / 4)      # the largest size on the slider's grid
    b_slider = Slider("B", 0.0, top, 0.25, batch_size, "batch size B", log=True, readout=".0f")
    spread = minibatch_spread(data, w0, np.unique([int(round(v)) for v in b_slider.positions()]))

    def draw(ax_l, ax_s, B):
        B = int(round(B))
        r = plot_minibatches(ax_l, data, B, w0, wlim=wlim, k=k, rng=B, population=population, ylim=ylim)
        plot_minibatch_spread(ax_s, spread, B)
        return r

    return Explorer(draw, [b_slider], figsize=(8.6, 3.6), ncols=2, margins=dict(left=0.08, right=0.985, wspace=0.3))
