"""Chapter 9 exercises: integration and accumulation.

9.1 ``midpoint_sum(f, a, b, n)``: the midpoint Riemann sum, checked for error order 2.
9.2 ``expected_value(f, p, a, b, n)``: ``E[f(X)]`` as the integral of ``f`` times the density ``p``.
9.3 ``monte_carlo_integral(f, a, b, n, rng)``: the integral from ``n`` random points, checked
    statistically (right value within its standard error, reproducible with a seed, spread
    shrinking like ``1/sqrt(n)``).
"""
from __future__ import annotations

import numpy as np

from .checker import TEST_FUNCTIONS, Exercise, Mistake, Wrong, close, diagnose, fmt, function, number, rng_for

__all__ = ["EXERCISES", "HINTS"]

F = TEST_FUNCTIONS

HINTS = {
    "no_f": "Your function never calls f: the sum is built from values of f at the middles of the pieces.",
    "mid_left": "You took the heights at the left ends of the pieces (the left sum). The midpoint sum "
                "takes them half a width further, at a + (i + 1/2) dx.",
    "mid_right": "You took the heights at the right ends of the pieces (the right sum). The midpoint sum "
                 "takes them at the middles, a + (i + 1/2) dx.",
    "mid_no_dx": "That is the sum of the heights alone; each rectangle's area is its height times its "
                 "width, (b - a)/n.",
    "mid_mean": "That is the average height. The area is that average times the width of the whole "
                "interval, b - a.",
    "mid_linspace": "np.linspace(a, b, n) puts n points from a to b with both ends included: these are not "
                    "the middles of n pieces, which sit half a width inside each piece.",
    "mid_trapezoid": "That is the trapezoid rule (the average of the two end heights of each piece); this "
                     "exercise asks for one height per piece, taken at its middle.",
    "mid_n_plus_1": "You added n + 1 rectangles (one for every grid point a, a + dx, ..., b); n pieces give "
                    "n rectangles, each with its height at its own middle.",
    "mid_order": "The values are close, but the error should fall 4x when n doubles (order 2); yours does "
                 "not. Check where in each piece you take the height.",
    "mid_generic": "Split [a, b] into n pieces of width (b - a)/n, take f at the middle of each, "
                   "and add up height times width.",
    "ev_no_p": "That is the integral of f alone. An expectation weighs each value f(x) by how likely x is: "
               "integrate f(x) * p(x).",
    "ev_no_f": "That is the integral of p alone (which is 1 for a density). Multiply by f(x) inside the integral.",
    "ev_mean_x": "That is E[X], the integral of x * p(x). Use f(x) in place of x.",
    "ev_f_of_mean": "That is f(E[X]): f applied to the mean. The expectation of f(X) averages f itself, "
                    "integral of f(x) * p(x), and differs unless f is a straight line.",
    "ev_divided": "You divided by the length b - a: the density p already does the weighting, so "
                  "E[f(X)] is the integral of f(x) * p(x) itself, with no extra division.",
    "ev_no_dx": "That is a sum of values without the width dx of each piece: multiply by the width (b - a)/n.",
    "ev_f_unused": "Your function never calls f: the expectation is built from the values f(x), weighted by p(x).",
    "ev_p_unused": "Your function never calls p: each value f(x) must be weighted by the density p(x).",
    "ev_generic": "E[f(X)] is the integral over [a, b] of f(x) * p(x); use a rule of this chapter with n pieces.",
    "mc_not_random": "Your result does not change with the random generator: draw the points at random with "
                     "the rng you are given (rng.uniform(a, b, size=n)).",
    "mc_not_rng": "The same seed gave different results: draw the points with the rng you are given "
                  "(rng.uniform or rng.random), not with np.random.* or a generator of your own.",
    "mc_no_width": "That is the average of f over the points, an estimate of the mean height. The integral is "
                   "that average times the width b - a.",
    "mc_unit": "Your points lie in [0, 1], not in [a, b]: draw them with rng.uniform(a, b, size=n) "
               "(or a + (b - a) * rng.random(n)).",
    "mc_unit_no_width": "Your points lie in [0, 1], not in [a, b], and the width b - a is missing: "
                        "(b - a) * mean of f at n points drawn uniformly from [a, b].",
    "mc_sum": "You added up the values of f instead of averaging them: use the mean of f over the n points, "
              "times b - a.",
    "mc_divided": "Multiply the average of f by the width b - a instead of dividing by it.",
    "mc_ignores_n": "Use n random points (size=n), not a fixed number: the estimate's error shrinks like "
                    "1/sqrt(n) only if n points are used.",
    "mc_generic": "Draw n points uniformly from [a, b] with rng, average f over them, and multiply by b - a.",
}


