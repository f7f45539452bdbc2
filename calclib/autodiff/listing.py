"""Looking at a graph: its nodes and edges, a table, the backward pass step by step.

:func:`trace` lists a graph's nodes and edges (micrograd's ``trace``),
:func:`graph_table` prints one line per node with its value, gradient and
local derivatives, and :func:`backward_steps` replays ``backward()`` one
chain-rule step at a time, for a slider (:func:`calclib.graph.draw_graph`
draws the same steps).
"""
from __future__ import annotations

import numbers
from collections import namedtuple

from .engine import Value
from .node import Node, topological_order

__all__ = ["trace", "graph_table", "backward_steps", "node_names", "expression", "Graph", "Edge", "BackwardStep"]

# Bound on the snapshots of backward_steps (each copies every gradient reached).
_MAX_STEP_EDGES = 2_000

Edge = namedtuple("Edge", "parent child local")
Edge.__doc__ = """One edge of a graph: `child` was computed from `parent`; `local` is
d child / d parent (a float for Value graphs, None for Tensor graphs)."""

Graph = namedtuple("Graph", "nodes edges")
Graph.__doc__ = """Nodes in topological order and the edges between them."""


def trace(root):
    """List the nodes and edges of `root`'s graph (micrograd's ``trace``).

    Parameters
    ----------
    root : Value or Tensor

    Returns
    -------
    Graph
        ``nodes`` in topological order (root last) and ``edges``, a list of
        ``Edge(parent, child, local)``; an operand used twice (``x * x``)
        gives two edges.

    Examples
    --------
    >>> x = Value(3.0)
    >>> g = trace(x * x + 1)
    >>> len(g.nodes), len(g.edges)
    (4, 4)
    >>> [e.local for e in g.edges if e.child._op == "*"]
    [3.0, 3.0]
    """
    nodes = topological_order(root)
    edges = [Edge(parent, node, local) for node in nodes for parent, local in node._parents]
    return Graph(nodes, edges)


def node_names(nodes):
    """A readable, unique name per node: its label, else n0, n1, ... by position.

    Examples
    --------
    >>> x = Value(2.0, label="x")
    >>> list(node_names(trace(x * x).nodes).values())
    ['x', 'n1']
    """
    if isinstance(nodes, Node) or not isinstance(nodes, (list, tuple)) or not all(
            isinstance(node, Node) for node in nodes):
        raise TypeError(f"`nodes` must be a list of Values or Tensors (trace(root).nodes), got {nodes!r:.60}")
    names, used = {}, set()
    for i, node in enumerate(nodes):
        name = node.label or f"n{i}"
        if name in used:
            name = f"{name}#{i}"
        used.add(name)
        names[node] = name
    return names


def expression(node, names):
    """How `node` was computed, with its parents' names: 'x1 * w1', 'tanh(n)'; '' for a leaf.

    Examples
    --------
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> names = node_names(trace(y).nodes)
    >>> expression(y, names), expression(x, names)
    ('tanh(n1)', '')
    """
    if not isinstance(node, Node):
        raise TypeError(f"`node` must be a Value or a Tensor, got {type(node).__name__}")
    if not isinstance(names, dict) or not all(p in names for p, _ in node._parents):
        raise ValueError("`names` must be node_names(...) of a graph holding `node` and its parents")
    op = node._op
    ps = [names[p] for p, _ in node._parents]
    if not op:
        return ""
    if op in ("+", "-", "*", "/", "@") and len(ps) == 2:
        return f"{ps[0]} {op} {ps[1]}"
    if op.startswith("**"):
        return f"{ps[0]} ** {op[2:] or node._aux}"
    if op == "neg":
        return f"-{ps[0]}"
    return f"{op}({', '.join(ps)})"


def _check_value_root(root):
    if not isinstance(root, Value):
        raise TypeError(f"`root` must be a Value, got {type(root).__name__}")


