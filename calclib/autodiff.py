"""Reverse-mode automatic differentiation: backpropagation on a computation graph.

Two engines share one design:

* :class:`Value` -- a scalar node with the API learners know from micrograd
  (``.data``, ``.grad``, ``.backward()``, ``+ - * / **``, ``relu()``,
  ``tanh()``, ``exp()``, ``log()``, ``sigmoid()``);
* :class:`Tensor` -- the same idea over numpy arrays (matmul, broadcasting,
  ``sum``/``mean``), fast enough to train a small network in the capstone.

How the graph is stored
-----------------------
Every node remembers the operation that made it (``_op``) and its parents.
A :class:`Value` stores each parent *together with its local derivative*,
``_parents = ((a, d out/d a), (b, d out/d b))``, computed in the forward
pass. Backpropagation is then the chain rule, applied node by node in reverse
topological order::

    parent.grad += local_derivative * node.grad

There are no per-node closures (micrograd keeps a ``_backward`` closure that
refers to its own output, so every node sits in a reference cycle that only
Python's cyclic garbage collector can free; that collector then dominates the
run time). Here a graph is freed by reference counting as soon as its root
goes out of scope, and the topological order is computed iteratively, so a
chain of 100,000 operations backpropagates without ``RecursionError``.

Calling ``backward()`` twice
----------------------------
``root.backward()`` first sets the gradient of *every node in root's graph* to
zero, then seeds ``root.grad = 1`` and propagates. Calling it twice therefore
gives the same gradients, never doubled ones (micrograd and PyTorch accumulate
instead, which silently doubles gradients when a learner forgets
``zero_grad()``). ``zero_grad()`` is still harmless. To combine the gradients
of two losses that share parameters, backpropagate their sum:
``(loss1 + loss2).backward()``.

Derivative rules (one line per primitive; ``out`` is the result)::

    a + b        d/da = 1              d/db = 1
    a - b        d/da = 1              d/db = -1
    a * b        d/da = b              d/db = a
    a / b        d/da = 1/b            d/db = -out/b
    a ** p       d/da = p * a**(p-1)   (p a number, not a Value)
    -a           d/da = -1
    relu(a)      d/da = 1 if a > 0 else 0
    tanh(a)      d/da = 1 - out**2
    exp(a)       d/da = out
    log(a)       d/da = 1/a            (a > 0)
    sigmoid(a)   d/da = out * (1 - out)

The :class:`Tensor` engine uses the same rules on arrays, written as
vector-Jacobian products in ``_TENSOR_VJPS`` (matmul adds ``g @ b.T`` and
``a.T @ g``; broadcasting is undone by summing over the broadcast axes).
"""
from __future__ import annotations

import gc
import math
import numbers
from collections import namedtuple
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_callable

__all__ = [
    "Value",
    "Tensor",
    "topological_order",
    "trace",
    "graph_table",
    "backward_steps",
    "BackwardStep",
    "Graph",
    "Edge",
    "grad",
    "value_and_grad",
    "check_grad",
    "GradCheck",
]


# ---------------------------------------------------------------------------
# 1. Value: a scalar node
# ---------------------------------------------------------------------------

def _check_exponent(p):
    if isinstance(p, (Value, Tensor)):
        raise TypeError(
            f"the exponent must be a number (int or float), not a {type(p).__name__}; "
            "for x ** y with y a variable write (y * x.log()).exp()"
        )
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"the exponent must be a number (int or float), got {type(p).__name__} {p!r:.60}")
    return p


