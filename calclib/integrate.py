"""Numerical integration: from Riemann sums to Gauss and Monte Carlo.

Every rule here approximates the definite integral of ``f`` from ``a`` to ``b``.
The names and argument order follow :mod:`scipy.integrate` where scipy has the
same rule (``trapezoid``, ``simpson``), so a learner can move on to scipy without
relearning.

Conventions shared by every function
------------------------------------
* ``f`` is called **vectorised**: with a 1-D numpy array of points, and must
  return an array of the same shape (one value per point). Write it with numpy
  ufuncs (``np.sin``, not ``math.sin``; ``np.where(x > 0, x, 0)``, not
  ``if x > 0``). A constant such as ``lambda x: 2.0`` is also accepted.
* ``a > b`` is allowed: the integral changes sign, exactly, for every rule,
  ``rule(f, b, a) == -rule(f, a, b)``. Each rule is applied on the interval
  ``[min(a, b), max(a, b)]`` of the number line ("left" always means the
  smaller end of each subinterval). ``a == b`` gives 0.
* ``f`` returning nan or inf at a point it was called at raises ``ValueError``
  naming ``f`` and the point; numpy's floating-point warnings from inside ``f``
  are silenced in favour of that one clear error. So is ``f`` returning
  ``None``, a string or complex numbers (``TypeError``), and an integral too
  large for float64 (``ValueError``): every result is a finite number.
* ``n`` (and ``divmax``) may ask for at most ten million points (80 MB per
  array, :data:`calclib._validation.MAX_POINTS`) and ``gauss_legendre`` for at
  most 1000 nodes; larger values are refused before anything is allocated.
  Intervals wider than the largest float (``-1e308`` to ``1e308``) work.

The error orders (``h = (b - a) / n``) are listed in each function's Notes and
measured in ``tests/test_integrate.py`` with :func:`convergence_order`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.polynomial.legendre import leggauss

from ._validation import (
    MAX_POINTS,
    _gib,
    _point_text,
    as_float_array,
    as_real_output,
    check_at_most,
    check_callable,
    check_finite_output,
    check_int,
    check_interval,
    quiet_numpy,
)

__all__ = [
    "riemann_sum",
    "trapezoid",
    "simpson",
    "romberg",
    "gauss_legendre",
    "monte_carlo",
    "expectation",
    "cumulative_integral",
    "convergence_order",
    "RombergResult",
    "MonteCarloResult",
    "ExpectationResult",
]

_RULES = ("left", "right", "midpoint")
_MAX_DIVMAX = int(math.log2(MAX_POINTS - 1))  # 23: 2**23 + 1 = 8388609 points
_MAX_NODES = 1000  # Gauss-Legendre nodes: leggauss(1000) takes 0.06 s, leggauss(10000) over 2 minutes


# --------------------------------------------------------------------------
# Result objects (fields named as in scipy where scipy has them)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class RombergResult:
    """Result of :func:`romberg`.

    Attributes
    ----------
    integral : float
        The most extrapolated estimate (the last diagonal entry of the table).
    error : float
        ``|R[k, k] - R[k-1, k-1]|``: the change of the last two diagonal entries,
        a (usually pessimistic) estimate of the error.
    nfev : int
        Number of points at which ``f`` was evaluated.
    success : bool
        Whether ``error`` met the tolerance before ``divmax`` halvings.
    table : ndarray, shape (k+1, k+1)
        The Romberg tableau ``R``: column 0 holds trapezoid estimates with
        ``1, 2, 4, ...`` intervals; column ``j`` removes the ``h**(2j)`` error term.
        Entries above the diagonal are nan.
    """

    integral: float
    error: float
    nfev: int
    success: bool
    table: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class MonteCarloResult:
    """Result of :func:`monte_carlo`.

    Attributes
    ----------
    integral : float
        The estimate ``(b - a) * mean(f(X))`` with ``X`` uniform on the interval.
    stderr : float
        Its estimated standard error, ``(b - a) * std(f(X)) / sqrt(n)``.
    n : int
        Number of samples.
    """

    integral: float
    stderr: float
    n: int


@dataclass(frozen=True)
class ExpectationResult:
    """Result of :func:`expectation`.

    Attributes
    ----------
    value : float
        The sample mean of ``f(X)``, an estimate of ``E[f(X)]``.
    stderr : float
        Its estimated standard error, ``std(f(X)) / sqrt(n)``.
    n : int
        Number of samples.
    """

    value: float
    stderr: float
    n: int


# --------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------
def _evaluate(f, x, name="f"):
    """Call ``f`` on the array ``x`` and return one finite float per point."""
    x = np.asarray(x, dtype=float)
    try:
        with np.errstate(all="ignore"):  # a nan/inf result gets one clear error below
            y = f(x)
    except (TypeError, ValueError, IndexError, KeyError, ArithmeticError) as exc:
        kind = TypeError if isinstance(exc, (TypeError, IndexError, KeyError)) else ValueError
        raise kind(
            f"calling `{name}` on an array of {x.size} points failed ({type(exc).__name__}: {exc}). "
            f"`{name}` must work elementwise on numpy arrays: use np.sin rather than math.sin, "
            f"and np.where(x > 0, ...) rather than `if x > 0:`"
        ) from exc
    y = as_real_output(y, name)  # None, strings and complex values are refused
    if y.ndim == 0:  # a constant such as `lambda x: 2.0`
        y = np.full(x.shape, float(y))
    if y.shape != x.shape:
        raise ValueError(
            f"`{name}` must return one value per point: called on an array of shape {x.shape} "
            f"it returned shape {y.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:  # report the first bad point
        check_finite_output(y[bad[0]], x[bad[0]], name)  # raises on nan
        raise ValueError(
            f"`{name}` returned inf at x={x[bad[0]]:.12g}; the integrand is unbounded there "
            f"(an improper integral): move the limit away from the singularity"
        )
    return y


def _oriented(a, b):
    """Return ``(lo, hi, sign)`` with ``lo <= hi`` and ``sign = -1`` if ``a > b``."""
    a, b = check_interval(a, b)
    return (b, a, -1.0) if a > b else (a, b, 1.0)


def _check_points(n, name="n", per_point=1):
    """Refuse, before allocating, a call that would evaluate f at more than MAX_POINTS points.

    `per_point` is the number of points per unit of `n` (the size of `x` for
    :func:`cumulative_integral`, which uses `n` nodes for each of its points).
    """
    if per_point == 1:
        why = f"evaluate `f` at {n:.3g} points: {_gib(n)} per array"
    else:
        why = (f"evaluate `f` at {n} nodes for each of the {per_point} points of `x`, {n * per_point:.3g} "
               f"points in all: {_gib(n * per_point)} per array")
    check_at_most(n, max(MAX_POINTS // max(per_point, 1), 1), name, why)


def _check_nodes(n):
    """Refuse Gauss-Legendre rules whose nodes would take long to compute (in C, uninterruptibly)."""
    check_at_most(n, _MAX_NODES, "n",
                  "take minutes to compute its nodes, in C code that Ctrl-C cannot stop (the time grows "
                  f"like n**3: {_MAX_NODES} nodes take about 0.1 s, and already reach rounding error "
                  "for any integrand analytic near the interval)")


def _half_width(lo, hi):
    """``(hi - lo) / 2``, finite even where ``hi - lo`` overflows (-1e308 to 1e308).

    Halving is exact in floating point, so for an ordinary interval this is
    bit for bit ``(hi - lo) / 2``.
    """
    return hi / 2 - lo / 2


def _grid(lo, hi, n):
    """``n + 1`` equally spaced points from `lo` to `hi`, also where ``hi - lo`` overflows."""
    if np.isfinite(hi - lo):
        return np.linspace(lo, hi, n + 1)
    half, mid = _half_width(lo, hi), lo / 2 + hi / 2
    x = mid + half * np.linspace(-1.0, 1.0, n + 1)
    x[0], x[-1] = lo, hi
    return x


def _linear(formula, y):
    """``formula(y)`` for a formula linear in the values `y` (a weighted sum).

    Where the sum alone overflows although the result need not (a thousand
    values of 1e307 times a small step), the values are scaled by their
    largest size first: ``formula(y) = s * formula(y / s)``.
    """
    value = formula(y)
    if not np.isfinite(value) and y.size and np.all(np.isfinite(y)):
        scale = float(np.max(np.abs(y)))
        value = scale * formula(y / scale)
    return value


def _finite(value, f_name="f"):
    """`value` as a float if finite, else a clear error (the integral overflowed)."""
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(
            f"the integral of `{f_name}` over [`a`, `b`] overflows float64 (the values of `{f_name}` "
            "times the width of the interval exceed 1.8e308); rescale `f` or the interval"
        )
    return value


def _as_rng(rng):
    """Return a ``np.random.Generator`` from None, an int seed or a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(
        f"`rng` must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__} {rng!r:.60}"
    )


