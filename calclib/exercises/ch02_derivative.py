"""Chapter 2 exercises: the derivative.

2.1 ``forward_difference(f, x, h)``: error order 1.
2.2 ``central_difference(f, x, h)``: error order 2.
2.3 ``tangent_line(f, df, x0)``: the tangent at ``x0``, as a function.
2.4 ``good_step(method)``: a step near the best one, measured, not matched to a formula.
"""
from __future__ import annotations

import numpy as np

from .checker import (FLOAT_ON_ARRAY_HINT, TEST_FUNCTIONS, Exercise, Mistake, Wrong, array, close, diagnose,
                      fmt, number, rng_for)

__all__ = ["EXERCISES", "HINTS"]

F = TEST_FUNCTIONS

HINTS = {
    "no_f": "Your function never calls f: a difference quotient is built from values of f.",
    "ignores_h": "Your result does not change when h changes: use the h you are given, not a fixed step.",
    "sign": "The sign is flipped: subtract the value on the left from the value on the right.",
    "fwd_is_central": "You used points on both sides of x (the central difference); this exercise asks "
                      "for the forward one, from x and x + h.",
    "fwd_is_backward": "You used x and x - h (the backward difference); the forward one looks ahead: "
                       "f(x + h) and f(x).",
    "fwd_precedence": "Check the brackets: only f(x) was divided by h. Divide the whole difference: "
                      "(f(x + h) - f(x)) / h.",
    "central_by_h": "The two points are 2h apart: divide by 2*h, not by h.",
    "central_precedence": "Check the brackets: `/ 2*h` divides by 2 and then multiplies by h. Write `/ (2 * h)`.",
    "central_precedence_top": "Check the brackets: only f(x - h) was divided. Divide the whole difference "
                              "(f(x + h) - f(x - h)) by 2h.",
    "central_one_sided": "You used a one-sided difference (x and x + h, or x and x - h); use one point on "
                         "each side of x.",
    "exact": "You returned the exact derivative; build the estimate from calls of f only.",
    "fwd_generic": "Use f(x + h) and f(x), divided by h.",
    "central_generic": "Use one point on each side: f(x + h) and f(x - h), 2h apart.",
    "order_1": "The error halves when h halves (order 1): that is a one-sided difference. Use points on "
               "both sides of x.",
    "order_2": "Your error falls like h**2: that is the central difference. This exercise asks for the "
               "forward one.",
    "order_generic": "Estimate from f(x + h) and the other point the exercise names, divided by their distance.",
    "not_callable": "Return a function of t: define `def line(t): ...` inside and `return line`.",
    "tangent_t": "Multiply the slope by the distance from the touching point, (t - x0), not by t.",
    "tangent_df_t": "Use the slope at the touching point, df(x0), not df(t): a tangent is a straight line.",
    "tangent_f_t": "Start the line from f(x0), the height at the touching point, not from f(t).",
    "tangent_swapped": "The roles of f and df are swapped: the line starts at the height f(x0) and rises "
                       "with slope df(x0).",
    "tangent_generic": "The tangent starts at the height f(x0) and rises with slope df(x0) per unit of (t - x0).",
    "tangent_arrays": "Write the line with arithmetic on t (no float(), math functions or loops), so it "
                      "works for arrays too.",
    "forgot_call": "A function was used as a number: did you forget to call it, e.g. f(x) or df(x0) "
                   "rather than f or df?",
    "step_positive": "Think of sizes like 1e-3 or 1e-9: positive and small.",
    "step_large": "Too large: truncation error dominates. Shrink h until it balances the round-off error.",
    "step_small": "Too small: round-off dominates (f(x+h) and f(x) agree in almost every digit). Compare "
                  "how the two errors grow with h and balance them.",
    "step_same": "You return the same step for both methods, but their best steps differ: the central "
                 "difference's truncation error falls faster (like h**2), so it can afford a larger h.",
    "step_swapped": "Your two steps are swapped: the forward difference needs the smaller step "
                    "(about sqrt(eps)), the central one the larger (about eps**(1/3)).",
}


