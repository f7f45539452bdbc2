"""Numerical derivatives.

Finite differences (forward, backward, central, second), the complex step,
Richardson extrapolation, and the multivariable versions: partial
derivative, gradient, Jacobian, Hessian and directional derivative.

Argument order follows scipy: the function ``f`` first, the point ``x``
second. One-variable functions work elementwise on an array ``x`` (``f`` is
called once on the whole array); ``partial``, ``gradient``, ``jacobian``,
``hessian`` and ``directional_derivative`` take a 1-D ``x`` holding the ``n``
inputs of a function of several variables.

How big should the step be?
---------------------------
A finite difference has two errors that pull in opposite directions: the
*truncation* error of the formula (smaller for smaller ``h``) and the
*rounding* error of subtracting two nearly equal numbers (about
``eps * |f| / h``, larger for smaller ``h``). Balancing the two gives the
default steps of :func:`default_step`, scaled to the size of ``x``.
"""
from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np

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
    check_step,
    quiet_numpy,
)

__all__ = [
    "EPS",
    "METHODS",
    "RichardsonResult",
    "default_step",
    "difference_quotient",
    "forward_difference",
    "backward_difference",
    "central_difference",
    "complex_step",
    "richardson",
    "derivative",
    "second_derivative",
    "partial",
    "gradient",
    "jacobian",
    "hessian",
    "directional_derivative",
]

EPS = float(np.finfo(float).eps)  # 2.2e-16, the spacing of floats near 1

#: Methods accepted by :func:`derivative`.
METHODS = ("forward", "backward", "central", "complex", "richardson")

# The default step is h = EPS**power * scale, where scale = max(|x|, floor)
# (and scale = 1 at x = 0). Each power balances truncation against rounding:
#   forward/backward: error ~ h + eps/h    -> best h ~ eps^(1/2)
#   central:          error ~ h^2 + eps/h  -> best h ~ eps^(1/3)
#   second:           error ~ h^2 + eps/h^2 -> best h ~ eps^(1/4)
# The floor stops the step from shrinking to nothing for tiny nonzero x. The
# second derivative divides by h^2, so it needs a larger floor.
_STEP_RULES = {
    # method:    (power, floor)
    "forward": (1 / 2, 1e-3),
    "backward": (1 / 2, 1e-3),
    "central": (1 / 3, 1e-3),
    "second": (1 / 4, 1e-2),
}
_RICHARDSON_FRACTION = 0.5  # first Richardson step: half the scale of x
_COMPLEX_STEP = 1e-20
_SEVERAL_VARIABLES_FLOOR = 1.0  # see default_step, Notes
_STEP_METHODS = tuple(_STEP_RULES) + ("complex", "richardson")
_MAX_RICHARDSON_ITER = 100  # step_factor**100 shrinks any first step far below rounding
_MAX_HESSIAN_INPUTS = 1000  # 2 n**2 + 1 evaluations of f: two million at n = 1000
_HUGE = float(np.finfo(float).max)
# Exceptions from the user's f that get a message naming `f` (others, such as
# KeyboardInterrupt or a NameError in f, pass through unchanged).
_F_ERRORS = (TypeError, ValueError, IndexError, KeyError, ArithmeticError)


# --------------------------------------------------------------------------
# private helpers
# --------------------------------------------------------------------------
def _scale(x, floor):
    """|x| with a floor for tiny nonzero x, and 1 at x = 0."""
    ax = np.abs(x)
    return np.where(ax == 0, 1.0, np.maximum(ax, floor))


def _out(value):
    """0-d arrays become plain Python numbers; other arrays are returned as they are."""
    value = np.asarray(value)
    return value.item() if value.ndim == 0 else value


def _show(value, digits=12):
    """A point or step for an error message: rounded, and short."""
    return _point_text(value, digits, width=60)


def _first(mask, *arrays):
    """The entries of `arrays` (broadcast to mask's shape) at the first True of `mask`."""
    k = np.flatnonzero(mask)[0]
    return [np.broadcast_to(a, mask.shape).reshape(-1)[k] for a in arrays]


def _f_failed(exc, t):
    """A clear error for an exception raised inside the user's f."""
    kind = ValueError if isinstance(exc, (ValueError, ArithmeticError)) else TypeError
    hint = ("is the point inside the domain of `f`?" if kind is ValueError else
            "`f` must take a number (or an array of numbers) and return numbers")
    where = _show(t) if np.size(t) == 1 else f"an array of shape {np.shape(t)}"
    return kind(f"calling `f` at {where} raised {type(exc).__name__}: {exc}; {hint}")


def _call(f, t, x, h=None, elementwise=True, check=True, allow_complex=False, one_per_point=False):
    """Return f(t) as a float array, refusing what is not a finite real number.

    `x` is the user's point (for the error message), `t` where f is evaluated.
    Callers run under ``quiet_numpy``: numpy's warnings inside f become the
    clear errors below. With `one_per_point` a scalar `t` must give a scalar
    (no vector-valued f).
    """
    try:
        raw = f(t)
    except _F_ERRORS as exc:
        raise _f_failed(exc, t) from exc
    value = as_real_output(raw, "f", allow_complex=allow_complex)
    if one_per_point and value.shape != np.shape(t):
        raise ValueError(f"`f` must return one number per point: for an input of shape {np.shape(t)} it "
                         f"returned shape {value.shape}")
    if elementwise and np.ndim(t) > 0 and value.shape != np.shape(t):
        raise ValueError(
            f"`f` must work elementwise on arrays: for an input of shape {np.shape(t)} it "
            f"returned shape {value.shape}. For a function of several variables use "
            "`gradient`, `jacobian` or `partial`."
        )
    bad = ~np.isfinite(value)
    if not check or not np.any(bad):
        return value
    if elementwise and value.ndim > 0:  # name only the first point where f failed
        x, h = _first(bad, x, np.nan if h is None else h)
        h = None if np.isnan(h) else h
    is_nan = np.isnan(value[bad].reshape(-1)[0])
    if is_nan:
        try:
            check_finite_output(np.nan, x)
        except ValueError as exc:
            message = str(exc)
    else:
        message = (f"`f` returned inf at x={_show(x)}; a derivative needs finite values of `f` "
                   "(does `f` overflow there, or is x at a pole of `f`?)")
    if h is not None:
        message += (f" (f was evaluated at points up to h={_show(h, 15)} away from x; "
                    "if `f` is finite at x itself, x is near the edge of its domain: pass a smaller `h`)")
    raise ValueError(message)


