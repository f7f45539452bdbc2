"""Derivative rules as code: forward-mode dual numbers.

A dual number ``Dual(value, deriv)`` carries a value together with its
derivative. Every operation applies one derivative rule to both parts, so
running ordinary code on ``Dual(x, 1.0)`` gives the exact derivative of that
code at ``x`` (no step size, no truncation error). The rules are those of the
chapter "Derivatives of simple operations":

* the primitives in :data:`RULES` (one line each: the function, its
  derivative, and the formula in words), applied with the chain rule;
* the operator rules in :data:`OPERATOR_RULES` (sum, product, quotient,
  powers), implemented by the arithmetic methods of :class:`Dual`.

The elementary functions (:func:`sin`, :func:`exp`, ...) accept finite floats,
numpy arrays and ``Dual`` numbers whose parts may be arrays. Outside a
function's domain (``log(-1)``), where a result overflows (``exp(1000)``) and
where a derivative is not finite (``sqrt`` at 0, ``1 / x`` at 0) they raise
``ValueError``; :func:`dual_derivative` names `f` and the point.

>>> import numpy as np
>>> from calclib.rules import Dual, sin
>>> y = sin(Dual(0.0, 1.0)) * 3 + 1
>>> bool(y.value == 1.0), bool(y.deriv == 3.0)
(True, True)
"""
from __future__ import annotations

import numbers
from typing import Callable, NamedTuple

import numpy as np

from ._validation import _point_text, as_float_array, as_real_output, check_callable, quiet_numpy
from .functions import relu as _relu
from .functions import sigmoid as _sigmoid  # overflow-free form, on floats and arrays

__all__ = [
    "Dual",
    "Rule",
    "RULES",
    "OPERATOR_RULES",
    "rules_table",
    "sin",
    "cos",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "sqrt",
    "dual_derivative",
    "dual_partials",
]


class Rule(NamedTuple):
    """One derivative rule; unpack it as ``function, derivative, formula = RULES["sin"]``."""

    function: Callable  # the function, on floats and arrays
    derivative: Callable  # its derivative, on floats and arrays
    formula: str  # the rule in words


#: The primitives: name -> Rule(function, derivative, formula).
#: (sigmoid's derivative is written s(x) s(-x), equal to s(x) (1 - s(x)) but accurate in both tails.)
RULES = {
    "sin":     Rule(np.sin,   np.cos,                                  "d/dx sin(x) = cos(x)"),
    "cos":     Rule(np.cos,   lambda x: -np.sin(x),                    "d/dx cos(x) = -sin(x)"),
    "exp":     Rule(np.exp,   np.exp,                                  "d/dx exp(x) = exp(x)"),
    "log":     Rule(np.log,   lambda x: 1.0 / x,                       "d/dx log(x) = 1/x"),
    "sqrt":    Rule(np.sqrt,  lambda x: 0.5 / np.sqrt(x),              "d/dx sqrt(x) = 1/(2 sqrt(x))"),
    "tanh":    Rule(np.tanh,  lambda x: 1.0 - np.tanh(x) ** 2,         "d/dx tanh(x) = 1 - tanh(x)^2"),
    "sigmoid": Rule(_sigmoid, lambda x: _sigmoid(x) * _sigmoid(-x),    "d/dx sigmoid(x) = sigmoid(x) (1 - sigmoid(x))"),
    "relu":    Rule(_relu,    lambda x: np.where(x > 0, 1.0, 0.0),     "d/dx relu(x) = 1 if x > 0 else 0 (we take 0 at x = 0)"),
}  # fmt: skip

#: The rules that combine derivatives, as implemented by :class:`Dual` (u, v are functions of x, a and n constants).
OPERATOR_RULES = {
    "sum":         "(u + v)' = u' + v'",
    "difference":  "(u - v)' = u' - v'",
    "constant":    "(a u)' = a u'",
    "product":     "(u v)' = u' v + u v'",
    "quotient":    "(u / v)' = (u' v - u v') / v^2",
    "power":       "(u^n)' = n u^(n-1) u'",
    "exponential": "(a^u)' = a^u log(a) u'",
    "general power": "(u^v)' = u^v (v' log(u) + v u' / u)",
    "chain":       "f(u)' = f'(u) u'",
}  # fmt: skip


