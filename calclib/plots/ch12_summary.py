"""Chapter 12 figures: the course on one page, and the capstone network.

* :data:`COURSE_MAP` and :func:`plot_course_map` -- one training step of a
  network, each part labelled with the chapter whose idea it uses.
* The capstone: a tanh network on the two-moons data.
  :func:`capstone_flatten` / :func:`capstone_unflatten` move its weights to and
  from one vector; :func:`capstone_scores` and :func:`capstone_accuracy` use
  them; :func:`plot_capstone_boundary` draws the decision boundary and
  :func:`plot_capstone_loss` the loss curve (explorer over the training steps:
  :func:`capstone_training_explorer`).
* The gradient check's step: :func:`gradient_check_curves` measures how far
  central differences with step ``h`` are from the autodiff gradient, for many
  ``h``; :func:`plot_gradient_check_step` draws it (explorer:
  :func:`gradient_check_explorer`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import LineCollection

from .._validation import as_float_array, check_callable, check_int, check_step
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, cheap_log_axes, legend_corner, mark_data

__all__ = [
    "COURSE_MAP", "plot_course_map",
    "capstone_flatten", "capstone_unflatten", "capstone_scores", "capstone_accuracy",
    "CapstoneField", "capstone_field", "CapstoneBoundaryPlot", "plot_capstone_boundary", "plot_capstone_loss",
    "capstone_training_explorer",
    "GradientCheckCurves", "gradient_check_curves", "GradientCheckPlot", "plot_gradient_check_step",
    "gradient_check_explorer",
]

#: One training step, in order: (what happens, the formula, the chapters whose idea it uses).
COURSE_MAP = (
    ("the model is a function", "z = f(x; \u03b8)", (1,)),
    ("built from simple operations", "+, \u00d7, tanh", (3,)),
    ("the loss averages over the data", "L(\u03b8) = mean of \u2113\u1d62", (9,)),
    ("backward pass: the chain rule", "dL/dz \u00b7 dz/d\u03b8", (7,)),
    ("one partial per parameter", "\u2202L/\u2202\u03b8\u2c7c", (4,)),
    ("the gradient collects them", "\u2207L", (5,)),
    ("check it: central differences", "(L(\u03b8+h) \u2212 L(\u03b8\u2212h)) / 2h", (2,)),
    ("update against the gradient", "\u03b8 \u2190 \u03b8 \u2212 \u03b7\u2207L", (6, 2)),
    ("smooth pieces: the forecast holds", "tanh, not a kink", (8,)),
    ("many steps add up", "loss curve = sum of changes", (10,)),
    ("not convex, yet the loss falls", "other seeds, other minima", (11,)),
)

# Where each box sits (axes fractions), in the order of COURSE_MAP: the loop runs along the top
# (forward), down the right (backward), back along the bottom (gradient, update) and up the left.
_MAP_POSITIONS = (
    (0.13, 0.89), (0.40, 0.89), (0.67, 0.89),            # model -> operations -> loss
    (0.88, 0.62),                                          # backward
    (0.67, 0.36), (0.40, 0.36),                            # partials -> gradient
    (0.40, 0.62),                                          # the check, off the gradient
    (0.13, 0.36),                                          # update
    (0.17, 0.09), (0.50, 0.09), (0.83, 0.09),              # what holds it together
)
# Arrows (from, to, anchor on the source, anchor on the target), anchors as fractions of a box.
_MAP_ARROWS = (
    (0, 1, (1, 0.5), (0, 0.5)), (1, 2, (1, 0.5), (0, 0.5)), (2, 3, (1, 0.5), (0.5, 1)),
    (3, 4, (0.5, 0), (1, 0.5)), (4, 5, (0, 0.5), (1, 0.5)), (5, 7, (0, 0.5), (1, 0.5)),
    (7, 0, (0.5, 1), (0.5, 0)), (5, 6, (0.5, 1), (0.5, 0)),
)
_LOOP = {0, 1, 2, 3, 4, 5, 7}


def _chapters(chs):
    return ("chapter " if len(chs) == 1 else "chapters ") + " and ".join(str(c) for c in chs)


def plot_course_map(ax, *, title=None):
    """One training step of a network as a loop of boxes, each naming its chapter.

    Along the top the forward pass (the model, its operations, the loss),
    down the right the backward pass, back along the bottom the partials,
    the gradient and the update, and up the left to the model again. The
    orange box checks the gradient; the grey ones below say what holds the
    loop together (smoothness, accumulation, training without convexity).

    Returns
    -------
    dict
        ``{chapter number: text of its box}``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(9.6, 4.8))
    >>> boxes = plot_course_map(ax)
    >>> sorted(boxes) == list(range(1, 12))
    True
    >>> plt.close(fig)
    """
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    found, texts = {}, []
    for k, ((what, formula, chs), (x, y)) in enumerate(zip(COURSE_MAP, _MAP_POSITIONS)):
        text = f"{what}\n{formula}\n{_chapters(chs)}"
        colour, edge = (("#e8f1f8", CURVE) if k in _LOOP else ("#fdf0d8", ACCENT) if k == 6
                        else ("#eef0f2", PALETTE["grey"]))
        texts.append(ax.text(x, y, text, ha="center", va="center", fontsize=8.5, linespacing=1.3, zorder=3,
                             bbox=dict(boxstyle="round,pad=0.4", fc=colour, ec=edge, lw=1.2)))
        for c in chs:
            found.setdefault(c, text)
    ax.text(0.5, 0.205, "what keeps the loop working, step after step", ha="center", va="center", fontsize=8.5,
            style="italic", color=PALETTE["grey"])
    for i, j, start, end in _MAP_ARROWS:
        side = j == 6
        ax.annotate("", xy=end, xycoords=texts[j], xytext=start, textcoords=texts[i], zorder=2,
                    arrowprops=dict(arrowstyle="-|>", color=ACCENT if side else CURVE, lw=1.5,
                                    ls="--" if side else "-", shrinkA=7, shrinkB=7))
    ax.set_title(title if title is not None else
                 "One training step: forward along the top, backward down the right, the update back "
                 "along the bottom", fontsize=10)
    return found


# ------------------------------------------------------------------ the capstone network
def capstone_flatten(weights):
    """All weights ``[(W, b), ...]`` as one vector (W row by row, then b, layer by layer).

    Examples
    --------
    >>> w = [(np.arange(6.0).reshape(2, 3), np.array([6.0, 7.0, 8.0]))]
    >>> capstone_flatten(w).tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    """
    return np.concatenate([np.r_[np.asarray(W, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()]
                           for W, b in weights])


def capstone_unflatten(theta, like):
    """The vector ``theta`` cut back into weights shaped like ``like`` (the inverse of :func:`capstone_flatten`).

    Examples
    --------
    >>> w = [(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))]
    >>> back = capstone_unflatten(capstone_flatten(w), w)
    >>> [(W.shape, b.shape) for W, b in back]
    [((2, 3), (3,)), ((3, 1), (1,))]
    """
    theta = as_float_array(theta, "theta", ndim=1)
    n = sum(np.size(W) + np.size(b) for W, b in like)
    if theta.size != n:
        raise ValueError(f"`theta` must hold {n} numbers (one per weight), got {theta.size}")
    out, k = [], 0
    for W, b in like:
        W, b = np.asarray(W), np.asarray(b)
        out.append((theta[k:k + W.size].reshape(W.shape), theta[k + W.size:k + W.size + b.size].reshape(b.shape)))
        k += W.size + b.size
    return out


def capstone_scores(weights, X):
    """The scores of a tanh network with these weights (hidden layers tanh, last layer linear), one per row of ``X``.

    Examples
    --------
    >>> w = [(np.eye(2), np.zeros(2)), (np.ones((2, 1)), np.zeros(1))]
    >>> np.allclose(capstone_scores(w, np.array([[0.5, -0.2]])), np.tanh(0.5) + np.tanh(-0.2))
    True
    """
    h = as_float_array(X, "X", ndim=2, finite=True)
    for i, (W, b) in enumerate(weights):
        h = h @ W + b
        if i < len(weights) - 1:
            h = np.tanh(h)
    return h[:, 0]


def capstone_accuracy(weights, X, y):
    """The fraction of points whose score has the sign of their label (score > 0 means class 1).

    Examples
    --------
    >>> w = [(np.array([[1.0], [0.0]]), np.zeros(1))]
    >>> float(capstone_accuracy(w, np.array([[1.0, 0.0], [-1.0, 0.0], [2.0, 5.0]]), np.array([1, 0, 0])))
    0.6666666666666666
    """
    y = as_float_array(y, "y", ndim=1)
    return float(np.mean((capstone_scores(weights, X) > 0) == (y == 1)))


@dataclass
class CapstoneField:
    """The network's score on a grid, as filled bands and the boundary (score 0), traced once."""
    xlim: tuple
    ylim: tuple
    bands: list = field(repr=False)     # (matplotlib Path, colour) for each band of score
    boundary: list = field(repr=False)  # (k, 2) arrays: the line where the score is 0


