"""Argument checks shared by every calclib module.

Each helper raises with a message that names the argument and says what was
expected, in the style of scipy: "`h` must be positive and finite, got -0.1".
Tests match these messages with ``pytest.raises(match=...)``.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_callable",
    "check_step",
    "check_int",
    "check_interval",
    "as_float_array",
    "check_finite_output",
]


def check_callable(f, name="f"):
    """Return `f` if it is callable, else raise ``TypeError`` naming it."""
    if not callable(f):
        raise TypeError(f"`{name}` must be callable, got {type(f).__name__} {f!r:.60}")
    return f


def check_step(h, name="h", allow_none=True):
    """Return `h` as a positive finite float (or None when allowed)."""
    if h is None:
        if allow_none:
            return None
        raise ValueError(f"`{name}` must be given (a positive finite number), got None")
    if isinstance(h, bool) or not isinstance(h, (numbers.Real, np.floating, np.integer)):
        arr = np.asarray(h, dtype=float) if _is_numeric_array(h) else None
        if arr is None:
            raise TypeError(f"`{name}` must be a positive real number, got {type(h).__name__} {h!r:.60}")
        if not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
            raise ValueError(f"`{name}` must be positive and finite, got {h!r:.60}")
        return arr
    h = float(h)
    if not np.isfinite(h) or h <= 0:
        raise ValueError(f"`{name}` must be positive and finite, got {h!r}")
    return h


def _is_numeric_array(value):
    try:
        arr = np.asarray(value)
    except Exception:
        return False
    return arr.dtype.kind in "iuf" and arr.ndim > 0


def check_int(n, name="n", minimum=1):
    """Return `n` as an int >= `minimum`, else raise naming it."""
    if isinstance(n, bool) or not isinstance(n, (numbers.Integral, np.integer)):
        if isinstance(n, (float, np.floating)) and float(n).is_integer():
            n = int(n)
        else:
            raise TypeError(f"`{name}` must be an integer >= {minimum}, got {type(n).__name__} {n!r:.60}")
    n = int(n)
    if n < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {n}")
    return n


def check_interval(a, b, names=("a", "b")):
    """Return finite floats `a`, `b`. Reversed intervals are allowed (the
    integral changes sign); non-finite ends are refused."""
    out = []
    for value, name in zip((a, b), names):
        if np.ndim(value) != 0:
            raise TypeError(f"`{name}` must be a real number, got an array of shape {np.shape(value)}")
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"`{name}` must be a real number, got {type(value).__name__} {value!r:.60}") from None
        if not np.isfinite(v):
            raise ValueError(f"`{name}` must be finite, got {v!r}")
        out.append(v)
    return tuple(out)


def as_float_array(x, name="x", ndim=None):
    """Return `x` as a float64 array; `ndim` (int or tuple) restricts its rank."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a real number or an array of real numbers, got {type(x).__name__} {x!r:.60}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"`{name}` must be {want}, got an array of shape {arr.shape}")
    return arr


def check_finite_output(value, x, name="f"):
    """Raise ``ValueError`` if `value` (what `name` returned at `x`) holds nan.

    Infinite values are let through: they are a legitimate (if unhelpful)
    answer far outside a function's range; nan means the function was called
    outside its domain or is broken there.
    """
    arr = np.asarray(value)
    if arr.dtype.kind in "fc" and np.any(np.isnan(arr)):
        raise ValueError(
            f"`{name}` returned nan at x={np.round(np.asarray(x, dtype=complex if np.iscomplexobj(x) else float), 12)!s:.80}; "
            f"is x inside the domain of `{name}`?"
        )
    return value
