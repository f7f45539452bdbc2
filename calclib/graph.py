"""Draw a computation graph, and its backward pass step by step, in pure matplotlib.

One box per node (its name and how it was computed, its value and its
gradient), arrows from each operand to its result, laid out left to right in
topological order (each node one layer before its first use; an arrow that
spans several layers is routed through way points so it crosses no box),
each arrow labelled with its local derivative. With
``step=k`` the drawing shows the backward pass after k local chain-rule steps
(see :func:`calclib.autodiff.backward_steps`): gradients not yet reached are
"?", partial sums end in "+ ?", and the edge used by step k is highlighted, so
a slider over k walks the whole pass. No graphviz or other system binary.

Colours are from the Okabe-Ito palette (safe for colour-blind readers) and
every state is also shown by text or line style, never by colour alone.
"""
from __future__ import annotations

import numbers
from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_int, check_real
from .autodiff.engine import Value
from .autodiff.listing import BackwardStep, backward_steps, expression, node_names, trace
from .style import PALETTE

# box_texts and format_number are shared with calclib.plots.ch07_chain_rule (its step-by-step
# drawings), not part of the public API.
__all__ = ["draw_graph", "GraphDrawing", "graph_layout", "Layout"]

# Okabe-Ito colours, lightened for box fills (text stays black on them).
LEAF_FILL = "#C4E5F7"       # sky blue #56B4E9, light: inputs and parameters
OP_FILL = "#F7DDA6"         # orange #E69F00, light: results of operations
ROOT_FILL = "#A6E3D2"       # bluish green #009E73, light: the output
HIGHLIGHT = PALETTE["vermillion"]   # the edge of the current backward step
EDGE_COLOR = "#4D4D4D"
UNKNOWN_EDGE = "#9A9A9A"


@dataclass
class GraphDrawing:
    """What :func:`draw_graph` drew, for inspection and tests.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
    nodes : list of Value
        In topological order.
    names : dict
        Node -> its name in the drawing (label, else n0, n1, ...).
    boxes : dict
        Node -> the ``Text`` artist of its box (one per node).
    texts : dict
        Node -> the text in its box.
    edges : list of Edge
        ``(parent, child, local)``, in the order of :func:`~calclib.autodiff.trace`.
    arrows : list of FancyArrowPatch
        One per edge, same order: the segment that ends in the arrow head.
    tails : list of list of FancyArrowPatch
        Per edge, the plain segments before it (empty unless the edge spans
        several layers and runs through way points).
    edge_labels : list of Text
        Local derivative of each edge (empty if ``show_local=False``).
    step : BackwardStep or None
        The backward step shown (None: the nodes' current ``.grad``).
    n_steps : int
        Largest valid `step` (the number of edges).
    caption : Text or None
        What the current step does.
    figsize : tuple
        A figure size (inches) at which nothing overlaps.
    """

    ax: object
    nodes: list
    names: dict
    boxes: dict
    texts: dict
    edges: list
    arrows: list
    tails: list = field(default_factory=list)
    edge_labels: list = field(default_factory=list)
    step: BackwardStep | None = None
    n_steps: int = 0
    caption: object = None
    figsize: tuple = (6.0, 4.0)


Layout = namedtuple("Layout", "positions routes")
Layout.__doc__ = """Where :func:`graph_layout` puts things.

positions : dict
    Node -> (layer, row): layer 0 is leftmost; row 0 is the middle, positive up.
routes : list
    For each edge of ``trace(root).edges``, the (layer, row) way points an
    arrow spanning several layers passes through (empty for adjacent layers).
"""