# ------------------------------------------------------------------ 2.1 and 2.2
def forward_difference(f, x, h):
    """Reference: forward difference, error order 1."""
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h):
    """Reference: central difference, error order 2."""
    return (f(x + h) - f(x - h)) / (2 * h)


def _backward(f, x, h):
    return (f(x) - f(x - h)) / h


def _fitted_order(attempt, name, f, x, hs):
    """Observed error order of the answer's estimate: slope of log error against log h."""
    errs = []
    for h in hs:
        call = f"{name}(f={f}, x={x}, h={h:g})"
        errs.append(abs(number(attempt(f, x, h, call=call), call) - float(f.df(x))))
    errs = np.array(errs)
    if np.any(errs == 0) or not np.all(np.isfinite(errs)):
        return float("nan")
    return float(np.polyfit(np.log(hs), np.log(errs), 1)[0])


def _difference(attempt, name, ref, order):
    central = ref is central_difference
    rng = rng_for(name)
    for fname in ("cubic", "sin", "exp_half", "square"):
        f = F[fname]
        x = float(np.round(rng.uniform(-1.5, 1.5), 3))
        if abs(x) < 0.1:
            x += 0.5
        h = 1e-3
        call = f"{name}(f={f}, x={x}, h={h})"
        got = attempt(f, x, h, call=call)
        calls_f = attempt.last_args[0].calls
        got = number(got, call)
        want = ref(f, x, h)
        if close(got, want, rtol=1e-7, atol=1e-9):
            continue
        if calls_f == 0:
            hint = HINTS["no_f"]
        else:
            other = number(attempt(f, x, 2 * h, call=call), call)
            if got == other:
                hint = HINTS["ignores_h"]
            elif central:
                hint = diagnose(got, [
                    (-want, HINTS["sign"]),
                    (2 * want, HINTS["central_by_h"]),
                    ((f(x + h) - f(x - h)) / 2 * h, HINTS["central_precedence"]),
                    (f(x + h) - f(x - h) / (2 * h), HINTS["central_precedence_top"]),
                    (forward_difference(f, x, h), HINTS["central_one_sided"]),
                    (_backward(f, x, h), HINTS["central_one_sided"]),
                    (f.df(x), HINTS["exact"]),
                ], HINTS["central_generic"])
            else:
                hint = diagnose(got, [
                    (-want, HINTS["sign"]),
                    (central_difference(f, x, h), HINTS["fwd_is_central"]),
                    (_backward(f, x, h), HINTS["fwd_is_backward"]),
                    (f(x + h) - f(x) / h, HINTS["fwd_precedence"]),
                    (f.df(x), HINTS["exact"]),
                ], HINTS["fwd_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    hs = np.array([0.1, 0.05, 0.025, 0.0125])
    p = _fitted_order(attempt, name, F["exp_half"], 0.5, hs)
    if not abs(p - order) < 0.3:
        if order == 2 and abs(p - 1) < 0.3:
            hint = HINTS["order_1"]
        elif order == 1 and abs(p - 2) < 0.3:
            hint = HINTS["order_2"]
        else:
            hint = HINTS["order_generic"]
        raise Wrong(f"Halving h should divide the error by {2**order}; the observed error order is {p:.2f}, "
                    f"expected {order}.", hint)
    xs = np.linspace(-1.5, 1.5, 7)
    call = f"{name}(f=sin(x), x=<array of 7 values>, h=1e-4)"
    got = array(attempt(F["sin"], xs, 1e-4, call=call), xs.shape, call)
    if not close(got, ref(F["sin"], xs, 1e-4)):
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(ref(F['sin'], xs, 1e-4))}.",
                    HINTS["central_generic" if central else "fwd_generic"])
    return f"{name} matches at 4 functions, has error order {p:.2f}, and works on arrays"


def _run_2_1(attempt):
    return _difference(attempt, "forward_difference", forward_difference, 1)