def rules_table():
    """The derivative rules as a printable table.

    Returns
    -------
    str
        One line per rule: the primitives of :data:`RULES`, then the
        operator rules of :data:`OPERATOR_RULES`.

    Examples
    --------
    >>> from calclib.rules import rules_table
    >>> print(rules_table().splitlines()[1])
      sin            d/dx sin(x) = cos(x)
    """
    lines = ["Primitives:"]
    lines += [f"  {name:<14} {rule.formula}" for name, rule in RULES.items()]
    lines.append("Combining rules:")
    lines += [f"  {name:<14} {formula}" for name, formula in OPERATOR_RULES.items()]
    return "\n".join(lines)


def _number(v):
    """A float, or a float array for array input."""
    v = np.asarray(v, dtype=float)
    return v.item() if v.ndim == 0 else v


def _is_constant(other):
    return isinstance(other, (numbers.Real, np.ndarray, np.number)) and not isinstance(other, (bool, np.bool_))


class _DomainError(ValueError):
    """A derivative rule applied where the function or its derivative is not finite."""


def _make(value, deriv, rule):
    """The Dual (value, deriv) computed by `rule`, refusing non-finite parts.

    Operations run with numpy's warnings off (``quiet_numpy``), so a division
    by zero or an overflow shows up here as inf or nan and becomes one error
    that names the rule.
    """
    value, deriv = _number(value), _number(deriv)
    if not (np.all(np.isfinite(value)) and np.all(np.isfinite(deriv))):
        raise _DomainError(f"{rule} overflows float64 or is undefined here (value {_point_text(value, 6, 40)}, "
                           f"derivative {_point_text(deriv, 6, 40)})")
    out = object.__new__(Dual)
    out.value, out.deriv = value, deriv
    return out


