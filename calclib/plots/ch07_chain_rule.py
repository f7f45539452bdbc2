"""Chapter 7 figures and helpers: the chain rule and backpropagation.

* :func:`plot_chain_rule` -- ``y = g(x)`` and ``L = f(y)`` with their tangents, beside
  ``L(x) = f(g(x))`` whose slope is the product of the two (explorer: :func:`chain_rule_explorer`).
* :func:`prepare_backward_pass` and :func:`plot_backward_pass` -- a computation graph and its
  backward pass one chain-rule step at a time; the layout, every box and every arrow is
  computed once, so a slider over the step only redraws (explorer: :func:`backward_pass_explorer`,
  static view: :func:`backward_pass_panels`).
* :func:`breadth_first_order` and :func:`backward_in_order` -- the backward pass in any node
  order, with ``+=`` or with ``=``: why a topological order is needed, why gradients add.
* :func:`sigmoid_chain` and :func:`plot_sigmoid_chain` -- the gradient through ``k`` sigmoids is
  a product of ``k`` factors of at most ``w/4`` (explorer: :func:`sigmoid_chain_explorer`).
* :func:`forward_mode_gradient`, :func:`reverse_mode_gradient`, :func:`autodiff_mode_costs`,
  :func:`plot_mode_costs` -- forward mode needs one pass per input, reverse mode one for all.
* :func:`network_gradient_check` -- backpropagation against central differences on a network.
"""
from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from .._validation import as_float_array, check_callable, check_int, check_real
from ..autodiff.engine import Value
from ..autodiff.listing import backward_steps, node_names, trace
from ..autodiff.node import Node, topological_order
from ..graph import (EDGE_COLOR, HIGHLIGHT, LEAF_FILL, OP_FILL, ROOT_FILL, UNKNOWN_EDGE, box_texts,
                     format_number, graph_layout)
from ..style import ACCENT, CURVE, PALETTE, SECANT, TANGENT
from .base import Explorer, Slider, cheap_log_axes, fix_ylim, grid_of, legend_corner, mark_data

__all__ = [
    "ChainRulePlot", "plot_chain_rule", "chain_rule_explorer", "chain_rule_panels",
    "BackwardPassLayout", "prepare_backward_pass", "BackwardPassPlot", "plot_backward_pass",
    "backward_pass_panels", "backward_pass_explorer",
    "breadth_first_order", "backward_in_order",
    "SigmoidChain", "sigmoid_chain", "SigmoidChainPlot", "plot_sigmoid_chain", "sigmoid_chain_explorer",
    "sigmoid_chain_panels",
    "forward_mode_gradient", "reverse_mode_gradient", "ModeCosts", "autodiff_mode_costs", "plot_mode_costs",
    "NetworkGradientCheck", "network_gradient_check",
]


# ------------------------------------------------------------------ the chain rule, drawn
@dataclass
class ChainRulePlot:
    """What :func:`plot_chain_rule` drew: the point and the three slopes."""
    x: float
    y: float
    L: float
    dy_dx: float
    dL_dy: float
    dL_dx: float


def _tangent_segment(ax, x0, y0, slope, half_width, color):
    line, = ax.plot([x0 - half_width, x0 + half_width], [y0 - slope * half_width, y0 + slope * half_width],
                    color=color, lw=2.4, solid_capstyle="round", zorder=4)
    ax.plot([x0], [y0], "o", color=PALETTE["black"], ms=5, zorder=5)
    return line