def _result(value, x, h, what="difference quotient"):
    """`value` as a number (or array) if it is finite, else a clear error."""
    value = np.asarray(value)
    bad = ~np.isfinite(value)
    if np.any(bad):
        x, h = _first(bad, x, h)
        raise ValueError(
            f"the {what} overflows float64 at x={_show(x)}: the values of `f` differ by more than "
            f"float64 can hold over the step h={_show(h)}; is `f` really this steep there? "
            "(a larger `h` or a rescaled `f` may help)"
        )
    return _out(value)


def _steps(x, h, method):
    """The step(s) to use: the default for `method`, or the user's `h`."""
    if h is None:
        return default_step(x, method)
    return _broadcast_step(x, check_step(h))


def _broadcast_step(x, h):
    """`h`, after checking that it broadcasts against `x` (one step per point)."""
    try:
        np.broadcast_shapes(np.shape(x), np.shape(h))
    except ValueError:
        raise ValueError(f"`h` (shape {np.shape(h)}) must broadcast against `x` (shape {np.shape(x)})") from None
    return h


def _check_reach(x, h):
    """Refuse a point so close to the largest float that x + h overflows."""
    if not np.all(np.isfinite(x + h) & np.isfinite(x - h)):
        bad = ~(np.isfinite(x + h) & np.isfinite(x - h))
        xb, hb = _first(bad, x, h)
        raise ValueError(
            f"`x`={_show(xb)} is too close to the largest float64 ({_HUGE:.4g}) for the step "
            f"h={_show(hb)}: x + h overflows"
        )


def _exact(x, h, name="h"):
    """Round the step so that x + h is exactly h away from x.

    ``x + h`` is rounded to the nearest float, so the points are not exactly
    ``h`` apart; using ``(x + h) - x`` removes that error (a classic trick).
    """
    _check_reach(x, h)
    hh = (x + h) - x
    if np.any(hh == 0):
        raise ValueError(
            f"`{name}` is too small for x: x + {name} == x in floating point ({name}={_show(h)}, x={_show(x)}); "
            f"use a larger `{name}` (or {name}=None for the default)"
        )
    return hh


def _check_method(method, valid):
    if not isinstance(method, str) or method not in valid:
        raise ValueError(f"`method` must be one of {', '.join(map(repr, valid))}; got {method!r:.60}")


def _as_point(x):
    """A 1-D float array of the n inputs of a function of several variables."""
    x = as_float_array(x, "x", ndim=1, finite=True)
    if x.size == 0:
        raise ValueError("`x` must hold at least one input, got an empty array")
    return x


def _point_steps(x, h, method):
    """Per-coordinate steps for a 1-D point `x` (shape (n,)), floor 1."""
    steps = default_step(x, method, floor=_SEVERAL_VARIABLES_FLOOR) if h is None else check_step(h)
    try:
        steps = np.broadcast_to(steps, x.shape).astype(float)
    except ValueError:
        raise ValueError(
            f"`h` must be a number or an array of shape {x.shape} (one step per input), "
            f"got shape {np.shape(steps)}"
        ) from None
    _check_reach(x, steps)
    return steps


def _shift(x, i, step):
    """Copy of the 1-D point x with step added to coordinate i."""
    y = x.copy()
    y[i] += step
    return y


def _check_h_squared(h, x):
    """Second differences divide by h**2: refuse steps whose square over- or underflows."""
    h = np.asarray(h, dtype=float)
    bad = ~((h * h > np.finfo(float).tiny) & np.isfinite(h * h))
    if np.any(bad):
        hb, xb = _first(bad, h, x)
        raise ValueError(
            f"`h`={_show(hb)} (at x={_show(xb)}) does not fit a second difference: h**2 = {hb * hb:.3g} "
            "over- or underflows float64. Steps between about 1e-150 and 1e150 work, so with the "
            "default step |x| must stay below about 1e150"
        )


def _untrusted(f, x, h, estimate=None, method=None):
    """Where a difference of `f` at `x` with step `h` cannot be trusted, and why.

    From f at x - h, x - h/2, x, x + h/2, x + h: the gap between the slope
    from the right and from the left over a step g is ``g f''(x) + O(g^3)``
    for a smooth f, so it at least halves from g = h to g = h/2; at a kink or
    a jump it stays the jump whatever g is. Where f is finite on one side
    only (the edge of its domain), the one-sided slope must settle instead:
    halving the step may not change it by 10%. An `estimate` by another
    method (Richardson, complex step) must agree with the central difference
    over h/2 within that difference's own error, measured against the one
    over h. Returns (point, why) for the first untrusted point, or None.
    """
    shape = np.broadcast_shapes(np.shape(x), np.shape(h))
    x, h = np.broadcast_to(x, shape), np.broadcast_to(h, shape)
    try:
        values = {k: as_real_output(f(x + k * (h / 2)) if k else f(x), "f") for k in (-2, -1, 0, 1, 2)}
        shape = np.broadcast_shapes(*(v.shape for v in values.values()), shape)
    except _F_ERRORS:  # f misbehaves at the extra points: leave the judgement to the method
        return None
    fm2, fm1, f0, fp1, fp2 = (np.broadcast_to(values[k], shape) for k in (-2, -1, 0, 1, 2))
    xb, hb = np.broadcast_to(x, shape), np.broadcast_to(h, shape)  # (f may be vector-valued)
    right, left = (fp2 - f0) / hb, (f0 - fm2) / hb
    right_half, left_half = (fp1 - f0) / (hb / 2), (f0 - fm1) / (hb / 2)
    fin = {k: np.isfinite(v) for k, v in zip((-2, -1, 0, 1, 2), (fm2, fm1, f0, fp1, fp2))}
    has_right = fin[0] & fin[1] & fin[2] & np.isfinite(right) & np.isfinite(right_half)
    has_left = fin[0] & fin[-1] & fin[-2] & np.isfinite(left) & np.isfinite(left_half)
    fmax = np.maximum.reduce([np.where(np.isfinite(v), np.abs(v), 0) for v in (fm2, fm1, f0, fp1, fp2)])
    # rounding noise of the differences; the floor (the spacing of the smallest floats) covers
    # values that underflow, where f(x + h) - f(x) cannot resolve a slope below it / h
    noise = 64 * (EPS * fmax + np.finfo(float).smallest_subnormal) / (hb / 2)
    gap, gap_half = right - left, right_half - left_half
    kink = (has_right & has_left & (np.abs(gap_half) >= 0.75 * np.abs(gap)) & (np.abs(gap_half) > noise)
            & (np.abs(gap_half) > 1e-8 * np.maximum(np.abs(right), np.abs(left))))
    cross = np.zeros(shape, dtype=bool)
    if estimate is not None:  # (right + left) / 2 is the central difference over h
        central, central_half = (right + left) / 2, (right_half + left_half) / 2
        good_to = 4 * np.abs(central - central_half) + 4 * noise + 1e-8 * np.abs(central_half)
        cross = has_right & has_left & ~kink & (np.abs(np.broadcast_to(estimate, shape) - central_half) > good_to)
    one_side, half_step = np.where(has_right, right, left), np.where(has_right, right_half, left_half)
    edge = ((has_right ^ has_left) & (np.abs(one_side - half_step) > noise)
            & (np.abs(one_side - half_step) > 0.1 * np.maximum(np.abs(one_side), np.abs(half_step))))
    untrusted = np.flatnonzero(kink | edge | cross)
    if untrusted.size == 0:
        return None
    at = np.unravel_index(untrusted[0], shape)  # the first untrusted point
    step = f"{hb[at]:.3g}"
    if cross[at]:
        why = (
            f"the {method} estimate {np.broadcast_to(estimate, shape)[at]:.10g} disagrees with a central "
            f"difference over a step of {hb[at] / 2:.3g} ({central_half[at]:.10g}, good to about "
            f"{good_to[at]:.2g}): its step is too large for how fast `f` varies near x; pass a smaller `h`")
    elif kink[at]:
        why = (
            f"its slope from the right ({right[at]:.6g}) and from the left ({left[at]:.6g}) differ "
            f"over a step of {step}, and the gap does not shrink with the step. Either `f` has a "
            f"kink or a jump within {step} of x (f'(x) does not exist there; forward_difference and "
            "backward_difference give the one-sided slopes), or `f` varies faster than that step "
            "resolves: pass a smaller `h`")
    else:
        side = "right" if has_right[at] else "left"
        why = (
            f"`f` is finite only on the {side} of x, and its slope from the {side} changes from "
            f"{one_side[at]:.6g} to {half_step[at]:.6g} when the step is halved from {step}: the "
            "step is too large for how fast `f` varies near the edge of its domain (or f'(x) is "
            "infinite there): pass a smaller `h`")
    return _show(xb[at]), why