def _std(y):
    """Sample standard deviation (ddof=1), without overflowing for values near 1e308."""
    std = float(np.std(y, ddof=1))
    if not np.isfinite(std):
        scale = float(np.max(np.abs(y)))
        std = scale * float(np.std(y / scale, ddof=1))
    return std


def _check_nonneg(value, name):
    """Return ``value`` as a float >= 0, else raise naming it."""
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:  # float("0.1") would accept a string
        raise TypeError(f"`{name}` must be a non-negative real number, got {type(value).__name__} {value!r:.60}")
    try:
        v = float(value)
    except OverflowError:  # an int beyond the floats
        v = math.inf
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a non-negative real number, got {type(value).__name__} {value!r:.60}") from None
    if not (np.isfinite(v) and v >= 0):
        raise ValueError(f"`{name}` must be non-negative and finite, got {v!r}")
    return v


# --------------------------------------------------------------------------
# Composite rules
# --------------------------------------------------------------------------
@quiet_numpy
def riemann_sum(f, a, b, n=100, *, rule="left"):
    """Riemann sum of ``f`` over ``[a, b]`` with ``n`` equal subintervals.

    Parameters
    ----------
    f : callable
        Integrand, called on a 1-D array of points; returns one value per point.
    a, b : float
        Limits of integration. ``a > b`` gives the negative of the integral
        from ``b`` to ``a``.
    n : int, optional
        Number of subintervals (>= 1).
    rule : {"left", "right", "midpoint"}, optional
        Where each rectangle takes its height: at the left end, the right end
        or the middle of its subinterval (left and right refer to the number line).

    Returns
    -------
    float
        ``h * sum(f(x_i))`` with ``h = (b - a) / n``.

    Notes
    -----
    With ``h = |b - a| / n`` the error of the left and right sums is
    ``O(h)``: ``sum - integral`` is about ``-h/2 * (f(b) - f(a))`` for the left
    sum and ``+h/2 * (f(b) - f(a))`` for the right sum (for ``a < b``). When
    ``f(a) == f(b)`` that leading term vanishes and the error becomes ``O(h**2)``,
    so an integrand such as ``sin`` on ``[0, pi]`` hides the first order; ``exp`` on
    ``[0, 1]`` shows it. The midpoint sum is ``O(h**2)``: about
    ``-(b - a) * h**2 / 24 * f''``, half the trapezoid error and of opposite sign.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.integrate import riemann_sum
    >>> np.allclose(riemann_sum(lambda x: x, 0, 1, n=4, rule="left"), 0.375)
    True
    >>> np.allclose(riemann_sum(lambda x: x, 0, 1, n=4, rule="midpoint"), 0.5)
    True
    >>> np.allclose(riemann_sum(np.exp, 0, 1, n=1000, rule="midpoint"), np.e - 1)
    True
    """
    check_callable(f)
    n = check_int(n, "n")
    _check_points(n)
    if not isinstance(rule, str) or rule not in _RULES:
        raise ValueError(f"`rule` must be one of 'left', 'right', 'midpoint', got {rule!r:.60}")
    lo, hi, sign = _oriented(a, b)
    if lo == hi:
        return 0.0
    half_h = _half_width(lo, hi) / n  # h / 2, finite even when b - a overflows
    offset = {"left": 0.0, "right": 1.0, "midpoint": 0.5}[rule]
    if np.isfinite(hi - lo):
        x = lo + (hi - lo) / n * (np.arange(n) + offset)
    else:  # two half steps, so that no intermediate overflows
        t = half_h * (np.arange(n) + offset)
        x = (lo + t) + t
    return _finite(_linear(lambda y: sign * 2 * (half_h * float(np.sum(y))), _evaluate(f, x)))