def plot_chain_rule(ax_g, ax_f, ax_L, g, dg, f, df, x, *, xlim=(-3.0, 3.0), ylim_g=None, ylim_f=None,
                    ylim_L=None, names=("g", "f")):
    r"""Three panels: ``y = g(x)``, ``L = f(y)`` and the composition ``L = f(g(x))``.

    Each carries its tangent at the current point. The slope of the third
    is the product of the other two, :math:`\frac{dL}{dx} = \frac{dL}{dy}\,\frac{dy}{dx}`:
    where either stage is flat, so is the composition.

    Parameters
    ----------
    ax_g, ax_f, ax_L : matplotlib.axes.Axes
    g, dg : callable
        The inner function and its derivative (vectorised).
    f, df : callable
        The outer function and its derivative (vectorised).
    x : float
        The point.
    xlim : (float, float)
        Range of ``x``; the ``y`` range drawn for ``f`` is the range of ``g`` there.
    ylim_g, ylim_f, ylim_L : (float, float), optional
        Fixed vertical ranges (a slider keeps the picture still).

    Returns
    -------
    ChainRulePlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, axes = plt.subplots(1, 3)
    >>> r = plot_chain_rule(*axes, np.tanh, lambda x: 1 - np.tanh(x)**2, lambda y: y**2, lambda y: 2*y, 0.5)
    >>> np.allclose(r.dL_dx, 2 * np.tanh(0.5) * (1 - np.tanh(0.5)**2))
    True
    >>> plt.close(fig)
    """
    for fn, name in ((g, "g"), (dg, "dg"), (f, "f"), (df, "df")):
        check_callable(fn, name)
    x = check_real(x, "x")
    gname, fname = names
    t, gy = grid_of(g, xlim)
    y = float(g(np.float64(x)))
    dy_dx = float(dg(np.float64(x)))
    ylo, yhi = float(gy.min()), float(gy.max())
    pad = 0.05 * (yhi - ylo if yhi > ylo else 1.0)
    u = np.linspace(ylo - pad, yhi + pad, 300)
    fu = np.asarray(f(u), dtype=float)
    L = float(f(np.float64(y)))
    dL_dy = float(df(np.float64(y)))
    dL_dx = dL_dy * dy_dx
    Lx = np.asarray(f(gy), dtype=float)

    panels = (
        (ax_g, t, gy, x, y, dy_dx, xlim, ylim_g, "x", f"y = {gname}(x)",
         f"dy/dx = {dy_dx:.3g}"),
        (ax_f, u, fu, y, L, dL_dy, (u[0], u[-1]), ylim_f, "y", f"L = {fname}(y)",
         f"dL/dy = {dL_dy:.3g}"),
        (ax_L, t, Lx, x, L, dL_dx, xlim, ylim_L, "x", f"L = {fname}({gname}(x))",
         f"dL/dx = {dL_dy:.3g} \u00d7 {dy_dx:.3g} = {dL_dx:.3g}"),
    )
    colours = (CURVE, PALETTE["purple"], PALETTE["black"])
    for (ax, tt, yy, p, q, slope, xl, yl, xlabel, ylabel, title), colour in zip(panels, colours):
        mark_data(*ax.plot(tt, yy, color=colour, lw=1.8))
        _tangent_segment(ax, p, q, slope, 0.14 * (xl[1] - xl[0]), TANGENT)
        ax.set_xlim(*xl)
        if yl is None:
            fix_ylim(ax, yy)
        else:
            ax.set_ylim(*yl)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=9.5)
        ax.locator_params(nbins=4)       # three panels: fewer tick labels to lay out per redraw
    ax_g.axhline(y, color=PALETTE["grey"], lw=0.8, ls=":")
    ax_f.axvline(y, color=PALETTE["grey"], lw=0.8, ls=":")
    return ChainRulePlot(x, y, L, dy_dx, dL_dy, dL_dx)


def chain_rule_explorer(g, dg, f, df, *, x=0.5, xlim=(-3.0, 3.0), names=("g", "f")):
    """A slider for ``x``: the slopes of both stages and of their composition, which is their product."""
    for fn, name in ((g, "g"), (dg, "dg"), (f, "f"), (df, "df")):
        check_callable(fn, name)
    t, gy = grid_of(g, xlim)
    pad = 0.05 * (np.ptp(gy) or 1.0)
    u = np.linspace(gy.min() - pad, gy.max() + pad, 300)

    def limits(v):
        v = np.asarray(v, dtype=float)
        span = np.ptp(v) or 1.0
        return float(v.min() - 0.12 * span), float(v.max() + 0.12 * span)

    ylims = limits(gy), limits(f(u)), limits(f(gy))
    return Explorer(lambda a, b, c, x: plot_chain_rule(a, b, c, g, dg, f, df, x, xlim=xlim, ylim_g=ylims[0],
                                                       ylim_f=ylims[1], ylim_L=ylims[2], names=names),
                    [Slider("x", xlim[0] + 0.25, xlim[1] - 0.25, 0.05, x, "point x")],
                    figsize=(8.6, 3.1), ncols=3,
                    margins=dict(left=0.075, right=0.965, bottom=0.16, top=0.88, wspace=0.45))


def chain_rule_panels(g, dg, f, df, xs, *, xlim=(-3.0, 3.0), names=("g", "f"), suptitle=None):
    """The three panels of :func:`plot_chain_rule` at a few points `xs`, one row each: the static view.

    Returns
    -------
    fig : matplotlib.figure.Figure
    results : list of ChainRulePlot
    """
    import matplotlib.pyplot as plt

    xs = [check_real(x, "xs") for x in xs]
    if not xs:
        raise ValueError("`xs` must list at least one point")
    fig, axes = plt.subplots(len(xs), 3, figsize=(10.4, 2.7 * len(xs) + 0.4), layout="constrained",
                             squeeze=False)
    results = [plot_chain_rule(*row, g, dg, f, df, x, xlim=xlim, names=names) for row, x in zip(axes, xs)]
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    return fig, results


# ------------------------------------------------------------------ the backward pass, drawn
@dataclass
class BackwardPassLayout:
    """Everything about a graph's drawing that does not change from step to step.

    Made once by :func:`prepare_backward_pass`; :func:`plot_backward_pass`
    then only places boxes, arrows and labels. Lengths are in inches.
    """
    root: Value
    nodes: list
    names: dict
    edges: list
    steps: list
    centres: dict
    box_size: dict
    arrow_paths: list
    label_xy: list
    texts: list                  # per step: node -> text of its box
    status: list                 # per step: node -> "known", "partial" or "unknown"
    captions: list               # per step: what the step does
    size: tuple                  # the drawing, without its title
    fontsize: float
    title_height: float = 0.42

    @property
    def n_steps(self):
        """The last step: one per edge of the graph."""
        return len(self.steps) - 1

    @property
    def figsize(self):
        """A figure that holds the drawing and its title."""
        return (self.size[0], self.size[1] + self.title_height)