def _run_2_2(attempt):
    return _difference(attempt, "central_difference", central_difference, 2)


def _src(name, body):
    return f"def {name}(f, x, h):\n    return {body}\n"


EX_2_1 = Exercise(
    id="2.1", title="forward difference", name="forward_difference", params=("f", "x", "h"),
    run=_run_2_1, reference=forward_difference,
    mistakes=(
        Mistake("central instead", _src("forward_difference", "(f(x + h) - f(x - h)) / (2 * h)"),
                HINTS["fwd_is_central"]),
        Mistake("backward instead", _src("forward_difference", "(f(x) - f(x - h)) / h"), HINTS["fwd_is_backward"]),
        Mistake("sign flipped", _src("forward_difference", "(f(x) - f(x + h)) / h"), HINTS["sign"]),
        Mistake("operator precedence", _src("forward_difference", "f(x + h) - f(x) / h"), HINTS["fwd_precedence"]),
        Mistake("fixed step, ignores h", _src("forward_difference", "(f(x + 1e-5) - f(x)) / 1e-5"),
                HINTS["ignores_h"]),
        Mistake("never calls f", _src("forward_difference", "((x + h)**3 - 2*(x + h) - (x**3 - 2*x)) / h"),
                HINTS["no_f"]),
        Mistake("float() breaks arrays", _src("forward_difference", "(f(float(x) + h) - f(float(x))) / h"),
                FLOAT_ON_ARRAY_HINT, "error"),
    ),
    variants=(
        "def forward_difference(f, x, h):\n    fx = f(x)\n    fxh = f(x + h)\n    return (fxh - fx) / h\n",
        "def forward_difference(f, x, h):\n    return (f(x + h) - f(x)) * h**-1\n",
        "import numpy as np\ndef forward_difference(f, x, h):\n    x = np.asarray(x, dtype=float)\n"
        "    return (f(x + h) - f(x)) / h\n",
    ),
)

EX_2_2 = Exercise(
    id="2.2", title="central difference", name="central_difference", params=("f", "x", "h"),
    run=_run_2_2, reference=central_difference,
    mistakes=(
        Mistake("divides by h", _src("central_difference", "(f(x + h) - f(x - h)) / h"), HINTS["central_by_h"]),
        Mistake("`/ 2*h` precedence", _src("central_difference", "(f(x + h) - f(x - h)) / 2*h"),
                HINTS["central_precedence"]),
        Mistake("brackets on top", _src("central_difference", "f(x + h) - f(x - h) / (2 * h)"),
                HINTS["central_precedence_top"]),
        Mistake("one-sided", _src("central_difference", "(f(x + h) - f(x)) / h"), HINTS["central_one_sided"]),
        Mistake("sign flipped", _src("central_difference", "(f(x - h) - f(x + h)) / (2 * h)"), HINTS["sign"]),
        Mistake("fixed step, ignores h", _src("central_difference", "(f(x + 1e-2) - f(x - 1e-2)) / 2e-2"),
                HINTS["ignores_h"]),
        Mistake("float() breaks arrays",
                _src("central_difference", "(f(float(x) + h) - f(float(x) - h)) / (2 * h)"),
                FLOAT_ON_ARRAY_HINT, "error"),
    ),
    variants=(
        "def central_difference(f, x, h):\n    return (f(x + h) - f(x - h)) / (2 * h)\n",
        "def central_difference(f, x, h):\n    forward = (f(x + h) - f(x)) / h\n"
        "    backward = (f(x) - f(x - h)) / h\n    return (forward + backward) / 2\n",
        "def central_difference(f, x, h):\n    return 0.5 * (f(x + h) - f(x - h)) / h\n",
    ),
)


# ------------------------------------------------------------------ 2.3
def tangent_line(f, df, x0):
    """Reference: the tangent to f at x0, as a function of t."""
    return lambda t: f(x0) + df(x0) * (t - x0)