def graph_layout(root):
    """Layer and row of every node: leaves on the left, `root` on the right.

    Each node sits as far right as it can, one layer before its first use
    (so a leaf or a partial result appears just where it is needed). An edge
    spanning several layers gets a way point in each layer it crosses, which
    takes a row there like a node, so arrows do not run through boxes. Rows
    are ordered to keep arrows short (barycentre sweeps) and centred on 0.

    Returns
    -------
    Layout
        ``positions`` (node -> (layer, row)) and ``routes`` (way points per edge).

    Examples
    --------
    >>> from calclib.autodiff import Value
    >>> x, w, b = Value(1.0, label="x"), Value(2.0, label="w"), Value(0.5, label="b")
    >>> y = x * w + b
    >>> pos = graph_layout(y).positions
    >>> pos[x][0], pos[w][0], pos[b][0], pos[y][0]
    (0, 0, 1, 2)
    """
    graph = trace(root)
    nodes, edges = graph.nodes, graph.edges
    consumers = {n: [] for n in nodes}
    for e in edges:
        consumers[e.parent].append(e.child)
    depth = {root: 0}                       # longest path down to the root
    for n in reversed(nodes):
        if n is not root:
            depth[n] = 1 + max(depth[c] for c in consumers[n])
    top = max(depth.values())
    layer = {n: top - depth[n] for n in nodes}

    # items per layer: nodes, then one way point per layer crossed by a long edge
    members = {L: [] for L in range(top + 1)}
    for n in nodes:
        members[layer[n]].append(n)
    neighbours = {n: [] for n in nodes}
    chains = []
    for i, e in enumerate(edges):
        chain = [e.parent] + [("via", i, L) for L in range(layer[e.parent] + 1, layer[e.child])] + [e.child]
        for item in chain[1:-1]:
            members[item[2]].append(item)
            neighbours[item] = []
        for u, v in zip(chain, chain[1:]):
            neighbours[u].append(v)
            neighbours[v].append(u)
        chains.append(chain[1:-1])
    rows = {}

    def place(items):
        m = len(items)
        for k, item in enumerate(items):
            rows[item] = (m - 1) / 2 - k

    for items in members.values():
        place(items)
    index = {item: k for items in members.values() for k, item in enumerate(items)}
    order = list(range(top + 1))
    for sweep in (order[1:], order[-2::-1], order[1:]):
        for L in sweep:
            members[L].sort(key=lambda item: (-np.mean([rows[v] for v in neighbours[item]])
                                              if neighbours[item] else 0.0, index[item]))
            place(members[L])
    positions = {n: (layer[n], rows[n]) for n in nodes}
    routes = [[(item[2], rows[item]) for item in chain] for chain in chains]
    return Layout(positions, routes)


def _spline_connection():
    """A connection style: a cubic Bezier curve that leaves its start and
    enters its end horizontally (so arrows leave a box by its right side and
    enter by its left, and way points join smoothly). Clipping to the boxes
    is done by matplotlib's ``ConnectionStyle._Base``."""
    from matplotlib.patches import ConnectionStyle
    from matplotlib.path import Path

    class Spline(ConnectionStyle._Base):
        def connect(self, posA, posB):
            (x1, y1), (x2, y2) = posA, posB
            dx = (x2 - x1) / 2
            return Path([(x1, y1), (x1 + dx, y1), (x2 - dx, y2), (x2, y2)],
                        [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])

    return Spline()


def _spline_y(p0, p1, x):
    """y of the horizontal-tangent Bezier from p0 to p1 where it passes x."""
    (x1, y1), (x2, y2) = p0, p1
    t = np.linspace(0.0, 1.0, 401)
    bx = x1 + (x2 - x1) * (1.5 * t - 1.5 * t**2 + t**3)
    by = y1 + (y2 - y1) * (3 * t**2 - 2 * t**3)
    return float(np.interp(x, bx, by))


_MAX_DRAWN = 500      # nodes: far beyond a readable drawing; bounds the layout and drawing time


def _check_options(ax, show_local, digits, fontsize):
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"`ax` must be a matplotlib Axes or None, got {type(ax).__name__}")
    if not isinstance(show_local, (bool, np.bool_)):
        raise TypeError(f"`show_local` must be True or False, got {show_local!r:.60}")
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral) or not 1 <= digits <= 17:
        raise ValueError(f"`digits` must be an integer from 1 to 17, got {digits!r:.60}")
    size = check_real(fontsize, "fontsize")
    if not 2 <= size <= 72:
        raise ValueError(f"`fontsize` must be from 2 to 72 (points), got {size!r}")