# --------------------------------------------------------------------------
# one variable
# --------------------------------------------------------------------------
@quiet_numpy
def default_step(x, method="central", *, floor=None):
    """Near-optimal default step for a finite-difference method at `x`.

    Parameters
    ----------
    x : float or array_like
        Point(s) where the derivative is wanted.
    method : {"central", "forward", "backward", "second", "richardson", "complex"}
        ``"second"`` is the step of :func:`second_derivative`,
        ``"richardson"`` the first (largest) step of :func:`richardson`.
    floor : float, optional
        Smallest scale used for nonzero ``|x|``. Default: the method's
        floor (see Notes). Functions of several variables use ``floor=1``.

    Returns
    -------
    h : float or ndarray
        Positive step(s), same shape as `x`.

    Notes
    -----
    ``h = eps**p * scale`` with ``p = 1/2`` (forward, backward), ``1/3``
    (central) or ``1/4`` (second derivative): the powers that balance the
    truncation error against the rounding error ``eps * |f| / h``. The scale
    is ``|x|``, so the step is relative and ``x - h`` stays positive for
    ``log`` at ``1e-3`` or ``x**2.5`` at ``0.01``. It has a floor of ``1e-3``
    (``1e-2`` for the second derivative) so that it does not vanish for tiny
    nonzero ``x``, and is ``1`` at ``x = 0`` where ``|x|`` says nothing about
    the function's scale. Richardson starts at ``h0 = scale / 2`` and the
    complex step uses ``1e-20`` everywhere.

    Below the floor the step stops shrinking, so for functions like ``exp``
    or ``sigmoid`` at tiny nonzero ``x`` the central difference is only good
    to about ``1e-8`` (and the second derivative to ``1e-4``).

    A step relative to ``|x|`` assumes ``f`` varies on the scale of ``x``.
    A function that oscillates faster, such as ``sin`` at ``x = 1e6`` (step
    about 6), defeats it: pass a small ``h`` yourself, or use
    ``method="richardson"``, whose ``success`` flag reports the failure.

    For a function of several variables the size of one input says little
    about the size of ``f`` (which the rounding error scales with), so
    :func:`gradient`, :func:`jacobian`, :func:`hessian`, :func:`partial` and
    :func:`directional_derivative` use ``max(|x_i|, 1)``, as
    ``scipy.optimize`` does.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import default_step, EPS
    >>> np.allclose(default_step(1.0), EPS ** (1 / 3))
    True
    >>> np.allclose(default_step([100.0, 1e-3, 0.0], "forward"), np.sqrt(EPS) * np.array([100, 1e-3, 1]))
    True
    >>> np.allclose(default_step([1e-3, 5.0], floor=1.0), EPS ** (1 / 3) * np.array([1.0, 5.0]))
    True
    """
    _check_method(method, _STEP_METHODS)
    x = as_float_array(x, finite=True)
    if floor is not None:
        if isinstance(floor, (list, tuple)) or (isinstance(floor, np.ndarray) and floor.ndim):
            raise TypeError(f"`floor` must be a positive number, got {type(floor).__name__} {floor!r:.60}")
        floor = check_step(floor, "floor", allow_none=False)
    if method == "complex":
        return _out(np.full(x.shape, _COMPLEX_STEP))
    if method == "richardson":
        return _out(_RICHARDSON_FRACTION * _scale(x, floor or _STEP_RULES["central"][1]))
    power, method_floor = _STEP_RULES[method]
    return _out(EPS**power * _scale(x, floor or method_floor))


