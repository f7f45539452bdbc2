"""The scalar engine: Value, the local derivative of each operation, backward.

Reverse-mode automatic differentiation on numbers, in the spirit of
micrograd's ``engine.py``. Each operation on :class:`Value` nodes makes a new
Value that keeps its parents *with the local derivative* d out / d parent
(from the table :data:`LOCAL_DERIVATIVES`); :meth:`Value.backward` visits the
graph in reverse topological order and applies the chain rule on each edge,
``parent.grad += local * node.grad``. No node keeps a closure (micrograd's
``_backward`` closures put every node in a reference cycle, which the slow
cyclic garbage collector must free), and the walk is iterative: a chain of
100,000 operations backpropagates.

``backward()`` first zeroes every gradient in the graph, so calling it twice
gives the same gradients (micrograd and PyTorch accumulate). To combine two
losses, backpropagate their sum.

A Value holds a finite float, and so does its gradient. An operation whose
result would not be finite raises and names itself, as Python does for
``1.0 / 0``: ``ZeroDivisionError``, ``OverflowError``, or ``ValueError``
outside a domain (``log`` of x <= 0); so does ``backward()`` when a gradient
would be infinite (the slope of ``x ** 0.5`` at 0). The array engine,
:mod:`calclib.autodiff.tensor`, shares the table, and
:mod:`calclib.autodiff.node` (the graph walk).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ._checks import exponent, ratio, real_number
from .node import Node, gc_paused, topological_order

__all__ = ["LOCAL_DERIVATIVES", "Value"]


def _power_rule(a, p):
    """p * a**(p - 1) on floats or arrays: 0 for p = 0, inf where the slope is
    infinite (at a = 0 for 0 < p < 1) or beyond float64. The callers silence
    numpy's divide and overflow warnings: here they mean an infinite slope."""
    return 0.0 * a if p == 0 else p * np.power(a, p - 1.0)


#: d out / d operand for each operation, from the operands ``a``, ``b`` and the
#: result ``out``. The arithmetic works on floats and on numpy arrays alike, so
#: both engines use this one table. Rules written with ``out`` reuse the forward
#: result (tanh' = 1 - out**2 costs a multiplication, not a tanh), as micrograd
#: and PyTorch do; :data:`calclib.rules.RULES` gives the same derivatives as
#: functions of x, and the tests check that the two agree.
LOCAL_DERIVATIVES = {
    "+":       lambda a, b, out: (1.0, 1.0),
    "-":       lambda a, b, out: (1.0, -1.0),
    "*":       lambda a, b, out: (b, a),
    "/":       lambda a, b, out: (ratio(1.0, b), ratio(-out, b)),     # ratio: p / q, inf past float64
    "neg":     lambda a, b, out: (-1.0,),
    "**":      lambda a, p, out: (_power_rule(a, p),),    # p is a number, not an operand
    "relu":    lambda a, b, out: (1.0 * (a > 0),),       # 0 at the kink, as in PyTorch
    "tanh":    lambda a, b, out: (1.0 - out * out,),
    "exp":     lambda a, b, out: (out,),
    "log":     lambda a, b, out: (ratio(1.0, a),),
    "sigmoid": lambda a, b, out: (out * (1.0 - out),),
}  # fmt: skip


def _operand(other):
    """`other` as a Value if it is a real number; None otherwise, so that the
    operator returns NotImplemented and Python tries ``other``'s reflected one."""
    if isinstance(other, numbers.Real):
        return Value(real_number(other, "other"))
    return None


def _not_finite(data, parents, op):
    """The error for a Value that would not be finite: bad input, or an overflow."""
    if not parents:
        return ValueError(f"`data` must be finite, got {data!r}")
    values = [repr(p.data) for p, _ in parents]
    operands = f" {op} ".join(values) if len(values) == 2 else f"{op}({values[0]})"
    return OverflowError(f"{operands} is beyond the largest float64 (about 1.8e308)")


