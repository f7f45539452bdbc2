"""Argument checks shared by every calclib module.

Each helper raises with a message that names the argument and says what was
expected, in the style of scipy: "`h` must be positive and finite, got -0.1".
Tests match these messages with ``pytest.raises(match=...)``.

The rule of the package
-----------------------
A calclib call either returns a number it stands behind or raises an error
that names the argument and what was expected; it never lets a numpy
floating-point warning reach the learner. The pieces that enforce it live
here: :func:`quiet_numpy` turns numpy's warnings off inside a calclib call
(each caller then checks its own results), :func:`as_real_output` checks what
a user's function returned, :func:`check_at_most` bounds the work a call may
do before anything is allocated, and :class:`AccuracyWarning` is the one
warning class a calclib function may emit about a result it returns anyway.
"""
from __future__ import annotations

import functools
import math
import numbers

import numpy as np

__all__ = [
    "AccuracyWarning",
    "MAX_POINTS",
    "quiet_numpy",
    "check_callable",
    "check_step",
    "check_int",
    "check_real",
    "check_at_most",
    "check_interval",
    "as_float_array",
    "as_real_output",
    "check_finite_output",
]

#: The most points at which one calclib call evaluates a function (one float64
#: array of them is 80 MB): far beyond any teaching use, small enough that a
#: mistyped ``n=1e9`` fails at once instead of exhausting memory.
MAX_POINTS = 10_000_000


class AccuracyWarning(UserWarning):
    """A calclib result is less accurate than its method promises.

    The package's one warning class (``scipy.integrate`` uses the same name).
    Its message says what to do about it. Filter it like any warning:
    ``warnings.simplefilter("error", AccuracyWarning)`` turns it into an error.
    """


def quiet_numpy(func):
    """Decorator: run `func` with numpy's floating-point warnings turned off.

    Overflow, division by zero and invalid operations then give inf or nan
    silently, and the decorated function must check its results itself and
    raise a clear error instead (numpy's warnings name neither the argument
    nor what to do, and a warning in a notebook cell fails nbval).
    """

    check_callable(func, "func")

    @functools.wraps(func)
    def quiet(*args, **kwargs):
        with np.errstate(all="ignore"):
            return func(*args, **kwargs)

    return quiet


def _show(value, width=60):
    """A short text for `value` in an error message."""
    if isinstance(value, np.generic):  # show np.complex128(1+1j) as 1+1j
        value = value.item()
    plain = isinstance(value, (numbers.Number, np.ndarray)) and not isinstance(value, (bool, np.bool_))
    text = f"{value!r}" if plain else f"{type(value).__name__} {value!r}"
    return text if len(text) <= width else text[: width - 3] + "..."


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
    try:
        h = float(h)
    except OverflowError:  # an int beyond the floats, such as 10**400
        h = math.inf
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


def check_real(value, name, *, minimum=None):
    """Return `value` as a finite float (>= `minimum` if given), else raise naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a real number, got {_show(value)}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond the floats, such as 10**400
        value = math.inf
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum:g}, got {value!r}")
    return value


def check_at_most(value, limit, name, why):
    """Return `value` if it is at most `limit`, else raise ``ValueError`` saying why.

    Call it before allocating anything: the limits are far beyond teaching
    use and protect a learner from a typo such as ``n=1e9`` that would
    exhaust memory or run for hours. `why` completes the sentence "a larger
    value would ...", e.g. ``"need 7.5 GiB per array"``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a number, got {_show(value)}")
    if value > limit:
        raise ValueError(f"`{name}` must be at most {limit} (a larger value would {why}), got {value}")
    return value


def _gib(count, itemsize=8):
    """Size in GiB of `count` float64 numbers, for limit messages."""
    return f"{count * itemsize / 2**30:.3g} GiB"


def check_interval(a, b, names=("a", "b")):
    """Return finite floats `a`, `b`. Reversed intervals are allowed (the
    integral changes sign); non-finite ends are refused."""
    out = []
    for value, name in zip((a, b), names):
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"`{name}` must be a real number, got {_show(value)}")
        try:
            shape = np.shape(value)
        except ValueError:  # a ragged list
            shape = "ragged"
        if shape != ():
            raise TypeError(f"`{name}` must be a real number, got an array of shape {shape}")
        if np.iscomplexobj(value):
            raise TypeError(f"`{name}` must be a real number, got complex {value!r:.60}")
        try:
            v = float(value)
        except OverflowError:  # an int beyond the floats, such as 10**400
            v = math.inf
        except (TypeError, ValueError):
            raise TypeError(f"`{name}` must be a real number, got {type(value).__name__} {value!r:.60}") from None
        if not np.isfinite(v):
            raise ValueError(f"`{name}` must be finite, got {v!r}")
        out.append(v)
    return tuple(out)


