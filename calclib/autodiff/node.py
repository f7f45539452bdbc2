"""What both engines share: the graph node and the walk over a graph.

A graph is made of :class:`Node` objects (a :class:`~calclib.autodiff.engine.Value`
or a :class:`~calclib.autodiff.tensor.Tensor`), each holding its parents;
:func:`topological_order` lists them so that every node comes after its
parents, the order backpropagation walks backwards.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

__all__ = ["Node", "topological_order", "gc_paused"]


class Node:
    """What every node of a graph has: its parents, its operation, a label.

    ``_parents`` is a tuple of ``(parent, local)`` pairs, ``local`` being
    d node / d parent: a float for a :class:`Value`, None for a Tensor (which
    computes vector-Jacobian products in its backward pass). ``_op`` names the
    operation that made the node. A bare ``Node()`` is a leaf with no data.

    Examples
    --------
    >>> from calclib.autodiff import Tensor, Value
    >>> isinstance(Value(1.0), Node), isinstance(Tensor([1.0]), Node)
    (True, True)
    >>> Node()._parents, Node()._op
    ((), '')
    """

    __slots__ = ()         # Value and Tensor declare the slots, these are the defaults
    _parents = ()
    _op = ""
    label = ""


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building or walking a graph.

    Safe: these graphs hold no cycles, reference counting frees them. Without
    the pause, collections over the growing graph cost more than the arithmetic.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def topological_order(root):
    """Every node of `root`'s graph (Value or Tensor), each after its parents.

    An iterative depth-first search (no recursion limit): leaves come first,
    `root` last, and a node reached twice is listed once.

    Examples
    --------
    >>> from calclib.autodiff import Value
    >>> x = Value(2.0, label="x")
    >>> z = x * x + x
    >>> [n.label or n._op for n in topological_order(z)]
    ['x', '*', '+']
    """
    if not isinstance(root, Node):
        raise TypeError(f"`root` must be a Value or a Tensor, got {type(root).__name__}")
    order, visited = [], {root}
    stack = [(root, 0)]            # (node, index of the next parent to visit)
    while stack:
        node, i = stack.pop()
        parents = node._parents
        while i < len(parents):
            parent = parents[i][0]
            i += 1
            if parent not in visited:
                visited.add(parent)
                stack.append((node, i))
                node, i, parents = parent, 0, parent._parents
        order.append(node)
    return order
