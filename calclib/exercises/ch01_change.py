"""Chapter 1 exercises: functions and change.

1.1 ``average_rate(f, x, h)``: the average rate of change over ``[x, x + h]``.
1.2 ``secant_line(f, x, h)``: the secant through ``x`` and ``x + h``, as a function.
1.3 ``steepest_start(f, xs, h)``: the start in ``xs`` where the average rate is largest.
"""
from __future__ import annotations

import numpy as np

from .checker import (FLOAT_ON_ARRAY_HINT, TEST_FUNCTIONS, Exercise, Mistake, Wrong, array, close, diagnose, fmt,
                      mutation_hint, number, rng_for)

__all__ = ["EXERCISES", "HINTS"]

F = TEST_FUNCTIONS

HINTS = {
    "sign": "The sign is flipped: the rise is f(x + h) - f(x), the later value first.",
    "no_divide": "That is the rise f(x + h) - f(x); a rate is the rise divided by the run h.",
    "times_h": "Divide the rise by h instead of multiplying by it.",
    "precedence": "Check the brackets: only f(x) was divided by h. Put the whole difference in "
                  "brackets before dividing: (f(x + h) - f(x)) / h.",
    "by_x": "Divide by the run h, not by x.",
    "upside_down": "Run over rise is upside down: the rate is the rise divided by the run.",
    "no_f": "Your function never calls f: the rate comes from the values f(x) and f(x + h).",
    "rate_generic": "The average rate is the change in output over the change in input.",
    "not_callable": "Return a function of t: define `def line(t): ...` inside and `return line`.",
    "secant_t": "Measure the run from the first point: the line rises slope * (t - x), not slope * t.",
    "secant_start": "Start the line at the height of the first point, f(x); f(t) is the curve, not the line.",
    "secant_point": "The line is anchored at the wrong point: at t = x it must give f(x).",
    "secant_slope": "The slope of the secant is the average rate (f(x + h) - f(x)) / h.",
    "secant_generic": "A secant is the straight line through (x, f(x)) and (x + h, f(x + h)).",
    "arrays": "Write the line with arithmetic on t (no float(), math functions or loops), so it "
              "works for arrays as well as numbers.",
    "argmin": "That is where the rate is smallest (most negative); look for the largest.",
    "max_rate": "You returned the largest rate itself; return the starting point x where it happens.",
    "index": "You returned the position (index) of the best start; return the element of xs there: xs[i].",
    "abs": "Compare the rates themselves, not their sizes: a steep fall has a large |rate| but a negative rate.",
    "sorted_copy": "You took the start from a sorted copy of xs, but the rates follow the order of xs: "
                   "index xs itself.",
    "f_largest": "That is where f itself is largest; the question is where f climbs fastest.",
    "steepest_generic": "Compute the average rate at every x in xs at once, then pick the x with the largest one.",
}


# ------------------------------------------------------------------ 1.1
def average_rate(f, x, h):
    """Reference: the average rate of change of f over [x, x + h]."""
    return (f(x + h) - f(x)) / h


