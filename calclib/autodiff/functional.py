"""Functions of functions: grad, value_and_grad and check_grad.

``grad(f)`` turns a function written with :class:`~calclib.autodiff.engine.Value`
operations into the function that returns its gradient, as ``jax.grad`` does;
:func:`check_grad` compares an autodiff gradient with central differences,
the test every new derivative rule should pass.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_callable
from ._checks import real_array, real_number
from .engine import Value
from .tensor import Tensor

__all__ = ["grad", "value_and_grad", "check_grad", "GradCheck"]

# Bounds far beyond teaching use, checked before any work is done.
_MAX_VALUES = 10**6       # Values made by grad(f)(...): about 100 bytes each
_MAX_CHECKED = 10**4      # coordinates of check_grad: 2 or 4 calls of f each


def _wrap(arr):
    """A 0-d array -> one Value; an array -> an object array of Values (same shape)."""
    if arr.ndim == 0:
        leaf = Value(float(arr))
        return leaf, [leaf], None
    leaves = [Value(v) for v in arr.ravel().tolist()]
    obj = np.empty(arr.shape, dtype=object)
    obj.ravel()[:] = leaves
    return obj, leaves, arr.shape


def _as_root(out):
    """What `f` returned, as the Value to backpropagate from."""
    if isinstance(out, np.ndarray):
        if out.size != 1:
            raise TypeError(f"`f` must return a scalar, got an array of shape {out.shape}")
        out = out.reshape(()).item()
    if isinstance(out, Value):
        return out
    if isinstance(out, numbers.Real):      # does not depend on its inputs
        if not math.isfinite(out):
            raise ValueError(f"`f` must return a finite number, got {out!r}")
        return Value(out)
    raise TypeError(f"`f` must return a Value (a scalar), got {type(out).__name__} {out!r:.60}")


def _show(arrays):
    """The arguments, short, for a message."""
    shown = [repr(float(a)) if a.ndim == 0 else np.array2string(a, threshold=6) for a in arrays]
    return f"`args` = ({', '.join(shown)}{',' if len(shown) == 1 else ''})"


#: Errors inside the user's `f` that are reported as calling `f` failed (as in calclib.differentiate).
_F_ERRORS = (TypeError, ValueError, IndexError, KeyError, AttributeError, ArithmeticError)


def _call(f, wrapped, arrays):
    """f(*wrapped); an error inside `f` (an overflow, a point outside a domain, an
    operation Values do not have) is raised again naming `f` and the arguments."""
    try:
        return f(*wrapped)
    except _F_ERRORS as exc:
        if isinstance(exc, (ValueError, ArithmeticError)):
            raise ValueError(f"`f` has no finite value at {_show(arrays)}: {type(exc).__name__}: {exc}") from exc
        raise TypeError(f"calling `f` at {_show(arrays)} raised {type(exc).__name__}: {exc}; `f` must be "
                        "written with Value operations (v.exp(), v * w, np.sum of an array of Values)") from exc


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
            raise TypeError("the gradient function needs at least one argument, got none (`args` is empty)")
        arrays = [real_array(arg, f"args[{i}]") for i, arg in enumerate(args)]
        total = sum(a.size for a in arrays)
        if total > _MAX_VALUES:
            raise ValueError(f"the arguments hold {total} numbers; grad makes one Value per number and allows "
                             f"at most {_MAX_VALUES} (memory): use Tensor for large arrays")
        wrapped, all_leaves, shapes = zip(*(_wrap(a) for a in arrays))
        root = _as_root(_call(f, wrapped, arrays))
        try:
            root.backward()
        except (ArithmeticError, ValueError) as exc:
            raise ValueError(f"`f` has no finite gradient at {_show(arrays)}: {exc}") from exc
        grads = [leaves[0].grad if shape is None else np.array([v.grad for v in leaves]).reshape(shape)
                 for leaves, shape in zip(all_leaves, shapes)]
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
        ``g(*args)``, whose arguments must be finite real numbers or arrays
        (at most a million numbers in all). With one argument it returns
        the gradient in that argument's shape (a float, or a float array);
        with several, a tuple of such gradients, one per argument.

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
        The autodiff gradient and the central-difference estimate (nan where
        the estimate could not be made).
    abs_error, rel_error : ndarray
        ``|analytic - numeric|`` and that divided by
        ``max(|analytic|, |numeric|)`` (0 where both are 0; nan where a
        coordinate was not compared).
    max_rel_error, max_abs_error : float
        Their largest entries over the coordinates compared (nan if none was).
    ok : bool
        Every coordinate was compared and
        ``abs_error <= atol + rtol * max(|analytic|, |numeric|)``.
    rtol, atol : float
        The tolerances used.
    h : ndarray
        The step used for each coordinate.
    failures : dict
        Coordinate (index tuple) -> why it was not compared: a side that is
        not finite (``f`` overflowed or left its domain at ``x +- h``, or
        the autodiff gradient is infinite).

    Examples
    --------
    >>> res = check_grad(lambda v: v * v, 3.0)
    >>> print(res.report(digits=3).splitlines()[-1])
    max rel. error 0.0e+00 -> OK (rtol=1e-06, atol=1e-08)
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
    failures: dict = field(default_factory=dict)

    def report(self, digits=10):
        """One "analytic vs numeric" line per coordinate, then a verdict."""
        if isinstance(digits, bool) or not isinstance(digits, numbers.Integral) or not 1 <= digits <= 17:
            raise ValueError(f"`digits` must be an integer from 1 to 17, got {digits!r:.60}")
        lines = []
        for idx in np.ndindex(self.analytic.shape):
            name = "x" + (f"[{', '.join(map(str, idx))}]" if idx else "")
            line = f"{name}: analytic {self.analytic[idx]: .{digits}e}  numeric "
            if idx in self.failures:
                numeric = self.numeric[idx]
                shown = "not finite" if np.isnan(numeric) else f"{numeric: .{digits}e}"
                lines.append(line + f"{shown}  -> not compared: {self.failures[idx]}")
            else:
                lines.append(line + f"{self.numeric[idx]: .{digits}e}  rel. error {self.rel_error[idx]:.1e}")
        tolerances = f"(rtol={self.rtol:g}, atol={self.atol:g})"
        if self.failures:
            n, k = self.analytic.size, len(self.failures)
            others = f"; max rel. error over the other {n - k}: {self.max_rel_error:.1e}" if k < n else ""
            lines.append(f"{k} of {n} coordinate(s) not compared (a side is not finite){others} "
                         f"-> NOT CHECKED {tolerances}")
        else:
            lines.append(f"max rel. error {self.max_rel_error:.1e} -> {'OK' if self.ok else 'MISMATCH'} {tolerances}")
        return "\n".join(lines)

    def __str__(self):
        return self.report()

    @property
    def success(self):
        """True if every coordinate was compared (no entry in ``failures``), as in scipy's results."""
        return not self.failures

    @property
    def message(self):
        """The verdict: the last line of :meth:`report`."""
        return self.report().splitlines()[-1]