def _run_2_3(attempt):
    rng = rng_for("2.3")
    for fname in ("cubic", "sin", "exp_half", "square"):
        f = F[fname]
        x0 = float(np.round(rng.uniform(-1.5, 1.5), 3))
        call = f"tangent_line(f={f}, df=<derivative of {f}>, x0={x0})"
        line = attempt(f, f.df, x0, call=call)
        if not callable(line):
            raise Wrong(f"{call} returned {fmt(line)}, not a function.", HINTS["not_callable"])
        for t in (x0, x0 + 0.5, x0 - 1.0):
            tcall = f"the line from {call}, at t={t:g}"
            got = number(attempt(t, call=tcall, answer=line), tcall)
            want = f(x0) + f.df(x0) * (t - x0)
            if close(got, want):
                continue
            hint = diagnose(got, [
                (f(x0) + f.df(x0) * t, HINTS["tangent_t"]),
                (f(x0) + f.df(t) * (t - x0), HINTS["tangent_df_t"]),
                (f(t) + f.df(x0) * (t - x0), HINTS["tangent_f_t"]),
                (f.df(x0) + f(x0) * (t - x0), HINTS["tangent_swapped"]),
            ], HINTS["tangent_generic"])
            raise Wrong(f"The line from {call} gives {fmt(got)} at t={t:g}, expected {fmt(want)}.", hint)
    ts = np.linspace(-1.0, 1.0, 5)
    call = "tangent_line(f=sin(x), df=cos(x), x0=0.4)"
    line = attempt(F["sin"], F["sin"].df, 0.4, call=call)
    tcall = f"the line from {call}, at an array of 5 values of t"
    got = array(attempt(ts, call=tcall, answer=line), ts.shape, tcall)
    if not close(got, np.sin(0.4) + np.cos(0.4) * (ts - 0.4)):
        raise Wrong(f"{tcall} gives {fmt(got)}.", HINTS["tangent_arrays"])
    return "tangent_line touches the curve with the right slope and works on arrays"


def _tsrc(body):
    return f"def tangent_line(f, df, x0):\n    return lambda t: {body}\n"


EX_2_3 = Exercise(
    id="2.3", title="the tangent line", name="tangent_line", params=("f", "df", "x0"),
    run=_run_2_3, reference=tangent_line,
    mistakes=(
        Mistake("slope * t", _tsrc("f(x0) + df(x0) * t"), HINTS["tangent_t"]),
        Mistake("df(t)", _tsrc("f(x0) + df(t) * (t - x0)"), HINTS["tangent_df_t"]),
        Mistake("starts from f(t)", _tsrc("f(t) + df(x0) * (t - x0)"), HINTS["tangent_f_t"]),
        Mistake("f and df swapped", _tsrc("df(x0) + f(x0) * (t - x0)"), HINTS["tangent_swapped"]),
        Mistake("forgets to call df", _tsrc("f(x0) + df * (t - x0)"), HINTS["forgot_call"], "error"),
        Mistake("returns a number", "def tangent_line(f, df, x0):\n    return f(x0) + df(x0) * x0\n",
                HINTS["not_callable"]),
    ),
    variants=(
        "def tangent_line(f, df, x0):\n    def line(t):\n        return f(x0) + df(x0) * (t - x0)\n    return line\n",
        "def tangent_line(f, df, x0):\n    slope, height = df(x0), f(x0)\n    intercept = height - slope * x0\n"
        "    return lambda t: slope * t + intercept\n",
        "import functools\ndef _line(t, a, m, x0):\n    return a + m * (t - x0)\n"
        "def tangent_line(f, df, x0):\n    return functools.partial(_line, a=f(x0), m=df(x0), x0=x0)\n",
    ),
)


# ------------------------------------------------------------------ 2.4
def good_step(method):
    """Reference: a near-best step for x of order one."""
    eps = np.finfo(float).eps
    return eps ** 0.5 if method == "forward" else eps ** (1 / 3)


_REFS = {"forward": forward_difference, "central": central_difference}
_BEST = {"forward": 1.5e-8, "central": 6e-6}