def _run_1_1(attempt):
    rng = rng_for("1.1")
    for name, h in (("cubic", 0.5), ("sin", 0.25), ("exp_half", -0.2), ("square", 0.1)):
        f = F[name]
        x = float(np.round(rng.uniform(-1.5, 1.5), 3))
        call = f"average_rate(f={f}, x={x}, h={h})"
        got = attempt(f, x, h, call=call)
        calls_f = attempt.last_args[0].calls
        got = number(got, call)
        want = average_rate(f, x, h)
        if close(got, want):
            continue
        rise = f(x + h) - f(x)
        hint = HINTS["no_f"] if calls_f == 0 else diagnose(got, [
            (-want, HINTS["sign"]),
            (rise, HINTS["no_divide"]),
            (rise * h, HINTS["times_h"]),
            (f(x + h) - f(x) / h, HINTS["precedence"]),
            (lambda: rise / x, HINTS["by_x"]),
            (lambda: h / rise, HINTS["upside_down"]),
        ], HINTS["rate_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    xs = np.linspace(-1.5, 1.5, 7)
    call = "average_rate(f=x**3 - 2*x, x=<array of 7 values>, h=0.1)"
    got = array(attempt(F["cubic"], xs, 0.1, call=call), xs.shape, call)
    want = average_rate(F["cubic"], xs, 0.1)
    if not close(got, want):
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", HINTS["rate_generic"])
    return "average_rate is right at 4 functions, with negative h, and on arrays"


EX_1_1 = Exercise(
    id="1.1", title="average rate of change", name="average_rate", params=("f", "x", "h"),
    run=_run_1_1, reference=average_rate,
    mistakes=(
        Mistake("sign flipped", "def average_rate(f, x, h):\n    return (f(x) - f(x + h)) / h\n",
                HINTS["sign"]),
        Mistake("rise only", "def average_rate(f, x, h):\n    return f(x + h) - f(x)\n", HINTS["no_divide"]),
        Mistake("times h", "def average_rate(f, x, h):\n    return (f(x + h) - f(x)) * h\n", HINTS["times_h"]),
        Mistake("operator precedence", "def average_rate(f, x, h):\n    return f(x + h) - f(x) / h\n",
                HINTS["precedence"]),
        Mistake("divides by x", "def average_rate(f, x, h):\n    return (f(x + h) - f(x)) / x\n",
                HINTS["by_x"]),
        Mistake("never calls f", "def average_rate(f, x, h):\n    return ((x + h)**2 - x**2) / h\n",
                HINTS["no_f"]),
        Mistake("float() breaks arrays",
                "def average_rate(f, x, h):\n    return (f(float(x) + h) - f(float(x))) / h\n",
                FLOAT_ON_ARRAY_HINT, "error"),
    ),
    variants=(
        "def average_rate(f, x, h):\n    rise = f(x + h) - f(x)\n    run = h\n    return rise / run\n",
        "def average_rate(f, x, h):\n    return (f(x + h) - f(x)) * (1 / h)\n",
        "def average_rate(f, x, h):\n    a, b = x, x + h\n    return (f(b) - f(a)) / (b - a)\n",
        "import numpy as np\ndef average_rate(f, x, h):\n    return np.divide(np.subtract(f(x + h), f(x)), h)\n",
    ),
)


# ------------------------------------------------------------------ 1.2
def secant_line(f, x, h):
    """Reference: the secant of f through x and x + h, as a function of t."""
    slope = (f(x + h) - f(x)) / h
    return lambda t: f(x) + slope * (t - x)


def _run_1_2(attempt):
    rng = rng_for("1.2")
    for name, h in (("cubic", 0.5), ("sin", 0.3), ("exp_half", -0.4)):
        f = F[name]
        x = float(np.round(rng.uniform(-1.5, 1.5), 3))
        call = f"secant_line(f={f}, x={x}, h={h})"
        line = attempt(f, x, h, call=call)
        if not callable(line):
            raise Wrong(f"{call} returned {fmt(line)}, not a function.", HINTS["not_callable"])
        ref = secant_line(f, x, h)
        slope = (f(x + h) - f(x)) / h
        for t in (x, x + h, x + 2.0):
            tcall = f"the line from {call}, at t={t:g}"
            got = number(attempt(t, call=tcall, answer=line), tcall)
            want = ref(t)
            if close(got, want):
                continue
            hint = diagnose(got, [
                (f(x) + slope * t, HINTS["secant_t"]),
                (f(t) + slope * (t - x), HINTS["secant_start"]),
                (f(x + h) + slope * (t - x), HINTS["secant_point"]),
                (lambda: f(x) + h / (f(x + h) - f(x)) * (t - x), HINTS["secant_slope"]),
                (f(x) - slope * (t - x), HINTS["secant_slope"]),
            ], HINTS["secant_generic"])
            raise Wrong(f"The line from {call} gives {fmt(got)} at t={t:g}, expected {fmt(want)}.", hint)
    ts = np.linspace(-1.0, 1.0, 5)
    call = "secant_line(f=sin(x), x=0.3, h=0.2)"
    line = attempt(F["sin"], 0.3, 0.2, call=call)
    tcall = f"the line from {call}, at an array of 5 values of t"
    got = array(attempt(ts, call=tcall, answer=line), ts.shape, tcall)
    if not close(got, secant_line(F["sin"], 0.3, 0.2)(ts)):
        raise Wrong(f"{tcall} gives {fmt(got)}.", HINTS["arrays"])
    return "secant_line passes through both points, is straight, and works on arrays"


EX_1_2 = Exercise(
    id="1.2", title="the secant line", name="secant_line", params=("f", "x", "h"),
    run=_run_1_2, reference=secant_line,
    mistakes=(
        Mistake("returns the slope", "def secant_line(f, x, h):\n    return (f(x + h) - f(x)) / h\n",
                HINTS["not_callable"]),
        Mistake("slope * t", "def secant_line(f, x, h):\n    s = (f(x + h) - f(x)) / h\n"
                "    return lambda t: f(x) + s * t\n", HINTS["secant_t"]),
        Mistake("starts from f(t)", "def secant_line(f, x, h):\n    s = (f(x + h) - f(x)) / h\n"
                "    return lambda t: f(t) + s * (t - x)\n", HINTS["secant_start"]),
        Mistake("anchored at x + h", "def secant_line(f, x, h):\n    s = (f(x + h) - f(x)) / h\n"
                "    return lambda t: f(x + h) + s * (t - x)\n", HINTS["secant_point"]),
        Mistake("slope upside down", "def secant_line(f, x, h):\n    s = h / (f(x + h) - f(x))\n"
                "    return lambda t: f(x) + s * (t - x)\n", HINTS["secant_slope"]),
        Mistake("float(t) breaks arrays", "def secant_line(f, x, h):\n    s = (f(x + h) - f(x)) / h\n"
                "    def line(t):\n        return f(x) + s * (float(t) - x)\n    return line\n",
                FLOAT_ON_ARRAY_HINT, "error"),
    ),
    variants=(
        "def secant_line(f, x, h):\n    slope = (f(x + h) - f(x)) / h\n    def line(t):\n"
        "        return f(x) + slope * (t - x)\n    return line\n",
        "def secant_line(f, x, h):\n    x1, y1, x2, y2 = x, f(x), x + h, f(x + h)\n"
        "    return lambda t: y1 + (y2 - y1) * (t - x1) / (x2 - x1)\n",
        "def secant_line(f, x, h):\n    m = (f(x + h) - f(x)) / h\n    b = f(x) - m * x\n"
        "    return lambda t: m * t + b\n",
    ),
)


# ------------------------------------------------------------------ 1.3
def steepest_start(f, xs, h):
    """Reference: the start in xs with the largest average rate over [x, x + h]."""
    rates = (f(xs + h) - f(xs)) / h
    return xs[np.argmax(rates)]


def _run_1_3(attempt):
    rng = rng_for("1.3")
    gots, candidates = [], []     # every case so far: a hint must explain all of them
    # unsorted starts, and a function whose steepest fall is steeper than its steepest climb
    for name in ("cubic", "falling_cubic", "sin"):
        f = F[name]
        xs = np.round(rng.uniform(-2.0, 2.0, 9), 3)
        h = 0.1
        call = f"steepest_start(f={f}, xs={fmt(xs)}, h={h})"
        got = number(attempt(f, xs, h, call=call), call)
        rates = average_rate(f, xs, h)
        want = float(xs[np.argmax(rates)])
        gots.append(got)
        candidates.append([
            (float(np.argmax(rates)), HINTS["index"]),
            (float(xs[np.argmin(rates)]), HINTS["argmin"]),
            (float(np.max(rates)), HINTS["max_rate"]),
            (float(xs[np.argmax(np.abs(rates))]), HINTS["abs"]),
            (float(np.sort(xs)[np.argmax(rates)]), HINTS["sorted_copy"]),
            (float(xs[np.argmax(f(xs))]), HINTS["f_largest"]),
        ])
        if close(got, want, rtol=0, atol=1e-12):
            continue
        hint = diagnose(np.array(gots), [(np.array([case[k][0] for case in candidates]), hint)
                                         for k, (_, hint) in enumerate(candidates[-1])],
                        HINTS["steepest_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "steepest_start picks the right start on three functions, from unsorted starts"


EX_1_3 = Exercise(
    id="1.3", title="where the function climbs fastest", name="steepest_start", params=("f", "xs", "h"),
    run=_run_1_3, reference=steepest_start,
    mistakes=(
        Mistake("argmin", "import numpy as np\ndef steepest_start(f, xs, h):\n"
                "    return xs[np.argmin((f(xs + h) - f(xs)) / h)]\n", HINTS["argmin"]),
        Mistake("returns the index", "import numpy as np\ndef steepest_start(f, xs, h):\n"
                "    return np.argmax((f(xs + h) - f(xs)) / h)\n", HINTS["index"]),
        Mistake("returns the rate", "import numpy as np\ndef steepest_start(f, xs, h):\n"
                "    return np.max((f(xs + h) - f(xs)) / h)\n", HINTS["max_rate"]),
        Mistake("largest |rate|", "import numpy as np\ndef steepest_start(f, xs, h):\n"
                "    return xs[np.argmax(np.abs((f(xs + h) - f(xs)) / h))]\n", HINTS["abs"]),
        Mistake("element from a sorted copy", "import numpy as np\ndef steepest_start(f, xs, h):\n"
                "    rates = (f(xs + h) - f(xs)) / h\n    return np.sort(xs)[np.argmax(rates)]\n",
                HINTS["sorted_copy"]),
        Mistake("sorts xs in place", "import numpy as np\ndef steepest_start(f, xs, h):\n    xs.sort()\n"
                "    return xs[np.argmax((f(xs + h) - f(xs)) / h)]\n",
                mutation_hint("xs")),
        Mistake("where f is largest", "import numpy as np\ndef steepest_start(f, xs, h):\n"
                "    return xs[np.argmax(f(xs))]\n", HINTS["f_largest"]),
    ),
    variants=(
        "import numpy as np\ndef steepest_start(f, xs, h):\n    rates = (f(xs + h) - f(xs)) / h\n"
        "    return xs[np.argmax(rates)]\n",
        "def steepest_start(f, xs, h):\n    best, best_rate = None, None\n    for x in xs:\n"
        "        r = (f(x + h) - f(x)) / h\n        if best_rate is None or r > best_rate:\n"
        "            best, best_rate = x, r\n    return best\n",
        "def steepest_start(f, xs, h):\n    return max(xs, key=lambda x: (f(x + h) - f(x)) / h)\n",
        "import numpy as np\ndef steepest_start(f, xs, h):\n    order = np.argsort(xs)\n"
        "    s = xs[order]\n    r = (f(s + h) - f(s)) / h\n    return s[np.argmax(r)]\n",
    ),
)

EXERCISES = [EX_1_1, EX_1_2, EX_1_3]