class Dual:
    """A dual number ``value + deriv * eps`` with ``eps**2 = 0``.

    Arithmetic on duals applies the derivative rules: if ``u`` carries
    ``(u(x), u'(x))`` and ``v`` carries ``(v(x), v'(x))`` then ``u * v``
    carries ``(u v, u' v + u v')``, and so on for ``+ - * / **``. Numbers
    and arrays mixed in are constants (derivative 0).

    Parameters
    ----------
    value : float or array_like
        The value ``u(x)``, finite.
    deriv : float or array_like, optional
        The derivative ``u'(x)``, finite. Default 0 (a constant). Use 1 to
        start differentiating with respect to this variable.

    Notes
    -----
    Forward-mode automatic differentiation: exact to rounding, one pass per
    input variable. Comparisons (``<``, ``>``, ...) compare values, so code
    with ``if`` statements works (each branch is differentiated). numpy's
    ``sin, cos, exp, log, sqrt, tanh`` apply the same rules to duals; other
    numpy functions raise ``TypeError`` (use :func:`sigmoid`, :func:`relu`).
    Both parts always hold finite numbers: an operation whose result or
    derivative is not finite (``log(-1)``, ``sqrt(0)``, ``1 / 0``, an
    overflow) raises ``ValueError`` naming the rule.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import Dual
    >>> x = Dual(3.0, 1.0)
    >>> y = x**2 + 2 * x          # y' = 2x + 2
    >>> (y.value, y.deriv)
    (15.0, 8.0)
    >>> z = 1 / x                 # quotient rule: -1/x^2
    >>> np.allclose(z.deriv, -1 / 9)
    True
    >>> w = Dual(np.array([1.0, 2.0]), 1.0) ** 3   # arrays work elementwise
    >>> np.allclose(w.deriv, [3.0, 12.0])
    True
    """

    __slots__ = ("value", "deriv")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy functions on duals: ``np.sin(u)`` applies the rule for sin, and
        ``array * u`` is handed to ``u.__rmul__``; other ufuncs are refused."""
        if method == "__call__" and not kwargs:
            if ufunc in _UFUNC_RULES and len(inputs) == 1:
                return _apply(_UFUNC_RULES[ufunc], inputs[0])
            if ufunc in _UFUNC_OPERATORS and len(inputs) == 2:
                name = _UFUNC_OPERATORS[ufunc]
                a, b = inputs
                return getattr(a, f"__{name}__")(b) if isinstance(a, Dual) else getattr(b, f"__r{name}__")(a)
            if ufunc is np.negative:
                return -inputs[0]
        raise TypeError(
            f"numpy's {ufunc.__name__} has no derivative rule for Dual numbers; use arithmetic and "
            f"the functions of calclib.rules ({', '.join(RULES)})"
        )

    def __init__(self, value, deriv=0.0):
        if isinstance(value, Dual) or isinstance(deriv, Dual):
            raise TypeError("`value` and `deriv` of a Dual must be numbers or arrays, not Duals")
        value = as_float_array(value, "value", finite=True)
        deriv = as_float_array(deriv, "deriv", finite=True)
        try:
            np.broadcast_shapes(value.shape, deriv.shape)
        except ValueError:
            raise ValueError(f"`deriv` (shape {deriv.shape}) must broadcast against `value` "
                             f"(shape {value.shape})") from None
        self.value = _number(value)
        self.deriv = _number(deriv)

    def __repr__(self):
        return f"Dual(value={self.value!r}, deriv={self.deriv!r})"

    @staticmethod
    def _lift(other):
        """Treat numbers and arrays as constants: Dual(other, 0)."""
        if isinstance(other, Dual):
            return other
        if _is_constant(other):
            return Dual(other, 0.0)
        return NotImplemented

    # sum and difference rules
    @quiet_numpy
    def __add__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return other
        return _make(self.value + other.value, self.deriv + other.deriv, "the sum u + v")

    __radd__ = __add__

    @quiet_numpy
    def __sub__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return other
        return _make(self.value - other.value, self.deriv - other.deriv, "the difference u - v")

    def __rsub__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return other
        return other - self

    def __neg__(self):
        return _make(-self.value, -self.deriv, "-u")

    def __pos__(self):
        return self

    # product and quotient rules
    @quiet_numpy
    def __mul__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return other
        return _make(self.value * other.value, self.deriv * other.value + self.value * other.deriv,
                     "the product u * v")

    __rmul__ = __mul__

    @quiet_numpy
    def __truediv__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return other
        if np.any(np.asarray(other.value) == 0):
            raise _DomainError("the quotient u / v has no value where v = 0 (a division by zero)")
        value = np.divide(self.value, other.value)
        return _make(value, np.divide(self.deriv - value * other.deriv, other.value),  # = (u'v - uv')/v^2
                     "the quotient u / v")

    def __rtruediv__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return other
        return other / self

    # power rules
    @quiet_numpy
    def __pow__(self, other):
        if isinstance(other, Dual):  # u^v: (u^v)' = u^v (v' log u + v u'/u)
            value = np.power(self.value, other.value)
            deriv = other.value * np.power(self.value, other.value - 1) * self.deriv
            # log u only matters where v' != 0
            log_term = np.where(other.deriv == 0, 0.0, value * np.log(self.value) * other.deriv)
            return _make(value, deriv + log_term, "the power u**v")
        if not _is_constant(other):
            return NotImplemented
        n = _number(other)
        if np.all(n == 0):
            return Dual(np.ones_like(self.value), np.zeros_like(self.deriv))
        value, slope = np.power(self.value, n), n * np.power(self.value, n - 1)
        _check_domain(f"x**{n:g}" if np.ndim(n) == 0 else "x**n", self.value, value, slope)
        rule = f"the power u**{n:g}" if np.ndim(n) == 0 else "the power u**n"
        return _make(value, slope * self.deriv, rule)  # (u^n)' = n u^(n-1) u'

    @quiet_numpy
    def __rpow__(self, other):  # a^u: (a^u)' = a^u log(a) u'
        if not _is_constant(other):
            return NotImplemented
        value = np.power(_number(other), self.value)
        return _make(value, value * np.log(other) * self.deriv, "the exponential a**u")

    def __abs__(self):  # |u|' = sign(u) u'  (0 at u = 0)
        return _make(np.abs(self.value), np.sign(self.value) * self.deriv, "|u|")

    # comparisons look at values only
    def __lt__(self, other):
        return self.value < _value(other)

    def __le__(self, other):
        return self.value <= _value(other)

    def __gt__(self, other):
        return self.value > _value(other)

    def __ge__(self, other):
        return self.value >= _value(other)


def _value(x):
    return x.value if isinstance(x, Dual) else x


@quiet_numpy
def _apply(name, x):
    """Apply primitive `name` to x; for a Dual also apply the chain rule."""
    function, derivative, _ = RULES[name]
    if isinstance(x, Dual):
        u = np.asarray(x.value, dtype=float)  # numpy floats: 1 / 0 gives inf (checked below), not ZeroDivisionError
        value, slope = function(u), derivative(u)
        _check_domain(name, x.value, value, slope)
        return _make(value, slope * x.deriv, f"{name}(`x`)")  # f(u)' = f'(u) u'
    x = as_float_array(x, "x", finite=True)
    value = function(x)
    bad = ~np.isfinite(value)
    if np.any(bad):
        where = _point_text(x[bad].reshape(-1)[0] if x.ndim else x)
        if np.isnan(np.asarray(value)[bad].reshape(-1)[0]):
            raise ValueError(f"`x`={where} is outside the domain of {name}")
        raise ValueError(f"{name}(`x`) is infinite at x={where} (it overflows float64, or x is the edge of its domain)")
    return _number(value)


def _check_domain(name, u, value, slope):
    """Refuse, with a message naming the function, a point where it or its derivative is undefined."""
    bad = np.isfinite(u) & ~(np.isfinite(value) & np.isfinite(slope))
    if np.any(bad):
        where = np.asarray(u, dtype=float)[bad] if np.ndim(u) else u
        raise _DomainError(f"{name} has no finite derivative at {_point_text(where, 12, 60)}; "
                           f"is `x` inside the domain of {name}?")


_UFUNC_RULES = {np.sin: "sin", np.cos: "cos", np.exp: "exp", np.log: "log", np.sqrt: "sqrt", np.tanh: "tanh"}
_UFUNC_OPERATORS = {np.add: "add", np.subtract: "sub", np.multiply: "mul", np.true_divide: "truediv",
                    np.power: "pow"}


def sin(x):
    """Sine of a number, array or Dual; rule ``d/dx sin(x) = cos(x)``.

    Parameters
    ----------
    x : float, array_like or Dual

    Returns
    -------
    float, ndarray or Dual

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import Dual, sin
    >>> y = sin(Dual(1.0, 1.0))
    >>> np.allclose([y.value, y.deriv], [np.sin(1.0), np.cos(1.0)])
    True
    """
    return _apply("sin", x)


def cos(x):
    """Cosine of a number, array or Dual; rule ``d/dx cos(x) = -sin(x)``.

    Parameters
    ----------
    x : float, array_like or Dual

    Returns
    -------
    float, ndarray or Dual

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import Dual, cos
    >>> np.allclose(cos(Dual(1.0, 1.0)).deriv, -np.sin(1.0))
    True
    """
    return _apply("cos", x)


def exp(x):
    """Exponential of a number, array or Dual; rule ``d/dx exp(x) = exp(x)``.

    Parameters
    ----------
    x : float, array_like or Dual

    Returns
    -------
    float, ndarray or Dual

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import Dual, exp
    >>> y = exp(Dual(2.0, 3.0))   # chain rule: exp(u)' = exp(u) u'
    >>> np.allclose(y.deriv, 3 * np.exp(2.0))
    True
    """
    return _apply("exp", x)


def log(x):
    """Natural logarithm of a number, array or Dual; rule ``d/dx log(x) = 1/x``.

    Parameters
    ----------
    x : float, array_like or Dual
        Positive.

    Returns
    -------
    float, ndarray or Dual

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import Dual, log
    >>> np.allclose(log(Dual(4.0, 1.0)).deriv, 0.25)
    True
    """
    return _apply("log", x)


def tanh(x):
    """Hyperbolic tangent of a number, array or Dual; rule ``d/dx tanh(x) = 1 - tanh(x)^2``.

    Parameters
    ----------
    x : float, array_like or Dual

    Returns
    -------
    float, ndarray or Dual

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import Dual, tanh
    >>> np.allclose(tanh(Dual(0.0, 1.0)).deriv, 1.0)
    True
    """
    return _apply("tanh", x)


def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``; rule ``sigmoid' = sigmoid (1 - sigmoid)``.

    Parameters
    ----------
    x : float, array_like or Dual

    Returns
    -------
    float, ndarray or Dual

    Notes
    -----
    Computed as ``(1 + tanh(x/2)) / 2``, which never overflows.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import Dual, sigmoid
    >>> y = sigmoid(Dual(0.0, 1.0))
    >>> np.allclose([y.value, y.deriv], [0.5, 0.25])
    True
    >>> np.allclose(sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    True
    """
    return _apply("sigmoid", x)