def _caption(state, names, n_steps, digits):
    if state.index == 0:
        return f"step 0 of {n_steps}: the seed, {names[state.node]}.grad = 1"
    c, p = names[state.node], names[state.parent]
    local, upstream, added = (format_number(v, digits)
                              for v in (state.local, state.grads[state.node], state.contribution))
    return (f"step {state.index} of {n_steps}: {p}.grad += d{c}/d{p} \u00b7 {c}.grad = "
            f"{local} \u00d7 {upstream} = {added}")


_BOX_PAD = 0.55     # space between a box's text and its border, in units of the font size


def _bezier(points):
    """A path through `points` made of cubic pieces that leave and enter each point horizontally."""
    verts, codes = [points[0]], [Path.MOVETO]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        dx = (x1 - x0) / 2
        verts += [(x0 + dx, y0), (x1 - dx, y1), (x1, y1)]
        codes += [Path.CURVE4] * 3
    return Path(verts, codes)


def prepare_backward_pass(root, *, fontsize=8.5, digits=4, gap=0.8, max_nodes=30):
    """Lay out `root`'s graph and its backward pass once, for a slider over the steps.

    Computes the layout (:func:`calclib.graph.graph_layout`), the steps
    (:func:`calclib.autodiff.backward_steps`), the text of every box at every
    step, and every arrow's path, already ending at the edges of its boxes.
    Box widths are fixed over all steps, so nothing moves while the slider does.

    Parameters
    ----------
    root : Value
        The output; its whole graph is drawn (at most `max_nodes` nodes).
    fontsize : float, optional
        Points; every length of the drawing follows from it.
    digits : int, optional
        Significant digits of the numbers in the boxes.
    gap : float, optional
        Inches between two layers of boxes (room for the arrows and their labels).

    Returns
    -------
    BackwardPassLayout

    Examples
    --------
    >>> x = Value(3.0, label="x")
    >>> y = x * x; y.label = "y"
    >>> prep = prepare_backward_pass(y)
    >>> prep.n_steps, len(prep.arrow_paths)
    (2, 2)
    >>> print(prep.texts[1][x])
    x
    data 3
    grad 3 + ?
    """
    if not isinstance(root, Value):
        raise TypeError(f"`root` must be a Value, got {type(root).__name__}")
    fontsize = check_real(fontsize, "fontsize")
    if not 4 <= fontsize <= 30:
        raise ValueError(f"`fontsize` must be from 4 to 30 (points), got {fontsize!r}")
    digits = check_int(digits, "digits")
    if digits > 17:
        raise ValueError(f"`digits` must be an integer from 1 to 17, got {digits}")
    max_nodes = check_int(max_nodes, "max_nodes")
    graph = trace(root)
    nodes, edges = graph.nodes, graph.edges
    if len(nodes) > max_nodes:
        raise ValueError(f"`root`'s graph has {len(nodes)} nodes; a drawing shows at most `max_nodes`={max_nodes}")
    names = node_names(nodes)
    steps = list(backward_steps(root))
    texts, status, captions = [], [], []
    for state in steps:
        t, s = box_texts(nodes, names, state, digits)
        texts.append(t)
        status.append(s)
        captions.append(_caption(state, names, len(steps) - 1, digits))

    layout = graph_layout(root)
    pos = layout.positions
    n_layers = 1 + max(p[0] for p in pos.values())
    # DejaVu Sans Mono advances 0.602 em; a browser's monospace font may be a little wider
    char_w, line_h = 0.62 * fontsize / 72, 1.2 * fontsize / 72
    pad = _BOX_PAD * fontsize / 72
    chars = [max(len(line) for t in texts for n, p in pos.items() if p[0] == L for line in t[n].splitlines())
             for L in range(n_layers)]
    box_w = [c * char_w + 2 * pad for c in chars]
    box_h = 3 * line_h + 2 * pad
    gap = check_real(gap, "gap")
    if not 0.3 <= gap <= 5:
        raise ValueError(f"`gap` must be from 0.3 to 5 (inches), got {gap!r}")
    col_x = [box_w[0] / 2 + 0.12]
    for L in range(1, n_layers):
        col_x.append(col_x[-1] + (box_w[L - 1] + box_w[L]) / 2 + gap)
    rows = [r for _, r in pos.values()] + [r for route in layout.routes for _, r in route]
    row_h = box_h + 0.32
    top, bottom = max(rows), min(rows)
    height = (top - bottom) * row_h + box_h + 0.3
    width = col_x[-1] + box_w[-1] / 2 + 0.12

    def y_of(r):
        return (r - bottom) * row_h + box_h / 2 + 0.15

    centres = {n: (col_x[L], y_of(r)) for n, (L, r) in pos.items()}
    box_size = {n: (box_w[pos[n][0]], box_h) for n in nodes}
    multiplicity, seen = {}, {}
    for e in edges:
        multiplicity[(e.parent, e.child)] = multiplicity.get((e.parent, e.child), 0) + 1
    arrow_paths, label_xy = [], []
    for e, route in zip(edges, layout.routes):
        key = (e.parent, e.child)
        k = seen[key] = seen.get(key, -1) + 1
        offset = (k - (multiplicity[key] - 1) / 2) * 0.55 * box_h / max(multiplicity[key], 1)
        (px, py), (cx, cy) = centres[e.parent], centres[e.child]
        start = (px + box_size[e.parent][0] / 2, py + offset)
        end = (cx - box_size[e.child][0] / 2 - 0.02, cy + offset)
        points = [start] + [(col_x[L], y_of(r)) for L, r in route] + [end]
        arrow_paths.append(_bezier(points))
        (x0, y0), (x1, y1) = points[-2], points[-1]
        label_xy.append(((x0 + x1) / 2, (y0 + y1) / 2))     # the middle of the last piece
    return BackwardPassLayout(root, nodes, names, edges, steps, centres, box_size, arrow_paths, label_xy,
                              texts, status, captions, (float(width), float(height)), fontsize)