def graph_table(root, digits=4):
    """A text table of `root`'s graph: one line per node, in topological order.

    Columns: name, how it was computed, data, grad, and for each parent the
    local derivative d node / d parent. Unlabelled nodes are named ``n0``,
    ``n1``, ... by position.

    Parameters
    ----------
    root : Value
    digits : int, optional
        Significant digits for the numbers, 1 to 17.

    Returns
    -------
    str

    Examples
    --------
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> y.label = "y"
    >>> y.backward()
    >>> print(graph_table(y))
    name  computed as  data    grad      local derivatives
    x     (leaf)       2       0.005364
    n1    x * x        4       0.001341  d/dx=2, d/dx=2
    y     tanh(n1)     0.9993  1         d/dn1=0.001341
    """
    _check_value_root(root)
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral) or not 1 <= digits <= 17:
        raise ValueError(f"`digits` must be an integer from 1 to 17, got {digits!r:.60}")
    nodes = topological_order(root)
    names = node_names(nodes)
    rows = [("name", "computed as", "data", "grad", "local derivatives")]
    for node in nodes:
        locs = ", ".join(f"d/d{names[p]}={local:.{digits}g}" for p, local in node._parents)
        rows.append((names[node], expression(node, names) or "(leaf)",
                     f"{node.data:.{digits}g}", f"{node.grad:.{digits}g}", locs))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    lines = ["  ".join(r[c].ljust(widths[c]) for c in range(4)) + "  " + r[4] for r in rows]
    return "\n".join(line.rstrip() for line in lines)


BackwardStep = namedtuple(
    "BackwardStep", "index node parent local contribution grads complete edge"
)
BackwardStep.__doc__ = """The state of a backward pass after one local chain-rule step.

index : int
    0 for the seed (``root.grad = 1``), then 1, 2, ... one per edge.
node, parent : Value
    Step k applies ``parent.grad += local * node.grad`` (``parent`` is None
    at step 0, where ``node`` is the root).
local : float or None
    The local derivative d node / d parent.
contribution : float
    ``local * node.grad``, what this step added (1.0 at step 0).
grads : dict
    Gradient so far of every node reached up to this step (node -> float);
    nodes not yet reached are absent.
complete : frozenset
    Nodes whose gradient is final: every use of them has been accounted for.
edge : int or None
    Position in ``trace(root).edges`` of the edge this step used (None at
    step 0); tells apart the two edges of ``x * x``.
"""


def backward_steps(root):
    """Walk the backward pass of `root` one local chain-rule step at a time.

    Step 0 seeds ``root.grad = 1``; each further step takes one edge, in the
    order ``backward()`` uses, and adds ``local * node.grad`` to its parent.
    The nodes' own ``.grad`` attributes are not touched: each step carries a
    snapshot, so a slider can show any step. After the last step the
    gradients equal those of ``root.backward()``.

    Parameters
    ----------
    root : Value
        The output of a teaching-sized graph: at most 2,000 edges.

    Yields
    ------
    BackwardStep
        ``len(trace(root).edges) + 1`` steps in all.

    Notes
    -----
    Each snapshot copies the gradients, so walking a graph of N nodes and
    E edges costs O(N * E) time and, if the steps are kept, memory; hence
    the bound on E.

    Examples
    --------
    >>> x = Value(3.0, label="x")
    >>> y = x * x                      # x used twice: two edges
    >>> steps = list(backward_steps(y))
    >>> [(s.index, s.contribution) for s in steps]
    [(0, 1.0), (1, 3.0), (2, 3.0)]
    >>> steps[1].grads[x], x in steps[1].complete   # half of dy/dx so far
    (3.0, False)
    >>> steps[2].grads[x], x in steps[2].complete
    (6.0, True)
    """
    _check_value_root(root)
    order = topological_order(root)
    n_edges = sum(len(node._parents) for node in order)
    if n_edges > _MAX_STEP_EDGES:
        raise ValueError(f"`root`'s graph has {n_edges} edges; backward_steps walks at most {_MAX_STEP_EDGES} "
                         "(each step copies every gradient: meant for teaching-sized graphs)")
    return _steps(root, order)


def _steps(root, order):
    pending = {node: 0 for node in order}      # uses not yet accounted for
    first_edge, count = {}, 0                  # where each node's edges start in trace()
    for node in order:
        first_edge[node] = count
        count += len(node._parents)
        for parent, _ in node._parents:
            pending[parent] += 1
    grads = {root: 1.0}
    complete = {root}
    yield BackwardStep(0, root, None, None, 1.0, dict(grads), frozenset(complete), None)
    index = 0
    for node in reversed(order):
        g = grads[node]
        for j, (parent, local) in enumerate(node._parents):
            index += 1
            contribution = local * g
            grads[parent] = grads.get(parent, 0.0) + contribution
            pending[parent] -= 1
            if pending[parent] == 0:
                complete.add(parent)
            yield BackwardStep(index, node, parent, local, contribution,
                               dict(grads), frozenset(complete), first_edge[node] + j)