def relu(x):
    """Rectified linear unit ``max(x, 0)``; rule ``relu'(x) = 1 if x > 0 else 0``.

    Parameters
    ----------
    x : float, array_like or Dual

    Returns
    -------
    float, ndarray or Dual

    Notes
    -----
    relu has no derivative at 0; like PyTorch we use 0 there.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import Dual, relu
    >>> np.allclose(relu(Dual(np.array([-1.0, 0.0, 2.0]), 1.0)).deriv, [0.0, 0.0, 1.0])
    True
    """
    return _apply("relu", x)


def sqrt(x):
    """Square root of a number, array or Dual; rule ``d/dx sqrt(x) = 1/(2 sqrt(x))``.

    Parameters
    ----------
    x : float, array_like or Dual
        Non-negative.

    Returns
    -------
    float, ndarray or Dual

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import Dual, sqrt
    >>> np.allclose(sqrt(Dual(4.0, 1.0)).deriv, 0.25)
    True
    """
    return _apply("sqrt", x)


def dual_derivative(f, x):
    """Exact derivative of `f` at `x`, by running `f` on dual numbers.

    Parameters
    ----------
    f : callable
        Function of one variable written with ``+ - * / **`` and the
        functions of this module (not ``np.sin`` etc.).
    x : float or array_like
        Point(s); an array is differentiated elementwise.

    Returns
    -------
    float or ndarray
        ``f'(x)``, exact up to rounding.

    Notes
    -----
    No step and no truncation error: each operation applies its derivative
    rule exactly (forward-mode automatic differentiation). Polynomials come
    out exact to rounding.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.rules import dual_derivative, sin, exp
    >>> dual_derivative(lambda x: x**3 - 2 * x, 2.0)
    10.0
    >>> np.allclose(dual_derivative(lambda x: sin(x) * exp(x), [0.0, 1.0]),
    ...             [1.0, np.exp(1.0) * (np.sin(1.0) + np.cos(1.0))])
    True
    """
    check_callable(f)
    x = as_float_array(x, finite=True)
    out = _run(f, [Dual(x, np.ones_like(x))], f"`x`={_point_text(x)}")
    return _deriv(out, x.shape)


