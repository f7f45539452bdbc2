"""Chapter 5 exercises: the gradient.

5.1 ``numerical_gradient(f, x, h)``: every partial by central differences; ``x`` left unchanged.
5.2 ``directional_slope(g, v)``: the slope along a direction ``v`` that need not have length 1.
5.3 ``descent_direction(g)``: the unit vector of steepest descent (zeros where ``g`` is zero).
5.4 ``rank_parameters(g)``: the parameters' indices, largest ``|∂L/∂θ_i|`` first.
"""
from __future__ import annotations

import numpy as np

from .checker import Exercise, Mistake, Wrong, array, close, diagnose, fmt, function, mutation_hint, number, rng_for

__all__ = ["EXERCISES", "HINTS", "VECTOR_FUNCTIONS"]

HINTS = {
    # 5.1
    "no_f": "Your function never calls f: each partial comes from values of f at nudged points.",
    "grad_forward": "That is the forward difference (f(x + h e_i) - f(x)) / h; this exercise asks for the "
                    "central one: nudge component i both ways, x + h e_i and x - h e_i.",
    "grad_by_h": "The two nudged points are 2h apart: divide by 2*h, not by h.",
    "grad_sign": "The sign is flipped: subtract f at the point nudged down from f at the point nudged up.",
    "grad_accumulate": "The nudges pile up: after component i, your copy keeps its +h (or -h) while the next "
                       "component is nudged. Make fresh copies of x for every i (inside the loop).",
    "grad_exact": "You returned the exact gradient; build each partial from calls of f only.",
    "grad_one_copy": "Both nudged points are the same array: `xp = x.copy()` followed by `xm = xp` makes xm a "
                     "second name for xp, so nudging one nudges the other. Copy x twice.",
    "grad_generic": "For each i: copy x, add h to component i in one copy and subtract it in another, and "
                    "divide the difference of f at the two copies by 2h.",
    # 5.2
    "slope_unnormalised": "v is not a unit vector: the slope per unit distance is g·v divided by the length "
                          "of v, np.linalg.norm(v).",
    "slope_twice": "You divided by the length of v twice (by |v|**2); divide g·v by |v| once.",
    "slope_sum": "The length of v is np.linalg.norm(v) = sqrt(sum of squares), not the sum of its entries.",
    "slope_norm_g": "|g| is the largest slope, the one along g itself; for another direction, project g onto "
                    "the unit vector along v.",
    "slope_elementwise": "g * v multiplies entry by entry; the dot product also adds the products up "
                         "(np.dot(g, v) or g @ v).",
    "slope_sign": "The sign is flipped: a direction pointing with the gradient has a positive slope.",
    "slope_generic": "The slope along v is the dot product of g with the unit vector v / |v|.",
    # 5.3
    "desc_uphill": "That unit vector points uphill, along the gradient; steepest descent points the other "
                   "way.",
    "desc_unnormalised": "Right direction, wrong length: divide -g by its length np.linalg.norm(g) so the "
                         "result is a unit vector.",
    "desc_l1": "You divided by the sum of |g_i|; the length of a vector is np.linalg.norm(g), the square root "
               "of the sum of squares.",
    "desc_max": "You divided by the largest |g_i|; the length of a vector is np.linalg.norm(g).",
    "desc_zero": "At a flat point (g = 0) there is no downhill direction, and -g / |g| divides 0 by 0: "
                 "return a vector of zeros there.",
    "desc_generic": "The steepest descent direction is -g divided by the length of g.",
    # 5.4
    "rank_signed": "You ranked the signed partials; a large negative partial matters as much as a large "
                   "positive one. Rank by size, np.abs(g).",
    "rank_ascending": "That is the order from smallest to largest; the exercise asks for the largest "
                      "|partial| first.",
    "rank_values": "You returned the sorted sizes of the partials; return the positions (indices) of the "
                   "parameters, in that order.",
    "rank_one_based": "Python counts positions from 0: the first parameter is index 0.",
    "rank_inverse": "You returned each parameter's place in the ranking; the exercise asks for the "
                    "parameters' indices listed in ranked order (np.argsort gives those).",
    "rank_argmax": "You returned only the index of the largest; return the whole ranking, one index per "
                   "parameter.",
    "rank_generic": "Sort the indices 0 .. n-1 by |g[i]|, largest first.",
}