def as_float_array(x, name="x", ndim=None, *, finite=False):
    """Return `x` as a float64 array; `ndim` (int or tuple) restricts its rank.

    Strings, None, complex numbers and objects that are not numbers are
    refused with ``TypeError`` (numpy would turn ``"0.1"`` into 0.1 and drop
    the imaginary part of a complex number). With ``finite=True`` nan and
    inf are refused with ``ValueError``.
    """
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"`{name}` must be a real number or an array of real numbers, got {_show(x)}")
    try:
        arr = np.asarray(x)
        if arr.dtype.kind == "c":
            raise TypeError(f"`{name}` must be real, got complex {_show(x)}")
        if arr.dtype.kind not in "biufO" or (arr.dtype.kind == "O" and not _all_real(arr)):
            raise TypeError(f"`{name}` must be a real number or an array of real numbers, got {_show(x)}")
        arr = arr.astype(float)
    except OverflowError:
        raise ValueError(f"`{name}` must be finite, got a number beyond the largest float64: {_show(x)}") from None
    except (TypeError, ValueError) as exc:
        if str(exc).startswith(f"`{name}`"):
            raise
        raise TypeError(f"`{name}` must be a real number or an array of real numbers, got {_show(x)}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"`{name}` must be {want}, got an array of shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        if arr.ndim == 0:
            raise ValueError(f"`{name}` must be finite, got {float(arr)!r}")
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"`{name}` must be finite, got {arr[where]} at index {where if len(where) > 1 else where[0]}")
    return arr


def _all_real(arr, allow_complex=False):
    """True if every entry of the object array `arr` is a number (numpy casts None to nan)."""
    kinds = (numbers.Number,) if allow_complex else (numbers.Real,)
    return all(isinstance(v, kinds) or (isinstance(v, np.generic) and v.dtype.kind in "biuf" + "c" * allow_complex)
               for v in arr.reshape(-1))


def as_real_output(value, name="f", *, allow_complex=False):
    """Check what the user's function `name` returned; return it as a float array.

    ``None`` (a forgotten ``return``), strings, complex numbers (unless
    `allow_complex`) and objects that are not numbers are refused with a
    ``TypeError`` naming `name`. Booleans and integers become floats. With
    `allow_complex` a complex result is returned as a complex array.
    """
    what = "a number or an array of numbers" if allow_complex else "a real number or an array of real numbers"
    if value is None:
        raise TypeError(f"`{name}` must return {what}, got None (is a `return` missing?)")
    if isinstance(value, (str, bytes)):
        raise TypeError(f"`{name}` must return {what}, got {_show(value)}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must return {what}, got {_show(value)}") from None
    kind = arr.dtype.kind
    if kind == "c":
        if allow_complex:
            return arr
        raise TypeError(f"`{name}` must return real numbers, got complex {_show(value)}")
    if kind in "biuf":
        return arr.astype(float)
    if kind == "O" and _all_real(arr, allow_complex):
        try:
            return arr.astype(float)
        except (TypeError, ValueError, OverflowError):
            if allow_complex:
                return arr.astype(complex)
    raise TypeError(f"`{name}` must return {what}, got {_show(value)}")


def check_finite_output(value, x, name="f"):
    """Raise ``ValueError`` if `value` (what `name` returned at `x`) holds nan.

    Infinite values are let through: they are a legitimate (if unhelpful)
    answer far outside a function's range; nan means the function was called
    outside its domain or is broken there.
    """
    arr = np.asarray(value)
    if arr.dtype.kind in "fc" and np.any(np.isnan(arr)):
        raise ValueError(f"`{name}` returned nan at x={_point_text(x)}; is x inside the domain of `{name}`?")
    return value


def _point_text(x, digits=12, width=80):
    """A point for an error message: 12 significant digits, never overflowing, short."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        text = str(x)
    elif arr.ndim == 0:
        text = repr(float(f"{float(arr):.{digits}g}"))
    else:
        text = "[" + ", ".join(repr(float(f"{v:.{digits}g}")) for v in arr.reshape(-1)[:8]) + (
            ", ...]" if arr.size > 8 else "]")
    return text if len(text) <= width else text[: width - 3] + "..."
