"""The array engine: Tensor, the scalar engine's reverse mode over numpy arrays.

The design of :mod:`calclib.autodiff.engine`, with one node per array
operation instead of one per number: fast enough to train a small network on
a whole batch. Elementwise operations take their local derivatives from the
same table, :data:`~calclib.autodiff.engine.LOCAL_DERIVATIVES`; the backward
pass multiplies each by the incoming gradient (a vector-Jacobian product) and
sums it back over the axes that broadcasting stretched. The matrix product
and the reductions, which are not elementwise, have their own
vector-Jacobian products below (``_VJPS``).

Numbers, as for Value: a Tensor holds finite floats, and so does its
gradient. An operation whose result would not be finite raises and names
itself (``ZeroDivisionError``, ``OverflowError``, ``ValueError``), as does
``backward()`` when a gradient would be infinite or nan; no numpy warning is
ever printed.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._checks import exponent, real_array
from .engine import LOCAL_DERIVATIVES
from .node import Node, topological_order

__all__ = ["Tensor"]

# numpy's floating-point errors are raised, then translated into Python's.
_RAISE = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}


def _arithmetic_error(what, exc):
    """Python's error for numpy's FloatingPointError `exc`, naming the operation."""
    if "overflow" in str(exc):
        return OverflowError(f"{what}: an entry of the result is beyond the largest float64 (about 1.8e308)")
    if "divide" in str(exc):
        return ZeroDivisionError(f"{what}: division by zero")
    return ValueError(f"{what}: an entry of the result is not a number (nan)")


def _first(mask):
    """Index (a tuple) of the first True entry of `mask`."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))


def _divide(a, b):
    if not b.all():
        raise ZeroDivisionError(f"Tensor / Tensor: division by zero (the divisor is 0 at index {_first(b == 0)})")
    return a / b


def _log(a):
    if not (a > 0).all():
        bad = a[_first(~(a > 0))]
        raise ValueError(f"log is defined only for positive numbers, got an entry {float(bad)!r}")
    return np.log(a)


def _sigmoid(a):
    e = np.exp(-np.abs(a))                     # <= 1, so no overflow
    return np.where(a >= 0, 1.0, e) / (1.0 + e)


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
    return a.swapaxes(-1, -2)


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


#: Vector-Jacobian products of the operations that are not elementwise: given
#: g = d root / d out, return d root / d parent for each parent.
_VJPS = {"@": _vjp_matmul, "sum": _vjp_sum, "mean": _vjp_mean}


def _vjp(node, g, a, b):
    """d root / d parents of `node`, made from the arrays a (and b)."""
    op = node._op
    if op in _VJPS:
        return _VJPS[op](g, node, a, b)
    if op == "**":
        b = node._aux                        # the exponent
    # a local derivative of exactly 1 passes g on as it is (backward copies it before keeping it)
    return [g if type(local) is float and local == 1.0 else g * local
            for local in LOCAL_DERIVATIVES[op](a, b, node.data)]


def _lift(other):
    """The other operand of an arithmetic operation, as a Tensor."""
    if isinstance(other, Tensor):
        return other
    try:
        return Tensor(other)
    except (TypeError, ValueError) as exc:      # name what the caller wrote
        raise type(exc)(str(exc).replace("`data`", "`other`", 1)) from None


