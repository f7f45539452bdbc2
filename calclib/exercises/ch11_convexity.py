"""Chapter 11 exercises: convexity, several minima, saddle points.

11.1 ``chord_gap(f, a, b, t)``: how far the graph rises above the chord (never above 0 for a convex f).
11.2 ``descend_from_starts(df, starts, lr, steps)``: gradient descent from many starts at once.
11.3 ``critical_point_kind(hessian)``: minimum, maximum or saddle, from the Hessian's eigenvalues.
"""
from __future__ import annotations

import numpy as np

from .checker import (FLOAT_ON_ARRAY_HINT, TEST_FUNCTIONS, Exercise, Mistake, Wrong, array, close, diagnose,
                      fmt, function, mutation_hint, number)

__all__ = ["EXERCISES", "HINTS"]

F = TEST_FUNCTIONS

HINTS = {
    # 11.1
    "gap_sign": "The sign is flipped: the gap is the graph minus the chord, f(point) - chord height, so it "
                "is never positive for a convex f.",
    "gap_chord_weights": "The chord's weights are the wrong way round: at t = 0 the chord must be at f(a) "
                         "and at t = 1 at f(b), so f(a) gets the weight (1 - t).",
    "gap_point_weights": "The point is the wrong way round: at t = 0 it must be a and at t = 1 it must be b, "
                         "so a gets the weight (1 - t).",
    "gap_both_reversed": "You measured t from b instead of from a: at t = 0 both the point and the chord "
                         "must sit at the left end a (weights (1 - t) on a and on f(a)).",
    "gap_f_of_t": "Evaluate f at the point between the ends, (1 - t)*a + t*b, not at t itself.",
    "gap_no_t": "Your result does not change with t: the point and the chord height both move with t.",
    "gap_generic": "The gap is f((1 - t)*a + t*b) minus the chord height (1 - t)*f(a) + t*f(b).",
    # 11.2
    "descent_sign": "Your points climb: gradient descent steps against the slope, x - lr * df(x).",
    "descent_steps": "The number of updates is off by one: take exactly `steps` updates.",
    "descent_ignores_lr": "Your result does not change when lr changes: multiply the slope by lr in every step.",
    "descent_one_step": "Only one update was taken: repeat the update `steps` times, each from the latest points.",
    "descent_from_start": "Each update must start from the latest points, not from the starts again.",
    "descent_generic": "Repeat x = x - lr * df(x) exactly `steps` times, for all starts at once.",
    # 11.3
    "kind_diagonal": "The diagonal entries are the curvatures along the axes only; a tilted saddle can have "
                     "both positive. Use the signs of the eigenvalues (np.linalg.eigvalsh).",
    "kind_determinant": "A positive determinant says both eigenvalues have the same sign, not which sign: "
                        "both positive is a minimum, both negative a maximum.",
    "kind_swapped": "The words are swapped: all eigenvalues positive means the point curves up in every "
                    "direction, a minimum.",
    "kind_trace": "The trace is the sum of the eigenvalues; a saddle has eigenvalues of both signs whatever "
                  "their sum. Look at each eigenvalue's sign.",
    "kind_words": "Return exactly one of the words 'minimum', 'maximum' or 'saddle' (lower case).",
    "kind_generic": "Compute the eigenvalues of the symmetric Hessian: all positive means a minimum, all "
                    "negative a maximum, mixed signs a saddle.",
    "kind_not_text": "Return the answer as text: 'minimum', 'maximum' or 'saddle'.",
}


# ------------------------------------------------------------------ 11.1
def chord_gap(f, a, b, t):
    """Reference: how far f rises above its chord from a to b, at the fraction t of the way."""
    return f((1 - t) * a + t * b) - ((1 - t) * f(a) + t * f(b))


_GAP_CASES = (("cubic", -1.3, 0.9, 0.3), ("sin", -2.5, 0.7, 0.65), ("exp_half", 1.5, -1.0, 0.2),
              ("square", -0.8, 1.6, 0.4))