@quiet_numpy
def trapezoid(f, a, b, n=100):
    """Composite trapezoidal rule for the integral of ``f`` from ``a`` to ``b``.

    Parameters
    ----------
    f : callable
        Integrand, called on a 1-D array of points; returns one value per point.
    a, b : float
        Limits of integration (``a > b`` flips the sign).
    n : int, optional
        Number of subintervals (>= 1); ``f`` is evaluated at ``n + 1`` points.

    Returns
    -------
    float
        ``h * (f(x_0)/2 + f(x_1) + ... + f(x_{n-1}) + f(x_n)/2)``.

    Notes
    -----
    Unlike ``scipy.integrate.trapezoid``, which takes sampled values, this one
    takes the function. The error is ``O(h**2)``: ``trapezoid - integral`` is
    about ``(b - a) * h**2 / 12 * f''`` (so convex integrands are overestimated). For a smooth *periodic* integrand over a whole
    period the error falls geometrically (faster than any power of ``h``): the
    error terms of the Euler-Maclaurin formula all cancel.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.integrate import trapezoid
    >>> np.allclose(trapezoid(lambda x: x**2, 0, 1, n=2), 0.375)
    True
    >>> np.allclose(trapezoid(np.sin, 0, np.pi, n=1000), 2.0)
    True
    """
    check_callable(f)
    n = check_int(n, "n")
    _check_points(n + 1, "n")
    lo, hi, sign = _oriented(a, b)
    if lo == hi:
        return 0.0
    half_h = _half_width(lo, hi) / n  # h / 2, finite even when b - a overflows
    y = _evaluate(f, _grid(lo, hi, n))
    return _finite(_linear(lambda y: sign * 2 * (half_h * float(0.5 * y[0] + np.sum(y[1:-1]) + 0.5 * y[-1])), y))