class Value(Node):
    """A scalar in a computation graph: its value, its gradient, its parents.

    Parameters
    ----------
    data : float
        A finite real number, stored as a Python ``float``.
    label : str, optional
        A name for :func:`~calclib.autodiff.listing.graph_table` and drawings.

    Attributes
    ----------
    data : float
    grad : float
        d(root)/d(this node) after ``root.backward()``; 0.0 before.

    Notes
    -----
    Operations: ``+ - * /`` with Values or numbers on either side, ``**`` a
    number, unary minus, ``relu``, ``tanh``, ``exp``, ``log``, ``sigmoid``.

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
        if type(data) is not float:
            data = real_number(data, "data")
        if data - data:            # inf or nan
            raise _not_finite(data, _parents, _op)
        if type(label) is not str:
            raise TypeError(f"`label` must be a str, got {type(label).__name__}")
        self.data = data
        self.grad = 0.0
        self._parents = _parents   # ((parent, d self / d parent), ...)
        self._op = _op
        self.label = label

    def _made(self, op, out, other=None):
        """The node `out` = op(self[, other]), with its local derivatives from the table."""
        if other is None:
            (da,) = LOCAL_DERIVATIVES[op](self.data, None, out)
            return Value(out, ((self, da),), op)
        da, db = LOCAL_DERIVATIVES[op](self.data, other.data, out)
        return Value(out, ((self, da), (other, db)), op)

    # -- arithmetic: x + 1 and 1 + x alike; `other` is lifted to a Value -----------
    def __add__(self, other):
        other = other if isinstance(other, Value) else _operand(other)
        return NotImplemented if other is None else self._made("+", self.data + other.data, other)

    def __sub__(self, other):
        other = other if isinstance(other, Value) else _operand(other)
        return NotImplemented if other is None else self._made("-", self.data - other.data, other)

    def __mul__(self, other):
        other = other if isinstance(other, Value) else _operand(other)
        return NotImplemented if other is None else self._made("*", self.data * other.data, other)

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else _operand(other)
        if other is None:
            return NotImplemented
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero: {self.data!r} / 0.0")
        return self._made("/", self.data / other.data, other)

    __radd__ = __add__         # 1 + x is x + 1 (the same local derivatives)

    def __rsub__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else other - self

    __rmul__ = __mul__

    def __rtruediv__(self, other):
        other = _operand(other)
        return NotImplemented if other is None else other / self

    def __neg__(self):
        return self._made("neg", -self.data)

    def __pow__(self, p):
        """x ** p for a number p; local derivative p * x**(p - 1) (infinite at 0 for 0 < p < 1)."""
        p, a = exponent(p), self.data
        if a < 0 and not float(p).is_integer():
            raise ValueError(f"a negative number to a non-integer power is not real: ({a!r}) ** {p!r}")
        if a == 0 and p < 0:
            raise ZeroDivisionError(f"0.0 cannot be raised to a negative power ({p!r})")
        try:
            out = a ** p
        except OverflowError:
            raise OverflowError(f"({a!r}) ** {p!r} is beyond the largest float64 (about 1.8e308)") from None
        with np.errstate(divide="ignore", over="ignore"):
            (local,) = LOCAL_DERIVATIVES["**"](a, p, out)
        return Value(out, ((self, float(local)),), f"**{p}")

    # -- functions: forward values with math on floats (numpy's scalar functions cost
    # about 1 us each, 20 times more); tensor.py has the same functions on arrays ---
    def relu(self):
        """max(0, x); local derivative 1 for x > 0, else 0 (also at the kink)."""
        return self._made("relu", self.data if self.data > 0 else 0.0)

    def tanh(self):
        """Hyperbolic tangent; local derivative 1 - tanh(x)**2."""
        return self._made("tanh", math.tanh(self.data))

    def exp(self):
        """e**x; local derivative e**x. Raises ``OverflowError`` above about 709.78."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data!r}) is beyond the largest float64 (x > 709.78)") from None
        return self._made("exp", out)

    def log(self):
        """Natural logarithm of a positive number; local derivative 1/x."""
        if not self.data > 0:
            raise ValueError(f"log is defined only for positive numbers, got log({self.data!r})")
        return self._made("log", math.log(self.data))

    def sigmoid(self):
        """1 / (1 + e**-x), computed without overflow; local derivative s (1 - s)."""
        e = math.exp(-abs(self.data))          # <= 1, so no overflow
        return self._made("sigmoid", (1.0 if self.data >= 0 else e) / (1.0 + e))

    # -- backpropagation -----------------------------------------------------------
    def backward(self):
        """Fill ``.grad`` of every node in this graph with d(self)/d(node).

        Every gradient in the graph is first set to zero, then ``self.grad = 1``
        and the chain rule runs in reverse topological order. Raises
        ``ValueError`` if a gradient is not finite (an infinite slope, such as
        that of ``x ** 0.5`` at 0, or a gradient beyond float64).

        Examples
        --------
        >>> import numpy as np
        >>> a, b = Value(3.0), Value(-2.0)
        >>> c = a * b + b.exp()
        >>> c.backward()
        >>> np.allclose([a.grad, b.grad], [-2.0, 3.0 + np.exp(-2.0)])
        True
        """
        with gc_paused():
            order = topological_order(self)
            for node in order:
                node.grad = 0.0
            self.grad = 1.0
            for node in reversed(order):
                g = node.grad
                if g - g:              # inf or nan: undo, then say where
                    for n in order:
                        n.grad = 0.0
                    raise ValueError(f"backward: the gradient of {node.label or node._op or 'a leaf'} is {g!r}: "
                                     "an infinite slope (x ** p with p < 1 at 0) or beyond float64")
                for parent, local in node._parents:
                    parent.grad += local * g

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"