def format_number(v, digits):
    """`v` to `digits` significant digits, with a typographic minus as in matplotlib's ticks.

    Examples
    --------
    >>> format_number(-0.5, 4), format_number(2 / 3, 3)
    ('\u22120.5', '0.667')
    """
    return f"{v:.{digits}g}".replace("-", "\u2212")


_fmt = format_number


def box_texts(nodes, names, state, digits):
    """The text of each node's box and its status, during a backward pass or after it.

    A box reads ``name = expression``, ``data ...``, ``grad ...``; while ``state`` (a step of
    :func:`calclib.autodiff.backward_steps`) is still adding into a node its grad reads
    ``g + ?`` ("partial"), before any contribution ``?`` ("unknown"). ``state=None``: after
    ``backward()``, every grad "known". Returns ``(texts, status)``, dicts keyed by node.
    """
    texts, status = {}, {}
    for n in nodes:
        expr = expression(n, names)
        title = f"{names[n]} = {expr}" if expr else names[n]
        if state is None:
            g, status[n] = _fmt(n.grad, digits), "known"
        elif n in state.complete:
            g, status[n] = _fmt(state.grads[n], digits), "known"
        elif n in state.grads:
            g, status[n] = _fmt(state.grads[n], digits) + " + ?", "partial"
        else:
            g, status[n] = "?", "unknown"
        texts[n] = f"{title}\ndata {_fmt(n.data, digits)}\ngrad {g}"
    return texts, status


