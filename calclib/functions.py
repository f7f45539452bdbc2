"""Example functions used across the course, each with its exact derivative.

One variable (:class:`Example`: ``f``, ``df``, ``d2f``, a LaTeX formula and
the open interval where it is defined):

* smooth: :data:`SQUARE`, :data:`CUBIC`, :data:`SINE`, :data:`EXP`,
  :data:`LOG`, :data:`BUMPY` (a wiggly curve for plots), :data:`DOUBLE_WELL`;
* activations and kinks: :data:`RELU`, :data:`ABS`, :data:`SOFTPLUS`,
  :data:`SIGMOID`, :data:`TANH` (``df`` is 0 at a kink, by convention).

Several variables (:class:`Objective`: ``f``, ``grad``, ``hessian``):
:func:`quadratic_bowl` (known curvature ``L``) and :data:`ROSENBROCK`.
They follow scipy's convention for ``scipy.optimize.rosen``: ``x`` has shape
``(n,)`` or ``(n, ...)``, the first axis holding the coordinates, so a whole
grid can be evaluated at once for a contour plot.

:data:`ACCURACY_CASES` lists the ten derivative test cases that the tests and
``benchmarks/accuracy.py`` share.

Every function is vectorised over numpy arrays.

>>> import numpy as np
>>> from calclib.functions import EXAMPLES
>>> sorted(EXAMPLES)[:4]
['abs', 'bumpy', 'cubic', 'double well']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validation import as_float_array, check_real, quiet_numpy

__all__ = [
    "Example",
    "Objective",
    "QuadraticBowl",
    "AccuracyCase",
    "SQUARE",
    "CUBIC",
    "SINE",
    "EXP",
    "LOG",
    "BUMPY",
    "DOUBLE_WELL",
    "RELU",
    "ABS",
    "SOFTPLUS",
    "SIGMOID",
    "TANH",
    "EXAMPLES",
    "double_well",
    "sigmoid",
    "softplus",
    "relu",
    "quadratic_bowl",
    "rosenbrock",
    "rosenbrock_grad",
    "rosenbrock_hessian",
    "ROSENBROCK",
    "ACCURACY_CASES",
]


@dataclass(frozen=True)
class Example:
    """A function of one variable with its exact derivatives.

    Attributes
    ----------
    name : str
    f, df : callable
        The function and its derivative (vectorised).
    latex : str
        The formula of ``f`` for titles, e.g. ``r"x^3 - 3x"``.
    d2f : callable or None
        Second derivative, where it exists everywhere in the domain.
    domain : tuple of float
        Open interval where ``f`` is defined, ``(-inf, inf)`` by default.
    """

    name: str
    f: Callable
    df: Callable
    latex: str
    d2f: Callable | None = None
    domain: tuple = (-np.inf, np.inf)


# --- smooth examples --------------------------------------------------------
SQUARE = Example("square", lambda x: x**2, lambda x: 2 * x, r"x^2", d2f=lambda x: 2 + 0 * x)
CUBIC = Example("cubic", lambda x: x**3 - 3 * x, lambda x: 3 * x**2 - 3, r"x^3 - 3x", d2f=lambda x: 6 * x)
SINE = Example("sine", np.sin, np.cos, r"\sin x", d2f=lambda x: -np.sin(x))
EXP = Example("exp", np.exp, np.exp, r"e^x", d2f=np.exp)
LOG = Example("log", np.log, lambda x: 1 / x, r"\ln x", d2f=lambda x: -1 / x**2, domain=(0.0, np.inf))
BUMPY = Example(
    "bumpy",
    lambda x: np.sin(3 * x) + 0.25 * x**2,
    lambda x: 3 * np.cos(3 * x) + 0.5 * x,
    r"\sin 3x + x^2/4",
    d2f=lambda x: -9 * np.sin(3 * x) + 0.5,
)


def double_well(tilt=0.0):
    """The double well ``(x^2 - 1)^2 + tilt * x`` with its derivatives.

    Parameters
    ----------
    tilt : float, optional
        Slope added to the well. 0 (default): two equal minima at ``x = ±1``;
        a positive tilt makes the left minimum the lower (global) one.

    Returns
    -------
    Example

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.functions import double_well
    >>> w = double_well()
    >>> np.allclose(w.f(np.array([-1.0, 0.0, 1.0])), [0.0, 1.0, 0.0])
    True
    >>> np.allclose(w.df(np.array([-1.0, 0.0, 1.0])), 0.0)
    True
    """
    tilt = check_real(tilt, "tilt")
    latex = r"(x^2 - 1)^2" + (f" {'+' if tilt > 0 else '-'} {abs(tilt):g}x" if tilt else "")
    return Example(
        "double well" if tilt == 0 else f"double well (tilt {tilt:g})",
        lambda x: (x**2 - 1) ** 2 + tilt * x,
        lambda x: 4 * x * (x**2 - 1) + tilt,
        latex,
        d2f=lambda x: 12 * x**2 - 4,
    )


DOUBLE_WELL = double_well()


# --- activations and kinks --------------------------------------------------
def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow.

    Parameters
    ----------
    x : float or array_like
        Finite.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.functions import sigmoid
    >>> np.allclose(sigmoid(np.array([-800.0, 0.0, 800.0])), [0.0, 0.5, 1.0])
    True
    >>> np.allclose(sigmoid(-40.0), 4.248354255291589e-18, rtol=1e-12)   # small values keep their digits
    True

    Notes
    -----
    With ``e = exp(-|x|)`` (never overflows), ``sigmoid(x) = 1 / (1 + e)`` for
    ``x >= 0`` and ``e / (1 + e)`` for ``x < 0``: both forms keep full relative
    accuracy, also far in the left tail where ``1 - sigmoid`` would cancel.
    """
    x = as_float_array(x, "x", finite=True)
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0, e) / (1.0 + e)
    return out if out.ndim else out[()]