@dataclass
class BackwardPassPlot:
    """What :func:`plot_backward_pass` drew at one step."""
    step: int
    grads: dict                  # node -> gradient so far (nodes reached)
    complete: frozenset          # nodes whose gradient is final
    caption: str
    boxes: dict = field(repr=False)
    texts: dict = field(repr=False)
    arrows: list = field(repr=False)
    labels: list = field(repr=False)


def plot_backward_pass(ax, prep, step, *, title=None, show_local=True):
    """Draw the graph of `prep` after `step` local chain-rule steps of its backward pass.

    A gradient not reached yet reads ``?`` (grey dashed box), a partial sum
    still waiting for other uses of the node ``g + ?`` (dashed box), a final
    one a plain number (solid box). The edge of the current step and the box
    it adds to are drawn thick, in vermillion; each arrow is labelled with its
    local derivative. The axes get the drawing's size in inches as limits,
    so it should be as large as ``prep.size``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    prep : BackwardPassLayout
        From :func:`prepare_backward_pass`.
    step : int
        From 0 (the seed) to ``prep.n_steps`` (every gradient known).
    title : str, optional
        Default: what the step does.

    Returns
    -------
    BackwardPassPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> x = Value(3.0, label="x")
    >>> y = x * x; y.label = "y"
    >>> prep = prepare_backward_pass(y)
    >>> fig = plt.figure(figsize=prep.figsize)
    >>> r = plot_backward_pass(fig.add_axes((0, 0, 1, 0.9)), prep, 2)
    >>> r.grads[x], x in r.complete
    (6.0, True)
    >>> plt.close(fig)
    """
    if not isinstance(prep, BackwardPassLayout):
        raise TypeError(f"`prep` must come from prepare_backward_pass(root), got {type(prep).__name__}")
    step = check_int(step, "step", minimum=0)
    if step > prep.n_steps:
        raise ValueError(f"`step` must be an integer from 0 to {prep.n_steps} (the number of edges), got {step}")
    state = prep.steps[step]
    texts, status = prep.texts[step], prep.status[step]
    current = state.parent if state.edge is not None else None
    boxes, drawn = {}, {}
    fs = prep.fontsize
    for n in prep.nodes:
        (cx, cy), (w, h) = prep.centres[n], prep.box_size[n]
        fill = ROOT_FILL if n is prep.root else (OP_FILL if n._op else LEAF_FILL)
        edge_colour = UNKNOWN_EDGE if status[n] == "unknown" else EDGE_COLOR
        lw, ls = 1.0, ("-" if status[n] == "known" else "--")
        if n is current:
            edge_colour, lw = HIGHLIGHT, 2.4
        box = FancyBboxPatch((cx - w / 2, cy - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.06",
                             fc=fill, ec=edge_colour, lw=lw, ls=ls, zorder=3)
        ax.add_patch(box)
        boxes[n] = box
        drawn[n] = ax.text(cx - w / 2 + _BOX_PAD * fs / 72, cy, texts[n], ha="left", va="center", family="monospace",
                           fontsize=fs, zorder=4, linespacing=1.2)
    arrows, labels = [], []
    for i, (e, path) in enumerate(zip(prep.edges, prep.arrow_paths)):
        hot = state.edge == i
        colour = HIGHLIGHT if hot else EDGE_COLOR
        arrow = FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=11, lw=2.4 if hot else 1.0,
                                color=colour, zorder=2 if not hot else 5, shrinkA=0, shrinkB=0)
        ax.add_patch(arrow)
        arrows.append(arrow)
        if show_local:
            lx, ly = prep.label_xy[i]
            labels.append(ax.text(lx, ly, f"\u00d7{format_number(e.local, 4)}", ha="center", va="center",
                                  fontsize=fs - 1, color=colour, zorder=6,
                                  bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.9)))
    ax.set_xlim(0, prep.size[0])
    ax.set_ylim(0, prep.size[1])
    ax.set_axis_off()
    caption = prep.captions[step]
    # the centre title (the one tests and readers look for), aligned to the left
    t = ax.set_title(caption if title is None else title, fontsize=fs + 1, ha="left", family="monospace")
    t.set_x(0.1 / prep.size[0])
    return BackwardPassPlot(step, dict(state.grads), state.complete, caption, boxes, drawn, arrows, labels)