def _check_options(engine, order, rtol, atol):
    if not isinstance(engine, str) or engine not in ("value", "tensor"):
        raise ValueError(f'`engine` must be "value" or "tensor", got {engine!r:.60}')
    if isinstance(order, bool) or order not in (2, 4):
        raise ValueError(f"`order` must be 2 or 4, got {order!r:.60}")
    tolerances = real_number(rtol, "rtol"), real_number(atol, "atol")
    for name, value in zip(("rtol", "atol"), tolerances):
        if value < 0:
            raise ValueError(f"`{name}` must be >= 0, got {value!r}")
    return tolerances


def _steps(x, h, order):
    """The step per coordinate: `h` checked, or the default relative step."""
    if h is None:
        # Relative to |x_i| (stays inside domains such as log near 0), with the floor
        # of calclib.differentiate.default_step, so tiny x_i get a step f can resolve.
        scale = np.where(x == 0, 1.0, np.maximum(np.abs(x), 1e-3))
        return scale * np.finfo(float).eps ** (1 / (order + 1))
    step = real_array(h, "h")
    try:
        step = np.broadcast_to(step, x.shape).astype(float)
    except ValueError:
        raise ValueError(f"`h` must be a number or an array of the shape of `x`, {x.shape}, "
                         f"got shape {step.shape}") from None
    if not np.all(step > 0):
        raise ValueError(f"`h` must be positive and finite, got {h!r:.60}")
    return step


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
        Point of the check: finite, at most 10,000 coordinates.
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
        With ``analytic``, ``numeric``, ``max_rel_error``, ``ok``,
        ``failures`` and ``report()``.

    Raises
    ------
    ValueError
        If `f` cannot be differentiated at `x` itself (it overflows or
        leaves its domain there): there is nothing to check. Where `f` fails
        only at ``x +- h``, the coordinate is reported as not compared.

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
    >>> edge = check_grad(lambda v: v * v, 1.3407807e154)   # f(x + h) overflows
    >>> edge.ok, list(edge.failures)
    (False, [()])
    """
    check_callable(f)
    rtol, atol = _check_options(engine, order, rtol, atol)
    x = real_array(x, "x")
    if x.size > _MAX_CHECKED:
        raise ValueError(f"`x` has {x.size} coordinates; check_grad checks at most {_MAX_CHECKED} "
                         f"(it calls `f` {order} times per coordinate)")
    step = _steps(x, h, order)
    if engine == "value":
        def analytic_of(point):
            return value_and_grad(f)(point)[1]

        def evaluate(point):
            return _as_root(f(_wrap(point)[0])).data        # errors are reported per coordinate
    else:
        def checked(out):
            if not isinstance(out, Tensor):
                raise TypeError(f"`f` must return a Tensor, got {type(out).__name__}")
            if out.data.size != 1:
                raise TypeError(f"`f` must return a one-element Tensor, got shape {out.shape}")
            return out

        def analytic_of(point):
            t = Tensor(point.copy())
            checked(_call(f, (t,), (point,))).backward()
            return np.zeros(point.shape) if t.grad is None else t.grad

        def evaluate(point):
            return checked(f(Tensor(point))).item()

    try:
        analytic = np.array(analytic_of(x), dtype=float).reshape(x.shape)
    except (ArithmeticError, ValueError) as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc     # what `f` or backward raised
        where = float(x) if x.ndim == 0 else np.array2string(x, threshold=6)
        raise ValueError(f"`f` must have a finite value and gradient at `x` to be checked; at x = {where} "
                         f"it raised {type(cause).__name__}: {cause}") from exc
    numeric, failures = _central_differences(evaluate, x, step, order)
    for idx in np.ndindex(x.shape):
        if idx not in failures and not math.isfinite(analytic[idx]):
            failures[idx] = "the autodiff gradient is infinite (an infinite slope)"
    return _compare(analytic, numeric, failures, rtol, atol, step, verbose)


def _central_differences(evaluate, x, step, order):
    """The central-difference gradient, and why any coordinate could not be estimated."""
    offsets = (1, -1) if order == 2 else (1, -1, 2, -2)
    numeric = np.full(x.shape, np.nan)
    failures = {}
    for idx in np.ndindex(x.shape):
        xi, si = float(x[idx]), float(step[idx])
        hi = (xi + si) - xi                        # the step actually taken
        if hi == 0:
            raise ValueError(f"`h` is too small at x{list(idx) if idx else ''} = {xi!r}: x + h == x in float64")
        values = []
        for k in offsets:
            where = f"x {'+' if k > 0 else '-'} {'2h' if abs(k) == 2 else 'h'}"
            shifted = xi + k * si
            if not math.isfinite(shifted):
                failures[idx] = f"{where} is beyond the largest float64"
                break
            point = x.copy()
            point[idx] = shifted
            try:
                values.append(evaluate(point))
            except (ArithmeticError, ValueError) as exc:
                failures[idx] = f"f({where}) raised {type(exc).__name__}: {exc}"
                break
        if idx in failures:
            continue
        if order == 2:
            d = (values[0] - values[1]) / (2 * hi)
        else:
            d = (8 * (values[0] - values[1]) - (values[2] - values[3])) / (12 * hi)
        if math.isfinite(d):
            numeric[idx] = d
        else:
            failures[idx] = "the difference quotient is beyond the largest float64"
    return numeric, failures


def _compare(analytic, numeric, failures, rtol, atol, step, verbose):
    compared = np.ones(analytic.shape, dtype=bool)
    for idx in failures:
        compared[idx] = False
    a, n = analytic[compared], numeric[compared]
    scale = np.maximum(np.abs(a), np.abs(n))
    with np.errstate(over="ignore"):      # |a - n| of two huge numbers is inf: a clear mismatch
        diff = np.abs(a - n)
        passes = diff <= atol + rtol * scale
    rel = np.abs(np.divide(a, scale, out=np.zeros_like(a), where=scale > 0)
                 - np.divide(n, scale, out=np.zeros_like(n), where=scale > 0))
    abs_error, rel_error = np.full(analytic.shape, np.nan), np.full(analytic.shape, np.nan)
    abs_error[compared], rel_error[compared] = diff, rel
    nan = float("nan")
    result = GradCheck(
        analytic=analytic, numeric=numeric, abs_error=abs_error, rel_error=rel_error,
        max_rel_error=float(rel.max(initial=0.0)) if compared.any() or not failures else nan,
        max_abs_error=float(diff.max(initial=0.0)) if compared.any() or not failures else nan,
        ok=not failures and bool(np.all(passes)), rtol=rtol, atol=atol, h=step, failures=failures,
    )
    if verbose:
        print(result.report())
    return result