def softplus(x):
    """Softplus ``log(1 + exp(x))``, a smooth relu; its derivative is the sigmoid.

    Parameters
    ----------
    x : float or array_like
        Finite.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.functions import softplus
    >>> np.allclose(softplus(np.array([-800.0, 0.0, 800.0])), [0.0, np.log(2), 800.0])
    True
    """
    return np.logaddexp(0.0, as_float_array(x, "x", finite=True))


def relu(x):
    """Rectified linear unit ``max(x, 0)``.

    Parameters
    ----------
    x : float or array_like
        Finite.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.functions import relu
    >>> np.allclose(relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])
    True
    """
    return np.maximum(as_float_array(x, "x", finite=True), 0.0)


RELU = Example("relu", relu, lambda x: (np.asarray(x) > 0) * 1.0, r"\max(x, 0)")  # 0 at the kink
ABS = Example("abs", np.abs, lambda x: np.sign(x) * 1.0, r"|x|")  # 0 at the kink
SOFTPLUS = Example(
    "softplus", softplus, sigmoid, r"\log(1 + e^x)", d2f=lambda x: sigmoid(x) * sigmoid(-np.asarray(x))
)
SIGMOID = Example(
    "sigmoid",
    sigmoid,
    lambda x: sigmoid(x) * sigmoid(-np.asarray(x)),  # = s (1 - s), accurate in both tails
    r"\sigma(x) = 1 / (1 + e^{-x})",
    d2f=lambda x: sigmoid(x) * sigmoid(-np.asarray(x)) * (1 - 2 * sigmoid(x)),
)
TANH = Example(
    "tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2, r"\tanh x", d2f=lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)
)

#: All one-variable examples by name.
EXAMPLES = {
    e.name: e for e in (SQUARE, CUBIC, SINE, EXP, LOG, BUMPY, DOUBLE_WELL, RELU, ABS, SOFTPLUS, SIGMOID, TANH)
}


# --- several variables ------------------------------------------------------
_MAX_MATRIX = 1000  # eigenvalues of a 1000 x 1000 matrix take about 0.05 s; 10000 x 10000 about a minute
@dataclass(frozen=True, eq=False)
class Objective:
    """A function of several variables with its exact gradient and Hessian.

    Attributes
    ----------
    name : str
    f : callable
        ``f(x)`` for ``x`` of shape ``(n,)`` or ``(n, ...)`` (a grid of points).
    grad : callable
        Gradient, same shape as ``x``.
    hessian : callable
        Hessian, shape ``(n, n)`` (or ``(n, n, ...)``).
    latex : str
        Formula for titles.
    minimizer : ndarray or None
        Where the minimum is, if known.
    """

    name: str
    f: Callable
    grad: Callable
    hessian: Callable
    latex: str
    minimizer: np.ndarray | None = None


