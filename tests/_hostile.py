"""Hostile input for calclib's public API: shared strategies and ``assert_clean_call``.

The package's rule (README, section calclib): a calclib call either returns a
number it stands behind or raises an error that names the argument and what
was expected; it never prints a numpy warning. ``assert_clean_call`` checks
one call against that rule, and the hypothesis strategies below produce the
arguments a hostile user (or a learner mid-typo) passes: finite and
non-finite floats, arrays of odd shapes, strings, None, complex numbers,
booleans and functions that return the wrong thing.

Used by ``tests/test_public_api.py``; a test file for another module
(``calclib.autodiff``, ``calclib.nn``) can import the same pieces::

    from _hostile import assert_clean_call, floats_or_junk
"""
from __future__ import annotations

import dataclasses
import inspect
import math
import re
import time
import warnings

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: A call that takes longer than this breaks the rule "bounded work".
CALL_SECONDS = 1.0

_BACKTICKED = re.compile(r"`([^`]+)`")


# --------------------------------------------------------------------------
# checking one call
# --------------------------------------------------------------------------
def accepted_names(fn):
    """The argument names an error message of `fn` may name: its parameters
    (for ``*args`` also ``args[0]``, ``args[1]``, ...)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return set()
    return set(params)


def names_an_argument(message, names):
    """True if `message` holds a backticked argument name from `names`
    (``"`h`"``, or a longer backticked text starting with one, such as
    ``"`args[1]`"`` or ``"`sampler(rng, n)`"``)."""
    for token in _BACKTICKED.findall(message):
        for name in names:
            if token == name or (token.startswith(name) and not (token[len(name)].isalnum() or token[len(name)] == "_")):
                return True
    return False


def describe_call(fn, args, kwargs):
    """``name(arg, ..., key=value)`` with short reprs, for failure messages."""
    parts = [_short_repr(a) for a in args] + [f"{k}={_short_repr(v)}" for k, v in kwargs.items()]
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', fn)}({', '.join(parts)})"


def _short_repr(value):
    if callable(value) and getattr(value, "__name__", None):
        text = getattr(value, "hostile_name", value.__name__)
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number_array(value):
    return isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "biufc"


def assert_finite_result(result, where="result"):
    """Every number in `result` is finite: plain numbers, arrays, tuples,
    lists, dicts and dataclass results (recursively). Two documented
    exceptions: a result whose ``success`` is False is a record of a failure
    (its ``message`` or flag says so) and may hold inf or nan, the entries
    above the diagonal of a Romberg ``table`` are nan by design, and the
    ``domain`` of an example function may be infinite."""
    if isinstance(result, (bool, np.bool_, str, bytes)) or result is None or callable(result):
        return
    if isinstance(result, (int, float, complex, np.number)):
        assert np.isfinite(result), f"{where} is {result!r}, not a finite number"
        return
    if _is_number_array(result):
        assert np.all(np.isfinite(result)), f"{where} holds non-finite values: {result!r:.200}"
        return
    if isinstance(result, np.ndarray):  # object arrays: check each entry
        for k, item in enumerate(result.reshape(-1)):
            assert_finite_result(item, f"{where}[{k}]")
        return
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        success = getattr(result, "success", True)
        if not np.all(success):
            message = getattr(result, "message", "")
            assert isinstance(message, str), f"{where}.message must explain the failure"
            return
        for field in dataclasses.fields(result):
            value = getattr(result, field.name)
            if field.name == "table" and isinstance(value, np.ndarray) and value.ndim == 2:
                value = value[np.tril_indices_from(value)]
            if field.name == "domain":  # an interval: its ends may be -inf and inf, never nan
                assert not np.any(np.isnan(value)), f"{where}.domain is {value!r}"
                continue
            assert_finite_result(value, f"{where}.{field.name}")
        return
    if isinstance(result, (tuple, list)):
        for k, item in enumerate(result):
            assert_finite_result(item, f"{where}[{k}]")
        return
    if isinstance(result, dict):
        for key, item in result.items():
            assert_finite_result(item, f"{where}[{key!r}]")
        return
    for attribute in ("value", "deriv", "data", "grad"):  # duals, Values, Tensors
        if hasattr(result, attribute):
            assert_finite_result(getattr(result, attribute), f"{where}.{attribute}")


def assert_clean_call(fn, *args, allowed_names=(), **kwargs):
    """Call ``fn(*args, **kwargs)`` and check the package's rule.

    Under ``warnings.simplefilter("error")`` (any warning fails the call) the
    call must, within :data:`CALL_SECONDS`, either return a result whose
    numbers are all finite (see :func:`assert_finite_result`), or raise
    ``ValueError`` or ``TypeError`` whose message names one of the function's
    arguments in backticks (or one of `allowed_names`). Returns the result,
    or the exception raised, for further checks. Any other exception fails
    with the call described.
    """
    names = accepted_names(fn) | set(allowed_names)
    call = describe_call(fn, args, kwargs)
    start = time.perf_counter()
    outcome = None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            outcome = fn(*args, **kwargs)
        except (ValueError, TypeError) as exc:
            outcome = exc
        except Exception as exc:  # noqa: BLE001 - reported as a failure, with the call
            raise AssertionError(f"{call} raised {type(exc).__name__}: {exc}") from exc
    elapsed = time.perf_counter() - start
    assert elapsed < CALL_SECONDS, f"{call} took {elapsed:.2f} s (bounded work: under {CALL_SECONDS} s)"
    if isinstance(outcome, (ValueError, TypeError)):
        assert names_an_argument(str(outcome), names), (
            f"{call} raised {type(outcome).__name__} whose message names none of its arguments "
            f"{sorted(names)} in backticks: {outcome}")
        return outcome
    assert_finite_result(outcome, f"{call} returned")
    return outcome


# --------------------------------------------------------------------------
# functions a hostile user passes as `f`
# --------------------------------------------------------------------------
def _named(name, fn):
    fn.hostile_name = name
    fn.__name__ = name
    return fn


def _returns_none(x):
    return None


def _returns_str(x):
    return "x"


def _returns_complex(x):
    return np.asarray(x) + 1j


def _returns_wrong_shape(x):
    return np.ones(7)


def _returns_nan(x):
    return np.asarray(x, dtype=float) * np.nan


def _returns_inf(x):
    return np.asarray(x, dtype=float) * 0 + np.inf


def _raises_type_error(x):
    return math.sin(x)  # only works on a single number


def _square(x):
    return x * x


def _sum_of_squares(x):
    return np.sum(np.asarray(x, dtype=float) ** 2)


#: Well-behaved functions of one variable (or of a vector: np.sum, _sum_of_squares).
GOOD_FUNCTIONS = (np.sin, np.exp, np.log, np.sqrt, np.abs, np.sum, _square, _sum_of_squares)

#: Functions that return the wrong thing, or fail on arrays.
HOSTILE_FUNCTIONS = (
    _named("returns None", _returns_none), _named("returns str", _returns_str),
    _named("returns complex", _returns_complex), _named("returns wrong shape", _returns_wrong_shape),
    _named("returns nan", _returns_nan), _named("returns inf", _returns_inf),
    _named("math.sin", _raises_type_error),
)

#: Things passed where a function is expected.
NOT_CALLABLE = (None, 1.0, "np.sin", [np.sin])


def _normal_sampler(rng, n):
    return rng.standard_normal(n)


#: Samplers ``sampler(rng, n)`` for ``calclib.integrate.expectation``.
SAMPLERS = (
    _normal_sampler,
    _named("sampler returns None", lambda rng, n: None),
    _named("sampler returns too few", lambda rng, n: np.zeros(max(int(n) - 1, 0))),
    _named("sampler returns nan", lambda rng, n: np.full(n, np.nan)),
    _named("sampler returns str", lambda rng, n: ["a"] * n),
)


# --------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------
#: Values of the wrong kind: each must give a TypeError (or a clear ValueError).
JUNK = (None, "0.1", "abc", b"1", True, 1 + 2j, [], [[1.0], [1.0, 2.0]], {}, object(),
        np.array(["a"]), np.array([1 + 1j]), (1.0, None))

junk = st.sampled_from(JUNK)
#: Every float: finite (subnormals and +-1.8e308 included), nan, inf and -inf.
any_floats = st.floats(width=64)
finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
non_finite_floats = st.sampled_from([math.nan, math.inf, -math.inf])
#: Small shapes, including the empty array and 2-D.
shapes = st.sampled_from([(), (0,), (1,), (3,), (2, 2)])
float_arrays = shapes.flatmap(lambda shape: hnp.arrays(np.float64, shape, elements=any_floats))
#: A number, an array of them, or junk: what a hostile user passes as `x`.
floats_or_junk = st.one_of(any_floats, st.integers(-10**30, 10**30), st.just(10**400), float_arrays, junk)
#: Ordinary values (so that calls also get past the argument checks), or anything.
ordinary_floats = st.floats(-10, 10)
ordinary_arrays = hnp.arrays(np.float64, st.sampled_from([(1,), (2,), (3,)]), elements=st.floats(-10, 10))
values = st.one_of(ordinary_floats, ordinary_arrays, floats_or_junk)
positive_arrays = hnp.arrays(np.float64, st.sampled_from([(2,), (3,)]), elements=st.floats(1e-6, 1e3))
#: Steps: ordinary, tiny, huge, zero, negative, non-finite, arrays, junk.
steps = st.one_of(st.sampled_from([1e-3, 0.1, 1.0, 0.0, -0.1, 1e-300, 5e-324, 1e300]), any_floats,
                  float_arrays, junk)
#: Counts: small valid ones, zero and negative, past the limits, floats, junk.
counts = st.one_of(st.integers(-3, 60), st.sampled_from([10**7 + 1, 10**9, 2**63, 10**100]),
                   st.floats(width=64), junk)
#: Well-behaved functions, hostile functions, and things that are not callable.
functions = st.one_of(st.sampled_from(GOOD_FUNCTIONS), st.sampled_from(HOSTILE_FUNCTIONS),
                      st.sampled_from(NOT_CALLABLE))
samplers = st.one_of(st.sampled_from(SAMPLERS), st.sampled_from(NOT_CALLABLE))
#: Seeds and generators for ``rng``.
rngs = st.one_of(st.none(), st.integers(0, 2**32), st.just(np.random.default_rng(0)), junk)