@contextmanager
def _gc_paused():
    """Pause Python's cyclic garbage collector while building or walking a graph.

    Safe here because these graphs hold no reference cycles: reference
    counting frees every node as soon as it is unreachable, and the cyclic
    collector would find nothing. Without the pause, CPython runs full
    collections over the whole (growing) graph while it is being built,
    which costs several times the arithmetic itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Value:
    """A scalar in a computation graph: its value, its gradient, its parents.

    Parameters
    ----------
    data : float
        The number this node holds (stored as a Python ``float``).
    label : str, optional
        A name shown by :func:`graph_table` and :func:`calclib.graph.draw_graph`.

    Attributes
    ----------
    data : float
        The value computed in the forward pass.
    grad : float
        d(root)/d(this node) after ``root.backward()``; 0.0 before.
    label : str
        Name for listings and drawings (may be empty).

    Notes
    -----
    ``backward()`` resets every gradient in the graph to zero before it
    propagates, so calling it twice gives the same gradients (no accumulation
    across calls; see the module docstring). Within one backward pass a node
    used several times accumulates all its contributions.

    Examples
    --------
    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x          # x is used three times
    >>> y.backward()
    >>> y.data, x.grad             # dy/dx = 2x + 3
    (10.0, 7.0)
    >>> y.backward()               # again: same gradient, not doubled
    >>> x.grad
    7.0
    """

    __slots__ = ("data", "grad", "_parents", "_op", "label", "__weakref__")

    def __init__(self, data, _parents=(), _op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self._parents = _parents   # ((parent, local derivative), ...)
        self._op = _op             # the operation that made this node ("" for a leaf)
        self.label = label

    # -- arithmetic --------------------------------------------------------
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, ((self, 1.0), (other, 1.0)), "+")

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data - other.data, ((self, 1.0), (other, -1.0)), "-")

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, ((self, other.data), (other, self.data)), "*")

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        b = other.data
        if b == 0.0:
            raise ZeroDivisionError(f"division by zero: {self.data!r} / {b!r}")
        out = self.data / b
        return Value(out, ((self, 1.0 / b), (other, -out / b)), "/")

    def __pow__(self, p):
        p = _check_exponent(p)
        a = self.data
        if a < 0 and not float(p).is_integer():
            raise ValueError(f"a negative number to a non-integer power is not real: ({a!r}) ** {p!r}")
        if a == 0 and p < 0:
            raise ZeroDivisionError(f"0.0 cannot be raised to a negative power ({p!r})")
        if p == 0:
            local = 0.0
        elif a == 0 and p < 1:
            local = math.inf           # e.g. sqrt at 0: the slope is infinite
        else:
            local = p * a ** (p - 1)
        return Value(a ** p, ((self, float(local)),), f"**{p}")

    def __neg__(self):
        return Value(-self.data, ((self, -1.0),), "neg")

    # reflected forms: 2 * x, 1 + x, 1 - x, 10 / x
    def __radd__(self, other):
        return Value(other) + self

    def __rsub__(self, other):
        return Value(other) - self

    def __rmul__(self, other):
        return Value(other) * self

    def __rtruediv__(self, other):
        return Value(other) / self

    # -- functions ---------------------------------------------------------
    def relu(self):
        """max(0, x); its derivative is 1 for x > 0 and 0 otherwise (also at 0)."""
        a = self.data
        return Value(a if a > 0 else 0.0, ((self, 1.0 if a > 0 else 0.0),), "relu")

    def tanh(self):
        """Hyperbolic tangent; derivative 1 - tanh(x)**2."""
        t = math.tanh(self.data)
        return Value(t, ((self, 1.0 - t * t),), "tanh")

    def exp(self):
        """e**x; its derivative is itself. Raises ``OverflowError`` above about 709."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data!r}) is too large for a float64") from None
        return Value(e, ((self, e),), "exp")

    def log(self):
        """Natural logarithm of a positive number; derivative 1/x."""
        a = self.data
        if not a > 0:
            raise ValueError(f"log is defined only for positive numbers, got log({a!r})")
        return Value(math.log(a), ((self, 1.0 / a),), "log")

    def sigmoid(self):
        """1 / (1 + e**-x), computed without overflow; derivative s * (1 - s)."""
        a = self.data
        if a >= 0:
            s = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            s = e / (1.0 + e)
        return Value(s, ((self, s * (1.0 - s)),), "sigmoid")

    # -- backpropagation -----------------------------------------------------
    def backward(self):
        """Fill ``.grad`` of every node in this graph with d(self)/d(node).

        All gradients in the graph are first reset to zero, then
        ``self.grad = 1`` and the chain rule runs in reverse topological order:
        ``parent.grad += local_derivative * node.grad``. Calling ``backward()``
        twice therefore gives the same gradients.

        Examples
        --------
        >>> a, b = Value(3.0), Value(-2.0)
        >>> c = a * b + b.exp()
        >>> c.backward()
        >>> import numpy as np
        >>> np.allclose([a.grad, b.grad], [-2.0, 3.0 + np.exp(-2.0)])
        True
        """
        with _gc_paused():
            order = topological_order(self)
            for node in order:
                node.grad = 0.0
            self.grad = 1.0
            for node in reversed(order):
                g = node.grad
                for parent, local in node._parents:
                    parent.grad += local * g

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