# ------------------------------------------------------------------ test functions of a vector
def _f1(x):
    return x[0] ** 2 * x[1] + 3 * x[1]


def _g1(x):
    return np.array([2 * x[0] * x[1], x[0] ** 2 + 3])


def _f2(x):
    return np.sin(x[0]) * x[1] + x[2] ** 3


def _g2(x):
    return np.array([np.cos(x[0]) * x[1], np.sin(x[0]), 3 * x[2] ** 2])


def _f3(x):
    return np.exp(x[0] / 2) - x[1] * x[2] + 2 * x[3] ** 2


def _g3(x):
    return np.array([np.exp(x[0] / 2) / 2, -x[2], -x[1], 4 * x[3]])


#: Functions of a vector the checks feed to the learner's code, with their exact gradients (``.df``).
VECTOR_FUNCTIONS = (
    function("x[0]**2 * x[1] + 3*x[1]", _f1, _g1),
    function("sin(x[0]) * x[1] + x[2]**3", _f2, _g2),
    function("exp(x[0]/2) - x[1]*x[2] + 2*x[3]**2", _f3, _g3),
)


# ------------------------------------------------------------------ 5.1
def numerical_gradient(f, x, h):
    """Reference: the gradient of f at x by central differences, one component at a time."""
    x = np.asarray(x, dtype=float)
    g = np.zeros(x.size)
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


def _accumulating(f, x, h):
    up, down = x.copy(), x.copy()
    g = np.zeros(x.size)
    for i in range(x.size):
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


def _forward(f, x, h):
    g = np.zeros(x.size)
    for i in range(x.size):
        up = x.copy()
        up[i] += h
        g[i] = (f(up) - f(x)) / h
    return g


def _one_copy(f, x, h):
    g = np.zeros(x.size)
    for i in range(x.size):
        up = x.copy()
        up[i] += h
        down = up
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


