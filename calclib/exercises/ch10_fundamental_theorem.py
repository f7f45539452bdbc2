"""Chapter 10 exercises: the fundamental theorem of calculus.

10.1 ``cumulative_trapezoid(y, x)``: the running area under sampled values, one per grid point.
10.2 ``rates_from_totals(F, x)``: the reverse, a rate at every grid point from running totals.
10.3 ``step_forecasts(grads, lr)``: each gradient step's forecast change of the loss, ``-lr |g|**2``.
"""
from __future__ import annotations

import numpy as np

from .checker import Exercise, Mistake, Wrong, array, close, diagnose, fmt, mutation_hint, rng_for

__all__ = ["EXERCISES", "HINTS"]

HINTS = {
    "ct_no_zero": "Return one running total per grid point, starting with 0 at x[0]: nothing has "
                  "accumulated before the first piece.",
    "ct_total": "That is only the final total. Return the running total at every grid point, as an array.",
    "ct_rectangles": "Those are rectangles with the left height of each piece; a trapezoid uses the average "
                     "of the heights at both ends of its piece.",
    "ct_right_rect": "Those are rectangles with the right height of each piece; a trapezoid uses the average "
                     "of the heights at both ends of its piece.",
    "ct_not_halved": "Each piece is counted twice: the trapezoid's height is the *average* of its two end "
                     "heights, half their sum.",
    "ct_uniform": "The grid points are not equally spaced here: use the width of each piece, np.diff(x), "
                  "not one fixed spacing.",
    "ct_cumsum_y": "That is a running sum of the heights times one width, starting with a whole piece at "
                   "x[0]. Add up trapezoid areas piece by piece, starting from 0.",
    "ct_generic": "F[0] = 0, and each next value adds the area of one trapezoid: its width times the "
                  "average of its two end heights.",
    "rt_short": "np.diff gives one value per piece (n - 1 of them); return one rate per grid point: central "
                "differences inside, one-sided differences at the two ends.",
    "rt_no_dx": "Those are changes of F, not rates: divide by the spacing of the grid.",
    "rt_not_halved": "Inside the grid a central difference spans two steps: divide F[i + 1] - F[i - 1] "
                     "by the distance between those two points, twice the spacing.",
    "rt_sign": "The sign is flipped: subtract the earlier total from the later one.",
    "rt_forward": "Those are forward differences everywhere (error order 1). Inside the grid use central "
                  "differences, which look both ways (order 2); keep one-sided ones only at the ends.",
    "rt_ends": "The inside is right; check the two ends, where only a one-sided difference is possible: "
               "(F[1] - F[0]) / spacing at the start and (F[-1] - F[-2]) / spacing at the end.",
    "rt_generic": "A rate is change in F per change in x: central differences inside the grid, one-sided "
                  "at the two ends.",
    "sf_sign": "A step against the gradient is forecast to lower the loss: the forecast is negative.",
    "sf_no_lr": "The step is lr times the gradient, so the forecast change carries a factor lr.",
    "sf_not_squared": "That is -lr |g|, the norm without the square. The forecast is the gradient dotted with "
                      "the step -lr g: -lr times the sum of the squared entries.",
    "sf_axis0": "You added up over the wrong axis: each row of grads is one step's gradient; sum the squares "
                "within each row (axis=1), one forecast per step.",
    "sf_scalar": "That is the total over all steps. Return one forecast per step, an array with one entry "
                 "per row of grads.",
    "sf_square_of_sum": "You squared the sum of the entries; square each entry first, then add them up.",
    "sf_generic": "Each step moves by -lr g, so the tangent forecasts a change g · (-lr g) = -lr |g|², "
                  "one number per row of grads.",
}


# ------------------------------------------------------------------ 10.1
def cumulative_trapezoid(y, x):
    """Reference: the running trapezoid area under the samples y at the points x, starting at 0."""
    pieces = np.diff(x) * (y[1:] + y[:-1]) / 2
    return np.concatenate([[0.0], np.cumsum(pieces)])