@quiet_numpy
def simpson(f, a, b, n=100):
    """Composite Simpson's rule for the integral of ``f`` from ``a`` to ``b``.

    Parameters
    ----------
    f : callable
        Integrand, called on a 1-D array of points; returns one value per point.
    a, b : float
        Limits of integration (``a > b`` flips the sign).
    n : int, optional
        Number of subintervals; must be even (pairs of subintervals each carry
        one parabola). ``f`` is evaluated at ``n + 1`` points.

    Returns
    -------
    float
        ``h/3 * (f(x_0) + 4 f(x_1) + 2 f(x_2) + 4 f(x_3) + ... + 4 f(x_{n-1}) + f(x_n))``.

    Notes
    -----
    The error is ``O(h**4)``: ``simpson - integral`` is about
    ``(b - a) * h**4 / 180 * f''''``. Since
    that involves the fourth derivative, Simpson's rule is exact for cubics,
    not just for the parabolas it is built from.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.integrate import simpson
    >>> np.allclose(simpson(lambda x: x**3, 0, 2, n=2), 4.0)  # exact on cubics
    True
    >>> np.allclose(simpson(np.exp, 0, 1, n=20), np.e - 1)
    True
    """
    check_callable(f)
    n = check_int(n, "n")
    if n % 2:
        raise ValueError(f"`n` must be even for Simpson's rule, got {n}")
    _check_points(n + 1, "n")
    lo, hi, sign = _oriented(a, b)
    if lo == hi:
        return 0.0
    h = 2 * (_half_width(lo, hi) / n)  # finite for n >= 2 even when b - a overflows
    y = _evaluate(f, _grid(lo, hi, n))
    weighted_sum = lambda y: float(y[0] + 4 * np.sum(y[1:-1:2]) + 2 * np.sum(y[2:-1:2]) + y[-1])  # noqa: E731
    return _finite(_linear(lambda y: sign * h / 3 * weighted_sum(y), y))