class Tensor(Node):
    """An array in a computation graph: the engine for small networks.

    Parameters
    ----------
    data : array_like
        Finite real numbers, stored as a float64 array.
    label : str, optional

    Attributes
    ----------
    data : ndarray
    grad : ndarray or None
        d(root)/d(this tensor), the shape of `data`, after ``root.backward()``;
        None before.

    Notes
    -----
    Operations: ``+ - * /`` with numpy broadcasting (numbers and arrays on
    either side), ``**`` a number, ``@``, unary minus, ``relu``, ``tanh``,
    ``exp``, ``log``, ``sigmoid``, ``sum(axis)`` and ``mean(axis)``. The
    backward pass reads the parents' ``.data``: do not change it between a
    forward pass and its ``backward()``, which resets the graph's gradients
    first (calling it twice gives the same gradients).

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
        if not _parents:
            data = real_array(data, "data")
        elif type(data) is not np.ndarray:
            data = np.asarray(data, dtype=np.float64)
        if type(label) is not str:
            raise TypeError(f"`label` must be a str, got {type(label).__name__}")
        self.data = data
        self.grad = None
        self._parents = _parents   # ((parent, None), ...): the rule is found from _op
        self._op = _op
        self._aux = _aux           # the exponent for **, (axes, keepdims) for sum and mean
        self.label = label

    def _apply(self, op, fn, other=None, aux=None, can_overflow=True):
        """The node fn(self.data[, other.data]) made by `op`; numpy's floating-point
        errors become Python's, naming the operation (checked only where an
        operation on finite numbers can overflow or divide by zero)."""
        if not can_overflow:
            return Tensor(fn(self.data), ((self, None),), op)
        try:
            with np.errstate(**_RAISE):
                out = fn(self.data) if other is None else fn(self.data, other.data)
        except FloatingPointError as exc:
            what = (f"Tensor {op} Tensor" if other is not None
                    else f"Tensor ** {aux!r}" if op == "**" else f"Tensor.{op}()")
            raise _arithmetic_error(what, exc) from None
        parents = ((self, None),) if other is None else ((self, None), (other, None))
        return Tensor(out, parents, op, _aux=aux)

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

    # -- arithmetic ------------------------------------------------------------
    def __add__(self, other):
        return self._apply("+", np.add, other if isinstance(other, Tensor) else _lift(other))

    def __radd__(self, other):
        return _lift(other)._apply("+", np.add, self)

    def __sub__(self, other):
        return self._apply("-", np.subtract, other if isinstance(other, Tensor) else _lift(other))

    def __rsub__(self, other):
        return _lift(other)._apply("-", np.subtract, self)

    def __mul__(self, other):
        return self._apply("*", np.multiply, other if isinstance(other, Tensor) else _lift(other))

    def __rmul__(self, other):
        return _lift(other)._apply("*", np.multiply, self)

    def __truediv__(self, other):
        return self._apply("/", _divide, _lift(other))

    def __rtruediv__(self, other):
        return _lift(other)._apply("/", _divide, self)

    def __matmul__(self, other):
        other = _lift(other)
        a, b = self.data, other.data
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(f"matmul needs operands with at least 1 dimension, got shapes {a.shape} @ {b.shape}")
        inner = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if a.shape[-1] != inner:
            raise ValueError(f"matmul shape mismatch: {a.shape} @ {b.shape} "
                             f"(inner dimensions {a.shape[-1]} and {inner} differ)")
        try:
            if a.ndim > 2 and b.ndim > 2:
                np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise ValueError(f"matmul shape mismatch: {a.shape} @ {b.shape} (the batch dimensions "
                             "do not broadcast)") from None
        return self._apply("@", np.matmul, other)

    def __rmatmul__(self, other):
        return _lift(other) @ self

    def __neg__(self):
        return self._apply("neg", np.negative, can_overflow=False)

    def __pow__(self, p):
        """Elementwise x ** p for a number p (the power rule: p * x**(p - 1))."""
        p, a = exponent(p), self.data
        if not float(p).is_integer() and (a < 0).any():
            raise ValueError(f"a negative number to a non-integer power is not real: entries < 0 in Tensor ** {p!r}")
        if p < 0 and not a.all():
            raise ZeroDivisionError(f"0.0 cannot be raised to a negative power ({p!r}): an entry of the Tensor is 0")
        return self._apply("**", lambda x: x ** p, aux=p)

    # -- functions -------------------------------------------------------------
    def relu(self):
        """Elementwise max(0, x); local derivative 1 where x > 0, else 0."""
        return self._apply("relu", lambda a: np.maximum(a, 0.0), can_overflow=False)

    def tanh(self):
        """Elementwise hyperbolic tangent."""
        return self._apply("tanh", np.tanh, can_overflow=False)

    def exp(self):
        """Elementwise e**x; raises ``OverflowError`` for an entry above about 709.78."""
        return self._apply("exp", np.exp)

    def log(self):
        """Elementwise natural logarithm; every entry must be positive."""
        return self._apply("log", _log)

    def sigmoid(self):
        """Elementwise 1 / (1 + e**-x), computed without overflow.

        (Not :func:`calclib.functions.sigmoid`, which computes
        ``(1 + tanh(x/2)) / 2`` and so rounds to 0 below about -37.)
        """
        return self._apply("sigmoid", _sigmoid, can_overflow=False)

    def sum(self, axis=None, keepdims=False):
        """Sum over `axis` (all entries by default), like ``ndarray.sum``."""
        axes, keepdims = self._axes(axis, keepdims)
        return self._apply("sum", lambda a: a.sum(axis=axes, keepdims=keepdims), aux=(axes, keepdims))

    def mean(self, axis=None, keepdims=False):
        """Mean over `axis` (all entries by default), like ``ndarray.mean``."""
        axes, keepdims = self._axes(axis, keepdims)
        if self.data.size == 0 and (axes is None or 0 in [self.data.shape[i] for i in axes]):
            raise ValueError("Tensor.mean(): the mean of no entries is undefined (the Tensor is empty, or an "
                             "`axis` it averages over has length 0)")
        return self._apply("mean", lambda a: a.mean(axis=axes, keepdims=keepdims), aux=(axes, keepdims))

    def _axes(self, axis, keepdims):
        """(`axis` as a sorted tuple of axes or None, `keepdims`), checked."""
        if not isinstance(keepdims, (bool, np.bool_)):
            raise TypeError(f"`keepdims` must be True or False, got {keepdims!r:.60}")
        if axis is None:
            return None, bool(keepdims)
        axes = (axis,) if isinstance(axis, numbers.Integral) else axis
        if not isinstance(axes, (tuple, list)) or not all(
                isinstance(ax, numbers.Integral) and not isinstance(ax, bool) for ax in axes):
            raise TypeError(f"`axis` must be None, an int or a tuple of ints, got {axis!r:.60}")
        nd = self.data.ndim
        if not all(-nd <= ax < nd for ax in axes):
            raise ValueError(f"`axis` {axis!r} is out of range for a Tensor of {nd} dimension(s)")
        normal = sorted(int(ax) % nd for ax in axes)
        if len(set(normal)) != len(normal):
            raise ValueError(f"`axis` {axis!r} names an axis twice")
        return tuple(normal), bool(keepdims)

    # -- backpropagation -------------------------------------------------------
    def backward(self, gradient=None):
        """Fill ``.grad`` of every tensor in this graph with d(self)/d(tensor).

        Parameters
        ----------
        gradient : array_like, optional
            The seed d(loss)/d(self), finite and of the shape of `self`. Needed
            when `self` has more than one element (then the result is the
            vector-Jacobian product); default 1 for a one-element tensor.

        Notes
        -----
        All gradients in the graph are reset first, so calling ``backward()``
        twice gives the same gradients. Raises ``ValueError`` if a gradient
        would not be finite (an infinite slope, such as that of ``x ** 0.5``
        at 0) and ``OverflowError`` if it would be beyond float64.

        Examples
        --------
        >>> import numpy as np
        >>> x = Tensor([1.0, 2.0])
        >>> (x * x).backward(gradient=[1.0, 0.5])
        >>> np.allclose(x.grad, [2.0, 2.0])
        True
        """
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() on a Tensor of shape {self.data.shape} needs a seed `gradient` of that "
                    "shape; for a loss, reduce it to one number first, e.g. t.sum().backward()"
                )
            seed = np.ones(self.data.shape)
        else:
            seed = np.array(real_array(gradient, "gradient"))
            if seed.shape != self.data.shape:
                raise ValueError(f"`gradient` must have the shape of the Tensor, {self.data.shape}, got {seed.shape}")
        order = topological_order(self)
        for node in order:
            node.grad = None
        self.grad = seed
        try:
            with np.errstate(**_RAISE):
                for node in reversed(order):
                    parents = node._parents
                    if not parents:
                        continue
                    a = parents[0][0].data
                    b = parents[1][0].data if len(parents) == 2 else None
                    g = node.grad
                    for (parent, _), pg in zip(parents, _vjp(node, g, a, b)):
                        pg = _unbroadcast(pg, parent.data.shape)
                        if parent.grad is None:
                            parent.grad = pg.copy() if pg is g else pg    # never share arrays
                        else:
                            parent.grad = parent.grad + pg
        except FloatingPointError as exc:
            for n in order:
                n.grad = None
            what = f"backward through {node._op!r}"
            if "divide" in str(exc):
                raise ValueError(f"{what}: a gradient is infinite (an infinite slope: x ** p with p < 1 "
                                 "at 0)") from None
            raise _arithmetic_error(what, exc) from None

    def __repr__(self):
        data = np.array2string(self.data, separator=", ", threshold=20)
        grad = (np.array2string(self.grad, separator=", ", threshold=20) if isinstance(self.grad, np.ndarray)
                else repr(self.grad))
        label = f", label={self.label!r}" if self.label else ""
        return f"Tensor(data={data}, grad={grad}{label})"