# ------------------------------------------------------------------ 9.1
def midpoint_sum(f, a, b, n):
    """Reference: the midpoint Riemann sum of f over [a, b] with n pieces."""
    dx = (b - a) / n
    x = a + dx * (np.arange(n) + 0.5)
    return np.sum(f(x)) * dx


def _left(f, a, b, n):
    dx = (b - a) / n
    return float(np.sum(f(a + dx * np.arange(n))) * dx)


def _right(f, a, b, n):
    dx = (b - a) / n
    return float(np.sum(f(a + dx * np.arange(1, n + 1))) * dx)


def _trap(f, a, b, n):
    x = np.linspace(a, b, n + 1)
    y = f(x)
    return float((np.sum(y) - (y[0] + y[-1]) / 2) * (b - a) / n)


def _run_9_1(attempt):
    rng = rng_for("9.1")
    cases = (("cubic", -1.0, 2.0, 5), ("sin", 0.0, 2.5, 4), ("exp_half", 1.0, 3.0, 3), ("square", 0.5, 2.0, 6))
    with np.errstate(all="ignore"):
        for name, a, b, n in cases:
            f = F[name]
            a = float(np.round(a + rng.uniform(-0.2, 0.2), 2))
            call = f"midpoint_sum(f={f}, a={a}, b={b}, n={n})"
            got = attempt(f, a, b, n, call=call)
            calls_f = attempt.last_args[0].calls
            got = number(got, call)
            want = float(midpoint_sum(f, a, b, n))
            if close(got, want, rtol=1e-9, atol=1e-12):
                continue
            dx = (b - a) / n
            mids = f(a + dx * (np.arange(n) + 0.5))
            hint = HINTS["no_f"] if calls_f == 0 else diagnose(got, [
                (_left(f, a, b, n), HINTS["mid_left"]),
                (_right(f, a, b, n), HINTS["mid_right"]),
                (float(np.sum(mids)), HINTS["mid_no_dx"]),
                (float(np.mean(mids)), HINTS["mid_mean"]),
                (float(np.sum(f(np.linspace(a, b, n))) * dx), HINTS["mid_linspace"]),
                (float(np.sum(f(np.linspace(a, b, n)))), HINTS["mid_linspace"]),
                (_trap(f, a, b, n), HINTS["mid_trapezoid"]),
                (float(np.sum(f(a + dx * (np.arange(n + 1) + 0.5))) * dx), HINTS["mid_n_plus_1"]),
                (float(np.sum(f(np.linspace(a, b, n + 1))) * dx), HINTS["mid_n_plus_1"]),
            ], HINTS["mid_generic"])
            raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
        f, exact = F["exp_half"], 2 * (np.exp(1.0) - 1)          # integral of exp(x/2) over [0, 2]
        ns = np.array([4, 8, 16, 32])
        errs = []
        for n in ns:
            call = f"midpoint_sum(f={f}, a=0.0, b=2.0, n={n})"
            errs.append(abs(number(attempt(f, 0.0, 2.0, int(n), call=call), call) - exact))
        errs = np.array(errs)
        p = float(np.polyfit(np.log(ns), -np.log(errs), 1)[0]) if np.all(errs > 0) else float("nan")
        if not abs(p - 2) < 0.3:
            raise Wrong(f"Doubling n should divide the error by 4; the observed error order is {p:.2f}, "
                        "expected 2.", HINTS["mid_order"])
    return f"midpoint_sum is right on 4 integrands and has error order {p:.2f}"


def _msrc(body, pre=""):
    return f"import numpy as np\ndef midpoint_sum(f, a, b, n):\n    dx = (b - a) / n\n{pre}    return {body}\n"