@quiet_numpy
def romberg(f, a, b, *, tol=1.48e-8, rtol=1.48e-8, divmax=10):
    """Romberg integration: trapezoid rule plus Richardson extrapolation.

    Parameters
    ----------
    f : callable
        Integrand, called on a 1-D array of points; returns one value per point.
    a, b : float
        Limits of integration (``a > b`` flips the sign).
    tol, rtol : float, optional
        Stop when ``error < max(tol, rtol * |integral|)``. Defaults as in the
        ``scipy.integrate.romberg`` that scipy 1.15 removed.
    divmax : int, optional
        Maximum number of interval halvings, 1 to 23; at most ``2**divmax + 1``
        evaluations of ``f`` (``2**23 + 1`` is about eight million).

    Returns
    -------
    RombergResult
        With fields ``integral``, ``error``, ``nfev``, ``success`` and ``table``.

    Notes
    -----
    Row ``k`` of the table starts with the trapezoid estimate ``T(h_k)`` for
    ``h_k = (b - a) / 2**k``, reusing every earlier point. Because the
    trapezoid error is a series in ``h**2``, the combination
    ``R[k, j] = R[k, j-1] + (R[k, j-1] - R[k-1, j-1]) / (4**j - 1)`` removes the
    ``h**(2j)`` term: column 1 is Simpson's rule (``O(h**4)``), column ``j`` is
    ``O(h**(2j+2))`` for smooth ``f``. ``error`` compares the last two
    diagonal entries.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.integrate import romberg
    >>> res = romberg(np.exp, 0, 1)
    >>> np.allclose(res.integral, np.e - 1, rtol=1e-12, atol=0)
    True
    >>> res.success, res.nfev
    (True, 17)
    """
    check_callable(f)
    tol = _check_nonneg(tol, "tol")
    rtol = _check_nonneg(rtol, "rtol")
    divmax = check_int(divmax, "divmax")
    check_at_most(divmax, _MAX_DIVMAX, "divmax",
                  f"evaluate `f` at 2**{divmax} + 1 points, more than {MAX_POINTS} "
                  f"({_gib(2.0 ** min(divmax, 1000))} per array)")
    lo, hi, sign = _oriented(a, b)
    if lo == hi:
        return RombergResult(0.0, 0.0, 0, True, np.zeros((1, 1)))
    table = np.full((divmax + 1, divmax + 1), np.nan)
    h = _half_width(lo, hi)  # (b - a) / 2, finite even when b - a overflows
    wide = not np.isfinite(hi - lo)
    ends = _evaluate(f, np.array([lo, hi]))
    table[0, 0] = _linear(lambda y: h * (y[0] + y[1]), ends)
    nfev, error, success = 2, math.inf, False
    for k in range(1, divmax + 1):
        if k > 1:
            h /= 2
        odd = np.arange(1, 2**k, 2)
        new_points = (lo + h / 2 * odd) + h / 2 * odd if wide else lo + h * odd  # the midpoints not used yet
        nfev += new_points.size
        table[k, 0] = table[k - 1, 0] / 2 + _linear(lambda y: h * np.sum(y), _evaluate(f, new_points))
        for j in range(1, k + 1):
            table[k, j] = table[k, j - 1] + (table[k, j - 1] - table[k - 1, j - 1]) / (4**j - 1)
        error = abs(table[k, k] - table[k - 1, k - 1])
        if error < max(tol, rtol * abs(table[k, k])):
            success = True
            break
    table = sign * table[: k + 1, : k + 1]
    return RombergResult(_finite(table[k, k]), _finite(error), nfev, success, table)


