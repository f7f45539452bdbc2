"""Argument checks, and a quotient that cannot overflow, shared by the two engines.

Each raises with a message that names what was passed and says what was
expected, e.g. "`data` must be finite, got nan at index (1,)".

>>> real_number(3, "data")
3.0
>>> real_array([1, 2], "data").dtype
dtype('float64')
"""
from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["real_number", "real_array", "exponent", "where_not_finite", "ratio"]

_MAX = 1.7976931348623157e308       # the largest float64


def real_number(value, name):
    """`value` as a finite Python float, else ``TypeError`` / ``ValueError`` naming `name`.

    Accepts bool, int, float, numpy scalars and 0-d numeric arrays.

    >>> real_number(2, "x")
    2.0
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "biuf":
        value = value[()]
    if not isinstance(value, numbers.Real):
        shape = f" of shape {value.shape}" if isinstance(value, np.ndarray) else ""
        raise TypeError(f"`{name}` must be a real number, got {type(value).__name__}{shape} {value!r:.60}")
    try:
        out = float(value)
    except OverflowError:
        raise ValueError(f"`{name}` must be a finite real number, got an integer too large for float64") from None
    if not math.isfinite(out):
        raise ValueError(f"`{name}` must be finite, got {out!r}")
    return out


def where_not_finite(arr):
    """Index (a tuple) of the first entry of `arr` that is nan or infinite, or None.

    >>> where_not_finite(np.array([1.0, np.nan]))
    (1,)
    """
    bad = ~np.isfinite(arr)
    if not bad.any():
        return None
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), arr.shape))


def real_array(value, name):
    """`value` as a float64 array of finite numbers, else an error naming `name`.

    Accepts numbers, nested sequences and arrays of bool, int or float.
    Strings, complex numbers, objects and ragged sequences raise ``TypeError``
    or ``ValueError``; nan and inf raise ``ValueError`` with their index.

    >>> real_array(2, "x").shape
    ()
    """
    if type(value) is np.ndarray and value.dtype == np.float64:
        if np.isfinite(value).all():           # the common case, quickly
            return value
        raise _not_finite(value, name)
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:      # ragged nested sequences
        raise ValueError(f"`{name}` must be a number or a (rectangular) array of numbers: {exc}") from None
    if arr.dtype.kind not in "biuf":
        what = "complex numbers" if arr.dtype.kind == "c" else f"{type(value).__name__} {value!r:.60}"
        raise TypeError(f"`{name}` must be real numbers (an int, a float or an array of them), got {what}")
    arr = arr.astype(np.float64, copy=False)
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise _not_finite(arr, name)
    return arr


def _not_finite(arr, name):
    idx = where_not_finite(arr)
    where = f" at index {idx}" if idx else ""
    return ValueError(f"`{name}` must be finite, got {float(arr[idx])!r}{where}")


def exponent(p):
    """The exponent of ``x ** p``: a finite real number (kept an int if it is one).

    >>> exponent(2), exponent(0.5)
    (2, 0.5)
    """
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"the exponent must be a number (int or float), got {type(p).__name__} {p!r:.60}; "
                        "for x ** y with y a Value or Tensor write (y * x.log()).exp()")
    try:
        finite = math.isfinite(p)
    except OverflowError:            # an int too large for a float
        finite = False
    if not finite:
        raise ValueError(f"the exponent must be a finite number, got {p!r:.60}")
    return int(p) if isinstance(p, numbers.Integral) else float(p)


def ratio(p, q):
    """p / q; for floats, +-inf where the quotient is beyond float64, found without
    overflowing. (Python gives inf silently, but inside numpy's object-array loops,
    as in ``grad`` of a function of an array, the overflow prints numpy's
    RuntimeWarning.) Arrays are divided as they are, under the caller's errstate.

    >>> ratio(1.0, 4.0), ratio(-1.0, 1e-310)
    (0.25, -inf)
    """
    if type(q) is float and abs(q) < 1.0 and abs(p) > _MAX * abs(q):
        return math.copysign(math.inf, p) * math.copysign(1.0, q)
    return p / q