def _run_10_1(attempt):
    rng = rng_for("10.1")
    grids = [
        ("unevenly spaced", np.sort(np.round(np.r_[0.0, rng.uniform(0.1, 2.9, 6), 3.0], 3))),
        ("evenly spaced", np.linspace(-1.0, 2.0, 7)),
        ("unevenly spaced", np.round(np.cumsum(rng.uniform(0.05, 0.6, 9)) - 1.0, 3)),
    ]
    gots, candidates = [], []
    with np.errstate(all="ignore"):
        for what, x in grids:
            y = np.round(np.cos(1.3 * x) + 0.4 * x + 1.2, 4)
            call = f"cumulative_trapezoid(y={fmt(y)}, x=<{len(x)} {what} points from {x[0]:g} to {x[-1]:g}>)"
            got = attempt(y, x, call=call)
            want = cumulative_trapezoid(y, x)
            dx = np.diff(x)
            same = [
                (want[1:], HINTS["ct_no_zero"]),
                (want[-1], HINTS["ct_total"]),
                (np.r_[0.0, np.cumsum(dx * y[:-1])], HINTS["ct_rectangles"]),
                (np.r_[0.0, np.cumsum(dx * y[1:])], HINTS["ct_right_rect"]),
                (2 * want, HINTS["ct_not_halved"]),
                (np.r_[0.0, np.cumsum((x[1] - x[0]) * (y[1:] + y[:-1]) / 2)], HINTS["ct_uniform"]),
                (np.cumsum(y) * (x[1] - x[0]), HINTS["ct_cumsum_y"]),
                (np.cumsum(y[:-1] * dx), HINTS["ct_no_zero"]),
            ]
            gots.append(got)
            candidates.append(same)
            ok = isinstance(got, np.ndarray) and got.shape == want.shape and close(got, want, rtol=1e-9, atol=1e-12)
            if ok:
                continue
            # a hint must explain every case so far: one fixed spacing is right on an even grid
            hint = None
            for k, (_, h) in enumerate(same):
                if all(isinstance(g, (np.ndarray, float, np.floating)) and np.shape(g) == np.shape(c[k][0])
                       and close(g, c[k][0], rtol=1e-9, atol=1e-12) for g, c in zip(gots, candidates)):
                    hint = h
                    break
            if hint is None:
                got = array(got, want.shape, call)       # a clear message for a list, a number, a wrong shape
                hint = HINTS["ct_generic"]
            raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "cumulative_trapezoid is right on even and uneven grids, and leaves its inputs alone"


def _ctsrc(body, pre=""):
    return f"import numpy as np\ndef cumulative_trapezoid(y, x):\n{pre}    return {body}\n"


EX_10_1 = Exercise(
    id="10.1", title="the running area", name="cumulative_trapezoid", params=("y", "x"),
    run=_run_10_1, reference=cumulative_trapezoid,
    mistakes=(
        Mistake("no leading zero", _ctsrc("np.cumsum(np.diff(x) * (y[1:] + y[:-1]) / 2)"), HINTS["ct_no_zero"]),
        Mistake("only the total", _ctsrc("np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2)"), HINTS["ct_total"]),
        Mistake("left rectangles", _ctsrc("np.concatenate([[0.0], np.cumsum(np.diff(x) * y[:-1])])"),
                HINTS["ct_rectangles"]),
        Mistake("not halved", _ctsrc("np.concatenate([[0.0], np.cumsum(np.diff(x) * (y[1:] + y[:-1]))])"),
                HINTS["ct_not_halved"]),
        Mistake("one fixed spacing",
                _ctsrc("np.concatenate([[0.0], np.cumsum(dx * (y[1:] + y[:-1]) / 2)])", "    dx = x[1] - x[0]\n"),
                HINTS["ct_uniform"]),
        Mistake("running sum of heights", _ctsrc("np.cumsum(y) * (x[1] - x[0])"), HINTS["ct_cumsum_y"]),
        Mistake("overwrites y", _ctsrc("np.concatenate([[0.0], np.cumsum(np.diff(x) * y[1:])])",
                                       "    y[1:] = (y[1:] + y[:-1]) / 2\n"), mutation_hint("y")),
    ),
    variants=(
        "import numpy as np\ndef cumulative_trapezoid(y, x):\n    F = np.zeros(len(y))\n"
        "    for i in range(1, len(y)):\n        F[i] = F[i - 1] + (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2\n"
        "    return F\n",
        "import numpy as np\ndef cumulative_trapezoid(y, x):\n    areas = 0.5 * (y[:-1] + y[1:]) * (x[1:] - x[:-1])\n"
        "    return np.insert(np.cumsum(areas), 0, 0.0)\n",
        "import numpy as np\ndef cumulative_trapezoid(y, x):\n"
        "    return np.array([np.sum(np.diff(x[:k + 1]) * (y[1:k + 1] + y[:k]) / 2) for k in range(len(x))])\n",
    ),
)


