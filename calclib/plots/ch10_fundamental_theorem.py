"""Chapter 10 figures: the fundamental theorem of calculus.

* :func:`plot_accumulation` -- the area under ``f`` from ``a`` to ``x`` (top) is the height of
  ``F(x) = ∫_a^x f(t) dt`` (below), and the slope of ``F`` at ``x`` is ``f(x)``
  (explorer: :func:`accumulation_explorer`; static view: :func:`accumulation_multiples`).
* :func:`plot_flow_run` -- the loss curve of gradient descent as the accumulation of
  its per-step changes, each about ``-η |∇L|²``, beside gradient flow, the limit of small steps
  (explorer: :func:`flow_run_explorer`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np

from .._validation import as_float_array, check_callable, check_int, check_real, check_step
from ..differentiate import central_difference
from ..integrate import cumulative_integral
from ..optimize import gradient_descent
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, fix_ylim, grid_of, legend_corner, mark_data

__all__ = [
    "AccumulationCurve", "accumulation_curve", "AccumulationPlot", "plot_accumulation",
    "accumulation_explorer", "accumulation_multiples",
    "FlowRun", "flow_run", "GradientFlow", "gradient_flow", "FlowRunPlot", "plot_flow_run_loss",
    "plot_flow_run_rate", "plot_flow_run",
    "flow_run_explorer", "flow_run_multiples",
]


# ------------------------------------------------------------------ area as a function of its end
@dataclass
class AccumulationCurve:
    """``F(t) = ∫_a^t f`` on a grid ``t`` (computed once, with :func:`calclib.integrate.cumulative_integral`)."""
    f: object = field(repr=False)
    a: float
    t: np.ndarray
    ft: np.ndarray
    F: np.ndarray

    def value(self, x):
        """``F(x)``, computed afresh (not read off the grid)."""
        return float(cumulative_integral(self.f, self.a, float(x)))

    def slope(self, x, h=None):
        """The slope of ``F`` at ``x`` by a central difference of the numerical integral
        (default step: about ``eps**(1/3) |x|``, see :func:`calclib.differentiate.default_step`)."""
        return float(central_difference(lambda s: cumulative_integral(self.f, self.a, s), float(x), h))


def accumulation_curve(f, a, xlim, n=400):
    """Tabulate ``f`` and its running area ``F(t) = ∫_a^t f`` over ``xlim``.

    Examples
    --------
    >>> c = accumulation_curve(np.cos, 0.0, (0.0, 3.0))
    >>> np.allclose(c.F, np.sin(c.t)), np.allclose(c.slope(1.0), np.cos(1.0))
    (True, True)
    """
    check_callable(f, "f")
    a = check_real(a, "a")
    n = check_int(n, "n", minimum=2)
    t, ft = grid_of(f, xlim, n)
    return AccumulationCurve(f, a, t, ft, np.asarray(cumulative_integral(f, a, t), dtype=float))


@dataclass
class AccumulationPlot:
    """What :func:`plot_accumulation` drew: ``F(x)``, the slope of ``F`` at ``x`` and ``f(x)``."""
    x: float
    F: float
    slope: float
    f: float


def plot_accumulation(ax_f, ax_F, curve, x, *, f_ylim=None, F_ylim=None, titles=True, label="f"):
    r"""Top: ``f`` with the area from ``a`` to ``x`` shaded (blue above the axis, orange below, which
    counts as negative). Bottom: the running area ``F``, its value at ``x`` and a short tangent of
    slope ``f(x)``: the fundamental theorem, :math:`F'(x) = f(x)`.

    Returns
    -------
    AccumulationPlot
        ``F(x)``, the slope of ``F`` measured by a central difference, and ``f(x)``.

    Examples
    --------
    >>> fig, (a, b) = plt.subplots(2, 1)
    >>> r = plot_accumulation(a, b, accumulation_curve(np.cos, 0.0, (0.0, 3.0)), 1.0)
    >>> np.allclose([r.F, r.slope, r.f], [np.sin(1.0), np.cos(1.0), np.cos(1.0)])
    True
    >>> plt.close(fig)
    """
    x = check_real(x, "x")
    t, ft, F = curve.t, curve.ft, curve.F
    lo, hi = sorted((curve.a, x))
    inside = (t >= lo) & (t <= hi)
    ts = np.r_[lo, t[inside], hi]
    ys = np.asarray(curve.f(ts), dtype=float)
    ax_f.fill_between(ts, ys, 0, where=ys >= 0, interpolate=True, color=PALETTE["sky"], alpha=0.55, lw=0)
    ax_f.fill_between(ts, ys, 0, where=ys < 0, interpolate=True, color=ACCENT, alpha=0.5, lw=0)
    line, = ax_f.plot(t, ft, color=CURVE, lw=1.8)
    mark_data(line)
    fx = float(curve.f(np.float64(x)))
    ax_f.axhline(0, color=PALETTE["black"], lw=0.8)
    ax_f.axvline(x, color=PALETTE["black"], lw=1)
    ax_f.plot([x], [fx], "o", color=PALETTE["black"], ms=5, zorder=5)
    ax_f.set_xlim(t[0], t[-1])
    ax_f.set_ylim(*(f_ylim if f_ylim is not None else fix_ylim(ax_f, ft, np.zeros(1))))
    ax_f.set_ylabel(f"{label}(t)")
    Fx, slope = curve.value(x), curve.slope(x)
    Fline, = ax_F.plot(t, F, color=CURVE, lw=1.8)
    mark_data(Fline)
    w = 0.12 * (t[-1] - t[0])
    ax_F.plot([x - w, x + w], [Fx - fx * w, Fx + fx * w], color=TANGENT, lw=3, solid_capstyle="round")
    ax_F.axvline(x, color=PALETTE["black"], lw=1)
    ax_F.axhline(0, color=PALETTE["black"], lw=0.8)
    ax_F.plot([x], [Fx], "o", color=PALETTE["black"], ms=5, zorder=5)
    ax_F.set_xlim(t[0], t[-1])
    ax_F.set_ylim(*(F_ylim if F_ylim is not None else fix_ylim(ax_F, F, np.zeros(1))))
    ax_F.set_xlabel("t")
    ax_F.set_ylabel(f"F(t) = ∫ {label}")
    if titles:
        ax_f.set_title(f"x = {x:.2f}: the shaded area (orange counts negative) is F(x) = {Fx:.3f}", fontsize=10)
        ax_F.set_title(f"slope of F at x: {slope:.4f};  {label}(x) = {fx:.4f}: the same number", fontsize=10)
    return AccumulationPlot(float(x), Fx, slope, fx)


def _limits(values, pad=0.12):
    values = np.concatenate([np.ravel(v) for v in values])
    lo, hi = float(np.min(values)), float(np.max(values))
    span = hi - lo if hi > lo else 1.0
    return lo - pad * span, hi + pad * span


def accumulation_explorer(f, a, xlim, *, x=1.0, label="f"):
    """A slider for the upper end ``x``: the area grows or shrinks as ``f`` is positive or
    negative, and the tangent of ``F`` at ``x`` always has slope ``f(x)``."""
    curve = accumulation_curve(f, a, xlim)
    f_ylim = _limits([curve.ft, [0.0]])
    F_ylim = _limits([curve.F, [0.0]])
    span = xlim[1] - xlim[0]
    step = 0.05 if span <= 6 else 0.1

    def draw(ax_f, ax_F, x):
        return plot_accumulation(ax_f, ax_F, curve, x, f_ylim=f_ylim, F_ylim=F_ylim, label=label)

    return Explorer(draw, [Slider("x", xlim[0], xlim[1], step, x, "upper end x")], figsize=(7.6, 5.2),
                    nrows=2, sharex=True,
                    margins=dict(left=0.1, right=0.98, bottom=0.1, top=0.93, hspace=0.3))


def accumulation_multiples(f, a, xs, xlim, *, label="f", suptitle=None):
    """The static view of :func:`accumulation_explorer`: one column per upper end in ``xs``,
    ``f`` with its shaded area on top and ``F`` with its tangent below.

    Returns
    -------
    fig : matplotlib.figure.Figure
    results : list of AccumulationPlot

    Examples
    --------
    >>> fig, res = accumulation_multiples(np.cos, 0.0, [0.5, 2.0], (0.0, 3.0))
    >>> np.allclose([r.slope for r in res], np.cos([0.5, 2.0]))
    True
    >>> plt.close(fig)
    """
    xs = as_float_array(xs, "xs", ndim=1, finite=True)
    curve = accumulation_curve(f, a, xlim)
    f_ylim, F_ylim = _limits([curve.ft, [0.0]]), _limits([curve.F, [0.0]])
    fig, axes = plt.subplots(2, len(xs), figsize=(2.45 * len(xs), 4.3), sharex=True, sharey="row",
                             squeeze=False, layout="constrained")
    results = []
    for k, x in enumerate(xs):
        r = plot_accumulation(axes[0, k], axes[1, k], curve, x, f_ylim=f_ylim, F_ylim=F_ylim, titles=False,
                              label=label)
        axes[0, k].set_title(f"x = {x:g}: area {r.F:.2f}", fontsize=10)
        axes[1, k].set_title(f"slope {r.slope:.2f} = {label}(x)", fontsize=10)
        if k:
            axes[0, k].set_ylabel("")
            axes[1, k].set_ylabel("")
        results.append(r)
    fig.suptitle(suptitle or "The area up to x (top) is the height of F (bottom); its slope there is f(x)",
                 fontsize=11)
    return fig, results


# ------------------------------------------------------------------ many small steps
@dataclass
class FlowRun:
    """Gradient descent with step size ``lr`` for a time ``T`` (``steps = round(T / lr)``)."""
    lr: float
    times: np.ndarray        # t_k = k * lr, k = 0..K
    losses: np.ndarray       # L(θ_k)
    grad_sq: np.ndarray      # |∇L(θ_k)|², k = 0..K
    path: np.ndarray = field(repr=False)

    @property
    def changes(self):
        """The actual change of the loss in each step, ``L(θ_{k+1}) - L(θ_k)``."""
        return np.diff(self.losses)

    @property
    def forecasts(self):
        """Each step's forecast ``-lr |∇L(θ_k)|²`` (the tangent's prediction, chapter 2)."""
        return -self.lr * self.grad_sq[:-1]


def flow_run(loss, grad, theta0, lr, T):
    r"""Run :func:`calclib.optimize.gradient_descent` for ``round(T / lr)`` steps and keep what the
    accumulation picture needs.

    Examples
    --------
    >>> A = np.diag([1.0, 4.0])
    >>> r = flow_run(lambda th: th @ A @ th / 2, lambda th: A @ th, [1.0, 1.0], 0.1, 2.0)
    >>> len(r.changes), np.allclose(r.changes.sum(), r.losses[-1] - r.losses[0])
    (20, True)
    """
    check_callable(loss, "loss")
    check_callable(grad, "grad")
    lr = check_step(lr, "lr", allow_none=False)
    T = check_step(T, "T", allow_none=False)
    steps = max(int(round(T / lr)), 1)
    res = gradient_descent(loss, theta0, grad=grad, lr=lr, maxiter=steps, tol=0.0)
    g = np.array([np.asarray(grad(th), dtype=float).ravel() for th in res.path])
    return FlowRun(lr, lr * np.arange(res.nit + 1), res.losses, np.sum(g * g, axis=1), res.path)


@dataclass
class GradientFlow:
    """The limit of small steps: ``dθ/dt = -∇L(θ)``, solved accurately on ``[0, T]``."""
    t: np.ndarray
    theta: np.ndarray = field(repr=False)
    losses: np.ndarray = field(repr=False)
    grad_sq: np.ndarray = field(repr=False)    # |∇L(θ(t))|² = -dL/dt

    def rate_integral(self):
        r"""The integral of the rate, :math:`-\int_0^T |\nabla L(\theta(t))|^2\,dt`, by Simpson's rule on
        the recorded samples (an even number of steps); by the fundamental theorem it equals
        ``losses[-1] - losses[0]``."""
        y, h = -self.grad_sq, self.t[1] - self.t[0]
        if (len(y) - 1) % 2:
            raise ValueError(f"Simpson's rule needs an even number of steps, got {len(y) - 1}")
        return float(h / 3 * (y[0] + 4 * np.sum(y[1:-1:2]) + 2 * np.sum(y[2:-1:2]) + y[-1]))


def gradient_flow(loss, grad, theta0, T, n=2000):
    r"""Solve gradient flow :math:`\dot\theta = -\nabla L(\theta)` with ``n`` classical Runge-Kutta
    steps (error order 4) and record the loss along it.

    Along the flow :math:`dL/dt = \nabla L \cdot \dot\theta = -|\nabla L|^2`, so the loss falls by
    :math:`\int_0^T |\nabla L(\theta(t))|^2\,dt`.

    Examples
    --------
    >>> A = np.diag([1.0, 4.0])
    >>> fl = gradient_flow(lambda th: th @ A @ th / 2, lambda th: A @ th, [1.0, 1.0], 1.0)
    >>> np.allclose(fl.theta[-1], np.exp([-1.0, -4.0]))
    True
    >>> np.allclose(fl.rate_integral(), fl.losses[-1] - fl.losses[0])
    True
    """
    check_callable(loss, "loss")
    check_callable(grad, "grad")
    T = check_step(T, "T", allow_none=False)
    n = check_int(n, "n")
    if n % 2:
        raise ValueError(f"`n` must be even (the rate is integrated by Simpson's rule), got {n}")
    th = as_float_array(theta0, "theta0", ndim=1, finite=True).copy()
    h = T / n

    def g(v):
        return np.asarray(grad(v), dtype=float)

    thetas = [th.copy()]
    for _ in range(n):
        k1 = g(th)
        k2 = g(th - h / 2 * k1)
        k3 = g(th - h / 2 * k2)
        k4 = g(th - h * k3)
        th = th - h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        thetas.append(th.copy())
    thetas = np.array(thetas)
    losses = np.array([float(loss(v)) for v in thetas])
    gs = np.array([g(v) for v in thetas])
    return GradientFlow(np.linspace(0.0, T, n + 1), thetas, losses, np.sum(gs * gs, axis=1))


@dataclass
class FlowRunPlot:
    """What :func:`plot_flow_run` drew: the run's totals beside the flow's."""
    lr: float
    steps: int
    total_change: float        # L(θ_K) - L(θ_0)
    sum_of_changes: float      # Σ (L(θ_{k+1}) - L(θ_k)): the same, by telescoping
    sum_of_forecasts: float    # -lr Σ |∇L(θ_k)|²
    flow_change: float         # L(θ(T)) - L(θ(0)) = -∫ |∇L|² dt


def _totals(run, flow):
    return FlowRunPlot(run.lr, len(run.losses) - 1, float(run.losses[-1] - run.losses[0]),
                       float(np.sum(run.changes)), float(np.sum(run.forecasts)),
                       float(flow.losses[-1] - flow.losses[0]))


def plot_flow_run_loss(ax, run, flow, *, ylim=None, title=None, legend=True):
    """The loss of gradient descent at the times ``t_k = k η`` (dots) against gradient flow (curve).

    Returns
    -------
    FlowRunPlot

    Examples
    --------
    >>> A = np.diag([1.0, 4.0])
    >>> L, gL = (lambda th: th @ A @ th / 2), (lambda th: A @ th)
    >>> fig, ax = plt.subplots()
    >>> r = plot_flow_run_loss(ax, flow_run(L, gL, [1.0, 1.0], 0.1, 1.0), gradient_flow(L, gL, [1.0, 1.0], 1.0))
    >>> r.steps, np.allclose(ax.get_lines()[1].get_xdata(), 0.1 * np.arange(11))
    (10, True)
    >>> plt.close(fig)
    """
    out = _totals(run, flow)
    T = float(flow.t[-1])
    flow_line, = ax.plot(flow.t, flow.losses, color=CURVE, lw=1.8, label="gradient flow")
    mark_data(flow_line)
    ax.plot(run.times, run.losses, "o", color=SECANT, ms=3.5 if out.steps <= 60 else 2, zorder=4,
            label=f"descent, η = {run.lr:g}")
    ax.set_xlim(0, T)
    ax.set_ylim(*(ylim if ylim is not None else (0.0, 1.1 * float(np.max(flow.losses)))))
    ax.set_xlabel("time t = step × η")
    ax.set_ylabel("loss L")
    ax.set_title(title if title is not None else
                 f"η = {run.lr:g}: {out.steps} steps (dots) and the flow (curve)", fontsize=10)
    if legend:
        legend_corner(ax, [(flow.t, flow.losses), (run.times, run.losses)], fontsize=8.5,
                      prefer=("upper right", "lower left"))
    return out


def plot_flow_run_rate(ax, run, flow, *, ylim=None, title=None, legend=True):
    r"""Each step's change of the loss divided by :math:`\eta`, as a bar over its step (so its
    *area* is the change), the forecast :math:`-|\nabla L(\theta_k)|^2` (dots), and the flow's
    rate :math:`dL/dt = -|\nabla L|^2` (curve, its area shaded). The total change of the loss is
    the accumulated area; as :math:`\eta \to 0` the bars fill exactly the shaded area.

    Returns
    -------
    FlowRunPlot

    Examples
    --------
    >>> A = np.diag([1.0, 4.0])
    >>> L, gL = (lambda th: th @ A @ th / 2), (lambda th: A @ th)
    >>> fig, ax = plt.subplots()
    >>> r = plot_flow_run_rate(ax, flow_run(L, gL, [1.0, 1.0], 0.01, 1.0), gradient_flow(L, gL, [1.0, 1.0], 1.0))
    >>> np.allclose(r.total_change, r.sum_of_changes), abs(r.total_change - r.flow_change) < 0.01
    (True, True)
    >>> plt.close(fig)
    """
    out = _totals(run, flow)
    rate = -flow.grad_sq
    ax.fill_between(flow.t, rate, 0, color=PALETTE["sky"], alpha=0.45, lw=0)
    rate_line, = ax.plot(flow.t, rate, color=CURVE, lw=1.6, label="flow: dL/dt = −|∇L|²")
    mark_data(rate_line)
    ax.stairs(run.changes / run.lr, run.times, color=SECANT, lw=1.4, baseline=None, label="step change / η")
    ax.plot(run.times[:-1], -run.grad_sq[:-1], "o", color=TANGENT, ms=3 if out.steps <= 60 else 1.5, zorder=4,
            label="forecast −|∇L(θₖ)|²")
    ax.axhline(0, color=PALETTE["black"], lw=0.8)
    ax.set_xlim(0, float(flow.t[-1]))
    low = float(np.min(rate))
    ax.set_ylim(*(ylim if ylim is not None else (1.15 * low, -0.06 * low)))
    ax.set_xlabel("time t")
    ax.set_ylabel("rate of change of L")
    ax.set_title(title if title is not None else
                 f"areas: steps {out.sum_of_changes:.3f}, forecasts {out.sum_of_forecasts:.3f}, "
                 f"flow {out.flow_change:.3f}", fontsize=9)
    if legend:
        ax.legend(loc="lower right", fontsize=8.5)
    return out


def plot_flow_run(ax_loss, ax_rate, run, flow, *, loss_ylim=None, rate_ylim=None, loss_legend=False):
    """:func:`plot_flow_run_loss` on the left and :func:`plot_flow_run_rate` on the right.

    Returns
    -------
    FlowRunPlot

    Examples
    --------
    >>> A = np.diag([1.0, 4.0])
    >>> L, gL = (lambda th: th @ A @ th / 2), (lambda th: A @ th)
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> r = plot_flow_run(a, b, flow_run(L, gL, [1.0, 1.0], 0.1, 1.0),
    ...                               gradient_flow(L, gL, [1.0, 1.0], 1.0))
    >>> r.steps
    10
    >>> plt.close(fig)
    """
    plot_flow_run_loss(ax_loss, run, flow, ylim=loss_ylim, legend=loss_legend)   # its title names dots and curve
    return plot_flow_run_rate(ax_rate, run, flow, ylim=rate_ylim)


def flow_run_explorer(loss, grad, theta0, T, *, lr=0.1, lr_min=0.01, lr_max=0.3):
    """A slider for the step size ``η``: gradient descent over a fixed time ``T`` against gradient
    flow (computed once). Small steps follow the flow and their changes add up to its integral."""
    flow = gradient_flow(loss, grad, theta0, T)
    loss_ylim = (0.0, 1.1 * float(np.max(flow.losses)))
    rate_ylim = _rate_ylim(flow, [flow_run(loss, grad, theta0, v, T) for v in (lr_min, lr_max)])

    def draw(ax_loss, ax_rate, lr):
        run = flow_run(loss, grad, theta0, lr, T)
        return plot_flow_run(ax_loss, ax_rate, run, flow, loss_ylim=loss_ylim, rate_ylim=rate_ylim)

    return Explorer(draw, [Slider("lr", lr_min, lr_max, 0.01, lr, "step size η")], figsize=(8.6, 3.7), ncols=2,
                    margins=dict(left=0.08, right=0.985, wspace=0.3))


def _rate_ylim(flow, runs):
    low = min(float(np.min(-flow.grad_sq)), *(float(np.min(r.changes / r.lr)) for r in runs))
    return 1.15 * low, -0.06 * low


def flow_run_multiples(loss, grad, theta0, T, lrs, *, suptitle=None):
    """The static view of :func:`flow_run_explorer`: the rate panel for each step size in ``lrs``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    results : list of FlowRunPlot

    Examples
    --------
    >>> A = np.diag([1.0, 4.0])
    >>> fig, res = flow_run_multiples(lambda th: th @ A @ th / 2, lambda th: A @ th, [1.0, 1.0], 1.0, [0.2, 0.02])
    >>> abs(res[1].sum_of_forecasts - res[1].flow_change) < abs(res[0].sum_of_forecasts - res[0].flow_change)
    True
    >>> plt.close(fig)
    """
    flow = gradient_flow(loss, grad, theta0, T)
    runs = [flow_run(loss, grad, theta0, v, T) for v in lrs]
    ylim = _rate_ylim(flow, runs)
    fig, axes = plt.subplots(1, len(runs), figsize=(2.45 * len(runs), 2.9), sharey=True, squeeze=False,
                             layout="constrained")
    results = []
    for k, (ax, run) in enumerate(zip(axes[0], runs)):
        r = _totals(run, flow)
        plot_flow_run_rate(ax, run, flow, ylim=ylim, legend=False,
                          title=f"η = {run.lr:g}: steps {r.sum_of_changes:.3f}\nforecasts {r.sum_of_forecasts:.3f}")
        if k:
            ax.set_ylabel("")
        results.append(r)
    fig.suptitle(suptitle or ("As η shrinks, the steps (bars) and their forecasts (dots) fill the flow's "
                              f"shaded area, {flow.losses[-1] - flow.losses[0]:.3f}"), fontsize=11)
    return fig, results
