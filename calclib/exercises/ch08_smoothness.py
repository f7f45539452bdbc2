"""Chapter 8 exercises: smoothness and why gradients work.

8.1 ``gradient_lipschitz(df, xs)``: how fast the slope can change, estimated from samples.
8.2 ``kink_jump(f, x, h)``: the jump between the slopes right and left of ``x``.
8.3 ``descent_guarantee(grad, lr, L)``: the decrease one gradient step is sure to give.
"""
from __future__ import annotations

import numpy as np

from .checker import (FLOAT_ON_ARRAY_HINT, Exercise, Mistake, Wrong, array, close, diagnose, fmt, function,
                      mutation_hint, number, rng_for)

__all__ = ["EXERCISES", "HINTS"]

HINTS = {
    # 8.1
    "L_size": "That is how large the slope gets; L measures how fast the slope changes: the change of "
              "df between neighbouring points, divided by their distance.",
    "L_abs": "Take absolute values: the slope may fall fast as well as rise fast, and L bounds both.",
    "L_mean": "L is the largest rate of change of the slope, not the average one: take the maximum.",
    "L_divide": "Divide each change of the slope by the distance between its two points.",
    "L_ends": "Compare neighbouring points: the average rate between the first and the last point hides "
              "where the slope changes fastest.",
    "L_spacing": "The points are not evenly spaced: divide each change by its own distance, np.diff(xs), "
                 "not by the first gap.",
    "L_generic": "For each pair of neighbours: |df(x[i+1]) - df(x[i])| / (x[i+1] - x[i]); return the largest.",
    # 8.2
    "J_sign": "The sign is flipped: the jump is the right slope minus the left slope.",
    "J_half": "Each one-sided slope divides by h (its two points are h apart), not by 2h.",
    "J_no_divide": "Divide by h: the slopes are (f(x + h) - f(x)) / h and (f(x) - f(x - h)) / h.",
    "J_central": "That is the central difference, the average of the two slopes; the jump is their difference.",
    "J_right": "That is only the slope on the right; subtract the slope on the left, (f(x) - f(x - h)) / h.",
    "J_second": "You divided by h twice (that is the second derivative's estimate); the jump between two "
                "slopes divides once.",
    "J_abs": "Do not take absolute values of the slopes: at the bottom of |x| the slopes are -1 and +1, "
             "a jump of 2.",
    "J_generic": "Right slope (f(x + h) - f(x)) / h minus left slope (f(x) - f(x - h)) / h.",
    "J_arrays": "Write it with arithmetic on the results of f (no float(), math functions or loops) so "
                "that it works for arrays.",
    # 8.3
    "G_half": "The curvature costs (L/2) lr**2 |grad|**2: half of L, so the factor is 1 - L*lr/2.",
    "G_tangent": "That is the tangent's forecast lr*|grad|**2 alone; subtract the worst the curvature can "
                 "do, (L/2) lr**2 |grad|**2.",
    "G_no_lr": "The step is lr * grad: the decrease carries a factor lr in front.",
    "G_norm": "Square the length of the gradient: |grad|**2 is the sum of the squared entries.",
    "G_sign": "Return the guaranteed decrease as a positive number (it is how much the loss falls).",
    "G_sum_sq": "Square each entry, then add: sum(grad**2), not (sum(grad))**2.",
    "G_L_place": "L multiplies the learning rate: the factor is 1 - L*lr/2.",
    "G_clamped": "Above lr = 2/L the formula turns negative: there is no guarantee then. Return it as it is, "
                 "without clipping at 0.",
    "G_shape": "Add the squares of all entries, whatever the shape of grad (np.sum(grad**2)); a dot "
               "product needs a vector.",
    "G_generic": "lr * (1 - L*lr/2) * (sum of the squared entries of grad).",
}