def _run_5_1(attempt):
    rng = rng_for("5.1")
    h = 1e-3
    for f in VECTOR_FUNCTIONS:
        n = 2 if f is VECTOR_FUNCTIONS[0] else (3 if f is VECTOR_FUNCTIONS[1] else 4)
        x = np.round(rng.uniform(-1.5, 1.5, n), 3)
        x[np.abs(x) < 0.2] += 0.5
        call = f"numerical_gradient(f={f}, x={fmt(x)}, h={h})"
        got = attempt(f, x, h, call=call)
        calls = attempt.last_args[0].calls
        got = array(got, (n,), call)
        want = numerical_gradient(f, x, h)
        if close(got, want, rtol=1e-7, atol=1e-9):
            continue
        hint = HINTS["no_f"] if calls == 0 else diagnose(got, [
            (_forward(f, x, h), HINTS["grad_forward"]),
            (2 * want, HINTS["grad_by_h"]),
            (-want, HINTS["grad_sign"]),
            (_accumulating(f, x, h), HINTS["grad_accumulate"]),
            (_one_copy(f, x, h), HINTS["grad_one_copy"]),
            (f.df(x), HINTS["grad_exact"]),
        ], HINTS["grad_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "numerical_gradient matches central differences for 2, 3 and 4 inputs and leaves x unchanged"


_GRAD_LOOP = ("import numpy as np\ndef numerical_gradient(f, x, h):\n    g = np.zeros(len(x))\n"
              "    for i in range(len(x)):\n{body}    return g\n")


def _grad_src(body):
    return _GRAD_LOOP.format(body="".join(f"        {line}\n" for line in body))


EX_5_1 = Exercise(
    id="5.1", title="the gradient by central differences", name="numerical_gradient", params=("f", "x", "h"),
    run=_run_5_1, reference=numerical_gradient,
    mistakes=(
        Mistake("forward difference", _grad_src(["up = x.copy()", "up[i] += h", "g[i] = (f(up) - f(x)) / h"]),
                HINTS["grad_forward"]),
        Mistake("divides by h", _grad_src(["up, down = x.copy(), x.copy()", "up[i] += h", "down[i] -= h",
                                           "g[i] = (f(up) - f(down)) / h"]), HINTS["grad_by_h"]),
        Mistake("nudges x itself", _grad_src(["x[i] += h", "fp = f(x)", "x[i] -= 2 * h", "fm = f(x)",
                                              "g[i] = (fp - fm) / (2 * h)"]), mutation_hint("x")),
        Mistake("copies once, outside the loop",
                "import numpy as np\ndef numerical_gradient(f, x, h):\n    g = np.zeros(len(x))\n"
                "    up, down = x.copy(), x.copy()\n    for i in range(len(x)):\n        up[i] += h\n"
                "        down[i] -= h\n        g[i] = (f(up) - f(down)) / (2 * h)\n    return g\n",
                HINTS["grad_accumulate"]),
        Mistake("one copy, two names", _grad_src(["up = x.copy()", "up[i] += h", "down = up", "down[i] -= h",
                                                  "g[i] = (f(up) - f(down)) / (2 * h)"]), HINTS["grad_one_copy"]),
        Mistake("sign flipped", _grad_src(["up, down = x.copy(), x.copy()", "up[i] += h", "down[i] -= h",
                                           "g[i] = (f(down) - f(up)) / (2 * h)"]), HINTS["grad_sign"]),
    ),
    variants=(
        "import numpy as np\ndef numerical_gradient(f, x, h):\n    n = len(x)\n    g = np.empty(n)\n"
        "    for i in range(n):\n        e = np.zeros(n)\n        e[i] = h\n"
        "        g[i] = (f(x + e) - f(x - e)) / (2 * h)\n    return g\n",
        "import numpy as np\ndef numerical_gradient(f, x, h):\n    E = h * np.eye(len(x))\n"
        "    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in E])\n",
        "import numpy as np\ndef numerical_gradient(f, x, h):\n    x = np.array(x, dtype=float)\n"
        "    g = np.zeros_like(x)\n    for i in range(x.size):\n        old = x[i]\n        x[i] = old + h\n"
        "        fp = f(x)\n        x[i] = old - h\n        fm = f(x)\n        x[i] = old\n"
        "        g[i] = (fp - fm) / (2 * h)\n    return g\n",
    ),
)


# ------------------------------------------------------------------ 5.2
def directional_slope(g, v):
    """Reference: the slope along v (any length) of a function whose gradient is g."""
    return float(np.dot(g, v) / np.linalg.norm(v))


def _run_5_2(attempt):
    rng = rng_for("5.2")
    for n, length in ((2, 2.5), (3, 0.4), (4, 3.0)):
        g = np.round(rng.uniform(-3.0, 3.0, n), 2)
        v = rng.uniform(0.2, 1.0, n) * rng.choice([-1.0, 1.0], n)
        v = np.round(v / np.linalg.norm(v) * length, 3)
        call = f"directional_slope(g={fmt(g)}, v={fmt(v)})"
        got = attempt(g, v, call=call)
        want = directional_slope(g, v)
        if isinstance(got, np.ndarray) and got.shape == v.shape and n > 1:
            raise Wrong(f"{call} returned {n} numbers {fmt(got)}, not one slope.", HINTS["slope_elementwise"])
        got = number(got, call)
        if close(got, want, rtol=1e-7, atol=1e-10):
            continue
        norm = np.linalg.norm(v)
        hint = diagnose(got, [
            (-want, HINTS["slope_sign"]),
            (float(g @ v), HINTS["slope_unnormalised"]),
            (float(g @ v) / norm**2, HINTS["slope_twice"]),
            (lambda: float(g @ v) / float(np.sum(v)), HINTS["slope_sum"]),
            (lambda: float(g @ v) / float(np.sum(np.abs(v))), HINTS["slope_sum"]),
            (float(np.linalg.norm(g)), HINTS["slope_norm_g"]),
        ], HINTS["slope_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "directional_slope is right for directions of several lengths in 2, 3 and 4 dimensions"


def _slope_src(body):
    return f"import numpy as np\ndef directional_slope(g, v):\n    return {body}\n"


EX_5_2 = Exercise(
    id="5.2", title="the slope along a direction", name="directional_slope", params=("g", "v"),
    run=_run_5_2, reference=directional_slope,
    mistakes=(
        Mistake("forgets to normalise", _slope_src("np.dot(g, v)"), HINTS["slope_unnormalised"]),
        Mistake("divides by |v|**2", _slope_src("np.dot(g, v) / np.linalg.norm(v)**2"), HINTS["slope_twice"]),
        Mistake("length as a sum", _slope_src("np.dot(g, v / np.sum(v))"), HINTS["slope_sum"]),
        Mistake("|g| whatever v", _slope_src("np.linalg.norm(g)"), HINTS["slope_norm_g"]),
        Mistake("product without the sum", _slope_src("g * v / np.linalg.norm(v)"), HINTS["slope_elementwise"]),
        Mistake("normalises v in place",
                "import numpy as np\ndef directional_slope(g, v):\n    v /= np.linalg.norm(v)\n"
                "    return np.dot(g, v)\n", mutation_hint("v")),
        Mistake("sign flipped", _slope_src("-np.dot(g, v) / np.linalg.norm(v)"), HINTS["slope_sign"]),
    ),
    variants=(
        _slope_src("g @ v / np.sqrt(np.sum(v**2))"),
        "import numpy as np\ndef directional_slope(g, v):\n    u = v / np.linalg.norm(v)\n"
        "    return float(np.sum(g * u))\n",
        "import math\ndef directional_slope(g, v):\n    length = math.sqrt(sum(vi * vi for vi in v))\n"
        "    return sum(gi * vi for gi, vi in zip(g, v)) / length\n",
    ),
)


# ------------------------------------------------------------------ 5.3
def descent_direction(g):
    """Reference: the unit vector of steepest descent, -g / |g| (zeros where g = 0)."""
    g = np.asarray(g, dtype=float)
    norm = np.linalg.norm(g)
    return -g / norm if norm > 0 else np.zeros_like(g)


def _run_5_3(attempt):
    rng = rng_for("5.3")
    cases = [np.array([3.0, -4.0])] + [np.round(rng.uniform(-2.0, 2.0, n), 2) for n in (3, 5)]
    cases.append(np.zeros(3))
    for g in cases:
        call = f"descent_direction(g={fmt(g)})"
        got = array(attempt(g, call=call), g.shape, call)
        want = descent_direction(g)
        if close(got, want, rtol=1e-7, atol=1e-10):
            continue
        if not np.any(g):
            raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.",
                        HINTS["desc_zero"] if not np.all(np.isfinite(got)) else HINTS["desc_generic"])
        norm = np.linalg.norm(g)
        hint = diagnose(got, [
            (g / norm, HINTS["desc_uphill"]),
            (-g, HINTS["desc_unnormalised"]),
            (-g / norm**2, HINTS["desc_unnormalised"]),
            (-g / np.sum(np.abs(g)), HINTS["desc_l1"]),
            (-g / np.max(np.abs(g)), HINTS["desc_max"]),
        ], HINTS["desc_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "descent_direction gives unit vectors downhill in 2, 3 and 5 dimensions, and zeros at a flat point"


def _desc_src(body, guard=True):
    head = "import numpy as np\ndef descent_direction(g):\n"
    if guard:
        head += "    if not np.any(g):\n        return np.zeros(len(g))\n"
    return head + f"    return {body}\n"


EX_5_3 = Exercise(
    id="5.3", title="the direction of steepest descent", name="descent_direction", params=("g",),
    run=_run_5_3, reference=descent_direction,
    mistakes=(
        Mistake("points uphill", _desc_src("g / np.linalg.norm(g)"), HINTS["desc_uphill"]),
        Mistake("not a unit vector", _desc_src("-g"), HINTS["desc_unnormalised"]),
        Mistake("divides by the sum", _desc_src("-g / np.sum(np.abs(g))"), HINTS["desc_l1"]),
        Mistake("divides by the largest entry", _desc_src("-g / np.max(np.abs(g))"), HINTS["desc_max"]),
        Mistake("0 / 0 at a flat point", _desc_src("-g / np.linalg.norm(g)", guard=False), HINTS["desc_zero"]),
        Mistake("normalises g in place",
                "import numpy as np\ndef descent_direction(g):\n    n = np.linalg.norm(g)\n"
                "    if n > 0:\n        g /= n\n    return -g\n", mutation_hint("g")),
    ),
    variants=(
        "import numpy as np\ndef descent_direction(g):\n    n = np.sqrt(np.sum(g**2))\n"
        "    return -g / n if n > 0 else 0 * g\n",
        "import numpy as np\ndef descent_direction(g):\n    n = np.linalg.norm(g)\n"
        "    if n == 0:\n        return np.zeros_like(g)\n    return -(g / n)\n",
        "import numpy as np\ndef descent_direction(g):\n    return -g / max(np.linalg.norm(g), 1e-300)\n",
    ),
)


# ------------------------------------------------------------------ 5.4
def rank_parameters(g):
    """Reference: indices of the parameters, largest |partial| first."""
    return np.argsort(-np.abs(np.asarray(g, dtype=float)), kind="stable")


def _as_indices(got, n, call):
    if isinstance(got, (list, tuple)):
        try:
            got = np.array(got, dtype=float)
        except (TypeError, ValueError):
            raise Wrong(f"{call} returned {fmt(got)}, not a list of indices.", HINTS["rank_generic"]) from None
    if isinstance(got, (int, float, np.integer, np.floating)) or (isinstance(got, np.ndarray) and got.ndim == 0):
        raise Wrong(f"{call} returned the single number {fmt(got)}, not a ranking of {n} parameters.",
                    HINTS["rank_argmax"])
    return array(got, (n,), call)


def _run_5_4(attempt):
    cases = [np.array([0.5, -3.0, 1.2, -0.1, 2.0, 0.8]),
             np.array([-4.0, 0.3, 2.5, -1.0, 0.05, 1.7]),
             np.array([10.79, -3.71, -1.49, -0.96, 0.39, -1.88])]
    for g in cases:
        call = f"rank_parameters(g={fmt(g)})"
        got = _as_indices(attempt(g, call=call), g.size, call)
        want = rank_parameters(g)
        if close(got, want, rtol=0, atol=0):
            continue
        hint = diagnose(got, [
            (np.argsort(-g), HINTS["rank_signed"]),
            (np.argsort(g), HINTS["rank_signed"]),
            (np.argsort(np.abs(g)), HINTS["rank_ascending"]),
            (np.sort(np.abs(g))[::-1], HINTS["rank_values"]),
            (np.sort(g)[::-1], HINTS["rank_values"]),
            (want + 1, HINTS["rank_one_based"]),
            (np.argsort(want), HINTS["rank_inverse"]),
        ], HINTS["rank_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "rank_parameters orders the parameters by the size of their partials, signs and all"


def _rank_src(body):
    return f"import numpy as np\ndef rank_parameters(g):\n    return {body}\n"


EX_5_4 = Exercise(
    id="5.4", title="which parameters matter most", name="rank_parameters", params=("g",),
    run=_run_5_4, reference=rank_parameters,
    mistakes=(
        Mistake("ranks signed values", _rank_src("np.argsort(-g)"), HINTS["rank_signed"]),
        Mistake("smallest first", _rank_src("np.argsort(np.abs(g))"), HINTS["rank_ascending"]),
        Mistake("returns the sizes", _rank_src("np.sort(np.abs(g))[::-1]"), HINTS["rank_values"]),
        Mistake("counts from 1", _rank_src("np.argsort(-np.abs(g)) + 1"), HINTS["rank_one_based"]),
        Mistake("each parameter's place", _rank_src("np.argsort(np.argsort(-np.abs(g)))"), HINTS["rank_inverse"]),
        Mistake("only the largest", _rank_src("np.argmax(np.abs(g))"), HINTS["rank_argmax"]),
        Mistake("sorts g in place", "import numpy as np\ndef rank_parameters(g):\n    order = np.argsort(-np.abs(g))\n"
                "    g.sort()\n    return order\n", mutation_hint("g")),
    ),
    variants=(
        _rank_src("np.argsort(np.abs(g))[::-1]"),
        "def rank_parameters(g):\n    return sorted(range(len(g)), key=lambda i: abs(g[i]), reverse=True)\n",
        "import numpy as np\ndef rank_parameters(g):\n    sizes = np.abs(g)\n    order = []\n"
        "    for _ in range(len(g)):\n        i = int(np.argmax(sizes))\n        order.append(i)\n"
        "        sizes[i] = -1.0\n    return np.array(order)\n",
    ),
)

EXERCISES = [EX_5_1, EX_5_2, EX_5_3, EX_5_4]