EX_9_1 = Exercise(
    id="9.1", title="the midpoint sum", name="midpoint_sum", params=("f", "a", "b", "n"),
    run=_run_9_1, reference=midpoint_sum,
    mistakes=(
        Mistake("left ends", _msrc("np.sum(f(a + dx * np.arange(n))) * dx"), HINTS["mid_left"]),
        Mistake("right ends", _msrc("np.sum(f(a + dx * np.arange(1, n + 1))) * dx"), HINTS["mid_right"]),
        Mistake("forgets the width", _msrc("np.sum(f(a + dx * (np.arange(n) + 0.5)))"), HINTS["mid_no_dx"]),
        Mistake("average height", _msrc("np.mean(f(a + dx * (np.arange(n) + 0.5)))"), HINTS["mid_mean"]),
        Mistake("linspace as middles", _msrc("np.sum(f(np.linspace(a, b, n))) * dx"), HINTS["mid_linspace"]),
        Mistake("trapezoids", _msrc("np.sum((y[:-1] + y[1:]) / 2) * dx",
                                    "    y = f(np.linspace(a, b, n + 1))\n"), HINTS["mid_trapezoid"]),
        Mistake("n + 1 rectangles", _msrc("np.sum(f(np.linspace(a, b, n + 1))) * dx"), HINTS["mid_n_plus_1"]),
        Mistake("never calls f", _msrc("np.sum(np.sin(a + dx * (np.arange(n) + 0.5))) * dx"), HINTS["no_f"]),
    ),
    variants=(
        "def midpoint_sum(f, a, b, n):\n    dx = (b - a) / n\n    total = 0.0\n    for i in range(n):\n"
        "        total += f(a + (i + 0.5) * dx) * dx\n    return total\n",
        "import numpy as np\ndef midpoint_sum(f, a, b, n):\n    edges = np.linspace(a, b, n + 1)\n"
        "    middles = (edges[:-1] + edges[1:]) / 2\n    return np.sum(f(middles) * np.diff(edges))\n",
        "import numpy as np\ndef midpoint_sum(f, a, b, n):\n    h = (b - a) / n\n"
        "    return (b - a) * np.mean(f(np.linspace(a + h / 2, b - h / 2, n)))\n",
    ),
)


# ------------------------------------------------------------------ 9.2
def expected_value(f, p, a, b, n):
    """Reference: E[f(X)] as the integral of f(x) p(x) over [a, b], midpoint rule with n pieces."""
    dx = (b - a) / n
    x = a + dx * (np.arange(n) + 0.5)
    return np.sum(f(x) * p(x)) * dx


def _normal_density(mu, s):
    return function(f"normal density, mean {mu}, standard deviation {s}",
                     lambda x: np.exp(-0.5 * ((x - mu) / s) ** 2) / (s * np.sqrt(2 * np.pi)))


_DENSITIES = {
    "normal": (_normal_density(0.5, 1.0), -9.5, 10.5),
    "exponential": (function("exponential density exp(-x) for x >= 0", lambda x: np.exp(-x)), 0.0, 40.0),
    "narrow": (_normal_density(1.2, 0.4), -3.0, 5.0),
}
_INTEGRANDS = {
    "square": F["square"],
    "sin": F["sin"],
    "exp_half": F["exp_half"],
    "cubic": F["cubic"],
}


def _midpoint_integral(g, a, b, n):
    dx = (b - a) / n
    x = a + dx * (np.arange(n) + 0.5)
    return float(np.sum(g(x)) * dx)


def _run_9_2(attempt):
    # the first case tells every mistake apart; later ones only confirm (E[X**2] = 2 = 2 * E[X] for the
    # exponential density, so there several mistakes give the same number)
    cases = (("sin", "normal", 3000), ("exp_half", "narrow", 2000), ("square", "exponential", 4000),
             ("cubic", "normal", 3000))
    gots, candidates = [], []
    with np.errstate(all="ignore"):
        for fname, pname, n in cases:
            f = _INTEGRANDS[fname]
            p, a, b = _DENSITIES[pname]
            call = f"expected_value(f={f}, p=<{p}>, a={a}, b={b}, n={n})"
            got = attempt(f, p, a, b, n, call=call)
            f_calls, p_calls = attempt.last_args[0].calls, attempt.last_args[1].calls
            got = number(got, call)
            want = float(expected_value(f, p, a, b, n))
            mean = _midpoint_integral(lambda x: x * p(x), a, b, n)
            gots.append(got)
            candidates.append([
                (_midpoint_integral(f, a, b, n), HINTS["ev_no_p"]),
                (_midpoint_integral(p, a, b, n), HINTS["ev_no_f"]),
                (mean, HINTS["ev_mean_x"]),
                (float(f(np.float64(mean))), HINTS["ev_f_of_mean"]),
                (want / (b - a), HINTS["ev_divided"]),
                (want * n / (b - a), HINTS["ev_no_dx"]),
            ])
            if close(got, want, rtol=1e-5, atol=1e-7):
                continue
            # a hint must explain every case so far (a mistake can match one case by chance)
            hint = next((h for k, (_, h) in enumerate(candidates[-1])
                         if all(close(g, c[k][0], rtol=1e-5, atol=1e-7) for g, c in zip(gots, candidates))), None)
            if hint is None:
                hint = (HINTS["ev_f_unused"] if f_calls == 0 else HINTS["ev_p_unused"] if p_calls == 0
                        else HINTS["ev_generic"])
            raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "expected_value is right for 4 functions against 3 densities"