# ------------------------------------------------------------------ 8.1
def gradient_lipschitz(df, xs):
    """Reference: the largest |change of df| / distance between neighbouring points of xs."""
    import numpy as np
    slopes = df(xs)
    return np.max(np.abs(np.diff(slopes)) / np.diff(xs))


_SLOPES = {
    "cos": function("cos(x)", np.cos),
    "cube": function("x**3", lambda x: x**3),
    "tanh": function("tanh(2*x)", lambda x: np.tanh(2 * x)),
}


def _run_8_1(attempt):
    rng = rng_for("8.1")
    for name, (lo, hi) in (("cube", (-1.5, 1.0)), ("cos", (1.0, 4.5)), ("tanh", (-1.0, 2.0))):
        df = _SLOPES[name]
        xs = np.round(np.sort(rng.uniform(lo, hi, 12)), 3)
        call = f"gradient_lipschitz(df={df}, xs={fmt(xs)})"
        got = number(attempt(df, xs, call=call), call)
        d = df.f(xs)
        rates = np.diff(d) / np.diff(xs)
        want = float(np.max(np.abs(rates)))
        if close(got, want, rtol=1e-9):
            continue
        hint = diagnose(got, [
            (np.max(np.abs(d)), HINTS["L_size"]),
            (np.max(rates), HINTS["L_abs"]),
            (np.mean(np.abs(rates)), HINTS["L_mean"]),
            (np.max(np.abs(np.diff(d))), HINTS["L_divide"]),
            (abs(d[-1] - d[0]) / (xs[-1] - xs[0]), HINTS["L_ends"]),
            (np.max(np.abs(np.diff(d))) / (xs[1] - xs[0]), HINTS["L_spacing"]),
        ], HINTS["L_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "gradient_lipschitz finds the steepest change of three slopes on unevenly spaced points"


def _lip_src(body):
    return f"import numpy as np\n\ndef gradient_lipschitz(df, xs):\n{body}"


EX_8_1 = Exercise(
    id="8.1", title="how fast the slope changes", name="gradient_lipschitz", params=("df", "xs"),
    run=_run_8_1, reference=gradient_lipschitz,
    mistakes=(
        Mistake("largest slope", _lip_src("    return np.max(np.abs(df(xs)))\n"), HINTS["L_size"]),
        Mistake("no absolute value", _lip_src("    return np.max(np.diff(df(xs)) / np.diff(xs))\n"), HINTS["L_abs"]),
        Mistake("average rate", _lip_src("    return np.mean(np.abs(np.diff(df(xs)) / np.diff(xs)))\n"),
                HINTS["L_mean"]),
        Mistake("not divided", _lip_src("    return np.max(np.abs(np.diff(df(xs))))\n"), HINTS["L_divide"]),
        Mistake("first and last only", _lip_src("    return abs(df(xs[-1]) - df(xs[0])) / (xs[-1] - xs[0])\n"),
                HINTS["L_ends"]),
        Mistake("even spacing assumed", _lip_src("    h = xs[1] - xs[0]\n"
                                                 "    return np.max(np.abs(np.diff(df(xs)))) / h\n"),
                HINTS["L_spacing"]),
    ),
    variants=(
        _lip_src("    best = 0.0\n    for a, b in zip(xs[:-1], xs[1:]):\n"
                 "        best = max(best, abs(df(b) - df(a)) / (b - a))\n    return best\n"),
        _lip_src("    s = df(xs)\n    return max(abs(s[i + 1] - s[i]) / (xs[i + 1] - xs[i]) "
                 "for i in range(len(xs) - 1))\n"),
        _lip_src("    return float(np.abs(np.diff(df(xs)) / np.diff(xs)).max())\n"),
    ),
)


# ------------------------------------------------------------------ 8.2
def kink_jump(f, x, h):
    """Reference: the slope right of x minus the slope left of x, with step h."""
    return (f(x + h) - f(x)) / h - (f(x) - f(x - h)) / h


_KINKED = {
    "cubic": function("x**3 - 2*x", lambda x: x**3 - 2 * x),
    "abs": function("abs(x)", np.abs),
    "relu": function("relu(x)", lambda x: np.maximum(x, 0.0)),
}


def _run_8_2(attempt):
    for name, x, h in (("cubic", 1.2, 0.01), ("abs", 0.0, 0.1), ("relu", 0.3, 0.5), ("relu", -0.2, 0.05)):
        f = _KINKED[name]
        call = f"kink_jump(f={f}, x={x}, h={h})"
        got = number(attempt(f, x, h, call=call), call)
        fp, f0, fm = f.f(x + h), f.f(x), f.f(x - h)
        right, left = (fp - f0) / h, (f0 - fm) / h
        want = right - left
        if close(got, want, rtol=1e-9, atol=1e-12):
            continue
        hint = diagnose(got, [
            (-want, HINTS["J_sign"]),
            (want / 2, HINTS["J_half"]),
            (want * h, HINTS["J_no_divide"]),
            (abs(right) - abs(left), HINTS["J_abs"]),     # before the central difference: both 0 at |x|
            ((fp - fm) / (2 * h), HINTS["J_central"]),
            (right, HINTS["J_right"]),
            (want / h, HINTS["J_second"]),
        ], HINTS["J_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    xs = np.array([-0.5, -0.05, 0.0, 0.05, 0.5])
    call = "kink_jump(f=relu(x), x=<array of 5 values>, h=0.1)"
    got = array(attempt(_KINKED["relu"], xs, 0.1, call=call), xs.shape, call)
    want = kink_jump(lambda t: np.maximum(t, 0.0), xs, 0.1)
    if not close(got, want):
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", HINTS["J_arrays"])
    return "kink_jump is right at a smooth point, at two kinks and near one, and works on arrays"


def _jump_src(body):
    return f"def kink_jump(f, x, h):\n    return {body}\n"


EX_8_2 = Exercise(
    id="8.2", title="the jump in slope at a kink", name="kink_jump", params=("f", "x", "h"),
    run=_run_8_2, reference=kink_jump,
    mistakes=(
        Mistake("left minus right", _jump_src("(f(x) - f(x - h)) / h - (f(x + h) - f(x)) / h"), HINTS["J_sign"]),
        Mistake("divides by 2h", _jump_src("(f(x + h) - 2 * f(x) + f(x - h)) / (2 * h)"), HINTS["J_half"]),
        Mistake("central difference", _jump_src("(f(x + h) - f(x - h)) / (2 * h)"), HINTS["J_central"]),
        Mistake("right slope only", _jump_src("(f(x + h) - f(x)) / h"), HINTS["J_right"]),
        Mistake("divides by h twice", _jump_src("(f(x + h) - 2 * f(x) + f(x - h)) / h**2"), HINTS["J_second"]),
        Mistake("absolute slopes", _jump_src("abs((f(x + h) - f(x)) / h) - abs((f(x) - f(x - h)) / h)"),
                HINTS["J_abs"]),
        Mistake("float() breaks arrays",
                _jump_src("(f(float(x) + h) - 2 * f(float(x)) + f(float(x) - h)) / h"),
                FLOAT_ON_ARRAY_HINT, "error"),
    ),
    variants=(
        "def kink_jump(f, x, h):\n    right = (f(x + h) - f(x)) / h\n    left = (f(x) - f(x - h)) / h\n"
        "    return right - left\n",
        _jump_src("(f(x + h) - 2 * f(x) + f(x - h)) / h"),
        "import numpy as np\ndef kink_jump(f, x, h):\n"
        "    slopes = np.array([(f(x) - f(x - h)) / h, (f(x + h) - f(x)) / h])\n"
        "    return slopes[1] - slopes[0]\n",
    ),
)


# ------------------------------------------------------------------ 8.3
def descent_guarantee(grad, lr, L):
    """Reference: the decrease of the loss one step x -> x - lr * grad is sure to give."""
    import numpy as np
    return lr * (1 - L * lr / 2) * np.sum(grad ** 2)


def _run_8_3(attempt):
    cases = (
        (np.array([1.5, -2.0]), 0.1, 4.0),
        (np.array([0.5, 1.0, -2.0]), 0.6, 4.0),                 # lr > 2/L: no guarantee, a negative number
        (np.array([[0.3, -1.2, 2.0], [0.7, 0.0, -0.4]]), 0.05, 10.0),   # the gradient of a weight matrix
    )
    for g, lr, L in cases:
        call = f"descent_guarantee(grad={fmt(g)}, lr={lr}, L={L})"
        got = number(attempt(g, lr, L, call=call), call)
        sq = float(np.sum(g**2))
        want = lr * (1 - L * lr / 2) * sq
        if close(got, want, rtol=1e-9):
            continue
        hint = diagnose(got, [
            (lr * (1 - L * lr) * sq, HINTS["G_half"]),
            (lr * sq, HINTS["G_tangent"]),
            ((1 - L * lr / 2) * sq, HINTS["G_no_lr"]),
            (lr * (1 - L * lr / 2) * np.sqrt(sq), HINTS["G_norm"]),
            (-want, HINTS["G_sign"]),
            (lr * (1 - L * lr / 2) * float(np.sum(g)) ** 2, HINTS["G_sum_sq"]),
            (lr * (1 - lr / (2 * L)) * sq, HINTS["G_L_place"]),
            (max(want, 0.0), HINTS["G_clamped"]),
        ], HINTS["G_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "descent_guarantee is right below and above lr = 2/L, for a vector and a matrix gradient"


def _g_src(body):
    return f"import numpy as np\n\ndef descent_guarantee(grad, lr, L):\n    return {body}\n"


EX_8_3 = Exercise(
    id="8.3", title="the decrease a step guarantees", name="descent_guarantee", params=("grad", "lr", "L"),
    run=_run_8_3, reference=descent_guarantee,
    mistakes=(
        Mistake("L instead of L/2", _g_src("lr * (1 - L * lr) * np.sum(grad**2)"), HINTS["G_half"]),
        Mistake("tangent forecast only", _g_src("lr * np.sum(grad**2)"), HINTS["G_tangent"]),
        Mistake("forgets lr", _g_src("(1 - L * lr / 2) * np.sum(grad**2)"), HINTS["G_no_lr"]),
        Mistake("norm not squared", _g_src("lr * (1 - L * lr / 2) * np.linalg.norm(grad)"), HINTS["G_norm"]),
        Mistake("negative sign", _g_src("-lr * (1 - L * lr / 2) * np.sum(grad**2)"), HINTS["G_sign"]),
        Mistake("square of the sum", _g_src("lr * (1 - L * lr / 2) * np.sum(grad)**2"), HINTS["G_sum_sq"]),
        Mistake("clipped at zero", _g_src("max(0.0, lr * (1 - L * lr / 2) * np.sum(grad**2))"),
                HINTS["G_clamped"]),
        Mistake("squares in place", "import numpy as np\n\ndef descent_guarantee(grad, lr, L):\n"
                "    grad **= 2\n    return lr * (1 - L * lr / 2) * grad.sum()\n",
                mutation_hint("grad")),
    ),
    variants=(
        _g_src("lr * np.sum(grad**2) - L / 2 * lr**2 * np.sum(grad**2)"),
        "import numpy as np\n\ndef descent_guarantee(grad, lr, L):\n    g2 = np.linalg.norm(grad) ** 2\n"
        "    return lr * g2 * (1 - 0.5 * L * lr)\n",
        "def descent_guarantee(grad, lr, L):\n    g2 = (grad * grad).sum()\n    forecast = lr * g2\n"
        "    curvature = L * lr * lr * g2 / 2\n    return forecast - curvature\n",
    ),
)

EXERCISES = [EX_8_1, EX_8_2, EX_8_3]