@quiet_numpy
def difference_quotient(f, x, h):
    """Average rate of change of `f` over ``[x, x + h]``: ``(f(x+h) - f(x)) / h``.

    The slope of the secant line through ``(x, f(x))`` and ``(x+h, f(x+h))``;
    its limit as ``h -> 0`` is the derivative.

    Parameters
    ----------
    f : callable
        Function of one variable, vectorised over numpy arrays.
    x : float or array_like
        Left end of the interval.
    h : float or array_like
        Width of the interval. Any nonzero finite number: a negative `h`
        gives the average rate over ``[x + h, x]``. An array of steps is
        handy to watch the quotient approach the derivative.

    Returns
    -------
    float or ndarray
        The difference quotient, shape of ``x + h``.

    Notes
    -----
    As an estimate of ``f'(x)`` its error is ``O(h)`` (it is the forward
    difference), plus a rounding error ``~ eps * |f| / |h|`` that grows as
    `h` shrinks.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import difference_quotient
    >>> np.allclose(difference_quotient(lambda x: x**2, 1.0, 0.5), 2.5)   # (1.5**2 - 1) / 0.5
    True
    >>> np.allclose(difference_quotient(np.exp, 0.0, [1e-1, 1e-3, 1e-5]), [1.0517, 1.0005, 1.0], atol=1e-4)
    True
    """
    check_callable(f)
    x = as_float_array(x, finite=True)
    if isinstance(h, (bool, np.bool_)) or h is None:
        raise TypeError(f"`h` must be a nonzero real number (or an array of them), got {h!r}")
    h = as_float_array(h, "h")
    if not np.all(np.isfinite(h)) or np.any(h == 0):
        raise ValueError(f"`h` must be nonzero and finite, got {_out(h)!r:.60}")
    _broadcast_step(x, h)
    _exact(x, np.abs(h))  # refuses x + h == x and x + h overflowing
    fx = _call(f, x, x)
    return _result((_call(f, x + h, x, h) - fx) / h, x, h)


@quiet_numpy
def forward_difference(f, x, h=None):
    """Forward difference ``(f(x + h) - f(x)) / h``, error ``O(h)``.

    Parameters
    ----------
    f : callable
        Function of one variable, vectorised over numpy arrays.
    x : float or array_like
        Point(s) where the derivative is wanted.
    h : float or array_like, optional
        Positive step. Default ``sqrt(eps) * |x|`` (see :func:`default_step`).

    Returns
    -------
    float or ndarray
        Estimate of ``f'(x)``.

    Notes
    -----
    Error order 1: halving `h` halves the truncation error ``h |f''| / 2``.
    With the default step the total error is about ``1e-8`` (relative).
    The step is rounded so that ``x + h`` is exactly `h` away from `x`.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import forward_difference
    >>> np.allclose(forward_difference(np.sin, 1.0), np.cos(1.0), rtol=1e-7)
    True
    >>> np.allclose(forward_difference(lambda x: x**2, 3.0, h=0.1), 6.1)   # error exactly h
    True
    """
    check_callable(f)
    x = as_float_array(x, finite=True)
    h = _exact(x, _steps(x, h, "forward"))
    fx = _call(f, x, x)
    return _result((_call(f, x + h, x, h) - fx) / h, x, h)


@quiet_numpy
def backward_difference(f, x, h=None):
    """Backward difference ``(f(x) - f(x - h)) / h``, error ``O(h)``.

    Parameters
    ----------
    f : callable
        Function of one variable, vectorised over numpy arrays.
    x : float or array_like
        Point(s) where the derivative is wanted.
    h : float or array_like, optional
        Positive step. Default ``sqrt(eps) * |x|`` (see :func:`default_step`).

    Returns
    -------
    float or ndarray
        Estimate of ``f'(x)``.

    Notes
    -----
    Error order 1, like the forward difference but with the opposite sign
    of the leading error term ``-h f''(x) / 2``. Only uses ``f`` at and to
    the left of `x` (useful at the right end of a domain).

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import backward_difference
    >>> np.allclose(backward_difference(np.sin, 1.0), np.cos(1.0), rtol=1e-7)
    True
    >>> np.allclose(backward_difference(lambda x: x**2, 3.0, h=0.1), 5.9)  # error exactly -h
    True
    """
    check_callable(f)
    x = as_float_array(x, finite=True)
    h = _exact(x, -_steps(x, h, "backward"))  # a negative step, so x + h is left of x
    fx = _call(f, x, x)
    return _result((fx - _call(f, x + h, x, -h)) / -h, x, -h)


@quiet_numpy
def central_difference(f, x, h=None):
    """Central difference ``(f(x + h) - f(x - h)) / (2h)``, error ``O(h^2)``.

    Parameters
    ----------
    f : callable
        Function of one variable, vectorised over numpy arrays.
    x : float or array_like
        Point(s) where the derivative is wanted.
    h : float or array_like, optional
        Positive step. Default ``eps**(1/3) * |x|`` (see :func:`default_step`).

    Returns
    -------
    float or ndarray
        Estimate of ``f'(x)``.

    Notes
    -----
    Error order 2: the ``f''`` terms of the two Taylor expansions cancel,
    leaving ``h^2 f'''(x) / 6``. With the default step the total error is
    about ``1e-11`` to ``1e-10`` (relative) where ``x`` is of order 1.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import central_difference
    >>> np.allclose(central_difference(np.sin, 1.0), np.cos(1.0), rtol=1e-10)
    True
    >>> x = np.linspace(0, 3, 7)
    >>> np.allclose(central_difference(np.exp, x), np.exp(x), rtol=1e-9)
    True
    >>> np.allclose(central_difference(lambda x: x**3, 1.0, h=0.1), 3.01)  # error h**2 exactly
    True
    """
    check_callable(f)
    x = as_float_array(x, finite=True)
    h = _exact(x, _steps(x, h, "central"))
    xp, xm = x + h, x - h
    return _result((_call(f, xp, x, h) - _call(f, xm, x, h)) / (xp - xm), x, h)