# ------------------------------------------------------------------ 10.2
def rates_from_totals(F, x):
    """Reference: the rate dF/dx at every point of an evenly spaced grid x."""
    h = x[1] - x[0]
    rates = np.empty(len(F))
    rates[1:-1] = (F[2:] - F[:-2]) / (2 * h)
    rates[0] = (F[1] - F[0]) / h
    rates[-1] = (F[-1] - F[-2]) / h
    return rates


def _run_10_2(attempt):
    rng = rng_for("10.2")
    cases = [np.linspace(0.0, 3.0, 9), np.linspace(-1.0, 1.0, 6),
             np.round(np.linspace(0.5, 0.5 + 0.3 * 10, 11), 6)]
    gots, candidates = [], []
    with np.errstate(all="ignore"):
        for k, x in enumerate(cases):
            c = rng.uniform(0.5, 1.5)
            F = np.round(np.sin(c * x) + 0.5 * x ** 2 + 1.0, 6)       # running totals of some rate
            call = f"rates_from_totals(F={fmt(F)}, x=<{len(x)} evenly spaced points from {x[0]:g} to {x[-1]:g}>)"
            got = attempt(F, x, call=call)
            want = rates_from_totals(F, x)
            h = x[1] - x[0]
            forward = np.r_[np.diff(F) / h, (F[-1] - F[-2]) / h]
            inside = want.copy()
            inside[0], inside[-1] = (F[2] - F[0]) / (2 * h), (F[-1] - F[-3]) / (2 * h)
            same = [
                (np.diff(F) / h, HINTS["rt_short"]),
                (np.diff(F) / np.diff(x), HINTS["rt_short"]),
                (want * h, HINTS["rt_no_dx"]),
                (np.r_[want[0], 2 * want[1:-1], want[-1]], HINTS["rt_not_halved"]),
                (-want, HINTS["rt_sign"]),
                (forward, HINTS["rt_forward"]),
                (inside, HINTS["rt_ends"]),
                (np.r_[0.0, want[1:-1], 0.0], HINTS["rt_ends"]),
            ]
            gots.append(got)
            candidates.append(same)
            if isinstance(got, np.ndarray) and got.shape == want.shape and close(got, want, rtol=1e-9, atol=1e-12):
                continue
            hint = None
            for j, (_, h_) in enumerate(same):
                if all(isinstance(g, np.ndarray) and g.shape == np.shape(cs[j][0])
                       and close(g, cs[j][0], rtol=1e-9, atol=1e-12) for g, cs in zip(gots, candidates)):
                    hint = h_
                    break
            if hint is None:
                got = array(got, want.shape, call)
                hint = HINTS["rt_generic"]
            raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "rates_from_totals is right inside and at the ends of three grids"


def _rtsrc(body, pre=""):
    return f"import numpy as np\ndef rates_from_totals(F, x):\n    h = x[1] - x[0]\n{pre}    return {body}\n"


_CENTRAL = ("    r = np.empty(len(F))\n    r[1:-1] = (F[2:] - F[:-2]) / {div}\n    r[0] = (F[1] - F[0]) / {edge}\n"
            "    r[-1] = (F[-1] - F[-2]) / {edge}\n")

EX_10_2 = Exercise(
    id="10.2", title="rates from running totals", name="rates_from_totals", params=("F", "x"),
    run=_run_10_2, reference=rates_from_totals,
    mistakes=(
        Mistake("np.diff only", _rtsrc("np.diff(F) / h"), HINTS["rt_short"]),
        Mistake("changes, not rates", _rtsrc("r", _CENTRAL.format(div="2", edge="1")), HINTS["rt_no_dx"]),
        Mistake("central over one step", _rtsrc("r", _CENTRAL.format(div="h", edge="h")), HINTS["rt_not_halved"]),
        Mistake("sign flipped", _rtsrc("-r", _CENTRAL.format(div="(2 * h)", edge="h")), HINTS["rt_sign"]),
        Mistake("forward everywhere", _rtsrc("np.append(np.diff(F) / h, (F[-1] - F[-2]) / h)"),
                HINTS["rt_forward"]),
        Mistake("ends left at zero", _rtsrc("r", "    r = np.zeros(len(F))\n    r[1:-1] = (F[2:] - F[:-2]) / (2 * h)\n"),
                HINTS["rt_ends"]),
    ),
    variants=(
        "import numpy as np\ndef rates_from_totals(F, x):\n    return np.gradient(F, x)\n",
        "import numpy as np\ndef rates_from_totals(F, x):\n    h = x[1] - x[0]\n"
        "    inside = (F[2:] - F[:-2]) / (2 * h)\n"
        "    return np.concatenate([[(F[1] - F[0]) / h], inside, [(F[-1] - F[-2]) / h]])\n",
        "import numpy as np\ndef rates_from_totals(F, x):\n    out = []\n    n = len(F)\n    for i in range(n):\n"
        "        lo, hi = max(i - 1, 0), min(i + 1, n - 1)\n        out.append((F[hi] - F[lo]) / (x[hi] - x[lo]))\n"
        "    return np.array(out)\n",
    ),
)