#: Score bands and their colours: sure class 0, leaning class 0, leaning class 1, sure class 1.
_BANDS = ((-np.inf, -2.0, "#a9d0ec"), (-2.0, 0.0, "#dcecf7"), (0.0, 2.0, "#fcebd0"), (2.0, np.inf, "#f7cf8c"))


def capstone_field(weights, xlim=(-1.6, 2.6), ylim=(-1.2, 1.9), n=90):
    """The network's score on an ``n`` x ``n`` grid, as four filled bands and the boundary line.

    Bands: score below -2 (sure of class 0), -2 to 0, 0 to 2, above 2 (sure of class 1).

    Examples
    --------
    >>> w = [(np.array([[2.0], [0.0]]), np.zeros(1))]           # score = 2x: the boundary is x = 0
    >>> f = capstone_field(w, n=21)
    >>> np.allclose(np.concatenate(f.boundary)[:, 0], 0.0), len(f.bands)
    (True, 4)
    """
    import contourpy
    from matplotlib.path import Path

    n = check_int(n, "n", minimum=2)
    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    GX, GY = np.meshgrid(xs, ys)
    score = capstone_scores(weights, np.c_[GX.ravel(), GY.ravel()]).reshape(GX.shape)
    gen = contourpy.contour_generator(GX, GY, score, line_type="Separate", fill_type="OuterCode")
    lo, hi = float(score.min()) - 1.0, float(score.max()) + 1.0
    bands = []
    for low, high, colour in _BANDS:
        low, high = max(low, lo), min(high, hi)
        if low >= high:
            continue
        points, codes = gen.filled(low, high)
        bands += [(Path(p, c), colour) for p, c in zip(points, codes)]
    return CapstoneField(tuple(xlim), tuple(ylim), bands, list(gen.lines(0.0)))