def _run_11_1(attempt):
    for name, a, b, t in _GAP_CASES:
        f = F[name]
        call = f"chord_gap(f={f}, a={a}, b={b}, t={t})"
        got = number(attempt(f, a, b, t, call=call), call)
        want = chord_gap(f, a, b, t)
        if close(got, want):
            continue
        other = number(attempt(f, a, b, 1.0 - t, call=call), call)
        if close(got, other, rtol=1e-12, atol=1e-14) and not close(want, chord_gap(f, a, b, 1.0 - t)):
            hint = HINTS["gap_no_t"]
        else:
            chord = (1 - t) * f(a) + t * f(b)
            point = (1 - t) * a + t * b
            hint = diagnose(got, [
                (-want, HINTS["gap_sign"]),
                (f(point) - (t * f(a) + (1 - t) * f(b)), HINTS["gap_chord_weights"]),
                (f(t * a + (1 - t) * b) - chord, HINTS["gap_point_weights"]),
                (chord_gap(f, a, b, 1 - t), HINTS["gap_both_reversed"]),
                (f(t) - chord, HINTS["gap_f_of_t"]),
            ], HINTS["gap_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    ts = np.linspace(0.0, 1.0, 6)
    call = "chord_gap(f=x**3 - 2*x, a=-1.5, b=1.2, t=<array of 6 values from 0 to 1>)"
    got = array(attempt(F["cubic"], -1.5, 1.2, ts, call=call), ts.shape, call)
    want = chord_gap(F["cubic"], -1.5, 1.2, ts)
    if not close(got, want):
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", HINTS["gap_generic"])
    if not (abs(got[0]) < 1e-9 and abs(got[-1]) < 1e-9):
        raise Wrong(f"{call} returned {fmt(got)}: the gap must be 0 at both ends.", HINTS["gap_generic"])
    return "chord_gap is right at 4 functions, 0 at both ends, and works on an array of t"


def _gap_src(body):
    return f"def chord_gap(f, a, b, t):\n    return {body}\n"


EX_11_1 = Exercise(
    id="11.1", title="the gap between graph and chord", name="chord_gap", params=("f", "a", "b", "t"),
    run=_run_11_1, reference=chord_gap,
    mistakes=(
        Mistake("sign flipped", _gap_src("(1 - t) * f(a) + t * f(b) - f((1 - t) * a + t * b)"), HINTS["gap_sign"]),
        Mistake("chord weights swapped", _gap_src("f((1 - t) * a + t * b) - (t * f(a) + (1 - t) * f(b))"),
                HINTS["gap_chord_weights"]),
        Mistake("point weights swapped", _gap_src("f(t * a + (1 - t) * b) - ((1 - t) * f(a) + t * f(b))"),
                HINTS["gap_point_weights"]),
        Mistake("t measured from b", _gap_src("f(t * a + (1 - t) * b) - (t * f(a) + (1 - t) * f(b))"),
                HINTS["gap_both_reversed"]),
        Mistake("f at t", _gap_src("f(t) - ((1 - t) * f(a) + t * f(b))"), HINTS["gap_f_of_t"]),
        Mistake("midpoint only", _gap_src("f((a + b) / 2) - (f(a) + f(b)) / 2"), HINTS["gap_no_t"]),
        Mistake("float() breaks arrays",
                _gap_src("f((1 - float(t)) * a + float(t) * b) - ((1 - float(t)) * f(a) + float(t) * f(b))"),
                FLOAT_ON_ARRAY_HINT, "error"),
    ),
    variants=(
        "def chord_gap(f, a, b, t):\n    x = a + t * (b - a)\n    chord = f(a) + t * (f(b) - f(a))\n"
        "    return f(x) - chord\n",
        "def chord_gap(f, a, b, t):\n    s = 1 - t\n    return f(s * a + t * b) - s * f(a) - t * f(b)\n",
        "import numpy as np\ndef chord_gap(f, a, b, t):\n    t = np.asarray(t, dtype=float)\n"
        "    return np.subtract(f((1 - t) * a + t * b), (1 - t) * f(a) + t * f(b))\n",
    ),
)


# ------------------------------------------------------------------ 11.2
def descend_from_starts(df, starts, lr, steps):
    """Reference: `steps` updates x <- x - lr * df(x), for every start at once."""
    x = np.array(starts, dtype=float)
    for _ in range(steps):
        x = x - lr * df(x)
    return x


#: The tilted double well's slope: minima near -1.04 (the global one) and 0.96.
_WELL = function("4*x*(x**2 - 1) + 0.3", lambda x: 4 * x * (x**2 - 1) + 0.3)
_CUBIC_SLOPE = function("3*x**2 - 2", lambda x: 3 * x**2 - 2)


def _ascent(df, starts, lr, steps):
    x = np.array(starts, dtype=float)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            x = x + lr * df(x)
    return x


def _run_11_2(attempt):
    cases = ((_WELL, np.array([-1.5, -0.2, 0.3, 1.4]), 0.05, 4),
             (_WELL, np.array([0.05, 0.6, -0.9]), 0.02, 7),
             (_CUBIC_SLOPE, np.array([0.3, 1.6, -0.5, 0.9, 0.0]), 0.1, 5))
    for df, starts, lr, steps in cases:
        call = f"descend_from_starts(df={df}, starts={fmt(starts)}, lr={lr}, steps={steps})"
        got = array(attempt(df, starts, lr, steps, call=call), starts.shape, call)
        want = descend_from_starts(df, starts, lr, steps)
        if close(got, want, rtol=1e-9, atol=1e-12):
            continue
        other = attempt(df, starts, 2 * lr, steps, call=call)
        if isinstance(other, np.ndarray) and other.shape == got.shape and np.array_equal(other, got, equal_nan=True):
            hint = HINTS["descent_ignores_lr"]
        else:
            hint = diagnose(got, [
                (lambda: _ascent(df, starts, lr, steps), HINTS["descent_sign"]),
                (descend_from_starts(df, starts, lr, steps + 1), HINTS["descent_steps"]),
                (descend_from_starts(df, starts, lr, steps - 1), HINTS["descent_steps"]),
                (descend_from_starts(df, starts, lr, 1), HINTS["descent_one_step"]),
                (starts - lr * steps * df(starts), HINTS["descent_from_start"]),
            ], HINTS["descent_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    starts = np.linspace(-1.8, 1.8, 19)
    call = f"descend_from_starts(df={_WELL}, starts=<19 starts from -1.8 to 1.8>, lr=0.02, steps=300)"
    got = array(attempt(_WELL, starts, 0.02, 300, call=call), starts.shape, call)
    want = descend_from_starts(_WELL, starts, 0.02, 300)
    if not close(got, want, rtol=1e-7, atol=1e-9):
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", HINTS["descent_generic"])
    left = int(np.sum(got < 0))
    return (f"descend_from_starts matches on 3 cases; from 19 starts on the tilted double well, {left} end in the "
            f"global minimum near {want.min():.3f} and {19 - left} in the local one near {want.max():.3f}")


def _descent_src(body):
    return "def descend_from_starts(df, starts, lr, steps):\n" + body


EX_11_2 = Exercise(
    id="11.2", title="descent from many starts", name="descend_from_starts", params=("df", "starts", "lr", "steps"),
    run=_run_11_2, reference=descend_from_starts,
    mistakes=(
        Mistake("climbs (+ instead of -)", _descent_src(
            "    x = starts.copy()\n    for _ in range(steps):\n        x = x + lr * df(x)\n    return x\n"),
            HINTS["descent_sign"]),
        Mistake("one step too many", _descent_src(
            "    x = starts.copy()\n    for _ in range(steps + 1):\n        x = x - lr * df(x)\n    return x\n"),
            HINTS["descent_steps"]),
        Mistake("updates the starts in place", _descent_src(
            "    x = starts\n    for _ in range(steps):\n        x -= lr * df(x)\n    return x\n"),
            mutation_hint("starts")),
        Mistake("forgets lr", _descent_src(
            "    x = starts.copy()\n    for _ in range(steps):\n        x = x - df(x)\n    return x\n"),
            HINTS["descent_ignores_lr"]),
        Mistake("restarts every step", _descent_src(
            "    x = starts.copy()\n    for _ in range(steps):\n        x = x - lr * df(starts)\n    return x\n"),
            HINTS["descent_from_start"]),
        Mistake("returns after the first step", _descent_src(
            "    x = starts.copy()\n    for _ in range(steps):\n        x = x - lr * df(x)\n        return x\n"),
            HINTS["descent_one_step"]),
        Mistake("keeps only the last start", _descent_src(
            "    for x0 in starts:\n        x = x0\n        for _ in range(steps):\n            x = x - lr * df(x)\n"
            "    return x\n"),
            "For an array input, return one result per element: write the formula with numpy arithmetic on the "
            "array, without float(), math functions or a loop that keeps one value."),
    ),
    variants=(
        _descent_src("    x = starts.copy()\n    for _ in range(steps):\n        x = x - lr * df(x)\n    return x\n"),
        "import numpy as np\n" + _descent_src(
            "    ends = []\n    for x in starts:\n        for _ in range(steps):\n            x = x - lr * df(x)\n"
            "        ends.append(x)\n    return np.array(ends)\n"),
        _descent_src("    x, k = starts + 0.0, 0\n    while k < steps:\n        x -= lr * df(x)\n        k += 1\n"
                     "    return x\n"),
    ),
)


# ------------------------------------------------------------------ 11.3
def critical_point_kind(hessian):
    """Reference: 'minimum', 'maximum' or 'saddle' from the signs of the Hessian's eigenvalues."""
    eig = np.linalg.eigvalsh(hessian)
    if np.all(eig > 0):
        return "minimum"
    if np.all(eig < 0):
        return "maximum"
    return "saddle"


_KINDS = ("minimum", "maximum", "saddle")
_HESSIANS = (
    np.array([[2.0, 0.0], [0.0, 3.0]]),            # minimum
    np.array([[-4.0, 0.0], [0.0, 2.0]]),           # saddle (the chapter's)
    np.array([[-2.0, 0.0], [0.0, -1.0]]),          # maximum, positive determinant
    np.array([[1.0, 2.0], [2.0, 1.0]]),            # saddle, positive diagonal
    np.array([[2.0, 1.0], [1.0, 3.0]]),            # minimum, tilted
    np.array([[-2.0, 1.0], [1.0, -3.0]]),          # maximum, tilted
    np.array([[-1.0, -2.0], [-2.0, -1.0]]),        # saddle, negative diagonal
    np.array([[3.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, -0.5]]),   # saddle in three dimensions
)


def _rule_diagonal(H):
    d = np.diag(H)
    return "minimum" if np.all(d > 0) else "maximum" if np.all(d < 0) else "saddle"


def _rule_determinant(H):
    return "minimum" if np.linalg.det(H) > 0 else "saddle"


def _rule_swapped(H):
    kind = critical_point_kind(H)
    return {"minimum": "maximum", "maximum": "minimum"}.get(kind, kind)


def _rule_trace(H):
    return "minimum" if np.trace(H) > 0 else "maximum"


def _matrix(H):
    """A matrix on one line: [[1, 2], [2, 1]]."""
    return "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in H) + "]"


def _word(value, call):
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bool, np.bool_)) or value is None or isinstance(value, (int, float, np.number)):
        raise Wrong(f"{call} returned {fmt(value)}, not one of the words {', '.join(map(repr, _KINDS))}.",
                    HINTS["kind_not_text"])
    raise Wrong(f"{call} returned {fmt(value)} (a {type(value).__name__}), not a word.", HINTS["kind_not_text"])


def _run_11_3(attempt):
    answers, wants = [], []
    for H in _HESSIANS:
        call = f"critical_point_kind(hessian={_matrix(H)})"
        got = _word(attempt(H, call=call), call)
        answers.append(got)
        wants.append(critical_point_kind(H))
        if got == wants[-1]:
            continue
        if got not in _KINDS:
            raise Wrong(f"{call} returned {got!r}, expected {wants[-1]!r}.", HINTS["kind_words"])
        # a wrong kind: which rule explains every answer so far?
        hint = HINTS["kind_generic"]
        for rule, key in ((_rule_diagonal, "kind_diagonal"), (_rule_determinant, "kind_determinant"),
                          (_rule_swapped, "kind_swapped"), (_rule_trace, "kind_trace")):
            if all(rule(h) == a for h, a in zip(_HESSIANS, answers)):
                hint = HINTS[key]
                break
        eig = np.linalg.eigvalsh(H)
        raise Wrong(f"{call} returned {got!r}, expected {wants[-1]!r} (the eigenvalues are "
                    f"{', '.join(f'{e:.3g}' for e in eig)}).", hint)
    return f"critical_point_kind names all {len(_HESSIANS)} points right, tilted and in three dimensions too"


def _kind_src(body):
    return "import numpy as np\ndef critical_point_kind(hessian):\n" + body


EX_11_3 = Exercise(
    id="11.3", title="minimum, maximum or saddle", name="critical_point_kind", params=("hessian",),
    run=_run_11_3, reference=critical_point_kind,
    mistakes=(
        Mistake("diagonal entries only", _kind_src(
            "    d = np.diag(hessian)\n    if np.all(d > 0):\n        return 'minimum'\n"
            "    if np.all(d < 0):\n        return 'maximum'\n    return 'saddle'\n"), HINTS["kind_diagonal"]),
        Mistake("determinant only", _kind_src(
            "    return 'minimum' if np.linalg.det(hessian) > 0 else 'saddle'\n"), HINTS["kind_determinant"]),
        Mistake("minimum and maximum swapped", _kind_src(
            "    eig = np.linalg.eigvalsh(hessian)\n    if np.all(eig > 0):\n        return 'maximum'\n"
            "    if np.all(eig < 0):\n        return 'minimum'\n    return 'saddle'\n"), HINTS["kind_swapped"]),
        Mistake("trace only", _kind_src(
            "    return 'minimum' if np.trace(hessian) > 0 else 'maximum'\n"), HINTS["kind_trace"]),
        Mistake("other words", _kind_src(
            "    eig = np.linalg.eigvalsh(hessian)\n    if np.all(eig > 0):\n        return 'Minimum'\n"
            "    if np.all(eig < 0):\n        return 'Maximum'\n    return 'Saddle'\n"), HINTS["kind_words"]),
        Mistake("returns the eigenvalues", _kind_src("    return np.linalg.eigvalsh(hessian)\n"),
                HINTS["kind_not_text"]),
    ),
    variants=(
        _kind_src("    eig = np.linalg.eigvalsh(hessian)\n    if eig.min() > 0:\n        return 'minimum'\n"
                  "    if eig.max() < 0:\n        return 'maximum'\n    return 'saddle'\n"),
        _kind_src("    signs = set(np.sign(np.linalg.eigvals(hessian).real))\n"
                  "    return {frozenset([1.0]): 'minimum', frozenset([-1.0]): 'maximum'}.get(frozenset(signs), "
                  "'saddle')\n"),
        _kind_src("    try:\n        np.linalg.cholesky(hessian)\n        return 'minimum'\n"
                  "    except np.linalg.LinAlgError:\n        pass\n    try:\n        np.linalg.cholesky(-hessian)\n"
                  "        return 'maximum'\n    except np.linalg.LinAlgError:\n        return 'saddle'\n"),
    ),
)

EXERCISES = [EX_11_1, EX_11_2, EX_11_3]