@quiet_numpy
def complex_step(f, x, h=1e-20):
    """Complex-step derivative ``Im f(x + i h) / h``.

    Parameters
    ----------
    f : callable
        Function of one variable, *analytic* and written with operations that
        accept complex numbers (numpy ufuncs, ``+ - * / **``), vectorised
        over numpy arrays.
    x : float or array_like
        Real point(s) where the derivative is wanted.
    h : float, optional
        Positive step along the imaginary axis. Default ``1e-20``.

    Returns
    -------
    float or ndarray
        Estimate of ``f'(x)``.

    Notes
    -----
    Error order 2 (``h^2 f'''(x) / 6``) with **no subtractive cancellation**:
    there is no difference of two nearly equal numbers, so `h` can be tiny
    and the result is exact to rounding (relative error ~1e-16). It is
    silently wrong for code that is not analytic on complex numbers, such as
    ``abs``, ``max`` or comparisons; a function that returns real values for
    complex input is refused, and so (with one more evaluation, at ``x``) is
    one that is not real on the real axis (``x**2 + 1j`` would give ``1/h``).

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import complex_step
    >>> np.allclose(complex_step(np.sin, 1.0), np.cos(1.0), rtol=1e-15, atol=0)
    True
    >>> np.allclose(complex_step(lambda x: np.exp(x) / x, 2.0), np.exp(2.0) / 4, rtol=1e-15)
    True
    """
    check_callable(f)
    x = as_float_array(x, finite=True)
    h = _broadcast_step(x, check_step(h, allow_none=False))
    z = x + 1j * h
    try:
        with warnings.catch_warnings():  # numpy warns when code drops the imaginary part
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            value = _call(f, z, x, allow_complex=True)
    except (TypeError, np.exceptions.ComplexWarning) as exc:
        if isinstance(exc, TypeError) and exc.__cause__ is None:
            raise  # f ran, but returned something that is not a number
        cause = exc if exc.__cause__ is None else exc.__cause__
        raise TypeError(
            "`f` must accept complex input for the complex-step method (use numpy "
            f"functions such as np.sin rather than math.sin); calling it raised: {cause}"
        ) from cause
    if not np.iscomplexobj(value):
        raise TypeError(
            "`f` returned real values for complex input, so the complex step cannot see its "
            "derivative; avoid abs, max, np.real and comparisons inside `f`"
        )
    # Im f(x + ih) / h is the derivative only if f is real on the real axis
    # (f = x**2 + 1j would give 1/h = 1e20): one more call of f checks it.
    on_axis = _call(f, x, x, allow_complex=True)
    if np.iscomplexobj(on_axis) and np.any(on_axis.imag != 0):
        (xb, fb) = _first(np.broadcast_to(on_axis.imag != 0, on_axis.shape), x, on_axis)
        raise TypeError(
            f"`f` must return real values for real input for the complex-step method, but at "
            f"x={_show(xb)} it returned {complex(fb):.6g}: Im f(x + ih) / h would measure that "
            "imaginary part, not the derivative"
        )
    return _result(value.imag / h, x, h, "complex-step quotient")


@dataclass(frozen=True)
class RichardsonResult:
    """Result of :func:`richardson` (fields named as in scipy.differentiate).

    Attributes
    ----------
    df : float or ndarray
        Best estimate of the derivative.
    error : float or ndarray
        Estimate of its absolute error.
    nfev : int or ndarray
        Number of evaluations of ``f`` (per point).
    nit : int or ndarray
        Number of steps (rows of the extrapolation table) used.
    h : float or ndarray
        Smallest step used by the best estimate.
    x : float or ndarray
        The point(s).
    success : bool or ndarray
        Whether the error estimate fell below ``1e-8 * |df|`` (if not, the
        result is the best found in `maxiter` steps, possibly poor).
    """

    df: float | np.ndarray
    error: float | np.ndarray
    nfev: int | np.ndarray
    nit: int | np.ndarray
    h: float | np.ndarray
    x: float | np.ndarray
    success: bool | np.ndarray


_TRUST_RTOL = 1e-8  # an error estimate above this (relative) is not trusted
_PATIENCE = 2  # stop after this many steps without a better estimate