@dataclass
class CapstoneBoundaryPlot:
    """What :func:`plot_capstone_boundary` drew."""
    accuracy: float
    n_points: int


def plot_capstone_boundary(ax, weights, X, y, *, grid=None, title=None, legend=True):
    """The data, coloured by class, over the network's prediction; the black line is the boundary (score 0).

    Background bands: blue where the network predicts class 0, orange where
    it predicts class 1, darker where its score is beyond -2 or 2 (surer).
    A point on the wrong side of the line is misclassified.

    Returns
    -------
    CapstoneBoundaryPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> w = [(np.array([[1.0], [0.0]]), np.zeros(1))]
    >>> r = plot_capstone_boundary(ax, w, np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([1, 1]))
    >>> r.accuracy
    0.5
    >>> plt.close(fig)
    """
    from matplotlib.collections import PathCollection

    X = as_float_array(X, "X", ndim=2, finite=True)
    y = as_float_array(y, "y", ndim=1)
    grid = capstone_field(weights) if grid is None else grid
    (x0, x1), (y0, y1) = grid.xlim, grid.ylim
    if grid.bands:
        ax.add_collection(PathCollection([p for p, _ in grid.bands], facecolors=[c for _, c in grid.bands],
                                         edgecolors="none", zorder=0), autolim=False)
    if grid.boundary:
        ax.add_collection(LineCollection(grid.boundary, colors=PALETTE["black"], linewidths=1.6), autolim=False)
    zero, one = X[y == 0], X[y == 1]
    a, = ax.plot(zero[:, 0], zero[:, 1], "o", ms=4.5, color=CURVE, mec=PALETTE["black"], mew=0.4, label="class 0")
    b, = ax.plot(one[:, 0], one[:, 1], "^", ms=5, color=SECANT, mec=PALETTE["black"], mew=0.4, label="class 1")
    mark_data(a, b)
    acc = capstone_accuracy(weights, X, y)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x\u2081")
    ax.set_ylabel("x\u2082")
    ax.grid(False)
    ax.set_title(title if title is not None else f"boundary (black line): {100 * acc:.1f} % of points on "
                 "their side", fontsize=10)
    if legend:
        boundary = [tuple(np.asarray(seg).T) for seg in grid.boundary]
        legend_corner(ax, [(X[:, 0], X[:, 1]), *boundary], fontsize=8.5)   # off the points and the line
    return CapstoneBoundaryPlot(acc, len(y))