# ---------------------------------------------------------------------------
# 2. The graph: order, listing, backward pass step by step
# ---------------------------------------------------------------------------

def _parent_nodes(node):
    if isinstance(node, Value):
        return [p for p, _ in node._parents]
    return list(node._parents)


def topological_order(root):
    """Every node of `root`'s graph, each after all of its parents.

    Iterative depth-first search (no recursion limit); leaves come first and
    `root` last. Nodes reached twice are listed once.

    Parameters
    ----------
    root : Value or Tensor

    Returns
    -------
    list

    Examples
    --------
    >>> x = Value(2.0, label="x")
    >>> y = x * x
    >>> z = y + x
    >>> [n.label or n._op for n in topological_order(z)]
    ['x', '*', '+']
    """
    if not isinstance(root, (Value, Tensor)):
        raise TypeError(f"`root` must be a Value or a Tensor, got {type(root).__name__}")
    order = []
    visited = {root}
    # Each entry: (node, index of the next parent to visit).
    # Value parents are (node, local) pairs; Tensor parents are nodes.
    pairs = isinstance(root, Value)
    stack = [(root, 0)]
    push, pop = stack.append, stack.pop
    while stack:
        node, i = pop()
        parents = node._parents
        while i < len(parents):
            parent = parents[i][0] if pairs else parents[i]
            i += 1
            if parent not in visited:
                visited.add(parent)
                push((node, i))
                node, i, parents = parent, 0, parent._parents
        order.append(node)
    return order


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
    edges = []
    for node in nodes:
        if isinstance(node, Value):
            edges.extend(Edge(p, node, local) for p, local in node._parents)
        else:
            edges.extend(Edge(p, node, None) for p in node._parents)
    return Graph(nodes, edges)


def _node_names(nodes):
    """A readable, unique name per node: its label, else n0, n1, ... by position."""
    names, used = {}, set()
    for i, node in enumerate(nodes):
        name = node.label or f"n{i}"
        if name in used:
            name = f"{name}#{i}"
        used.add(name)
        names[node] = name
    return names


def _expression(node, names):
    """How `node` was computed, with its parents' names: 'x1 * w1', 'tanh(n)'."""
    op = node._op
    ps = [names[p] for p in _parent_nodes(node)]
    if not op:
        return ""
    if op in ("+", "-", "*", "/", "@") and len(ps) == 2:
        return f"{ps[0]} {op} {ps[1]}"
    if op.startswith("**"):
        return f"{ps[0]} ** {op[2:]}"
    if op == "neg":
        return f"-{ps[0]}"
    return f"{op}({', '.join(ps)})"