@quiet_numpy
def richardson(f, x, h0=None, *, step_factor=1.4, maxiter=30):
    """Derivative by Richardson extrapolation of central differences (Ridders' method).

    Central differences ``D(h)`` are computed for shrinking steps
    ``h0, h0/c, h0/c**2, ...`` (``c = step_factor``). Since
    ``D(h) = f'(x) + a h^2 + b h^4 + ...``, combining neighbours cancels the
    error terms one power at a time (Neville's table). Each table entry comes
    with an error estimate; the entry with the smallest one is returned.

    Parameters
    ----------
    f : callable
        Function of one variable, vectorised over numpy arrays.
    x : float or array_like
        Point(s) where the derivative is wanted.
    h0 : float or array_like, optional
        First (largest) step. Default ``|x| / 2`` (see :func:`default_step`).
        Where ``f(x ± h0)`` is nan (outside the domain of `f`) it is halved
        until it is not. An array broadcasts against `x` (several first steps
        at one point give one estimate each).
    step_factor : float, optional
        Ratio between successive steps, > 1. Default 1.4.
    maxiter : int, optional
        Largest number of steps, at most 100. Default 30. A point stops
        earlier once its next step would be lost to rounding (``x + h == x``).

    Returns
    -------
    RichardsonResult
        With fields ``df``, ``error``, ``nfev``, ``nit``, ``h``, ``x``, ``success``.

    Notes
    -----
    Column ``j`` of the table has error order ``2j + 2``, so the order grows
    as long as rounding allows; typical relative errors are ``1e-13`` to
    ``1e-15``. The search stops when the error estimate has not improved for
    two steps (once it is below ``1e-8 * |df|``: at large steps rows may
    agree by accident) or after `maxiter` steps. Steps only shrink, so the
    points stay inside ``[x - h0, x + h0]``. Ridders (1982), *Numerical
    Recipes* section 5.7.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import richardson
    >>> res = richardson(np.exp, 1.0)
    >>> np.allclose(res.df, np.e, rtol=1e-13, atol=0)
    True
    >>> bool(res.error < 1e-11), bool(res.success)
    (True, True)
    >>> np.allclose(richardson(np.log, [1e-3, 1.0, 1e3]).df, [1e3, 1.0, 1e-3], rtol=1e-12)
    True
    """
    check_callable(f)
    x = as_float_array(x, finite=True)
    if h0 is None:
        h = np.asarray(default_step(x, "richardson"), dtype=float)
    else:
        h0 = check_step(h0, "h0", allow_none=False)
        try:
            x, h = (np.array(a, dtype=float) for a in np.broadcast_arrays(x, h0))
        except ValueError:
            raise ValueError(
                f"`h0` must be a number or an array that broadcasts against `x` (shape {x.shape}), "
                f"got shape {np.shape(h0)}"
            ) from None
    if isinstance(step_factor, (bool, np.bool_)) or not isinstance(step_factor, (numbers.Real, np.number)):
        raise TypeError(f"`step_factor` must be a number > 1, got {type(step_factor).__name__} {step_factor!r:.60}")
    try:
        step_factor = float(step_factor)
    except OverflowError:  # an int beyond the floats
        step_factor = np.inf
    if not (np.isfinite(step_factor) and step_factor > 1):
        raise ValueError(f"`step_factor` must be a number > 1, got {step_factor!r}")
    maxiter = check_int(maxiter, "maxiter", minimum=2)
    check_at_most(maxiter, _MAX_RICHARDSON_ITER, "maxiter",
                  f"only add steps lost to rounding: {_MAX_RICHARDSON_ITER} steps shrink h0 by at least "
                  f"1.4**{_MAX_RICHARDSON_ITER} = {1.4**_MAX_RICHARDSON_ITER:.0e}")
    check_at_most(maxiter, max(MAX_POINTS // max(x.size, 1), 2), "maxiter",
                  f"need an extrapolation table of {maxiter} x {x.size} numbers for the {x.size} points "
                  f"of `x`: {_gib(maxiter * x.size)}")
    # keep x ± h0 inside the floats (x near 1.8e308)
    h = np.where(np.isfinite(x + h) & np.isfinite(x - h), h, (_HUGE - np.abs(x)) / 2)

    def central(h, check=True):
        h = _exact(x, h, "h0")
        xp, xm = x + h, x - h
        fp = _call(f, xp, x, h, check=check, one_per_point=True)
        return (fp - _call(f, xm, x, h, check=check, one_per_point=True)) / (xp - xm)

    # First row. Where f(x ± h0) is nan the step left the domain of f, and where it
    # is infinite it overflowed (exp at large x): halve the step.
    nfev, retry = np.zeros(x.shape, dtype=int), np.ones(x.shape, dtype=bool)
    for _ in range(30):
        d = central(h, check=False)
        nfev += 2 * retry
        retry = ~np.isfinite(d)
        if not np.any(retry):
            break
        h = np.where(retry, h / 2, h)
    else:  # still not finite after shrinking h0 a billion times: raise a clear error
        _call(f, x, x)
        _result(central(h), x, h)

    row = [d]
    best, err, h_best = d, np.full(x.shape, np.inf), h
    nit = np.ones(x.shape, dtype=int)
    stale = np.zeros(x.shape, dtype=int)
    active = np.ones(x.shape, dtype=bool)
    for i in range(1, maxiter):
        # a point whose next step would be lost to rounding (x + h == x) stops here
        active &= (x + h / step_factor) - x != 0
        if not np.any(active):
            break
        h = np.where(active, h / step_factor, h)
        new = [central(h)]
        nfev, nit = nfev + 2 * active, nit + active
        improved = np.zeros(x.shape, dtype=bool)
        c = step_factor**2
        for j in range(1, i + 1):
            # Cancel the h^(2j) error term of the two neighbours.
            new.append((c * new[j - 1] - row[j - 1]) / (c - 1))
            c *= step_factor**2
            e = np.maximum(np.abs(new[j] - new[j - 1]), np.abs(new[j] - row[j - 1]))
            better = active & (e <= err)
            best, err, h_best = np.where(better, new[j], best), np.where(better, e, err), np.where(better, h, h_best)
            improved |= better
        stale = np.where(improved, 0, stale + 1)
        trusted = err <= _TRUST_RTOL * np.abs(best)
        active &= ~((stale >= _PATIENCE) & trusted)
        if not np.any(active):
            break
        row = new
    success = np.isfinite(best) & np.isfinite(err) & (err <= _TRUST_RTOL * np.abs(best))
    return RichardsonResult(
        df=_out(best), error=_out(err), nfev=_out(nfev), nit=_out(nit),
        h=_out(h_best), x=_out(x), success=_out(success),
    )


@quiet_numpy
def derivative(f, x, *, method="central", h=None):
    """Derivative of a function of one variable by the chosen method.

    Parameters
    ----------
    f : callable
        Function of one variable, vectorised over numpy arrays.
    x : float or array_like
        Point(s) where the derivative is wanted.
    method : {"central", "forward", "backward", "complex", "richardson"}
        Which formula to use. Default ``"central"``.
    h : float or array_like, optional
        The step (the first step `h0` for ``"richardson"``). Default: see
        :func:`default_step`.

    Returns
    -------
    float or ndarray
        Estimate of ``f'(x)``.

    Raises
    ------
    ValueError
        Where the estimate cannot be trusted, with what to do: Richardson's
        error estimate did not fall below ``1e-8 * |df|`` (the first step is
        too large for how fast `f` varies), or the slopes of `f` from the left
        and from the right disagree (a kink or a jump within the step, where
        ``f'(x)`` does not exist, or a step too large for `f`).

    Notes
    -----
    Error orders: forward and backward ``O(h)``, central ``O(h^2)``, complex
    step ``O(h^2)`` without cancellation (exact to rounding), Richardson
    ``O(h^(2k))`` with ``k`` growing until rounding stops it. Typical
    relative errors with default steps: 1e-8, 1e-8, 1e-11, 1e-16, 1e-14.

    Unlike the formulas it calls, ``derivative`` promises ``f'(x)``, so it
    checks the result with five more evaluations of `f` per point, at ``x``,
    ``x ± h/2`` and ``x ± h``. For a smooth `f` the gap between the slopes
    from the right and from the left, ``h f''(x) + O(h^3)``, at least halves
    with the step; at a kink or a jump within about ``h/5`` of ``x`` it stays
    the jump (a kink farther inside the step can go unnoticed). At the edge
    of the domain of `f` the one-sided slope must settle instead, and the
    estimates of ``"richardson"`` and ``"complex"`` must agree with a central
    difference within its own error (their ``h`` there is the smaller of the
    central step and ``|x|/2``). The formulas themselves
    (:func:`central_difference`, :func:`richardson`, ...) return their value
    without this check.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import derivative
    >>> [bool(np.isclose(derivative(np.sin, 1.0, method=m), np.cos(1.0), rtol=1e-7))
    ...  for m in ("forward", "backward", "central", "complex", "richardson")]
    [True, True, True, True, True]
    >>> derivative(np.abs, 0.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: `f` has no derivative at x=0.0 that a difference can trust: ...
    """
    _check_method(method, METHODS)
    check_callable(f)
    if method == "forward":
        d = forward_difference(f, x, h)
    elif method == "backward":
        d = backward_difference(f, x, h)
    elif method == "central":
        d = central_difference(f, x, h)
    elif method == "complex":
        d = complex_step(f, x, _COMPLEX_STEP if h is None else h)
    else:
        try:
            res = richardson(f, x, h)
        except (TypeError, ValueError) as exc:  # richardson calls its first step `h0`; here it is `h`
            if "`h0`" not in str(exc):
                raise
            raise type(exc)(str(exc).replace("`h0`", "`h`").replace("h0=", "h=")) from exc
        if not np.all(res.success):
            h0 = default_step(res.x, "richardson") if h is None else h
            xb, df, err, h0 = _first(~np.asarray(res.success), res.x, res.df, res.error, h0)
            raise ValueError(
                f"Richardson extrapolation did not converge at x={_show(xb)}: its error estimate "
                f"{err:.2g} is not small against |df| = {abs(df):.2g}. Either `f` varies on a much "
                f"smaller scale than the first step h0={h0:.3g} (pass a smaller first step `h`, "
                f"e.g. h={h0 / 100:.3g}), or `f` has no derivative at x"
            )
        d = res.df
    x = as_float_array(x, finite=True)
    if method in ("forward", "backward", "central"):
        step = default_step(x, method) if h is None else _broadcast_step(x, check_step(h))
    else:  # the central difference's step, short of x = 0 (where domains often end)
        step = np.where(x == 0, default_step(x, "central"), np.minimum(default_step(x, "central"), np.abs(x) / 2))
        if method == "richardson":  # and no larger than the step of Richardson's best estimate
            step = np.minimum(step, res.h)
    estimate = None if method in ("forward", "backward", "central") else d
    untrusted = _untrusted(f, x, step, estimate, method)
    if untrusted:
        raise ValueError("`f` has no derivative at x={} that a difference can trust: {}".format(*untrusted))
    return d


@quiet_numpy
def second_derivative(f, x, h=None):
    """Second derivative by the central formula ``(f(x+h) - 2 f(x) + f(x-h)) / h^2``.

    Parameters
    ----------
    f : callable
        Function of one variable, vectorised over numpy arrays.
    x : float or array_like
        Point(s) where ``f''`` is wanted.
    h : float or array_like, optional
        Positive step. Default ``eps**(1/4) * |x|`` (see :func:`default_step`).

    Returns
    -------
    float or ndarray
        Estimate of ``f''(x)``.

    Notes
    -----
    Error order 2: the leading error is ``h^2 f''''(x) / 12``. Rounding is
    amplified by ``1/h^2``, so the best relative error is only about
    ``sqrt(eps) ~ 1e-8``. A step whose square over- or underflows (``h``
    outside about ``1e-150`` to ``1e150``; with the default step, ``|x|``
    above about ``1e150``) is refused.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import second_derivative
    >>> np.allclose(second_derivative(np.sin, 1.0), -np.sin(1.0), rtol=1e-6)
    True
    >>> np.allclose(second_derivative(lambda x: x**3, [0.0, 1.0, 2.0]), [0.0, 6.0, 12.0], atol=1e-5)
    True
    """
    check_callable(f)
    x = as_float_array(x, finite=True)
    h = _exact(x, _steps(x, h, "second"))
    _check_h_squared(h, x)
    fx = _call(f, x, x)
    return _result((_call(f, x + h, x, h) - 2 * fx + _call(f, x - h, x, h)) / h**2, x, h,
                   "second difference")


# --------------------------------------------------------------------------
# several variables
# --------------------------------------------------------------------------
@quiet_numpy
def partial(f, x, i, h=None):
    """Partial derivative ``df/dx_i`` at the point `x` (central difference).

    Parameters
    ----------
    f : callable
        Function of the 1-D array `x` (its ``n`` inputs).
    x : array_like, shape (n,)
        The point.
    i : int
        Which input to vary, ``0 <= i < n``.
    h : float or array_like, optional
        Positive step (or one per input). Default ``eps**(1/3) * max(|x_i|, 1)``.

    Returns
    -------
    float or ndarray
        ``(f(x + h e_i) - f(x - h e_i)) / (2h)``, shaped like ``f(x)``.

    Notes
    -----
    Error order 2, as for :func:`central_difference`. Only input `i` moves;
    all others are held fixed.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import partial
    >>> f = lambda x: x[0]**2 * x[1]
    >>> np.allclose([partial(f, [3.0, 2.0], 0), partial(f, [3.0, 2.0], 1)], [12.0, 9.0])
    True
    """
    check_callable(f)
    x = _as_point(x)
    i = check_int(i, "i", minimum=0)
    if i >= x.size:
        raise ValueError(f"`i` must be an index in range({x.size}) for an `x` of {x.size} inputs, got {i}")
    step = _exact(x[i], _point_steps(x, h, "central")[i])
    fp = _call(f, _shift(x, i, step), x, step, elementwise=False)
    fm = _call(f, _shift(x, i, -step), x, step, elementwise=False)
    return _result((fp - fm) / (2 * step), x[i], step)


@quiet_numpy
def gradient(f, x, h=None):
    """Gradient of a scalar function of several variables (central differences).

    Parameters
    ----------
    f : callable
        ``f(x) -> scalar`` for a 1-D array `x`.
    x : array_like, shape (n,)
        The point.
    h : float or array_like, optional
        Positive step, or one per input. Default ``eps**(1/3) * max(|x_i|, 1)``
        per input.

    Returns
    -------
    ndarray, shape (n,)
        The vector of partial derivatives ``df/dx_i``.

    Notes
    -----
    Error order 2 in each component; ``2n`` evaluations of ``f`` (plus one
    to check that ``f`` returns a scalar).

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import gradient
    >>> f = lambda x: x[0]**2 + 3 * x[0] * x[1]
    >>> np.allclose(gradient(f, [1.0, 2.0]), [8.0, 3.0])
    True
    """
    check_callable(f)
    x = _as_point(x)
    steps = _point_steps(x, h, "central")
    f0 = _call(f, x, x, elementwise=False)
    if f0.ndim != 0:
        raise ValueError(
            f"`f` must return a scalar for `gradient`, got an array of shape {f0.shape}; "
            "use `jacobian` for a vector-valued f"
        )
    return np.array([partial(f, x, i, steps[i]) for i in range(x.size)], dtype=float)


@quiet_numpy
def jacobian(f, x, h=None):
    """Jacobian matrix ``J[k, i] = df_k / dx_i`` (central differences).

    Parameters
    ----------
    f : callable
        ``f(x) -> array of shape (m,)`` (or a scalar, m = 1) for a 1-D array `x`.
    x : array_like, shape (n,)
        The point.
    h : float or array_like, optional
        Positive step, or one per input. Default ``eps**(1/3) * max(|x_i|, 1)``.

    Returns
    -------
    ndarray, shape (m, n)
        One row per output, one column per input.

    Notes
    -----
    Error order 2; ``2n`` evaluations of ``f`` (plus one to check its shape).
    Column ``i`` is the partial derivative of all outputs along input ``i``.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import jacobian
    >>> f = lambda x: np.array([x[0] * x[1], np.sin(x[0]), x[1] ** 2])
    >>> J = jacobian(f, [1.0, 2.0])
    >>> J.shape
    (3, 2)
    >>> np.allclose(J, [[2.0, 1.0], [np.cos(1.0), 0.0], [0.0, 4.0]])
    True
    """
    check_callable(f)
    x = _as_point(x)
    steps = _point_steps(x, h, "central")
    f0 = _call(f, x, x, elementwise=False)
    if f0.ndim > 1:
        raise ValueError(
            f"`f` must return a scalar or a 1-D array for `jacobian`, got an array of shape {f0.shape}"
        )
    columns = [np.reshape(partial(f, x, i, steps[i]), -1) for i in range(x.size)]
    J = np.stack(columns, axis=-1).astype(float)
    if J.shape[0] != f0.size:
        raise ValueError("`f` must return arrays of the same shape at every point")
    return J


@quiet_numpy
def hessian(f, x, h=None):
    """Hessian matrix ``H[i, j] = d^2 f / dx_i dx_j`` of a scalar function.

    Parameters
    ----------
    f : callable
        ``f(x) -> scalar`` for a 1-D array `x`.
    x : array_like, shape (n,)
        The point.
    h : float or array_like, optional
        Positive step, or one per input. Default ``eps**(1/4) * max(|x_i|, 1)``.

    Returns
    -------
    ndarray, shape (n, n)
        Symmetric matrix of second partial derivatives.

    Notes
    -----
    Error order 2. Diagonal: ``(f(x+h e_i) - 2 f(x) + f(x-h e_i)) / h^2``.
    Off the diagonal the four-point formula
    ``(f(++) - f(+-) - f(-+) + f(--)) / (4 h_i h_j)``. ``2n^2 + 1``
    evaluations of ``f``, so `x` may hold at most 1000 inputs.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import hessian
    >>> f = lambda x: x[0]**2 * x[1] + x[1]**3
    >>> np.allclose(hessian(f, [1.0, 2.0]), [[4.0, 2.0], [2.0, 12.0]], rtol=1e-6)
    True
    """
    check_callable(f)
    x = _as_point(x)
    if x.size > _MAX_HESSIAN_INPUTS:
        raise ValueError(f"`x` must hold at most {_MAX_HESSIAN_INPUTS} inputs for `hessian` (n inputs take "
                         f"2 n**2 + 1 evaluations of `f`: {2 * x.size**2 + 1} here), got {x.size}")
    steps = _exact(x, _point_steps(x, h, "second"))
    _check_h_squared(steps, x)
    f0 = _call(f, x, x, elementwise=False)
    if f0.ndim != 0:
        raise ValueError(f"`f` must return a scalar for `hessian`, got an array of shape {f0.shape}")
    n = x.size

    def fx(*moves):  # f at x moved by the given (index, step) pairs
        y = x.copy()
        for i, s in moves:
            y[i] += s
        return float(_call(f, y, x, steps, elementwise=False))

    H = np.empty((n, n))
    for i in range(n):
        hi = steps[i]
        H[i, i] = (fx((i, hi)) - 2 * f0 + fx((i, -hi))) / hi**2
        for j in range(i):
            hj = steps[j]
            H[i, j] = H[j, i] = (
                fx((i, hi), (j, hj)) - fx((i, hi), (j, -hj)) - fx((i, -hi), (j, hj)) + fx((i, -hi), (j, -hj))
            ) / (4 * hi * hj)
    return _result(H, x, steps, "second difference")


@quiet_numpy
def directional_derivative(f, x, v, h=None):
    """Rate of change of `f` along the direction `v`: ``d/dt f(x + t v)`` at ``t = 0``.

    Parameters
    ----------
    f : callable
        Function of the 1-D array `x`.
    x : array_like, shape (n,)
        The point.
    v : array_like, shape (n,)
        The direction. It is **not** normalised: the result equals
        ``gradient(f, x) @ v``; pass a unit vector for the slope per unit
        distance.
    h : float, optional
        Positive step in ``t`` (points ``x ± h v``). Default: a step that
        moves ``x`` by about ``eps**(1/3) * max(|x_i|, 1)``.

    Returns
    -------
    float or ndarray
        ``(f(x + h v) - f(x - h v)) / (2h)``, shaped like ``f(x)``.

    Notes
    -----
    Error order 2 (a central difference along the line ``x + t v``). Costs
    2 evaluations of ``f`` whatever ``n`` is, against ``2n`` for the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from calclib.differentiate import directional_derivative
    >>> f = lambda x: x[0]**2 + 3 * x[1]
    >>> np.allclose(directional_derivative(f, [1.0, 1.0], [1.0, 0.0]), 2.0)
    True
    >>> np.allclose(directional_derivative(f, [1.0, 1.0], [1.0, 1.0]), 2.0 + 3.0)
    True
    """
    check_callable(f)
    x = _as_point(x)
    v = as_float_array(v, "v", finite=True)
    if v.shape != x.shape:
        raise ValueError(f"`v` must have the same shape as `x` {x.shape}, got {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("`v` must be finite")
    vmax = np.max(np.abs(v))
    if vmax == 0:  # no direction: f does not change along it
        return _out(np.zeros_like(_call(f, x, x, elementwise=False), dtype=float))
    # Step along u = v / max|v| (largest component 1), then scale back:
    # D_v f = max|v| * D_u f. This keeps tiny or huge v from overflowing h.
    u = v / vmax
    if h is None:
        s = default_step(np.max(np.abs(x)), "central", floor=_SEVERAL_VARIABLES_FLOOR)
    else:
        if np.ndim(h) != 0:
            raise ValueError(f"`h` must be a positive finite number (one step along `v`), "
                             f"got an array of shape {np.shape(h)}")
        s = check_step(h, allow_none=False) * vmax
    _check_reach(x, s * u)
    if np.all(x + s * u == x):
        raise ValueError(f"`h` is too small for x: x + h v == x in floating point (h={s / vmax:.3g}); "
                         "use a larger `h` (or h=None for the default)")
    fp = _call(f, x + s * u, x, s, elementwise=False)
    fm = _call(f, x - s * u, x, s, elementwise=False)
    return _result((fp - fm) / (2 * s) * vmax, np.max(np.abs(x)), s)