def _esrc(body, pre=""):
    return (f"import numpy as np\ndef expected_value(f, p, a, b, n):\n    dx = (b - a) / n\n"
            f"    x = a + dx * (np.arange(n) + 0.5)\n{pre}    return {body}\n")


EX_9_2 = Exercise(
    id="9.2", title="an expectation as an integral", name="expected_value", params=("f", "p", "a", "b", "n"),
    run=_run_9_2, reference=expected_value,
    mistakes=(
        Mistake("forgets the density", _esrc("np.sum(f(x)) * dx"), HINTS["ev_no_p"]),
        Mistake("integrates the density only", _esrc("np.sum(p(x)) * dx"), HINTS["ev_no_f"]),
        Mistake("x in place of f(x)", _esrc("np.sum(x * p(x)) * dx"), HINTS["ev_mean_x"]),
        Mistake("f of the mean", _esrc("f(np.sum(x * p(x)) * dx)"), HINTS["ev_f_of_mean"]),
        Mistake("divides by the length", _esrc("np.sum(f(x) * p(x)) * dx / (b - a)"), HINTS["ev_divided"]),
        Mistake("forgets dx", _esrc("np.sum(f(x) * p(x))"), HINTS["ev_no_dx"]),
    ),
    variants=(
        "import numpy as np\ndef expected_value(f, p, a, b, n):\n    x = np.linspace(a, b, n + 1)\n"
        "    y = f(x) * p(x)\n    return (b - a) / n * (np.sum(y) - (y[0] + y[-1]) / 2)\n",
        "def expected_value(f, p, a, b, n):\n    dx = (b - a) / n\n    total = 0.0\n    for i in range(n):\n"
        "        x = a + (i + 0.5) * dx\n        total += f(x) * p(x) * dx\n    return total\n",
        "import numpy as np\ndef expected_value(f, p, a, b, n):\n    edges = np.linspace(a, b, n + 1)\n"
        "    mid = (edges[1:] + edges[:-1]) / 2\n    return (b - a) * np.mean(f(mid) * p(mid))\n",
    ),
)


# ------------------------------------------------------------------ 9.3
def monte_carlo_integral(f, a, b, n, rng):
    """Reference: (b - a) times the mean of f at n points drawn uniformly from [a, b] with rng."""
    x = rng.uniform(a, b, size=n)
    return (b - a) * np.mean(f(x))


def _stats(g, a, b, m=400_000):
    """Mean and standard deviation of g(U), U uniform on [a, b], from a fixed large sample."""
    u = np.random.default_rng(12345).uniform(a, b, m)
    v = g(u)
    return float(np.mean(v)), float(np.std(v))


def _stats_unit(g):
    return _stats(g, 0.0, 1.0)


def _counting(name):
    """The test function `name`, recording how many points it is evaluated at (``.points``)."""
    points = []

    def g(x):
        points.append(int(np.size(x)))
        return F[name].f(x)

    fn = function(F[name].name, g)
    return fn, points