def _accuracy_ratio(method, h, xs):
    """How many times worse the median error at `h` is than at the best step of a fine grid."""
    ref = _REFS[method]
    grid = np.logspace(-14, -1, 131)
    worst = 0.0
    with np.errstate(all="ignore"):
        for fname in ("cubic", "sin", "exp_half"):
            f = F[fname]
            exact = f.df(xs)
            best = np.min(np.median(np.abs(ref(f, xs[:, None], grid[None, :]) - exact[:, None]), axis=0))
            mine = np.median(np.abs(ref(f, xs, h) - exact))
            worst = max(worst, float(mine / max(best, 1e-17)))
    return worst


def _run_2_4(attempt):
    rng = rng_for("2.4")
    xs = rng.uniform(0.5, 1.5, 25)
    steps = {}
    for method in ("forward", "central"):
        call = f"good_step({method!r})"
        h = number(attempt(method, call=call), call)
        if not (np.isfinite(h) and h > 0):
            raise Wrong(f"{call} returned {fmt(h)}; a step must be a positive, finite number.",
                        HINTS["step_positive"])
        steps[method] = h
    if steps["forward"] == steps["central"]:
        ok = [_accuracy_ratio(m, steps[m], xs) <= 30 for m in steps]
        if sum(ok) == 1:          # right for one method, so the mistake is using one step for both
            raise Wrong(f"good_step returned {steps['forward']:.1e} for both methods; one of them is then "
                        "far from its best accuracy.", HINTS["step_same"])
    if steps["forward"] > steps["central"] and \
            _accuracy_ratio("forward", steps["central"], xs) <= 30 and \
            _accuracy_ratio("central", steps["forward"], xs) <= 30:
        raise Wrong(f"good_step('forward') = {steps['forward']:.1e} and good_step('central') = "
                    f"{steps['central']:.1e}.", HINTS["step_swapped"])
    for method, h in steps.items():
        # The median error over 25 points near x = 1 on smooth functions, against the best
        # median error over a fine grid of steps (medians: at one x a step can be lucky).
        worst = _accuracy_ratio(method, h, xs) if h < 1 else float("inf")
        if not worst <= 30:
            big = h > _BEST[method]
            how = (f"{worst:.0f}x less accurate than with the best step" if np.isfinite(worst)
                   else "no usable estimate at all")
            raise Wrong(f"With h = {h:.1e} the {method} difference gives {how}.",
                        HINTS["step_large"] if big else HINTS["step_small"])
    return "good_step is within a factor 30 of the best accuracy for both methods"


def _step_src(forward, central):
    return f"def good_step(method):\n    return {forward} if method == 'forward' else {central}\n"


EX_2_4 = Exercise(
    id="2.4", title="a good step size", name="good_step", params=("method",),
    run=_run_2_4, reference=good_step,
    mistakes=(
        Mistake("far too large", _step_src("1e-3", "1e-2"), HINTS["step_large"]),
        Mistake("far too small", _step_src("1e-13", "1e-12"), HINTS["step_small"]),
        Mistake("same for both", _step_src("1e-8", "1e-8"), HINTS["step_same"]),
        Mistake("swapped", _step_src("6e-6", "1.5e-8"), HINTS["step_swapped"]),
        Mistake("negative", _step_src("-1e-8", "-1e-5"), HINTS["step_positive"]),
        Mistake("text, not a number", _step_src("'1e-8'", "'1e-5'"),
                "Return the number itself, not text (no quotes, no str() or f-string)."),
    ),
    variants=(
        "import numpy as np\ndef good_step(method):\n    eps = np.finfo(float).eps\n"
        "    return eps ** 0.5 if method == 'forward' else eps ** (1 / 3)\n",
        _step_src("1e-8", "1e-5"),
        "def good_step(method):\n    return {'forward': 3e-9, 'central': 3e-6}[method]\n",
    ),
)

EXERCISES = [EX_2_1, EX_2_2, EX_2_3, EX_2_4]