def plot_capstone_loss(ax, losses, *, step=None, title=None):
    """The training loss against the step, on a log scale, with an optional marker at ``step``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> line = plot_capstone_loss(ax, [0.7, 0.5, 0.2], step=1)
    >>> line.get_ydata().tolist()
    [0.7, 0.5, 0.2]
    >>> plt.close(fig)
    """
    losses = as_float_array(losses, "losses", ndim=1, finite=True)
    steps = np.arange(len(losses))
    line, = ax.semilogy(steps, losses, color=CURVE)
    mark_data(line)
    if step is not None:
        k = int(np.clip(step, 0, len(losses) - 1))
        ax.plot([k], [losses[k]], "o", color=SECANT, ms=7, zorder=5)
        ax.axvline(k, color=PALETTE["grey"], lw=1, ls=":")
    ax.set_xlim(-0.03 * (len(losses) - 1), 1.03 * (len(losses) - 1))
    ax.set_ylim(losses.min() / 1.5, losses.max() * 1.5)
    cheap_log_axes(ax)
    ax.set_xlabel("step")
    ax.set_ylabel("loss (log scale)")
    ax.set_title(title if title is not None else
                 f"the loss falls from {losses[0]:.3f} to {losses[-1]:.3f}", fontsize=10)
    return line


def capstone_training_explorer(snapshots, every, losses, X, y, *, step=None):
    """A slider for the training step: the boundary at that step (left) and the loss curve (right).

    ``snapshots[k]`` are the weights after ``k * every`` steps; every field
    is computed here, once, so a slider move only draws.
    """
    every = check_int(every, "every")
    fields = [capstone_field(w) for w in snapshots]
    accuracies = [capstone_accuracy(w, X, y) for w in snapshots]
    losses = as_float_array(losses, "losses", ndim=1, finite=True)
    last = every * (len(snapshots) - 1)

    def draw(ax_map, ax_loss, step):
        k = int(round(step / every))
        s = k * every
        r = plot_capstone_boundary(ax_map, snapshots[k], X, y, grid=fields[k], legend=False,
                                   title=f"step {s}: {100 * accuracies[k]:.1f} % on the right side")
        value = losses[min(s, len(losses) - 1)]
        plot_capstone_loss(ax_loss, losses, step=s, title=f"step {s}: loss {value:.3f}")
        return r

    return Explorer(draw, [Slider("step", 0, last, every, last if step is None else step, "training step",
                                  readout=".0f")],
                    figsize=(8.6, 3.5), ncols=2,
                    margins=dict(left=0.07, right=0.985, bottom=0.15, top=0.9, wspace=0.28))


# ------------------------------------------------------------------ the gradient check's step
@dataclass
class GradientCheckCurves:
    """Relative errors of central differences against autodiff, for many steps ``h`` (computed once)."""
    hs: np.ndarray
    coords: np.ndarray              # which coordinates of theta were checked
    analytic: np.ndarray            # autodiff gradient at those coordinates
    numeric: np.ndarray             # (len(hs), len(coords)) central differences
    rel: np.ndarray                 # (len(hs), len(coords)) |a - n| / max(|a|, |n|)

    @property
    def worst(self):
        """The largest relative error over the coordinates, for each h."""
        return self.rel.max(axis=1)


def gradient_check_curves(loss, theta, analytic, *, hs=None, n_coords=40, rng=0):
    r"""Central differences :math:`(L(\theta + h e_j) - L(\theta - h e_j)) / 2h` of ``loss`` at ``theta``
    for each step in ``hs``, on ``n_coords`` coordinates drawn at random, against the autodiff gradient.

    Too large an ``h`` and the truncation error (about :math:`h^2`) dominates; too small and
    rounding (about :math:`\epsilon / h`) does: chapter 2's trade-off, on a network.

    Parameters
    ----------
    loss : callable
        ``loss(theta)`` for a 1-D ``theta``, returning a float.
    theta : array_like, 1-D
    analytic : array_like, 1-D
        The autodiff gradient at ``theta``.

    Returns
    -------
    GradientCheckCurves

    Examples
    --------
    >>> c = gradient_check_curves(lambda t: float(np.sum(np.sin(t))), np.linspace(0, 1, 5),
    ...                           np.cos(np.linspace(0, 1, 5)), n_coords=3)
    >>> hs = c.hs[np.argmin(c.worst)]
    >>> bool(1e-7 < hs < 1e-3), bool(c.worst.min() < 1e-9)
    (True, True)
    """
    check_callable(loss, "loss")
    theta = as_float_array(theta, "theta", ndim=1, finite=True)
    analytic = as_float_array(analytic, "analytic", ndim=1, finite=True)
    if analytic.shape != theta.shape:
        raise ValueError(f"`analytic` must have the shape of `theta`, {theta.shape}, got {analytic.shape}")
    hs = 10.0 ** np.arange(-12.0, -0.49, 0.5) if hs is None else as_float_array(hs, "hs", ndim=1, finite=True)
    for h in hs:
        check_step(float(h), "hs")
    n = min(check_int(n_coords, "n_coords"), theta.size)
    coords = np.sort(np.random.default_rng(rng).choice(theta.size, size=n, replace=False))
    numeric = np.empty((len(hs), n))
    for j, c in enumerate(coords):
        for i, h in enumerate(hs):
            up, down = theta.copy(), theta.copy()
            up[c] += h
            down[c] -= h
            numeric[i, j] = (loss(up) - loss(down)) / (2 * h)
    a = analytic[coords]
    scale = np.maximum(np.abs(a), np.abs(numeric))
    rel = np.where(scale > 0, np.abs(numeric - a) / np.where(scale > 0, scale, 1.0), 0.0)
    rel = np.maximum(rel, np.finfo(float).eps / 2)             # an exact match shows as half an ulp
    return GradientCheckCurves(hs, coords, a, numeric, rel)


