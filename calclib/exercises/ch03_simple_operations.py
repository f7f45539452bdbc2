"""Chapter 3 exercises: derivatives of simple operations.

3.1 ``partials_abc(a, b, c)``: the three partial derivatives of ``a**2 + b**3 - c``, as an array.
3.2 ``dual_mul(u, v)``: the product rule on dual numbers written as ``(value, derivative)`` pairs.
3.3 ``dual_pow(u, n)``: the power rule on a dual number, with the inner derivative.
"""
from __future__ import annotations

import numpy as np

from .checker import Exercise, Mistake, Wrong, array, close, diagnose, fmt, number, rng_for

__all__ = ["EXERCISES", "HINTS"]

HINTS = {
    # 3.1
    "values": "You returned the values of the terms (a**2, b**3, -c); the exercise asks for their slopes: "
              "how fast f changes when one input is nudged.",
    "a_factor": "Check the partial in a: the power rule brings the exponent down, so a**2 changes "
                "twice as fast as a itself.",
    "a_no_a": "Check the partial in a: it depends on a (a larger square grows faster), it is not a constant.",
    "b_power": "Check the partial in b: bring the exponent 3 down in front and lower it by one (b**3 -> "
               "3 times b squared).",
    "b_factor": "Check the partial in b: the exponent 3 comes down as a factor in front.",
    "c_sign": "c enters with a minus sign: nudging c up by h lowers f by h.",
    "c_variable": "The partial in c is a constant: -c changes by exactly -h when c moves by h, whatever c is.",
    "c_zero": "c does move f: one unit more of c is one unit less of f.",
    "order": "Return the partials in the order of the inputs: first a, then b, then c.",
    "np_array": "Wrap the three partials in np.array([...]): later code does arithmetic on the result.",
    "partials_generic": "Hold two inputs fixed and ask how fast f changes with the third: one term at a time.",
    # 3.2
    "pair": "Return a pair (value, derivative): two parts, the value of the result first, then its derivative.",
    "dual_object": "Return the pair itself, (value, derivative), as a tuple: not a Dual object.",
    "swapped": "The two parts are swapped: the value comes first, the derivative second.",
    "mul_value_sum": "The value of a product is the product of the values: u*v, not u + v.",
    "mul_deriv_product": "The derivative of a product is not the product of the derivatives: nudging u "
                         "adds a strip v*du, nudging v adds a strip u*dv; add both strips.",
    "mul_one_strip": "Only one strip: the change of u*v has two, v*du (u nudged) and u*dv (v nudged). "
                     "Add both.",
    "mul_corner": "You also added du*dv, the corner of the rectangle: for tiny nudges it vanishes, and "
                  "the derivative keeps only the two strips.",
    "mul_minus": "The two strips both add to the area: use a plus sign between them.",
    "mul_generic": "Value: the product of the values. Derivative: the derivative of u times the value of "
                   "v, plus the value of u times the derivative of v.",
    "mul_in_place": "Leave the parts of `u` as they are: `value *= ...` on an array changes the caller's "
                    "array in place; compute a new one (value = u[0] * v[0]).",
    # 3.3
    "pow_inner": "Multiply by the derivative of u as well (the chain rule): u itself moves at the rate u[1].",
    "pow_not_lowered": "Lower the exponent by one: the derivative of u**n has u**(n - 1) in it.",
    "pow_no_n": "Bring the exponent down as a factor: u**n changes n times as fast as u**(n - 1) alone says.",
    "pow_deriv_power": "The derivative of u**n is not (derivative of u)**n: use the power rule and then "
                       "multiply by u's derivative.",
    "pow_value": "The value of u**n is the value of u raised to the power n.",
    "pow_generic": "Value: u's value to the power n. Derivative: n times u's value to the power n - 1, "
                   "times u's derivative.",
}


# ------------------------------------------------------------------ 3.1
def partials_abc(a, b, c):
    """Reference: the partial derivatives of a**2 + b**3 - c."""
    return np.array([2 * a, 3 * b**2, -1.0])