# ------------------------------------------------------------------ 10.3
def step_forecasts(grads, lr):
    """Reference: each step's forecast change of the loss, -lr |g|^2, for the rows g of grads."""
    return -lr * np.sum(grads ** 2, axis=1)


def _run_10_3(attempt):
    rng = rng_for("10.3")
    gots, candidates = [], []
    with np.errstate(all="ignore"):
        for k, (steps, dim, lr) in enumerate(((5, 3, 0.1), (4, 2, 0.05), (6, 4, 0.3))):
            grads = np.round(rng.normal(0.0, 1.5, (steps, dim)), 3)
            call = f"step_forecasts(grads=<array of shape ({steps}, {dim})>, lr={lr})"
            got = attempt(grads, lr, call=call)
            want = step_forecasts(grads, lr)
            same = [
                (-want, HINTS["sf_sign"]),
                (want / lr, HINTS["sf_no_lr"]),
                (-lr * np.linalg.norm(grads, axis=1), HINTS["sf_not_squared"]),
                (-lr * np.sum(grads ** 2, axis=0), HINTS["sf_axis0"]),
                (np.sum(want), HINTS["sf_scalar"]),
                (-lr * np.sum(grads, axis=1) ** 2, HINTS["sf_square_of_sum"]),
            ]
            gots.append(got)
            candidates.append(same)
            if isinstance(got, np.ndarray) and got.shape == want.shape and close(got, want, rtol=1e-9, atol=1e-12):
                continue
            hint = None
            for j, (_, h) in enumerate(same):
                if all(np.shape(g) == np.shape(cs[j][0]) and close(g, cs[j][0], rtol=1e-9, atol=1e-12)
                       for g, cs in zip(gots, candidates)):
                    hint = h
                    break
            if hint is None:
                got = array(got, want.shape, call)
                hint = HINTS["sf_generic"]
            raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "step_forecasts gives one forecast per step, right for three runs"


def _sfsrc(body, pre=""):
    return f"import numpy as np\ndef step_forecasts(grads, lr):\n{pre}    return {body}\n"


EX_10_3 = Exercise(
    id="10.3", title="each step's forecast", name="step_forecasts", params=("grads", "lr"),
    run=_run_10_3, reference=step_forecasts,
    mistakes=(
        Mistake("sign flipped", _sfsrc("lr * np.sum(grads ** 2, axis=1)"), HINTS["sf_sign"]),
        Mistake("forgets lr", _sfsrc("-np.sum(grads ** 2, axis=1)"), HINTS["sf_no_lr"]),
        Mistake("norm, not squared", _sfsrc("-lr * np.linalg.norm(grads, axis=1)"), HINTS["sf_not_squared"]),
        Mistake("wrong axis", _sfsrc("-lr * np.sum(grads ** 2, axis=0)"), HINTS["sf_axis0"]),
        Mistake("one total", _sfsrc("-lr * np.sum(grads ** 2)"), HINTS["sf_scalar"]),
        Mistake("square of the sum", _sfsrc("-lr * np.sum(grads, axis=1) ** 2"), HINTS["sf_square_of_sum"]),
        Mistake("squares in place", _sfsrc("-lr * np.sum(grads, axis=1)", "    grads **= 2\n"),
                mutation_hint("grads")),
    ),
    variants=(
        "import numpy as np\ndef step_forecasts(grads, lr):\n    return np.array([-lr * g @ g for g in grads])\n",
        "import numpy as np\ndef step_forecasts(grads, lr):\n    return -lr * np.einsum('ij,ij->i', grads, grads)\n",
        "import numpy as np\ndef step_forecasts(grads, lr):\n    step = -lr * grads\n    return np.sum(grads * step, axis=1)\n",
    ),
)

EXERCISES = [EX_10_1, EX_10_2, EX_10_3]