def draw_graph(root, ax=None, *, step=None, steps=None, show_local=True, digits=4, fontsize=9,
               max_nodes=60):
    """Draw the computation graph of `root`, optionally during its backward pass.

    Parameters
    ----------
    root : Value
        The output node; its whole graph is drawn.
    ax : matplotlib.axes.Axes, optional
        Where to draw. Default: a new figure sized so that nothing overlaps
        (``result.figsize``, in inches). Boxes keep their size in points, so
        a given `ax` should be about that large.
    step : int, optional
        Show the backward pass after `step` local chain-rule steps
        (0 = only the seed ``root.grad = 1``; ``result.n_steps`` = done).
        Default None shows each node's current ``.grad``.
    steps : list of BackwardStep, optional
        ``list(backward_steps(root))``, computed once and reused when a
        slider redraws many steps.
    show_local : bool, optional
        Label each arrow with its local derivative d child / d parent.
    digits : int, optional
        Significant digits of the numbers shown.
    fontsize : float, optional
    max_nodes : int, optional
        Refuse larger graphs (a network's loss has thousands of nodes; a
        drawing is for teaching-sized graphs).

    Returns
    -------
    GraphDrawing
        The artists: ``boxes`` (node -> Text), ``arrows`` (one per edge),
        ``edge_labels``, ``caption``, and ``n_steps``.

    Notes
    -----
    Each box reads ``name = how it was computed`` (``x1w1 = x1 * w1``), then
    ``data`` and ``grad``. Unlabelled nodes are named n0, n1, ... in
    topological order (the names :func:`calclib.autodiff.graph_table` uses).
    In step mode a gradient not reached yet is ``?`` (grey dashed box), a
    partial sum still waiting for other uses of the node is ``g + ?``
    (dashed box), a final one is plain (solid box).

    For a slider, compute the steps once and keep the callback cheap::

        steps = list(backward_steps(o))
        interact(lambda k: draw_graph(o, step=k, steps=steps), k=(0, len(steps) - 1))

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from calclib.autodiff import Value
    >>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> d = draw_graph(y, step=1)
    >>> d.n_steps, len(d.boxes), len(d.arrows)
    (3, 4, 3)
    >>> print(d.texts[x])
    x
    data 2
    grad ?
    >>> plt.close(d.ax.figure)
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    if not isinstance(root, Value):
        raise TypeError(f"`root` must be a Value, got {type(root).__name__}")
    _check_options(ax, show_local, digits, fontsize)
    max_nodes = check_int(max_nodes, "max_nodes")
    if max_nodes > _MAX_DRAWN:
        raise ValueError(f"`max_nodes` must be at most {_MAX_DRAWN} (a drawing is for teaching-sized graphs; "
                         f"time), got {max_nodes}")
    graph = trace(root)
    nodes, edges = graph.nodes, graph.edges
    if len(nodes) > max_nodes:
        raise ValueError(f"this graph has {len(nodes)} nodes; draw_graph draws up to `max_nodes`={max_nodes} "
                         "(pass a larger max_nodes to draw it anyway)")
    names = node_names(nodes)
    n_steps = len(edges)
    state = None
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 0 <= step <= n_steps:
            raise ValueError(f"`step` must be an integer from 0 to {n_steps} (the number of edges), got {step!r}")
        if steps is None:
            for state in backward_steps(root):
                if state.index == step:
                    break
        else:
            if (not isinstance(steps, (list, tuple)) or len(steps) != n_steps + 1
                    or not all(isinstance(s, BackwardStep) for s in steps) or steps[0].node is not root):
                raise ValueError("`steps` must be list(backward_steps(root)) for this root")
            state = steps[step]

    # -- text of each box ----------------------------------------------------
    texts, status = box_texts(nodes, names, state, digits)

    msg = ""
    if state is not None and state.index == 0:
        msg = f"step 0 of {n_steps}: seed {names[root]}.grad = 1"
    elif state is not None:
        c, p = names[state.node], names[state.parent]
        msg = (f"step {state.index} of {n_steps}: {p}.grad += (d{c}/d{p}) · {c}.grad"
               f" = {_fmt(state.local, digits)} × {_fmt(state.grads[state.node], digits)}"
               f" = {_fmt(state.contribution, digits)}")

    # -- geometry (data units are inches when we make the figure) -------------
    layout = graph_layout(root)
    pos = layout.positions
    n_layers = 1 + max(p[0] for p in pos.values())
    per_layer = [0] * n_layers
    for L, _ in list(pos.values()) + [w for route in layout.routes for w in route]:
        per_layer[L] += 1
    n_rows = max(per_layer)
    char_w = 0.6 * fontsize / 72                   # monospace advance, inches
    line_h = 1.3 * fontsize / 72
    chars = [max(len(line) for n, p in pos.items() if p[0] == L for line in texts[n].splitlines())
             for L in range(n_layers)]
    box_w = [0.3 + char_w * c for c in chars]
    gap = 0.95 if show_local else 0.6
    col_x = np.concatenate([[0.0], np.cumsum([(box_w[L] + box_w[L + 1]) / 2 + gap for L in range(n_layers - 1)])])
    row_h = 3 * line_h + 0.5
    caption_h = 0.45 if state is not None else 0.1
    left, right = col_x[0] - box_w[0] / 2 - 0.15, col_x[-1] + box_w[-1] / 2 + 0.15
    width = max(right - left, 3.0, len(msg) * char_w * 1.02 + 0.4)
    figsize = (float(width), float(max(n_rows * row_h + caption_h, 1.5)))
    if ax is None:
        # positioned by hand: no layout engine, whatever rcParams say (constrained
        # layout would warn that the figure has no gridspec)
        fig = plt.figure(figsize=figsize, layout="none")
        ax = fig.add_axes((0, 0, 1, 1))
    xy = {n: (col_x[L], r * row_h) for n, (L, r) in pos.items()}
    routes = [[(col_x[L], r * row_h) for L, r in route] for route in layout.routes]
    x_mid = (left + right) / 2
    ax.set_xlim(x_mid - figsize[0] / 2, x_mid + figsize[0] / 2)
    y_bottom = -n_rows * row_h / 2
    ax.set_ylim(y_bottom, y_bottom + figsize[1])
    ax.set_axis_off()

    # -- boxes -----------------------------------------------------------------
    current = (state.node, state.parent) if state is not None and state.edge is not None else None
    boxes = {}
    for n in nodes:
        fill = ROOT_FILL if n is root else (OP_FILL if n._op else LEAF_FILL)
        edge_colour = UNKNOWN_EDGE if status[n] == "unknown" else EDGE_COLOR
        lw, ls = 1.0, "-" if status[n] == "known" else "--"
        if current is not None and n is current[1]:
            edge_colour, lw = HIGHLIGHT, 2.2
        # lines padded to the widest in the layer: boxes of a layer share their edges
        padded = "\n".join(line.ljust(chars[pos[n][0]]) for line in texts[n].splitlines())
        boxes[n] = ax.text(
            *xy[n], padded, ha="center", va="center", multialignment="left", family="monospace",
            fontsize=fontsize, color="black", zorder=3,
            bbox=dict(boxstyle="round,pad=0.45", fc=fill, ec=edge_colour, lw=lw, ls=ls),
        )

    # -- arrows: one per edge, from operand to result. An edge spanning several
    # layers runs through its way points (plain segments, kept in `tails`);
    # two edges between the same pair of boxes (x * x) curve apart.
    arrows, tails, labels = [], [], []
    spline = _spline_connection()
    multiplicity, seen = {}, {}
    for e in edges:
        multiplicity[(e.parent, e.child)] = multiplicity.get((e.parent, e.child), 0) + 1
    for i, e in enumerate(edges):
        key = (e.parent, e.child)
        k = seen[key] = seen.get(key, -1) + 1
        m = multiplicity[key]
        route = routes[i]
        rad = 0.0 if m == 1 or route else 0.35 * (k - (m - 1) / 2)
        hot = state is not None and state.edge == i
        style = dict(color=HIGHLIGHT if hot else EDGE_COLOR, lw=2.2 if hot else 1.0, zorder=4)
        points = [xy[e.parent]] + route + [xy[e.child]]
        segments = []
        for j, (p0, p1) in enumerate(zip(points, points[1:])):
            last = j == len(points) - 2
            segment = FancyArrowPatch(
                p0, p1, patchA=boxes[e.parent].get_bbox_patch() if j == 0 else None,
                patchB=boxes[e.child].get_bbox_patch() if last else None,
                arrowstyle="-|>" if last else "-", mutation_scale=12,
                connectionstyle=f"arc3,rad={rad}" if rad else spline, shrinkA=1 if j == 0 else 0,
                shrinkB=1 if last else 0, **style,
            )
            ax.add_patch(segment)
            segments.append(segment)
        arrows.append(segments[-1])
        tails.append(segments[:-1])
        if show_local:
            # the label sits mid-way along the visible part of the last segment
            (x0, y0), (x1, y1) = points[-2], points[-1]
            a = x0 + (box_w[pos[e.parent][0]] / 2 if not route else 0.0)
            b = x1 - box_w[pos[e.child][0]] / 2
            lx = (a + b) / 2
            if rad:     # on the arc: shifted sideways like the curve
                t = (lx - x0) / (x1 - x0)
                ly = y0 + t * (y1 - y0) - rad * (x1 - x0) * 0.5
                lx += rad * (y1 - y0) * 0.5
            else:
                ly = _spline_y((x0, y0), (x1, y1), lx)
            labels.append(ax.text(
                lx, ly, f"×{_fmt(e.local, digits)}", ha="center", va="center",
                fontsize=fontsize - 1, color=style["color"], zorder=5,
                bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.9),
            ))

    caption = None
    if msg:
        caption = ax.text(0.01, 0.99, msg, transform=ax.transAxes, ha="left", va="top", family="monospace",
                          fontsize=fontsize, color="black", zorder=6)
    return GraphDrawing(ax=ax, nodes=nodes, names=names, boxes=boxes, texts=texts, edges=edges,
                        arrows=arrows, tails=tails, edge_labels=labels, step=state, n_steps=n_steps,
                        caption=caption, figsize=figsize)