def _run_9_3(attempt):
    def run(f, a, b, n, seed):
        call = f"monte_carlo_integral(f={f}, a={a}, b={b}, n={n}, rng=np.random.default_rng({seed}))"
        return number(attempt(f, a, b, n, np.random.default_rng(seed), call=call), call), call

    cases = (("square", 1.0, 3.0, 40_000, 26 / 3), ("exp_half", -1.0, 2.0, 40_000, 2 * (np.e - np.exp(-0.5))),
             ("sin", 1.0, 4.0, 40_000, np.cos(1.0) - np.cos(4.0)))
    gots, candidates = [], []
    with np.errstate(all="ignore"):
        for k, (name, a, b, n, exact) in enumerate(cases):
            f, points = _counting(name)
            got, call = run(f, a, b, n, 100 + k)
            if sum(points) == 0:
                raise Wrong(f"{call} returned {fmt(got)}, but never called f.", HINTS["mc_generic"])
            if sum(points) < n:
                raise Wrong(f"{call} evaluated f at {sum(points)} points, not at n = {n}.", HINTS["mc_ignores_n"])
            w = b - a
            mean, sd = _stats(F[name], a, b)
            umean, usd = _stats_unit(F[name])
            se = w * sd / np.sqrt(n)
            gots.append(got)
            candidates.append([        # (value, its standard error, hint)
                (exact / w, sd / np.sqrt(n), HINTS["mc_no_width"]),
                (w * umean, w * usd / np.sqrt(n), HINTS["mc_unit"]),
                (umean, usd / np.sqrt(n), HINTS["mc_unit_no_width"]),
                (n * exact, n * se, HINTS["mc_sum"]),
                (exact / w ** 2, sd / w / np.sqrt(n), HINTS["mc_divided"]),
            ])
            if abs(got - exact) <= 5 * se:
                continue
            hint = HINTS["mc_generic"]
            for j, (_, _, h) in enumerate(candidates[-1]):
                if all(abs(g - c[j][0]) <= 5 * c[j][1] + 1e-9 for g, c in zip(gots, candidates)):
                    hint = h
                    break
            raise Wrong(f"{call} returned {fmt(got)}, but the integral is {fmt(exact)}, and with {n} points the "
                        f"estimate should be within about {fmt(3 * se)} of it.", hint)
        # reproducible with the rng it is given, and random
        f, a, b, n = F["square"], 0.0, 3.0, 1000
        first, call = run(f, a, b, n, 7)
        again, _ = run(f, a, b, n, 7)
        head = call.split(", rng=")[0] + ", rng=...)"
        if first != again:
            raise Wrong(f"Called twice with np.random.default_rng(7), {head} gave {fmt(first)} and then "
                        f"{fmt(again)}.", HINTS["mc_not_rng"])
        other, _ = run(f, a, b, n, 8)
        if other == first:
            raise Wrong(f"{head} gave {fmt(first)} with np.random.default_rng(7) and the same with "
                        "np.random.default_rng(8).", HINTS["mc_not_random"])
        # the spread over many seeds shrinks like 1/sqrt(n)
        spreads = {}
        for n in (25, 2500):
            spreads[n] = float(np.std([run(f, a, b, n, 1000 + s)[0] for s in range(200)]))
        ratio = spreads[25] / spreads[2500] if spreads[2500] > 0 else float("inf")
        if not 6 < ratio < 16:
            raise Wrong(f"Over 200 seeds the estimates spread by {fmt(spreads[25])} with n = 25 and by "
                        f"{fmt(spreads[2500])} with n = 2500: {fmt(ratio)} times less, expected about 10 "
                        "(100 times the points, a tenth of the spread).", HINTS["mc_generic"])
    return ("monte_carlo_integral is right on 3 integrals, reproducible with a seed, "
            f"and its spread falls {ratio:.1f}x for 100x the points")


def _csrc(body, pre="    x = rng.uniform(a, b, size=n)\n"):
    return f"import numpy as np\ndef monte_carlo_integral(f, a, b, n, rng):\n{pre}    return {body}\n"


EX_9_3 = Exercise(
    id="9.3", title="Monte Carlo integration", name="monte_carlo_integral", params=("f", "a", "b", "n", "rng"),
    run=_run_9_3, reference=monte_carlo_integral,
    mistakes=(
        Mistake("forgets the width", _csrc("np.mean(f(x))"), HINTS["mc_no_width"]),
        Mistake("points in [0, 1]", _csrc("(b - a) * np.mean(f(x))", "    x = rng.random(n)\n"), HINTS["mc_unit"]),
        Mistake("sum, not mean", _csrc("(b - a) * np.sum(f(x))"), HINTS["mc_sum"]),
        Mistake("divides by the width", _csrc("np.mean(f(x)) / (b - a)"), HINTS["mc_divided"]),
        Mistake("np.random, not rng", _csrc("(b - a) * np.mean(f(x))", "    x = np.random.uniform(a, b, size=n)\n"),
                HINTS["mc_not_rng"]),
        Mistake("a grid, not random", _csrc("(b - a) * np.mean(f(x))", "    x = np.linspace(a, b, n)\n"),
                HINTS["mc_not_random"]),
        Mistake("a fixed number of points", _csrc("(b - a) * np.mean(f(x))", "    x = rng.uniform(a, b, size=1000)\n"),
                HINTS["mc_ignores_n"]),
    ),
    variants=(
        "import numpy as np\ndef monte_carlo_integral(f, a, b, n, rng):\n    u = rng.random(n)\n"
        "    x = a + (b - a) * u\n    return (b - a) * np.sum(f(x)) / n\n",
        "def monte_carlo_integral(f, a, b, n, rng):\n    total = 0.0\n    for _ in range(n):\n"
        "        total += f(rng.uniform(a, b))\n    return (b - a) * total / n\n",
        "import numpy as np\ndef monte_carlo_integral(f, a, b, n, rng):\n    x = np.sort(rng.uniform(a, b, n))\n"
        "    return np.mean(f(x)) * (b - a)\n",
    ),
)

EXERCISES = [EX_9_1, EX_9_2, EX_9_3]