def _run_3_1(attempt):
    rng = rng_for("3.1")
    points = [(1.5, -0.7, 2.0), (-0.4, 1.3, -3.0)]
    points += [tuple(float(v) for v in np.round(rng.uniform(-2, 2, 3), 2)) for _ in range(3)]
    for a, b, c in points:
        call = f"partials_abc(a={a}, b={b}, c={c})"
        got = attempt(a, b, c, call=call)
        if isinstance(got, (list, tuple)) and len(got) == 3:
            raise Wrong(f"{call} returned a Python {type(got).__name__}, not a numpy array.", HINTS["np_array"])
        got = array(got, (3,), call)
        want = partials_abc(a, b, c)
        if close(got, want):
            continue
        hint = diagnose(got, [
            (np.array([a**2, b**3, -c]), HINTS["values"]),
            (want[[1, 0, 2]], HINTS["order"]),
        ], None)
        if hint is None:
            k = int(np.flatnonzero(~np.isclose(got, want, rtol=1e-6, atol=1e-9))[0])
            hint = diagnose(got[k], [
                [(a, HINTS["a_factor"]), (a**2, HINTS["values"]), (2.0, HINTS["a_no_a"]),
                 (2 * a**2, HINTS["a_factor"])],
                [(3 * b, HINTS["b_power"]), (3 * b**3, HINTS["b_power"]), (b**2, HINTS["b_factor"]),
                 (b**3, HINTS["values"]), (2 * b, HINTS["b_power"])],
                [(1.0, HINTS["c_sign"]), (-c, HINTS["c_variable"]), (c, HINTS["c_variable"]),
                 (0.0, HINTS["c_zero"])],
            ][k], HINTS["partials_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "partials_abc gives all three partials at 5 points"


def _p_src(body):
    return f"import numpy as np\ndef partials_abc(a, b, c):\n    return {body}\n"


EX_3_1 = Exercise(
    id="3.1", title="three partial derivatives", name="partials_abc", params=("a", "b", "c"),
    run=_run_3_1, reference=partials_abc,
    mistakes=(
        Mistake("the values, not the slopes", _p_src("np.array([a**2, b**3, -c])"), HINTS["values"]),
        Mistake("exponent kept", _p_src("np.array([2 * a, 3 * b**3, -1.0])"), HINTS["b_power"]),
        Mistake("3b instead of 3b^2", _p_src("np.array([2 * a, 3 * b, -1.0])"), HINTS["b_power"]),
        Mistake("forgot the factor 2", _p_src("np.array([a, 3 * b**2, -1.0])"), HINTS["a_factor"]),
        Mistake("sign of c", _p_src("np.array([2 * a, 3 * b**2, 1.0])"), HINTS["c_sign"]),
        Mistake("-c kept", _p_src("np.array([2 * a, 3 * b**2, -c])"), HINTS["c_variable"]),
        Mistake("order of the inputs", _p_src("np.array([3 * b**2, 2 * a, -1.0])"), HINTS["order"]),
        Mistake("a list", _p_src("[2 * a, 3 * b**2, -1]"), HINTS["np_array"]),
    ),
    variants=(
        "import numpy as np\ndef partials_abc(a, b, c):\n    da = 2 * a\n    db = 3 * b * b\n    dc = -1\n"
        "    return np.array([da, db, dc], dtype=float)\n",
        "import numpy as np\ndef partials_abc(a, b, c):\n    return np.array([a + a, 3 * b**2, -1])\n",
        "import numpy as np\nfrom calclib.rules import dual_partials\ndef partials_abc(a, b, c):\n"
        "    return np.array(dual_partials(lambda a, b, c: a**2 + b**3 - c, a, b, c))\n",
    ),
)


# ------------------------------------------------------------------ the (value, derivative) pairs of 3.2 and 3.3
def _parts(got, call, shape):
    """The answer's (value, derivative) pair as two floats (shape None) or two arrays of `shape`."""
    if hasattr(got, "value") and hasattr(got, "deriv"):
        raise Wrong(f"{call} returned {fmt(got)}, not a (value, derivative) pair.", HINTS["dual_object"])
    if not isinstance(got, (tuple, list, np.ndarray)) or isinstance(got, np.ndarray) and got.ndim == 0:
        raise Wrong(f"{call} returned {fmt(got)}, not a (value, derivative) pair.", HINTS["pair"])
    if len(got) != 2:
        raise Wrong(f"{call} returned {len(got)} parts, expected 2: (value, derivative).", HINTS["pair"])
    if shape is None:
        return number(got[0], f"the value part of {call}"), number(got[1], f"the derivative part of {call}")
    return (array(got[0], shape, f"the value part of {call}"),
            array(got[1], shape, f"the derivative part of {call}"))


def _call_safely(attempt, args, names, call):
    """Call the answer with pairs whose arrays are copies; an answer that changes one is told so."""
    given = tuple(tuple(np.array(p, dtype=float) if np.ndim(p) else p for p in a) if isinstance(a, tuple) else a
                  for a in args)
    kept = [tuple(np.copy(p) for p in a) if isinstance(a, tuple) else a for a in given]
    got = attempt(*given, call=call)
    for name, before, after in zip(names, kept, given):
        if isinstance(before, tuple) and any(not np.array_equal(b, x) for b, x in zip(before, after)):
            raise Wrong(f"{call} changed the parts of its input `{name}`: they were {fmt(before[0])}, "
                        f"{fmt(before[1])} before the call and {fmt(after[0])}, {fmt(after[1])} after.",
                        HINTS["mul_in_place"])
    return got


# ------------------------------------------------------------------ 3.2
def dual_mul(u, v):
    """Reference: the product rule on (value, derivative) pairs."""
    return (u[0] * v[0], u[1] * v[0] + u[0] * v[1])


def _pair_call(name, *args):
    shown = ", ".join(f"({fmt(a[0])}, {fmt(a[1])})" if isinstance(a, tuple) else fmt(a) for a in args)
    return f"{name}({shown})"


def _run_3_2(attempt):
    rng = rng_for("3.2")
    cases = [((2.0, 3.0), (5.0, -1.5)), ((-1.5, 0.5), (4.0, 2.5))]
    cases += [tuple(tuple(float(x) for x in np.round(rng.uniform(-3, 3, 2), 2)) for _ in range(2))
              for _ in range(3)]
    cases.append(((1.5, 2.0), (4.0, 0.0)))          # v a constant: the constant-multiple rule
    for u, v in cases:
        call = _pair_call("dual_mul", u, v)
        got = _call_safely(attempt, (u, v), ("u", "v"), call)
        value, deriv = _parts(got, call, None)
        want = dual_mul(u, v)
        if close(value, want[0]) and close(deriv, want[1]):
            continue
        (a, da), (b, db) = u, v
        if close(value, want[1]) and close(deriv, want[0]):
            hint = HINTS["swapped"]
        elif not close(value, want[0]):
            hint = diagnose(value, [(a + b, HINTS["mul_value_sum"])], HINTS["mul_generic"])
        else:
            hint = diagnose(deriv, [
                (da * db, HINTS["mul_deriv_product"]),
                (da * b, HINTS["mul_one_strip"]),
                (a * db, HINTS["mul_one_strip"]),
                (da * b + a * db + da * db, HINTS["mul_corner"]),
                (da * b - a * db, HINTS["mul_minus"]),
                (a * db - da * b, HINTS["mul_minus"]),
            ], HINTS["mul_generic"])
        raise Wrong(f"{call} returned ({fmt(value)}, {fmt(deriv)}), expected ({fmt(want[0])}, {fmt(want[1])}).",
                    hint)
    u = (np.array([1.0, -2.0, 0.5]), np.array([1.0, 1.0, 1.0]))
    v = (np.array([3.0, 0.5, -1.0]), np.array([0.0, 2.0, -1.0]))
    call = "dual_mul(u, v) with arrays of 3 values in each part"
    got = _call_safely(attempt, (u, v), ("u", "v"), call)
    value, deriv = _parts(got, call, (3,))
    want = dual_mul(u, v)
    if not (close(value, want[0]) and close(deriv, want[1])):
        raise Wrong(f"{call} returned ({fmt(value)}, {fmt(deriv)}), expected ({fmt(want[0])}, {fmt(want[1])}).",
                    HINTS["mul_generic"])
    return "dual_mul applies the product rule at 6 pairs and on arrays, without changing its inputs"


def _m_src(value, deriv):
    return f"def dual_mul(u, v):\n    return ({value}, {deriv})\n"


EX_3_2 = Exercise(
    id="3.2", title="the product rule for dual numbers", name="dual_mul", params=("u", "v"),
    run=_run_3_2, reference=dual_mul,
    mistakes=(
        Mistake("product of the derivatives", _m_src("u[0] * v[0]", "u[1] * v[1]"), HINTS["mul_deriv_product"]),
        Mistake("one strip only (f'g)", _m_src("u[0] * v[0]", "u[1] * v[0]"), HINTS["mul_one_strip"]),
        Mistake("the other strip only (fg')", _m_src("u[0] * v[0]", "u[0] * v[1]"), HINTS["mul_one_strip"]),
        Mistake("corner kept", _m_src("u[0] * v[0]", "u[1] * v[0] + u[0] * v[1] + u[1] * v[1]"),
                HINTS["mul_corner"]),
        Mistake("minus between the strips", _m_src("u[0] * v[0]", "u[1] * v[0] - u[0] * v[1]"), HINTS["mul_minus"]),
        Mistake("value added", _m_src("u[0] + v[0]", "u[1] * v[0] + u[0] * v[1]"), HINTS["mul_value_sum"]),
        Mistake("parts swapped", _m_src("u[1] * v[0] + u[0] * v[1]", "u[0] * v[0]"), HINTS["swapped"]),
        Mistake("derivative only", "def dual_mul(u, v):\n    return u[1] * v[0] + u[0] * v[1]\n", HINTS["pair"]),
        Mistake("changes u in place", "def dual_mul(u, v):\n    value = u[0]\n    value *= v[0]\n"
                "    return (value, u[1] * v[0] + u[0] * v[1])\n", HINTS["mul_in_place"]),
        Mistake("returns a Dual", "from calclib.rules import Dual\ndef dual_mul(u, v):\n"
                "    return Dual(u[0], u[1]) * Dual(v[0], v[1])\n", HINTS["dual_object"]),
    ),
    variants=(
        "def dual_mul(u, v):\n    u_val, u_der = u\n    v_val, v_der = v\n"
        "    return u_val * v_val, u_der * v_val + u_val * v_der\n",
        "from calclib.rules import Dual\ndef dual_mul(u, v):\n    w = Dual(u[0], u[1]) * Dual(v[0], v[1])\n"
        "    return (w.value, w.deriv)\n",
        "def dual_mul(u, v):\n    return [v[0] * u[0], v[1] * u[0] + v[0] * u[1]]\n",
    ),
    allowed_modules=("calclib.rules",),
)


# ------------------------------------------------------------------ 3.3
def dual_pow(u, n):
    """Reference: the power rule on a (value, derivative) pair, with the inner derivative."""
    return (u[0] ** n, n * u[0] ** (n - 1) * u[1])


def _run_3_3(attempt):
    rng = rng_for("3.3")
    cases = [((1.5, 2.0), 3), ((-0.8, -1.5), 4), ((2.5, 0.5), 2), ((0.7, 3.0), 1)]
    cases += [((float(np.round(rng.uniform(0.5, 2.0), 2)), float(np.round(rng.uniform(-3, 3), 2))), int(n))
              for n in rng.integers(2, 6, 2)]
    for u, n in cases:
        call = _pair_call("dual_pow", u, n)
        got = _call_safely(attempt, (u, n), ("u", "n"), call)
        value, deriv = _parts(got, call, None)
        want = dual_pow(u, n)
        if close(value, want[0]) and close(deriv, want[1]):
            continue
        a, da = u
        if close(value, want[1]) and close(deriv, want[0]) and n > 1:
            hint = HINTS["swapped"]
        elif not close(value, want[0]):
            hint = diagnose(value, [(n * a, HINTS["pow_value"]), (a ** (n - 1), HINTS["pow_value"])],
                            HINTS["pow_value"])
        else:
            hint = diagnose(deriv, [
                (n * a ** (n - 1), HINTS["pow_inner"]),
                (n * a**n * da, HINTS["pow_not_lowered"]),
                (a ** (n - 1) * da, HINTS["pow_no_n"]),
                (da**n, HINTS["pow_deriv_power"]),
                (n * da ** (n - 1), HINTS["pow_deriv_power"]),
            ], HINTS["pow_generic"])
        raise Wrong(f"{call} returned ({fmt(value)}, {fmt(deriv)}), expected ({fmt(want[0])}, {fmt(want[1])}).",
                    hint)
    u = (np.array([1.0, -2.0, 0.5]), np.array([1.0, 0.5, -2.0]))
    call = "dual_pow(u, 3) with arrays of 3 values in each part"
    got = _call_safely(attempt, (u, 3), ("u", "n"), call)
    value, deriv = _parts(got, call, (3,))
    want = dual_pow(u, 3)
    if not (close(value, want[0]) and close(deriv, want[1])):
        raise Wrong(f"{call} returned ({fmt(value)}, {fmt(deriv)}), expected ({fmt(want[0])}, {fmt(want[1])}).",
                    HINTS["pow_generic"])
    return "dual_pow applies the power rule with the inner derivative for n = 1 to 5 and on arrays"


def _pw_src(value, deriv):
    return f"def dual_pow(u, n):\n    return ({value}, {deriv})\n"


EX_3_3 = Exercise(
    id="3.3", title="the power rule for dual numbers", name="dual_pow", params=("u", "n"),
    run=_run_3_3, reference=dual_pow,
    mistakes=(
        Mistake("no inner derivative", _pw_src("u[0] ** n", "n * u[0] ** (n - 1)"), HINTS["pow_inner"]),
        Mistake("exponent not lowered", _pw_src("u[0] ** n", "n * u[0] ** n * u[1]"), HINTS["pow_not_lowered"]),
        Mistake("n not brought down", _pw_src("u[0] ** n", "u[0] ** (n - 1) * u[1]"), HINTS["pow_no_n"]),
        Mistake("power of the derivative", _pw_src("u[0] ** n", "u[1] ** n"), HINTS["pow_deriv_power"]),
        Mistake("parts swapped", _pw_src("n * u[0] ** (n - 1) * u[1]", "u[0] ** n"), HINTS["swapped"]),
        Mistake("value n*u", _pw_src("n * u[0]", "n * u[0] ** (n - 1) * u[1]"), HINTS["pow_value"]),
        Mistake("derivative only", "def dual_pow(u, n):\n    return n * u[0] ** (n - 1) * u[1]\n", HINTS["pair"]),
    ),
    variants=(
        "def dual_pow(u, n):\n    value, deriv = u\n    return value**n, n * value**(n - 1) * deriv\n",
        "def dual_pow(u, n):\n    result = (1.0, 0.0)\n    for _ in range(n):\n"
        "        result = (result[0] * u[0], result[1] * u[0] + result[0] * u[1])\n    return result\n",
        "from calclib.rules import Dual\ndef dual_pow(u, n):\n    w = Dual(u[0], u[1]) ** n\n"
        "    return (w.value, w.deriv)\n",
    ),
    allowed_modules=("calclib.rules",),
)

EXERCISES = [EX_3_1, EX_3_2, EX_3_3]