@quiet_numpy
def gauss_legendre(f, a, b, n=5):
    """Gauss-Legendre quadrature with ``n`` nodes.

    Parameters
    ----------
    f : callable
        Integrand, called on a 1-D array of points; returns one value per point.
    a, b : float
        Limits of integration (``a > b`` flips the sign).
    n : int, optional
        Number of nodes, 1 to 1000 (computing the nodes takes time growing
        like ``n**3``, in C code that Ctrl-C cannot interrupt).

    Returns
    -------
    float
        ``(b - a)/2 * sum(w_i * f(m + (b - a)/2 * t_i))`` with ``m = (a + b)/2`` and
        nodes ``t_i``, weights ``w_i`` from ``numpy.polynomial.legendre.leggauss``.

    Notes
    -----
    The nodes are the roots of the Legendre polynomial ``P_n``; with their
    weights the rule is exact for every polynomial of degree ``<= 2n - 1``
    (and not for ``x**(2n)``), the highest possible with ``n`` points. For an
    integrand analytic near ``[a, b]`` the error falls geometrically in ``n``.
    The nodes never include ``a`` or ``b``.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.integrate import gauss_legendre
    >>> np.allclose(gauss_legendre(lambda x: x**5, 0, 1, n=3), 1 / 6)  # degree 5 = 2*3 - 1
    True
    >>> np.allclose(gauss_legendre(np.exp, 0, 1, n=8), np.e - 1, rtol=1e-14)
    True
    """
    check_callable(f)
    n = check_int(n, "n")
    _check_nodes(n)
    lo, hi, sign = _oriented(a, b)
    if lo == hi:
        return 0.0
    t, w = leggauss(n)
    half, mid = _half_width(lo, hi), lo / 2 + hi / 2
    return _finite(_linear(lambda y: sign * half * float(np.dot(w, y)), _evaluate(f, mid + half * t)))


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------
@quiet_numpy
def monte_carlo(f, a, b, n=10_000, *, rng=None):
    """Monte Carlo estimate of the integral of ``f`` from ``a`` to ``b``.

    Parameters
    ----------
    f : callable
        Integrand, called on a 1-D array of points; returns one value per point.
    a, b : float
        Limits of integration (``a > b`` flips the sign).
    n : int, optional
        Number of uniform samples (>= 2, so a standard error can be estimated).
    rng : None, int or numpy.random.Generator, optional
        Source of randomness: a seed gives reproducible results; None draws a
        fresh seed from the operating system.

    Returns
    -------
    MonteCarloResult
        With fields ``integral``, ``stderr`` and ``n``.

    Notes
    -----
    With ``X_1, ..., X_n`` uniform on the interval, ``(b - a) * mean(f(X_i))``
    is an unbiased estimate. Its standard error ``(b - a) * std(f) / sqrt(n)``
    shrinks like ``n**(-1/2)`` whatever the dimension or smoothness: slow in
    1-D (the trapezoid rule is ``n**-2``) but the only rate that survives in
    high dimension. The true value lies within ``2 * stderr`` about 95% of the
    time.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.integrate import monte_carlo
    >>> res = monte_carlo(lambda x: x**2, 0, 1, n=100_000, rng=0)
    >>> abs(res.integral - 1 / 3) < 4 * res.stderr
    True
    >>> np.allclose(res.stderr, np.sqrt(4 / 45 / 100_000), rtol=0.05)  # std of x**2 is sqrt(4/45)
    True
    """
    check_callable(f)
    n = check_int(n, "n", minimum=2)
    _check_points(n)
    rng = _as_rng(rng)
    lo, hi, sign = _oriented(a, b)
    if lo == hi:
        return MonteCarloResult(0.0, 0.0, n)
    half = _half_width(lo, hi)
    if np.isfinite(hi - lo):
        samples = rng.uniform(lo, hi, size=n)
    else:  # numpy refuses a range wider than the largest float
        samples = (lo / 2 + hi / 2) + half * rng.uniform(-1.0, 1.0, size=n)
    y = _evaluate(f, samples)
    return MonteCarloResult(
        integral=_finite(_linear(lambda y: sign * 2 * (half * float(np.mean(y))), y)),
        stderr=_finite(2 * (half * _std(y)) / math.sqrt(n)),
        n=n,
    )