def backward_pass_explorer(root, *, step=0, fontsize=8.5):
    """A slider over the steps of `root`'s backward pass; the layout is computed once, here."""
    prep = prepare_backward_pass(root, fontsize=fontsize)
    w, h = prep.figsize
    return Explorer(lambda ax, step: plot_backward_pass(ax, prep, int(round(step)), show_local=True),
                    [Slider("step", 0, prep.n_steps, 1, step, "backward step k", readout=".0f")],
                    figsize=(w, h), margins=dict(left=0.0, right=1.0, bottom=0.0, top=prep.size[1] / h))


def backward_pass_panels(prep, steps, *, suptitle=None):
    """The backward pass at a few steps, stacked: the static view beside the slider.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not isinstance(prep, BackwardPassLayout):
        raise TypeError(f"`prep` must come from prepare_backward_pass(root), got {type(prep).__name__}")
    steps = [check_int(s, "steps", minimum=0) for s in steps]
    if not steps:
        raise ValueError("`steps` must list at least one step")
    w, h = prep.figsize
    head = 0.45 if suptitle else 0.0
    total = h * len(steps) + head
    fig = plt.figure(figsize=(w, total), layout="none")
    for i, s in enumerate(steps):
        bottom = total - head - (i + 1) * h
        ax = fig.add_axes((0.0, bottom / total, 1.0, prep.size[1] / total))
        plot_backward_pass(ax, prep, s)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11, y=1 - 0.08 / total, va="top")
    return fig


# ------------------------------------------------------------------ node orders
def breadth_first_order(root):
    """`root`'s nodes in the order a breadth-first walk from `root` meets them (each once).

    A tempting but wrong order for backpropagation: a node can come before
    another node that uses it (compare :func:`calclib.autodiff.topological_order`).

    Examples
    --------
    >>> x = Value(0.5, label="x")
    >>> a = x * x; a.label = "a"
    >>> b = a.exp(); b.label = "b"
    >>> L = a * b; L.label = "L"
    >>> [n.label for n in breadth_first_order(L)]
    ['L', 'a', 'b', 'x']
    """
    if not isinstance(root, Node):
        raise TypeError(f"`root` must be a Value, got {type(root).__name__}")
    order, seen, queue = [], {root}, deque([root])
    while queue:
        node = queue.popleft()
        order.append(node)
        for parent, _ in node._parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return order


def backward_in_order(root, order=None, *, accumulate=True):
    """The backward pass of `root`, passing gradients on node by node in `order`.

    Each node in turn passes ``local * grad`` to each of its parents, adding
    it (``+=``, ``accumulate=True``) or overwriting (``=``). With the reverse
    topological order and ``+=`` this is ``root.backward()``; the other
    choices show what goes wrong. The nodes' ``.grad`` is not touched.

    Parameters
    ----------
    root : Value
    order : list of Value, optional
        The order in which nodes pass their gradient on; default: reverse
        topological order (the root first).
    accumulate : bool, optional

    Returns
    -------
    dict
        Node -> gradient.

    Examples
    --------
    >>> x = Value(0.5, label="x")
    >>> a = x * x; b = a.exp(); L = a * b
    >>> right = backward_in_order(L)[x]
    >>> L.backward(); bool(np.isclose(right, x.grad))
    True
    >>> bool(backward_in_order(L, breadth_first_order(L))[x] < right)    # a passed on too early
    True
    """
    if not isinstance(root, Value):
        raise TypeError(f"`root` must be a Value, got {type(root).__name__}")
    nodes = topological_order(root)
    if order is None:
        order = nodes[::-1]
    order = list(order)
    if len(order) != len(nodes) or set(order) != set(nodes):
        raise ValueError("`order` must list every node of `root`'s graph exactly once")
    grads = {n: 0.0 for n in nodes}
    grads[root] = 1.0
    for node in order:
        for parent, local in node._parents:
            if accumulate:
                grads[parent] += local * grads[node]
            else:
                grads[parent] = local * grads[node]
    return grads


# ------------------------------------------------------------------ a chain of sigmoids
@dataclass
class SigmoidChain:
    """``h_0 = x``, ``h_i = sigmoid(w h_(i-1))``: the values, the local derivatives, their product."""
    x: float
    w: float
    h: np.ndarray                # h_0 ... h_k
    local: np.ndarray            # d h_i / d h_(i-1) = w h_i (1 - h_i), i = 1 ... k
    grad: float                  # d h_k / d x, the product of the local derivatives


def sigmoid_chain(x, k, w=1.0):
    r"""Push `x` through `k` sigmoids, each after a weight `w`, and differentiate the result.

    With :math:`h_0 = x` and :math:`h_i = \sigma(w\,h_{i-1})`, the chain rule gives
    :math:`\frac{dh_k}{dx} = \prod_{i=1}^{k} w\,\sigma'(w\,h_{i-1}) = \prod_i w\,h_i(1 - h_i)`.
    Since :math:`\sigma' \le 1/4`, each factor is at most :math:`|w|/4`.

    Examples
    --------
    >>> c = sigmoid_chain(0.5, 3)
    >>> len(c.local), bool(np.all(c.local <= 0.25)), bool(np.isclose(c.grad, np.prod(c.local)))
    (3, True, True)
    >>> sigmoid_chain(0.5, 0).grad      # no layer: h_0 = x
    1.0
    """
    x = check_real(x, "x")
    k = check_int(k, "k", minimum=0)
    if k > 10_000:
        raise ValueError(f"`k` must be at most 10000 layers, got {k}")
    w = check_real(w, "w")
    h = [x]
    for _ in range(k):
        z = w * h[-1]
        h.append(1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z)))
    h = np.array(h)
    local = w * h[1:] * (1.0 - h[1:])
    return SigmoidChain(x, w, h, local, float(np.prod(local)))


@dataclass
class SigmoidChainPlot:
    """What :func:`plot_sigmoid_chain` drew."""
    k: int
    w: float
    grad: float
    bound: float
    grads: np.ndarray            # d h_j / d x for j = 1 ... kmax


def plot_sigmoid_chain(ax_local, ax_grad, k, w=1.0, *, x=0.5, kmax=30, ylim=(1e-40, 10.0)):
    """Left: the local derivative of each of `k` sigmoid layers (each at most w/4).
    Right: the gradient through 1 ... `kmax` layers on a log scale, the current `k` marked.

    Returns
    -------
    SigmoidChainPlot

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> r = plot_sigmoid_chain(a, b, 5)
    >>> bool(r.grad <= r.bound), bool(np.isclose(r.grads[4], r.grad))
    (True, True)
    >>> plt.close(fig)
    """
    kmax = check_int(kmax, "kmax")
    k = check_int(k, "k")
    if k > kmax:
        raise ValueError(f"`k` must be at most `kmax`={kmax}, got {k}")
    full = sigmoid_chain(x, kmax, w)
    grads = np.cumprod(full.local)
    chain = sigmoid_chain(x, k, w)
    cap = abs(chain.w) / 4
    layers = np.arange(1, kmax + 1)
    # vlines and plain texts instead of bars and legends: a slider redraws this many times
    ax_local.vlines(layers[:k], 0.0, chain.local, color=CURVE, lw=7)
    ax_local.axhline(cap, color=SECANT, ls="--", lw=1.4)
    ax_local.axhline(1.0, color=PALETTE["grey"], ls=":", lw=1.2)
    ax_local.text(kmax + 0.5, cap + 0.03, f"largest possible: w/4 = {cap:.3g}", ha="right", va="bottom",
                  color=SECANT, fontsize=8.5)
    ax_local.text(0.5, 1.03, "1: no shrinking", ha="left", va="bottom", color=PALETTE["grey"], fontsize=8.5)
    ax_local.set_xlim(0.3, kmax + 0.7)
    ax_local.set_ylim(0.0, 1.45)
    ax_local.set_xlabel("layer i")
    ax_local.set_ylabel("local derivative w\u00b7\u03c3\u2032")
    ax_local.set_title(f"k = {k}, w = {chain.w:.2f}: each factor \u2264 w/4 = {cap:.3g}", fontsize=9.5)
    bound = cap ** layers
    mark_data(*ax_grad.semilogy(layers, grads, color=CURVE, marker="o", ms=3))
    ax_grad.semilogy(layers, bound, color=SECANT, ls="--", lw=1.2)
    ax_grad.plot([k], [max(chain.grad, ylim[0])], "o", color=ACCENT, ms=10, mec=PALETTE["black"], zorder=5)
    ax_grad.set_xlim(0.3, kmax + 0.7)
    ax_grad.set_ylim(*ylim)
    cheap_log_axes(ax_grad)
    ax_grad.text(0.03, 0.13, "\u25cf\u2014 gradient dh\u2096/dx (product of the factors)", transform=ax_grad.transAxes,
                 color=CURVE, fontsize=8.5)
    ax_grad.text(0.03, 0.04, "- - bound (w/4)\u1d4f", transform=ax_grad.transAxes, color=SECANT, fontsize=8.5)
    ax_grad.set_xlabel("number of layers k")
    ax_grad.set_ylabel("gradient dh\u2096/dx")
    ax_grad.set_title(f"through {k} sigmoids the gradient is {chain.grad:.1e}", fontsize=9.5)
    return SigmoidChainPlot(k, chain.w, chain.grad, float(cap ** k), grads)


def sigmoid_chain_explorer(*, x=0.5, k=10, w=1.0, kmax=30):
    """Sliders for the depth `k` and the weight `w` of a chain of sigmoids."""
    return Explorer(lambda a, b, k, w: plot_sigmoid_chain(a, b, int(round(k)), w, x=x, kmax=kmax),
                    [Slider("k", 1, kmax, 1, k, "layers k", readout=".0f"),
                     Slider("w", 0.5, 4.0, 0.25, w, "weight w")],
                    figsize=(8.6, 3.4), ncols=2,
                    margins=dict(left=0.085, right=0.99, bottom=0.15, top=0.9, wspace=0.3))


def sigmoid_chain_panels(cases, *, x=0.5, kmax=30, suptitle=None):
    """:func:`plot_sigmoid_chain` for a few ``(k, w)`` cases, one row each: the static view.

    Returns
    -------
    fig : matplotlib.figure.Figure
    results : list of SigmoidChainPlot
    """
    import matplotlib.pyplot as plt

    cases = list(cases)
    if not cases:
        raise ValueError("`cases` must list at least one (k, w) pair")
    fig, axes = plt.subplots(len(cases), 2, figsize=(10.4, 3.0 * len(cases) + 0.4), layout="constrained",
                             squeeze=False)
    results = [plot_sigmoid_chain(*row, k, w, x=x, kmax=kmax) for row, (k, w) in zip(axes, cases)]
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    return fig, results


# ------------------------------------------------------------------ forward mode against reverse mode
def _point(x):
    x = as_float_array(x, "x", ndim=1, finite=True)
    if x.size == 0:
        raise ValueError("`x` must hold at least one number")
    return x


def forward_mode_gradient(f, x):
    """The gradient of `f` at `x` by forward mode: one pass of dual numbers per input.

    `f` takes a list of numbers and returns one number; it must be written
    with ``+ - * / **`` (and :mod:`calclib.rules` functions), so it runs on
    :class:`calclib.rules.Dual`. Pass i seeds input i with derivative 1 and
    the others with 0, and reads off one partial derivative.

    Returns
    -------
    grad : ndarray
    passes : int
        The number of passes of `f`: one per input.

    Examples
    --------
    >>> g, passes = forward_mode_gradient(lambda v: v[0] * v[1] + v[1], [2.0, 3.0])
    >>> g, passes
    (array([3., 3.]), 2)
    """
    from ..rules import Dual

    check_callable(f)
    x = _point(x)
    grad = np.empty(x.size)
    for i in range(x.size):
        out = f([Dual(v, 1.0 if j == i else 0.0) for j, v in enumerate(x.tolist())])
        grad[i] = out.deriv if isinstance(out, Dual) else 0.0
    return grad, x.size


def reverse_mode_gradient(f, x):
    """The gradient of `f` at `x` by reverse mode: one forward pass builds the graph, one
    backward pass fills every partial derivative.

    Returns
    -------
    grad : ndarray
    operations : int
        Operations in the graph (nodes made by an operation), what one pass of `f` costs.
    edges : int
        Chain-rule steps of the backward pass (one per edge).

    Examples
    --------
    >>> g, ops, edges = reverse_mode_gradient(lambda v: v[0] * v[1] + v[1], [2.0, 3.0])
    >>> g, ops, edges
    (array([3., 3.]), 2, 4)
    """
    check_callable(f)
    x = _point(x)
    leaves = [Value(v) for v in x.tolist()]
    out = f(leaves)
    if not isinstance(out, Value):
        raise TypeError(f"`f` must return a number computed from its inputs, got {type(out).__name__}")
    out.backward()
    graph = trace(out)
    ops = sum(1 for n in graph.nodes if n._op)
    return np.array([v.grad for v in leaves]), ops, len(graph.edges)


@dataclass
class ModeCosts:
    """Cost of a gradient by forward and by reverse mode, against the number of inputs ``n``."""
    n: np.ndarray
    operations: np.ndarray          # operations of one pass of f
    forward_passes: np.ndarray      # n
    forward_operations: np.ndarray  # n passes x operations
    reverse_operations: np.ndarray  # one pass + one step per edge
    forward_seconds: np.ndarray
    reverse_seconds: np.ndarray
    max_difference: float           # between the two gradients, over every n


_TIME_BUDGET = 0.05     # seconds per input size: cheap sizes are timed several times, costly ones once


def autodiff_mode_costs(f, ns, *, rng=0, repeats=5):
    """Measure forward and reverse mode on `f` for inputs of each size in `ns`.

    Counts (passes, operations) are exact and the same on every machine;
    seconds are wall-clock times, the best of up to `repeats` runs (fewer
    once a size has used about 0.05 s), and vary from machine to machine.

    Examples
    --------
    >>> def f(v):
    ...     return sum((v[i] * v[(i + 1) % len(v)] - 1.0) ** 2 for i in range(len(v)))
    >>> c = autodiff_mode_costs(f, [2, 4])
    >>> c.forward_passes.tolist(), bool(c.max_difference < 1e-12)
    ([2, 4], True)
    """
    check_callable(f)
    ns = [check_int(n, "ns") for n in ns]
    if not ns or max(ns) > 500:
        raise ValueError(f"`ns` must list input sizes from 1 to 500, got {ns}")
    repeats = check_int(repeats, "repeats")
    gen = np.random.default_rng(rng)
    forward_mode_gradient(f, np.ones(min(ns)))          # warm up both engines before timing anything
    reverse_mode_gradient(f, np.ones(min(ns)))
    rows, worst = [], 0.0
    for n in ns:
        x = gen.uniform(-1.0, 1.0, n)
        tf, tr = [], []
        while len(tf) < repeats and (not tf or sum(tf) + sum(tr) < _TIME_BUDGET):
            t = time.perf_counter()
            gf, passes = forward_mode_gradient(f, x)
            tf.append(time.perf_counter() - t)
            t = time.perf_counter()
            gr, ops, edges = reverse_mode_gradient(f, x)
            tr.append(time.perf_counter() - t)
        worst = max(worst, float(np.max(np.abs(gf - gr) / np.maximum(1.0, np.abs(gr)))))
        rows.append((n, ops, passes, passes * ops, ops + edges, min(tf), min(tr)))
    cols = list(zip(*rows))
    return ModeCosts(*(np.array(c) for c in cols), max_difference=worst)


def plot_mode_costs(ax_ops, ax_time, costs):
    """Left: operations for one gradient against the number of inputs, forward and reverse mode.
    Right: the measured time of both. Forward mode grows like n times a pass, reverse mode like one pass."""
    if not isinstance(costs, ModeCosts):
        raise TypeError(f"`costs` must come from autodiff_mode_costs, got {type(costs).__name__}")
    n = costs.n
    for ax, fwd, rev, ylabel, title in (
            (ax_ops, costs.forward_operations, costs.reverse_operations, "operations for one gradient",
             "Counted: forward mode does n passes, reverse mode one"),
            (ax_time, costs.forward_seconds * 1e3, costs.reverse_seconds * 1e3, "time for one gradient (ms)",
             "Measured on this machine: the same gap")):
        mark_data(*ax.loglog(n, fwd, "o-", color=SECANT, label="forward mode (dual numbers)"))
        mark_data(*ax.loglog(n, rev, "s-", color=TANGENT, label="reverse mode (backprop)"))
        cheap_log_axes(ax)
        ax.set_xlabel("number of inputs n")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        legend_corner(ax, [(n, fwd), (n, rev)], fontsize=8.5)
    ratio = costs.forward_operations[-1] / costs.reverse_operations[-1]
    return float(ratio)


# ------------------------------------------------------------------ backprop against finite differences
@dataclass
class NetworkGradientCheck:
    """Backpropagation's gradient of a loss beside central differences, one entry per parameter."""
    backprop: np.ndarray
    numeric: np.ndarray
    max_rel_error: float
    loss: float