def graph_table(root, digits=4):
    """A text table of `root`'s graph: one line per node, in topological order.

    Columns: name, how it was computed, data, grad, and for each parent the
    local derivative d node / d parent. Unlabelled nodes are named ``n0``,
    ``n1``, ... by position.

    Parameters
    ----------
    root : Value
    digits : int, optional
        Significant digits for the numbers.

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
    if not isinstance(root, Value):
        raise TypeError(f"`root` must be a Value, got {type(root).__name__}")
    nodes = topological_order(root)
    names = _node_names(nodes)
    rows = [("name", "computed as", "data", "grad", "local derivatives")]
    for node in nodes:
        locs = ", ".join(f"d/d{names[p]}={local:.{digits}g}" for p, local in node._parents)
        rows.append((names[node], _expression(node, names) or "(leaf)",
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

    Yields
    ------
    BackwardStep
        ``len(trace(root).edges) + 1`` steps in all.

    Notes
    -----
    Each snapshot copies the gradients, so walking a graph of N nodes and
    E edges costs O(N * E): meant for teaching-sized graphs.

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
    if not isinstance(root, Value):
        raise TypeError(f"`root` must be a Value, got {type(root).__name__}")
    order = topological_order(root)
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


# ---------------------------------------------------------------------------
# 3. grad, value_and_grad, check_grad
# ---------------------------------------------------------------------------

def _wrap(arg, position):
    """A float -> Value; an array -> object array of Values (same shape)."""
    arr = as_float_array(arg, name=f"argument {position}")
    if arr.ndim == 0:
        leaf = Value(float(arr))
        return leaf, [leaf], None
    leaves = [Value(v) for v in arr.ravel().tolist()]
    obj = np.empty(arr.shape, dtype=object)
    obj.ravel()[:] = leaves
    return obj, leaves, arr.shape


def _as_root(out, f):
    if isinstance(out, np.ndarray):
        if out.size != 1:
            raise TypeError(f"`f` must return a scalar, got an array of shape {out.shape}")
        out = out.item()
    if isinstance(out, Value):
        return out
    if isinstance(out, numbers.Real):      # does not depend on its inputs
        return Value(out)
    raise TypeError(f"`f` must return a Value (a scalar), got {type(out).__name__} {out!r:.60}")


def value_and_grad(f):
    """Like :func:`grad`, but the new function returns ``(f(*args), gradient)``.

    Examples
    --------
    >>> val, (dx, dy) = value_and_grad(lambda x, y: x * y + y)(2.0, 3.0)
    >>> val, dx, dy
    (9.0, 3.0, 3.0)
    """
    check_callable(f)

    def value_and_grad_f(*args):
        if not args:
            raise TypeError("call the gradient function with at least one argument")
        wrapped, all_leaves, shapes = [], [], []
        for i, arg in enumerate(args):
            w, leaves, shape = _wrap(arg, i)
            wrapped.append(w)
            all_leaves.append(leaves)
            shapes.append(shape)
        root = _as_root(f(*wrapped), f)
        root.backward()
        grads = []
        for leaves, shape in zip(all_leaves, shapes):
            if shape is None:
                grads.append(leaves[0].grad)
            else:
                grads.append(np.array([v.grad for v in leaves]).reshape(shape))
        return root.data, grads[0] if len(args) == 1 else tuple(grads)

    value_and_grad_f.__name__ = f"value_and_grad_{getattr(f, '__name__', 'f')}"
    value_and_grad_f.__doc__ = f"Value and gradient of {getattr(f, '__name__', 'f')}, by reverse-mode autodiff."
    return value_and_grad_f


def grad(f):
    """Return a function computing the gradient of the scalar function `f`.

    ``grad(f)(*args)`` wraps each argument in :class:`Value` nodes (a float
    becomes one Value, an array becomes an object array of Values of the
    same shape, so ``x[0]``, ``x @ A @ x`` and ``np.sum`` work inside `f`),
    calls `f`, backpropagates and returns plain floats.

    Parameters
    ----------
    f : callable
        A function of one or several arguments returning a scalar
        :class:`Value`, written with Value operations.

    Returns
    -------
    callable
        ``g(*args)``. With one argument it returns the gradient in that
        argument's shape (a float, or a float array); with several, a tuple
        of such gradients, one per argument.

    See Also
    --------
    value_and_grad, check_grad

    Examples
    --------
    >>> df = grad(lambda x, y: x * x * y + y.tanh())
    >>> import numpy as np
    >>> np.allclose(df(1.0, 2.0), (4.0, 1.0 + 1.0 - np.tanh(2.0) ** 2))
    True
    >>> g = grad(lambda x: (x[0] - 1) ** 2 + 10 * x[1] ** 2)
    >>> g(np.array([0.0, 1.0]))
    array([-2., 20.])
    """
    value_and_grad_f = value_and_grad(f)

    def grad_f(*args):
        return value_and_grad_f(*args)[1]

    grad_f.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    grad_f.__doc__ = f"Gradient of {getattr(f, '__name__', 'f')}, by reverse-mode autodiff."
    return grad_f


@dataclass
class GradCheck:
    """Result of :func:`check_grad`: analytic and numeric gradients side by side.

    Attributes
    ----------
    analytic, numeric : ndarray
        The autodiff gradient and the central-difference estimate.
    abs_error, rel_error : ndarray
        ``|analytic - numeric|`` and that divided by
        ``max(|analytic|, |numeric|)`` (0 where both are 0).
    max_rel_error, max_abs_error : float
        Their largest entries.
    ok : bool
        ``abs_error <= atol + rtol * max(|analytic|, |numeric|)`` everywhere.
    rtol, atol : float
        The tolerances used.
    h : ndarray
        The step used for each coordinate.
    """

    analytic: np.ndarray
    numeric: np.ndarray
    abs_error: np.ndarray
    rel_error: np.ndarray
    max_rel_error: float
    max_abs_error: float
    ok: bool
    rtol: float
    atol: float
    h: np.ndarray

    def report(self, digits=10):
        """One "analytic vs numeric" line per coordinate, then a verdict."""
        lines = []
        for idx in np.ndindex(self.analytic.shape):
            name = "x" + (f"[{', '.join(map(str, idx))}]" if idx else "")
            lines.append(
                f"{name}: analytic {self.analytic[idx]: .{digits}e}  numeric {self.numeric[idx]: .{digits}e}"
                f"  rel. error {self.rel_error[idx]:.1e}"
            )
        verdict = "OK" if self.ok else "MISMATCH"
        lines.append(f"max rel. error {self.max_rel_error:.1e} -> {verdict} "
                     f"(rtol={self.rtol:g}, atol={self.atol:g})")
        return "\n".join(lines)

    def __str__(self):
        return self.report()


def check_grad(f, x, *, h=None, order=2, rtol=1e-6, atol=1e-8, engine="value", verbose=False):
    """Compare the autodiff gradient of `f` at `x` with central differences.

    Parameters
    ----------
    f : callable
        Scalar function of one argument. With ``engine="value"`` it receives
        a :class:`Value` (scalar `x`) or an object array of Values (array `x`),
        as in :func:`grad`; with ``engine="tensor"`` it receives a
        :class:`Tensor` and must return a one-element Tensor.
    x : float or array_like
        Point of the check.
    h : float or array_like, optional
        Step per coordinate. Default ``eps**(1/3) * s_i`` for ``order=2``
        (about 6e-6 relative) and ``eps**(1/5) * s_i`` for ``order=4``
        (about 7e-4 relative), with the scale ``s_i = max(|x_i|, 1e-3)``
        (1 where ``x_i == 0``), the floor of
        :func:`calclib.differentiate.default_step`. Steps relative to ``|x|``
        stay inside domains such as ``log`` near 0.
    order : {2, 4}, optional
        2: the central difference ``(f(x+h) - f(x-h)) / 2h``, error O(h**2).
        4: the five-point central stencil
        ``(-f(x+2h) + 8f(x+h) - 8f(x-h) + f(x-2h)) / 12h``, error O(h**4),
        for checks to about 1e-12.
    rtol, atol : float, optional
        Coordinate i passes when ``|a_i - n_i| <= atol + rtol * max(|a_i|, |n_i|)``.
    engine : {"value", "tensor"}, optional
    verbose : bool, optional
        Print the "analytic vs numeric" report.

    Returns
    -------
    GradCheck
        With ``analytic``, ``numeric``, ``max_rel_error``, ``ok`` and
        ``report()``.

    Notes
    -----
    The central difference ``(f(x + h) - f(x - h)) / (2h)`` has error
    O(h**2) (truncation) plus O(eps / h) (rounding); with the default step
    both are near 1e-11 to 1e-10 for well-scaled smooth functions. The
    five-point stencil (``order=4``) has error O(h**4) + O(eps / h), about
    1e-13 with its default step.

    **Kinks.** At a kink, such as ``relu`` at 0 (or ``abs``), the function
    has no derivative; if ``x - h`` and ``x + h`` straddle a kink the
    central difference averages the two one-sided slopes and disagrees with
    the autodiff value (which uses one side, ``relu'(0) = 0``). A mismatch
    there is not a bug: move `x` away from the kink, or use a smaller step,
    before trusting a failed check on networks with ReLU.

    Examples
    --------
    >>> import numpy as np
    >>> res = check_grad(lambda v: (v[0] * v[1]).tanh() + v[0].exp() / v[1],
    ...                  np.array([0.3, 1.5]))
    >>> res.ok, res.max_rel_error < 1e-8
    (True, True)
    >>> bad = check_grad(lambda v: v.relu() * 3.0, 0.0)    # at the kink
    >>> bad.ok, float(bad.analytic), float(bad.numeric)
    (False, 0.0, 1.5)
    """
    check_callable(f)
    if engine not in ("value", "tensor"):
        raise ValueError(f'`engine` must be "value" or "tensor", got {engine!r}')
    x = as_float_array(x, name="x")
    if engine == "value":
        def analytic_of(point):
            return value_and_grad(f)(point)[1]

        def evaluate(point):
            return _as_root(f(_wrap(point, 0)[0]), f).data
    else:
        def analytic_of(point):
            t = Tensor(point.copy())
            out = f(t)
            if not isinstance(out, Tensor):
                raise TypeError(f"`f` must return a Tensor, got {type(out).__name__}")
            out.backward()
            return t.grad

        def evaluate(point):
            return Tensor._lift(f(Tensor(point))).item()

    if order not in (2, 4):
        raise ValueError(f"`order` must be 2 or 4, got {order!r}")
    analytic = np.asarray(analytic_of(x), dtype=float).reshape(x.shape)
    if h is None:
        # Relative to |x_i| (stays inside domains such as log near 0), with the same
        # floor as calclib.differentiate.default_step, so tiny nonzero x_i still get a
        # step that f can resolve; 1 at x_i = 0.
        scale = np.where(x == 0, 1.0, np.maximum(np.abs(x), 1e-3))
        step = scale * np.finfo(float).eps ** (1 / (order + 1))
    else:
        step = np.broadcast_to(as_float_array(h, name="h"), x.shape).astype(float)
        if not np.all((step > 0) & np.isfinite(step)):
            raise ValueError(f"`h` must be positive and finite, got {h!r}")

    def shifted(idx, k):
        point = x.copy()
        point[idx] += k * step[idx]
        return evaluate(point)

    numeric = np.empty(x.shape)
    for idx in np.ndindex(x.shape):
        hi = (x[idx] + step[idx]) - x[idx]        # the step actually taken
        if order == 2:
            numeric[idx] = (shifted(idx, 1) - shifted(idx, -1)) / (2 * hi)
        else:
            numeric[idx] = (8 * (shifted(idx, 1) - shifted(idx, -1))
                            - (shifted(idx, 2) - shifted(idx, -2))) / (12 * hi)
    abs_error = np.abs(analytic - numeric)
    scale = np.maximum(np.abs(analytic), np.abs(numeric))
    rel_error = np.divide(abs_error, scale, out=np.zeros_like(abs_error), where=scale > 0)
    result = GradCheck(
        analytic=analytic, numeric=numeric, abs_error=abs_error, rel_error=rel_error,
        max_rel_error=float(rel_error.max(initial=0.0)), max_abs_error=float(abs_error.max(initial=0.0)),
        ok=bool(np.all(abs_error <= atol + rtol * scale)), rtol=rtol, atol=atol, h=step,
    )
    if verbose:
        print(result.report())
    return result


# ---------------------------------------------------------------------------
# 4. Tensor: the same engine over numpy arrays
# ---------------------------------------------------------------------------

def _unbroadcast(g, shape):
    """Sum `g` over the axes that broadcasting added or stretched, back to `shape`."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g


def _swap(a):
    return np.swapaxes(a, -1, -2)


def _vjp_matmul(g, out, a, b):
    if a.ndim == 1 and b.ndim == 1:          # dot product
        return g * b, g * a
    if a.ndim == 1:                          # (k,) @ (..., k, n)
        return (b @ g[..., None])[..., 0], a[:, None] * g[..., None, :]
    if b.ndim == 1:                          # (..., m, k) @ (k,)
        return g[..., None] * b, (_swap(a) @ g[..., None])[..., 0]
    return g @ _swap(b), _swap(a) @ g


def _vjp_sum(g, out, a, b):
    axis, keepdims = out._aux
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return (np.broadcast_to(g, a.shape).copy(),)


def _vjp_mean(g, out, a, b):
    return (_vjp_sum(g, out, a, b)[0] * (out.data.size / a.size),)


# Vector-Jacobian products: given g = d root / d out, return d root / d parent
# for each parent (a, b are the parents' arrays, out the node). Broadcasting is
# undone afterwards by _unbroadcast.
_TENSOR_VJPS = {
    "+":       lambda g, out, a, b: (g, g),
    "-":       lambda g, out, a, b: (g, -g),
    "*":       lambda g, out, a, b: (g * b, g * a),
    "/":       lambda g, out, a, b: (g / b, -g * out.data / b),
    "neg":     lambda g, out, a, b: (-g,),
    "**":      lambda g, out, a, b: (g * (out._aux * a ** (out._aux - 1)),),
    "@":       _vjp_matmul,
    "relu":    lambda g, out, a, b: (g * (a > 0),),
    "tanh":    lambda g, out, a, b: (g * (1.0 - out.data * out.data),),
    "exp":     lambda g, out, a, b: (g * out.data,),
    "log":     lambda g, out, a, b: (g / a,),
    "sigmoid": lambda g, out, a, b: (g * (out.data * (1.0 - out.data)),),
    "sum":     _vjp_sum,
    "mean":    _vjp_mean,
}


class Tensor:
    """An array in a computation graph: the array engine for small networks.

    Parameters
    ----------
    data : array_like
        Converted to a float64 array.
    label : str, optional

    Attributes
    ----------
    data : ndarray
    grad : ndarray or None
        d(root)/d(this tensor), same shape as `data`, after
        ``root.backward()``; None before.

    Notes
    -----
    Operations: ``+ - * /`` with numpy broadcasting (and the reflected forms,
    including with numpy arrays on the left), ``**`` with a number, ``@``,
    unary minus, ``relu``, ``tanh``, ``exp``, ``log``, ``sigmoid``,
    ``sum(axis)`` and ``mean(axis)``. Each node stores its parents and the
    name of its operation; the backward rule for each operation is one line
    of the table ``_TENSOR_VJPS`` (no per-node closures, no reference cycles).
    The backward pass reads the parents' ``.data``, so do not change it
    between a forward and its ``backward()``.

    ``backward()`` resets the gradients of the graph, like :class:`Value`:
    calling it twice gives the same gradients.

    Examples
    --------
    >>> import numpy as np
    >>> W = Tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> b = Tensor([0.5, -0.5])                 # broadcast over rows
    >>> x = Tensor([[1.0, 1.0], [2.0, 0.0]])
    >>> loss = ((x @ W + b) ** 2).mean()
    >>> loss.backward()
    >>> b.grad.shape, np.allclose(b.grad, [3.5, 4.5])
    ((2,), True)
    """

    __slots__ = ("data", "grad", "_parents", "_op", "_aux", "label", "__weakref__")
    __array_ufunc__ = None     # ndarray + Tensor calls Tensor.__radd__

    def __init__(self, data, _parents=(), _op="", label="", _aux=None):
        if type(data) is not np.ndarray or data.dtype != np.float64:
            data = np.asarray(data, dtype=np.float64)
        self.data = data
        self.grad = None
        self._parents = _parents   # (parent, ...) ; rule: _TENSOR_VJPS[_op]
        self._op = _op
        self._aux = _aux           # exponent for **, (axis, keepdims) for sum/mean
        self.label = label

    @staticmethod
    def _lift(x):
        return x if isinstance(x, Tensor) else Tensor(x)

    @property
    def shape(self):
        """Shape of `data`."""
        return self.data.shape

    @property
    def ndim(self):
        """Number of dimensions of `data`."""
        return self.data.ndim

    def item(self):
        """The value of a one-element Tensor as a float."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element Tensor, got shape {self.data.shape}")
        return float(self.data.reshape(()))

    # -- arithmetic --------------------------------------------------------
    def __add__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        return Tensor(self.data + other.data, (self, other), "+")

    def __sub__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        return Tensor(self.data - other.data, (self, other), "-")

    def __mul__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        return Tensor(self.data * other.data, (self, other), "*")

    def __truediv__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        return Tensor(self.data / other.data, (self, other), "/")

    def __matmul__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        a, b = self.data, other.data
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul needs operands with at least 1 dimension, got shapes {a.shape} @ {b.shape}")
        inner = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if a.shape[-1] != inner:
            raise ValueError(
                f"matmul shape mismatch: {a.shape} @ {b.shape} "
                f"(inner dimensions {a.shape[-1]} and {inner} differ)"
            )
        return Tensor(a @ b, (self, other), "@")

    def __pow__(self, p):
        p = _check_exponent(p)
        a = self.data
        if not float(p).is_integer() and np.any(a < 0):
            raise ValueError(f"a negative number to a non-integer power is not real: entries < 0 in Tensor ** {p!r}")
        return Tensor(a ** p, (self,), "**", _aux=p)

    def __neg__(self):
        return Tensor(-self.data, (self,), "neg")

    def __radd__(self, other):
        return Tensor(other) + self

    def __rsub__(self, other):
        return Tensor(other) - self

    def __rmul__(self, other):
        return Tensor(other) * self

    def __rtruediv__(self, other):
        return Tensor(other) / self

    def __rmatmul__(self, other):
        return Tensor(other) @ self

    # -- functions ---------------------------------------------------------
    def relu(self):
        """Elementwise max(0, x); derivative 1 where x > 0, else 0."""
        return Tensor(np.maximum(self.data, 0.0), (self,), "relu")

    def tanh(self):
        """Elementwise hyperbolic tangent."""
        return Tensor(np.tanh(self.data), (self,), "tanh")

    def exp(self):
        """Elementwise e**x."""
        return Tensor(np.exp(self.data), (self,), "exp")

    def log(self):
        """Elementwise natural logarithm; every entry must be positive."""
        a = self.data
        if not np.all(a > 0):
            bad = float(a.ravel()[np.argmin(np.where(np.isnan(a), -np.inf, a))])
            raise ValueError(f"log is defined only for positive numbers, got an entry {bad!r}")
        return Tensor(np.log(a), (self,), "log")

    def sigmoid(self):
        """Elementwise 1 / (1 + e**-x), computed without overflow."""
        a = self.data
        e = np.exp(-np.abs(a))
        return Tensor(np.where(a >= 0, 1.0, e) / (1.0 + e), (self,), "sigmoid")

    def sum(self, axis=None, keepdims=False):
        """Sum over `axis` (all entries by default), like ``ndarray.sum``."""
        out = self.data.sum(axis=axis, keepdims=keepdims)
        return Tensor(out, (self,), "sum", _aux=(self._norm_axis(axis), keepdims))

    def mean(self, axis=None, keepdims=False):
        """Mean over `axis` (all entries by default), like ``ndarray.mean``."""
        out = self.data.mean(axis=axis, keepdims=keepdims)
        return Tensor(out, (self,), "mean", _aux=(self._norm_axis(axis), keepdims))

    def _norm_axis(self, axis):
        if axis is None:
            return None
        axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
        return tuple(sorted(int(ax) % self.data.ndim for ax in axes))

    # -- backpropagation -----------------------------------------------------
    def backward(self, gradient=None):
        """Fill ``.grad`` of every tensor in this graph with d(self)/d(tensor).

        Parameters
        ----------
        gradient : array_like, optional
            The seed d(loss)/d(self). Needed when `self` has more than one
            element (then the result is the vector-Jacobian product); default
            1 for a one-element tensor.

        Notes
        -----
        All gradients in the graph are reset first, so calling ``backward()``
        twice gives the same gradients.
        """
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() on a Tensor of shape {self.data.shape} needs a seed `gradient` of that "
                    "shape; for a loss, reduce it to one number first, e.g. t.sum().backward()"
                )
            seed = np.ones(self.data.shape)
        else:
            seed = np.array(gradient, dtype=float)
            if seed.shape != self.data.shape:
                raise ValueError(f"`gradient` must have the shape of the Tensor, {self.data.shape}, got {seed.shape}")
        order = topological_order(self)
        for node in order:
            node.grad = None
        self.grad = seed
        vjps = _TENSOR_VJPS
        for node in reversed(order):
            parents = node._parents
            if not parents:
                continue
            g = node.grad
            a = parents[0].data
            b = parents[1].data if len(parents) == 2 else None
            for parent, pg in zip(parents, vjps[node._op](g, node, a, b)):
                pg = _unbroadcast(pg, parent.data.shape)
                if parent.grad is None:
                    parent.grad = pg.copy() if pg is g else pg    # never share arrays
                else:
                    parent.grad = parent.grad + pg

    def __repr__(self):
        data = np.array2string(self.data, separator=", ", threshold=20)
        grad = "None" if self.grad is None else np.array2string(self.grad, separator=", ", threshold=20)
        label = f", label={self.label!r}" if self.label else ""
        return f"Tensor(data={data}, grad={grad}{label})"