def _run(f, args, where):
    """Call f on dual numbers; an error inside it gets a message naming `f` and the point."""
    try:
        return f(*args)
    except _DomainError as exc:
        raise ValueError(f"`f` has no derivative at {where}: {exc}") from exc
    except (TypeError, ValueError, IndexError, KeyError, ArithmeticError) as exc:
        kind = ValueError if isinstance(exc, (ValueError, ArithmeticError)) else TypeError
        hint = "" if "calclib.rules" in str(exc) else "; write `f` with + - * / ** and the functions of calclib.rules"
        raise kind(f"calling `f` on dual numbers at {where} raised {type(exc).__name__}: {exc}{hint}") from exc


def _deriv(out, shape):
    """The derivative carried by what f returned: a Dual, or a constant (derivative 0)."""
    if isinstance(out, Dual):
        return _number(out.deriv + np.zeros(np.broadcast_shapes(np.shape(out.value), np.shape(out.deriv))))
    out = as_real_output(out, "f")  # None, strings, complex and lists of Duals are refused
    if not np.all(np.isfinite(out)):
        raise ValueError(f"`f` must return finite numbers, got {_point_text(out)}")
    try:
        return _number(np.zeros(np.broadcast_shapes(shape, out.shape)))
    except ValueError:
        raise ValueError(f"`f` must return a number or an array shaped like its input {shape}, "
                         f"got an array of shape {out.shape}") from None


def dual_partials(f, *args):
    """Exact partial derivatives of ``f(*args)`` with respect to each argument.

    Parameters
    ----------
    f : callable
        Function of several numbers (or arrays), written with ``+ - * / **``
        and the functions of this module.
    *args : float or array_like
        The point.

    Returns
    -------
    tuple
        ``(df/darg0, df/darg1, ...)``, one forward pass per argument.

    Examples
    --------
    >>> from calclib.rules import dual_partials
    >>> dual_partials(lambda x, y: x**2 * y + y, 3.0, 2.0)   # (2xy, x^2 + 1)
    (12.0, 10.0)
    """
    check_callable(f)
    if not args:
        raise ValueError("`args` must hold at least one number to differentiate with respect to, "
                         "as in dual_partials(f, 3.0, 2.0); got none")
    point = [as_float_array(a, f"args[{k}]", finite=True) for k, a in enumerate(args)]
    where = ", ".join(f"`args[{k}]`={_point_text(a, 12, 30)}" for k, a in enumerate(point))
    partials = []
    for i in range(len(point)):
        seeded = [Dual(a, np.ones_like(a) if k == i else np.zeros_like(a)) for k, a in enumerate(point)]
        partials.append(_deriv(_run(f, seeded, where), np.broadcast_shapes(*(a.shape for a in point))))
    return tuple(partials)