@quiet_numpy
def expectation(f, sampler, n, *, rng=None):
    """Monte Carlo estimate of ``E[f(X)]`` from ``n`` samples of ``X``.

    Parameters
    ----------
    f : callable
        Called once on the whole array of samples; returns one value per sample
        (shape ``(n,)``).
    sampler : callable
        ``sampler(rng, n)`` must return ``n`` samples of ``X`` drawn with the
        numpy Generator ``rng``: an array of shape ``(n,)`` for a scalar ``X``,
        or ``(n, d)`` for a vector. For example
        ``lambda rng, n: rng.normal(0.0, 1.0, size=n)``. Drawing only from ``rng``
        keeps results reproducible with a seed.
    n : int
        Number of samples (>= 2).
    rng : None, int or numpy.random.Generator, optional
        Passed to ``sampler`` (after turning a seed or None into a Generator).

    Returns
    -------
    ExpectationResult
        With fields ``value`` (the sample mean), ``stderr`` and ``n``.

    Notes
    -----
    The sample mean is unbiased and its standard error ``std(f(X)) / sqrt(n)``
    shrinks like ``n**(-1/2)``. An integral ``int_a^b g(x) dx`` is the special
    case ``(b - a) * E[g(X)]`` with ``X`` uniform on ``[a, b]`` (see
    :func:`monte_carlo`). In deep learning the loss is such an expectation
    over the data, and a minibatch gradient is this estimate with small ``n``.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.integrate import expectation
    >>> normal = lambda rng, n: rng.standard_normal(n)
    >>> res = expectation(lambda x: x**2, normal, 100_000, rng=1)  # E[X^2] = 1
    >>> abs(res.value - 1.0) < 4 * res.stderr
    True
    """
    check_callable(f)
    check_callable(sampler, "sampler")
    n = check_int(n, "n", minimum=2)
    _check_points(n)
    rng = _as_rng(rng)
    try:
        samples = sampler(rng, n)
    except (TypeError, ValueError, IndexError, KeyError, ArithmeticError) as exc:
        kind = TypeError if isinstance(exc, (TypeError, IndexError, KeyError)) else ValueError
        raise kind(f"calling `sampler(rng, n)` with n={n} raised {type(exc).__name__}: {exc}") from exc
    samples = as_real_output(samples, "sampler")
    if samples.ndim == 0 or samples.shape[0] != n:
        raise ValueError(
            f"`sampler(rng, n)` must return n={n} samples (an array whose first axis has length n), "
            f"got an array of shape {samples.shape}"
        )
    if not np.all(np.isfinite(samples)):
        k = int(np.argwhere(~np.isfinite(samples))[0][0])
        raise ValueError(f"`sampler(rng, n)` must return finite samples, got {_point_text(samples[k])} at index {k}")
    try:
        y = f(samples)
    except (TypeError, ValueError, IndexError, KeyError, ArithmeticError) as exc:
        kind = TypeError if isinstance(exc, (TypeError, IndexError, KeyError)) else ValueError
        raise kind(
            f"calling `f` on the array of samples failed ({type(exc).__name__}: {exc}). "
            f"`f` must work on the whole array at once (use numpy functions)"
        ) from exc
    y = as_real_output(y, "f")  # None, strings and complex values are refused
    if y.shape != (n,):
        raise ValueError(
            f"`f` must return one value per sample, shape ({n},): called on samples of shape "
            f"{samples.shape} it returned shape {y.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:  # report the first bad sample
        check_finite_output(y[bad[0]], samples[bad[0]], "f")
        raise ValueError(f"`f` returned inf at x={samples[bad[0]]}; its expectation may not exist")
    return ExpectationResult(_finite(_linear(lambda y: float(np.mean(y)), y)), _finite(_std(y) / math.sqrt(n)), n)


# --------------------------------------------------------------------------
# The integral as a function of its upper limit
# --------------------------------------------------------------------------
@quiet_numpy
def cumulative_integral(f, a, x, n=64):
    """``F(x) = integral of f from a to x``, evaluated at every entry of ``x``.

    Parameters
    ----------
    f : callable
        Integrand, called on a 1-D array of points; returns one value per point.
    a : float
        Lower limit; ``F(a) = 0``.
    x : float or array_like
        Upper limit(s), any shape; ``x < a`` gives minus the integral from ``x`` to ``a``.
    n : int, optional
        Number of Gauss-Legendre nodes used for each ``x`` (>= 1).

    Returns
    -------
    float or ndarray
        ``F(x)``, with the shape of ``x`` (a float for scalar ``x``).

    Notes
    -----
    Each ``F(x_k)`` is :func:`gauss_legendre` with ``n`` nodes on ``[a, x_k]``,
    all in a single vectorised call of ``f``. It is exact for polynomials of
    degree ``<= 2n - 1``; for ``f`` analytic near the interval the error falls
    geometrically in ``n`` (the default reaches rounding error for ``sin`` over
    ``[0, 80]``, a dozen oscillations; raise ``n`` for more). For an
    integrand with a kink (``relu``, ``abs``) the error falls only like
    ``n**-2``: raise ``n`` there. ``F`` is a smooth function of ``x``, so its
    difference quotients recover ``f`` (the fundamental theorem of calculus):
    ``F'(x) = f(x)``.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.integrate import cumulative_integral
    >>> x = np.linspace(0, np.pi, 5)
    >>> np.allclose(cumulative_integral(np.cos, 0, x), np.sin(x))
    True
    >>> h = 1e-5  # F'(1) by a central difference equals f(1)
    >>> F = lambda t: cumulative_integral(np.exp, 0, t)
    >>> np.allclose((F(1 + h) - F(1 - h)) / (2 * h), np.exp(1))
    True
    """
    check_callable(f)
    n = check_int(n, "n")
    _check_nodes(n)
    a = check_interval(a, 0.0)[0]
    x = as_float_array(x, "x", finite=True)
    _check_points(n, "n", per_point=x.size)
    t, w = leggauss(n)
    half = x.ravel() / 2 - a / 2  # (x - a) / 2, shape (m,), finite even when x - a overflows
    mid = x.ravel() / 2 + a / 2
    nodes = mid[:, None] + half[:, None] * t[None, :]  # shape (m, n)
    values = _evaluate(f, nodes.ravel()).reshape(nodes.shape)
    F = np.array([_finite(_linear(lambda y: half_k * float(y @ w), row)) for half_k, row in zip(half, values)])
    return float(F[0]) if x.ndim == 0 else F.reshape(x.shape)


# --------------------------------------------------------------------------
# Measuring the order of a rule
# --------------------------------------------------------------------------
@quiet_numpy
def convergence_order(ns, errors):
    """Observed order ``p`` such that ``error ~ C * n**(-p)``.

    Parameters
    ----------
    ns : array_like of int or float
        Numbers of subintervals (or samples), positive, at least two distinct.
    errors : array_like of float
        The matching absolute errors, positive (``log`` is taken).

    Returns
    -------
    float
        The least-squares slope of ``log(error)`` against ``log(1/n)``.

    Notes
    -----
    With ``h = (b - a)/n`` an ``O(h**p)`` rule gives ``p``: left/right Riemann
    1, midpoint and trapezoid 2, Simpson 4, Monte Carlo 1/2 (on average).
    Choose ``n`` where the error is well above rounding (about ``1e-13`` for
    an integral of order 1), else the fitted slope flattens; drop ``n`` where a
    rule is exact (error 0).

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.integrate import convergence_order, trapezoid
    >>> ns = [8, 16, 32, 64]
    >>> errors = [abs(trapezoid(np.exp, 0, 1, n) - (np.e - 1)) for n in ns]
    >>> np.allclose(convergence_order(ns, errors), 2.0, atol=0.01)
    True
    """
    ns = as_float_array(ns, "ns", ndim=1)
    errors = as_float_array(errors, "errors", ndim=1)
    if ns.size != errors.size:
        raise ValueError(f"`ns` and `errors` must have the same length, got {ns.size} and {errors.size}")
    if ns.size < 2:
        raise ValueError(f"`ns` and `errors` need at least 2 points to fit a slope, got {ns.size}")
    if not np.all(np.isfinite(ns) & (ns > 0)):
        raise ValueError(f"`ns` must be positive and finite, got {ns!s:.80}")
    if np.unique(ns).size < 2:
        raise ValueError(f"`ns` must hold at least 2 distinct values, got {ns!s:.80}")
    if not np.all(np.isfinite(errors) & (errors > 0)):
        raise ValueError(
            f"`errors` must be positive and finite, got {errors!s:.80}; an error of exactly 0 means the "
            f"rule is exact there (or hit rounding): leave those points out"
        )
    u, v = -np.log(ns), np.log(errors)  # log(1/n), log(error)
    du = u - np.mean(u)
    return float(np.sum(du * (v - np.mean(v))) / np.sum(du * du))  # the least-squares slope