@dataclass
class GradientCheckPlot:
    """What :func:`plot_gradient_check_step` drew at the step ``h``."""
    h: float
    worst: float
    agree: int                      # coordinates within `tol`
    n: int


def plot_gradient_check_step(ax_curve, ax_coords, curves, h, *, tol=1e-6):
    """Left: the worst relative error of the check against ``h`` (log-log, a V). Right: each coordinate's
    error at ``h``, against the tolerance ``tol``.

    Returns
    -------
    GradientCheckPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> c = gradient_check_curves(lambda t: float(np.sum(t**3)), np.linspace(0.5, 1, 4), 3 * np.linspace(0.5, 1, 4)**2,
    ...                           n_coords=4)
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> plot_gradient_check_step(a, b, c, 1e-5).agree
    4
    >>> plt.close(fig)
    """
    h = check_step(h, "h", allow_none=False)
    i = int(np.argmin(np.abs(np.log(curves.hs) - np.log(h))))
    hi = float(curves.hs[i])
    worst = curves.worst
    median = np.median(curves.rel, axis=1)
    ax_curve.axhspan(1e-17, tol, color=TANGENT, alpha=0.12, lw=0)
    w, = ax_curve.loglog(curves.hs, worst, color=SECANT, label="worst coordinate")
    m, = ax_curve.loglog(curves.hs, median, color=CURVE, ls="--", label="median")
    mark_data(w, m)
    ax_curve.axvline(hi, color=PALETTE["black"], lw=1)
    ax_curve.plot([hi], [worst[i]], "o", color=SECANT, ms=6, zorder=5)
    ax_curve.set_xlim(curves.hs[0], curves.hs[-1])
    ax_curve.set_ylim(1e-13, 10)
    cheap_log_axes(ax_curve)
    ax_curve.set_xlabel("step h")
    ax_curve.set_ylabel("relative error")
    ax_curve.set_title(f"h = {hi:.0e}: worst error {worst[i]:.1e}", fontsize=10)
    ax_curve.legend(loc="lower left", fontsize=8.5, framealpha=0.9)
    rel = curves.rel[i]
    ok = rel <= tol
    idx = np.arange(len(rel))
    good, = ax_coords.semilogy(idx[ok], rel[ok], "o", color=TANGENT, ms=5)
    bad, = ax_coords.semilogy(idx[~ok], rel[~ok], "x", color=SECANT, ms=6, mew=1.6)
    mark_data(good, bad)
    ax_coords.axhline(tol, color=PALETTE["grey"], lw=1, ls=":")
    ax_coords.set_xlim(-1, len(rel))
    ax_coords.set_ylim(1e-13, 10)
    cheap_log_axes(ax_coords)
    ax_coords.set_xlabel("checked coordinate of \u03b8")
    ax_coords.set_ylabel("relative error")
    ax_coords.set_title(f"{int(ok.sum())} of {len(rel)} coordinates within {tol:.0e}", fontsize=10)
    return GradientCheckPlot(hi, float(worst[i]), int(ok.sum()), len(rel))


def gradient_check_explorer(curves, *, h=1e-5):
    """A log slider for the finite-difference step ``h`` of the gradient check."""
    lo, hi = float(np.log10(curves.hs[0])), float(np.log10(curves.hs[-1]))
    return Explorer(lambda a, b, h: plot_gradient_check_step(a, b, curves, h),
                    [Slider("h", lo, hi, 0.5, h, "step h", log=True)],
                    figsize=(8.6, 3.4), ncols=2,
                    margins=dict(left=0.09, right=0.985, bottom=0.15, top=0.9, wspace=0.3))