@dataclass(frozen=True, eq=False, kw_only=True)
class QuadraticBowl(Objective):
    """A quadratic bowl ``f(x) = x^T A x / 2``; see :func:`quadratic_bowl`.

    Attributes
    ----------
    A : ndarray, shape (n, n)
        The (constant) Hessian.
    L : float
        Largest eigenvalue of `A`, the largest curvature: gradient descent
        converges for learning rates below ``2 / L`` and diverges above.
    mu : float
        Smallest eigenvalue of `A`, the smallest curvature.
    """

    A: np.ndarray
    L: float
    mu: float


@quiet_numpy
def quadratic_bowl(A):
    """The quadratic bowl ``f(x) = x^T A x / 2`` with gradient ``A x`` and Hessian ``A``.

    Parameters
    ----------
    A : array_like, shape (n, n) or (n,)
        Symmetric matrix; a 1-D array gives the diagonal matrix ``diag(A)``
        (curvature ``A[i]`` along axis ``i``).

    Returns
    -------
    QuadraticBowl
        With ``f``, ``grad``, ``hessian``, ``A``, ``L`` (largest eigenvalue)
        and ``mu`` (smallest eigenvalue). The minimizer is 0 when ``A`` is
        positive definite.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.functions import quadratic_bowl
    >>> bowl = quadratic_bowl([1.0, 10.0])
    >>> bowl.L, bowl.mu
    (10.0, 1.0)
    >>> x = np.array([1.0, 1.0])
    >>> np.allclose([bowl.f(x), *bowl.grad(x)], [5.5, 1.0, 10.0])
    True
    >>> X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    >>> bowl.f(np.array([X, Y])).shape        # a whole grid at once
    (4, 5)
    """
    if isinstance(A, np.ndarray) and A.ndim in (1, 2) and A.shape[0] > _MAX_MATRIX:  # before copying A
        raise ValueError(f"`A` must have at most {_MAX_MATRIX} rows (the eigenvalues of a larger matrix take "
                         f"seconds to minutes, uninterruptibly: the time grows like n**3), got shape {A.shape}")
    A = as_float_array(A, "A", ndim=(1, 2))
    if A.shape[0] > _MAX_MATRIX:  # (np.diag would allocate n**2 numbers)
        raise ValueError(f"`A` must have at most {_MAX_MATRIX} rows (the eigenvalues of a larger matrix take "
                         f"seconds to minutes, uninterruptibly: the time grows like n**3), got shape {A.shape}")
    if A.ndim == 1:
        A = np.diag(A)
    if A.shape[0] != A.shape[1] or A.size == 0:
        raise ValueError(f"`A` must be a square matrix, got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError("`A` must be finite")
    if not np.allclose(A, A.T, rtol=1e-12, atol=0):
        raise ValueError("`A` must be symmetric (the Hessian of a function always is)")
    A = A / 2 + A.T / 2  # (A + A.T) / 2, without overflowing near 1.8e308
    A.setflags(write=False)
    eigenvalues = np.linalg.eigvalsh(A)
    if not np.all(np.isfinite(eigenvalues)):
        raise ValueError("`A` is too large: its eigenvalues overflow float64 (scale it down)")
    n = A.shape[0]

    def f(x):
        x = np.asarray(x, dtype=float)
        return 0.5 * np.einsum("i...,ij,j...->...", x, A, x)

    def grad(x):
        return np.einsum("ij,j...->i...", A, np.asarray(x, dtype=float))

    def hessian(x):
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(A.reshape(A.shape + (1,) * (x.ndim - 1)), A.shape + x.shape[1:]).copy()

    diag = np.allclose(A, np.diag(np.diag(A)))
    latex = (
        r"\frac{1}{2}(" + " + ".join(f"{a:g} x_{i + 1}^2" for i, a in enumerate(np.diag(A))) + ")"
        if diag
        else r"\frac{1}{2} x^\top A x"
    )
    return QuadraticBowl(
        name="quadratic bowl",
        f=f,
        grad=grad,
        hessian=hessian,
        latex=latex,
        minimizer=np.zeros(n) if eigenvalues[0] > 0 else None,
        A=A,
        L=float(eigenvalues[-1]),
        mu=float(eigenvalues[0]),
    )


@quiet_numpy
def rosenbrock(x, a=1.0, b=100.0):
    """Rosenbrock's banana function ``(a - x0)^2 + b (x1 - x0^2)^2``.

    Parameters
    ----------
    x : array_like, shape (2,) or (2, ...)
        The point(s); the first axis holds ``(x0, x1)``.
    a, b : float, optional
        Shape parameters; the minimum is 0 at ``(a, a^2)``.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.functions import rosenbrock
    >>> np.allclose([rosenbrock([1.0, 1.0]), rosenbrock([0.0, 0.0])], [0.0, 1.0])
    True
    """
    x0, x1, a, b = _rosenbrock_args(x, a, b)
    return _finite((a - x0) ** 2 + b * (x1 - x0**2) ** 2, x, "rosenbrock")


@quiet_numpy
def rosenbrock_grad(x, a=1.0, b=100.0):
    """Gradient of :func:`rosenbrock`.

    Parameters
    ----------
    x : array_like, shape (2,) or (2, ...)
    a, b : float, optional

    Returns
    -------
    ndarray, shape of `x`

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.functions import rosenbrock_grad
    >>> np.allclose(rosenbrock_grad([0.0, 0.0]), [-2.0, 0.0])
    True
    """
    x0, x1, a, b = _rosenbrock_args(x, a, b)
    return _finite(np.array([-2 * (a - x0) - 4 * b * x0 * (x1 - x0**2), 2 * b * (x1 - x0**2)]), x, "rosenbrock_grad")


@quiet_numpy
def rosenbrock_hessian(x, a=1.0, b=100.0):
    """Hessian of :func:`rosenbrock`.

    Parameters
    ----------
    x : array_like, shape (2,) or (2, ...)
    a, b : float, optional

    Returns
    -------
    ndarray, shape (2, 2) or (2, 2, ...)

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.functions import rosenbrock_hessian
    >>> np.allclose(rosenbrock_hessian([1.0, 1.0]), [[802.0, -400.0], [-400.0, 200.0]])
    True
    """
    x0, x1, a, b = _rosenbrock_args(x, a, b)
    h00 = 2 - 4 * b * (x1 - x0**2) + 8 * b * x0**2
    h01 = -4 * b * x0
    h11 = 2 * b + 0 * x0
    return _finite(np.array([[h00, h01], [h01, h11]]), x, "rosenbrock_hessian")


def _rosenbrock_args(x, a, b):
    """The coordinates x0, x1 of `x` (shape (2,) or (2, ...)) and the checked `a`, `b`."""
    x = as_float_array(x, "x", finite=True)
    if x.ndim == 0 or x.shape[0] != 2:
        raise ValueError(f"`x` must have shape (2,) or (2, ...) (the coordinates x0, x1 first), got shape {x.shape}")
    return x[0], x[1], check_real(a, "a"), check_real(b, "b")


def _finite(value, x, name):
    """`value` if it is finite; else `x` was too large for float64."""
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{name} overflows float64 at this `x` and `a`, `b` (largest |coordinate| "
                         f"{np.max(np.abs(np.asarray(x, dtype=float))):.3g}); use smaller coordinates")
    return value


ROSENBROCK = Objective(
    "rosenbrock",
    rosenbrock,
    rosenbrock_grad,
    rosenbrock_hessian,
    r"(1 - x_1)^2 + 100 (x_2 - x_1^2)^2",
    minimizer=np.array([1.0, 1.0]),
)


# --- derivative accuracy test cases -----------------------------------------
@dataclass(frozen=True)
class AccuracyCase:
    """One derivative accuracy case: ``f`` (written with complex-safe numpy
    operations), its exact derivative ``df``, and the point ``x``."""

    name: str
    f: Callable
    df: Callable
    x: float

    @property
    def x_of_order_one(self):
        """True where ``0.1 <= |x| <= 10`` (where the central-difference target applies)."""
        return 0.1 <= abs(self.x) <= 10


#: The ten accuracy cases of the course (relative error of f'(x) is measured).
ACCURACY_CASES = (
    AccuracyCase("exp@1", np.exp, np.exp, 1.0),
    AccuracyCase("exp@10", np.exp, np.exp, 10.0),
    AccuracyCase("sin@1", np.sin, np.cos, 1.0),
    AccuracyCase("sin@100", np.sin, np.cos, 100.0),
    AccuracyCase("1/x@1", lambda x: 1 / x, lambda x: -1 / x**2, 1.0),
    AccuracyCase("1/x@0.1", lambda x: 1 / x, lambda x: -1 / x**2, 0.1),
    AccuracyCase("x^2.5@1", lambda x: x**2.5, lambda x: 2.5 * x**1.5, 1.0),
    AccuracyCase("x^2.5@0.01", lambda x: x**2.5, lambda x: 2.5 * x**1.5, 0.01),
    AccuracyCase("log@1e-3", np.log, lambda x: 1 / x, 1e-3),
    AccuracyCase("atan@1e3", np.arctan, lambda x: 1 / (1 + x**2), 1e3),
)