def network_gradient_check(loss_fn, parameters, *, h=1e-6):
    """Compare the gradient that ``backward()`` gives with central differences.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn()`` computes the loss (a Value) from the current parameters.
    parameters : list of Value
        The parameters (``model.parameters()``); each is nudged by ``+-h`` in
        turn and put back.
    h : float, optional
        The step of the central difference.

    Returns
    -------
    NetworkGradientCheck
        ``max_rel_error`` is ``|b - n| / max(|b|, |n|)`` with ``|.|`` the length of the
        whole gradient vector (per coordinate, a parameter whose gradient is nearly
        zero would show only the round-off of the difference quotient).

    Examples
    --------
    >>> w = Value(0.3)
    >>> r = network_gradient_check(lambda: (w * 2.0).tanh() ** 2, [w])
    >>> bool(r.max_rel_error < 1e-8)
    True
    """
    check_callable(loss_fn, "loss_fn")
    parameters = list(parameters)
    if not parameters or not all(isinstance(p, Value) for p in parameters):
        raise TypeError("`parameters` must be a non-empty list of Values (model.parameters())")
    h = check_real(h, "h")
    if not h > 0:
        raise ValueError(f"`h` must be positive, got {h!r}")
    loss = loss_fn()
    loss.backward()
    backprop = np.array([p.grad for p in parameters])
    numeric = np.empty(len(parameters))
    for i, p in enumerate(parameters):
        keep = p.data
        p.data = keep + h
        up = loss_fn().data
        p.data = keep - h
        down = loss_fn().data
        p.data = keep
        numeric[i] = (up - down) / (2 * h)
    scale = max(float(np.linalg.norm(backprop)), float(np.linalg.norm(numeric)), 1e-300)
    return NetworkGradientCheck(backprop, numeric, float(np.linalg.norm(backprop - numeric)) / scale, loss.data)
