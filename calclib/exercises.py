"""Self-checking exercises: ``check("1.1", my_function)``.

Every exercise asks the learner for a *function*. :func:`check` calls it at
several points (random but reproducible), on arrays, and where that is the
point of the exercise it measures the error order. Checks run in order and
stop at the first failure with one hint aimed at the likely mistake.

:func:`check` never raises because of the learner's code. It returns a
:class:`CheckResult` whose ``status`` is one of

* ``"passed"``: every practice check passed;
* ``"wrong"``: the function ran but gave a wrong answer (input, got,
  expected, hint);
* ``"error"``: the function raised (type and message, no long traceback);
* ``"not attempted"``: the function still raises ``NotImplementedError``
  (the stub of the student version).

In JupyterLab the result shows as a coloured box (with the status written
out, so colour is never the only signal). The reference solutions live in
this module for the checks to compare against; they are never printed.

Examples
--------
>>> def average_rate(f, x, h):
...     return (f(x + h) - f(x)) / h
>>> check("1.1", average_rate).status
'passed'
>>> check("1.1", lambda f, x, h: (f(x) - f(x + h)) / h).status
'wrong'
>>> def stub(f, x, h):
...     raise NotImplementedError()
>>> check("1.1", stub).status
'not attempted'
"""
from __future__ import annotations

import html
import warnings
import zlib
from dataclasses import dataclass

import numpy as np

__all__ = ["CheckResult", "Progress", "check", "check_all", "exercise_ids"]

STATUSES = ("passed", "wrong", "error", "not attempted")
_STYLE = {  # background, border, symbol: colour-blind-safe tints, status always written out
    "passed": ("#e3f2ec", "#009E73", "\u2714"),
    "wrong": ("#fbe9e0", "#D55E00", "\u2717"),
    "error": ("#fdf3dc", "#E69F00", "!"),
    "not attempted": ("#eef0f2", "#999999", "\u2026"),
}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of :func:`check`: ``status``, ``passed``, ``message``, ``hint``."""
    exercise_id: str
    status: str
    message: str
    hint: str = ""
    title: str = ""

    @property
    def passed(self):
        return self.status == "passed"

    def __bool__(self):
        return self.passed

    def __repr__(self):
        head = f"[{self.status}] Exercise {self.exercise_id}" + (f" ({self.title})" if self.title else "")
        lines = [head, self.message]
        if self.hint:
            lines.append("Hint: " + self.hint)
        return "\n".join(lines)

    def _repr_html_(self):
        bg, border, sym = _STYLE[self.status]
        title = f" ({html.escape(self.title)})" if self.title else ""
        hint = (f'<div style="margin-top:4px"><b>Hint:</b> {html.escape(self.hint)}</div>'
                if self.hint else "")
        return (f'<div style="background:{bg};border-left:6px solid {border};padding:6px 10px;'
                f'margin:4px 0;color:#1a1a1a;font-family:sans-serif;font-size:13px">'
                f'<b>{sym} {html.escape(self.status)}</b>: Exercise {html.escape(self.exercise_id)}{title}'
                f'<div style="margin-top:4px">{html.escape(self.message)}</div>{hint}</div>')


class _Wrong(Exception):
    """A check failed: ``message`` says what happened, ``hint`` what to look at."""

    def __init__(self, message, hint=""):
        super().__init__(message)
        self.message, self.hint = message, hint


class _LearnerRaised(Exception):
    def __init__(self, exc, call):
        super().__init__(str(exc))
        self.exc, self.call = exc, call


# ------------------------------------------------------------ test functions
# Each has a name the learner can read in a message. Polynomials and sin/exp
# keep the numbers easy to reason about.
@dataclass(frozen=True)
class _Fn:
    name: str
    f: object
    df: object

    def __call__(self, x):
        return self.f(x)

    def __repr__(self):
        return self.name


_FUNCS = (
    _Fn("x**2", lambda x: x * x, lambda x: 2 * x),
    _Fn("x**3 - 2*x", lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2),
    _Fn("sin(x)", np.sin, np.cos),
    _Fn("exp(x/2)", lambda x: np.exp(x / 2), lambda x: np.exp(x / 2) / 2),
)


def _rng(exercise_id):
    return np.random.default_rng(zlib.crc32(exercise_id.encode()))


def _fmt(v):
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        return repr(v)[:80]
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return np.array2string(a, precision=4, threshold=6)


def _call(fn, *args, label=""):
    """Call the learner's function; wrap whatever it raises (but NotImplementedError)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                return fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the learner's code may raise anything
        raise _LearnerRaised(exc, label) from None


def _number(v, what):
    """Return `v` as a float, or fail with a message about its type."""
    if isinstance(v, (bool, np.bool_)) or v is None:
        raise _Wrong(f"{what} returned {v!r}, not a number.", "Did you forget a `return`?")
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise _Wrong(f"{what} returned {type(v).__name__} {v!r:.60}, not a number.",
                     "Return a number (a float), not text or a list.") from None
    if a.ndim != 0:
        raise _Wrong(f"{what} returned an array of shape {a.shape} for scalar input.",
                     "For a single x, return a single number.")
    return float(a)


def _close(got, want, rtol=1e-6, atol=1e-9):
    return bool(np.all(np.isclose(got, want, rtol=rtol, atol=atol)))


def _check_array(fn, make_args, ref, what, hint):
    """The learner's function must work elementwise on a numpy array of x."""
    xs = np.linspace(-1.5, 1.5, 7)
    args = make_args(xs)
    got = _call(fn, *args, label=what)
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise _Wrong(f"{what} on an array of x returned {type(got).__name__}, not an array of numbers.",
                     hint) from None
    want = ref(*args)
    if got.shape != want.shape:
        raise _Wrong(f"{what} on an array of 7 x values returned shape {got.shape}, expected {want.shape}.",
                     hint)
    if not _close(got, want):
        raise _Wrong(f"{what} on an array of x returned {_fmt(got)}, expected {_fmt(want)}.", hint)


def _fitted_order(fn, f, x, hs):
    """Observed error order of a derivative estimate: slope of log error vs log h."""
    errs = []
    for h in hs:
        got = _number(_call(fn, f, x, h, label=f"({f}, x={x}, h={h:g})"), "your function")
        errs.append(abs(got - float(f.df(x))))
    errs = np.array(errs)
    if np.any(errs == 0) or not np.all(np.isfinite(errs)):
        return float("nan"), errs
    return float(np.polyfit(np.log(hs), np.log(errs), 1)[0]), errs


# ------------------------------------------------------------ reference solutions
def _average_rate(f, x, h):
    return (f(x + h) - f(x)) / h


def _forward(f, x, h):
    return (f(x + h) - f(x)) / h


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


# ------------------------------------------------------------ chapter 1
def _ex_1_1(fn):
    """average_rate(f, x, h) = (f(x+h) - f(x)) / h"""
    rng = _rng("1.1")
    for f in _FUNCS:
        x = float(np.round(rng.uniform(-1.5, 1.5), 3))
        h = float(np.round(rng.choice([0.5, 0.25, 0.1, -0.2]), 3))
        call = f"average_rate(f={f}, x={x}, h={h})"
        got = _number(_call(fn, f, x, h, label=call), call)
        want = _average_rate(f, x, h)
        if _close(got, want):
            continue
        rise = f(x + h) - f(x)
        if _close(got, -want):
            hint = "The sign is flipped: the rise is f(x + h) - f(x), the later value first."
        elif _close(got, rise):
            hint = "That is the rise f(x + h) - f(x); a rate is the rise divided by the run h."
        elif _close(got, rise * h):
            hint = "Divide the rise by h instead of multiplying by it."
        elif _close(got, f(x + h) / h - f(x)):
            hint = "Check the brackets: the whole difference f(x + h) - f(x) is divided by h."
        elif x != 0 and _close(got, rise / x):
            hint = "Divide by the run h, not by x."
        else:
            hint = "The average rate is the change in output over the change in input."
        raise _Wrong(f"{call} returned {_fmt(got)}, expected {_fmt(want)}.", hint)
    _check_array(fn, lambda xs: (_FUNCS[1], xs, 0.1), _average_rate, "average_rate(f, x, h=0.1)",
                 "Use only arithmetic (+, -, *, /) and calls of f, so that x can be an array.")
    return "average_rate is right at 4 functions, with negative h, and on arrays"


def _secant_ref(f, x, h):
    s = (f(x + h) - f(x)) / h
    return lambda t: f(x) + s * (t - x)


def _ex_1_2(fn):
    """secant_line(f, x, h) returns the line through (x, f(x)) and (x+h, f(x+h))."""
    rng = _rng("1.2")
    for f in _FUNCS:
        x = float(np.round(rng.uniform(-1.5, 1.5), 3))
        h = float(np.round(rng.choice([0.5, 0.3, -0.4]), 3))
        call = f"secant_line(f={f}, x={x}, h={h})"
        line = _call(fn, f, x, h, label=call)
        if not callable(line):
            raise _Wrong(f"{call} returned {type(line).__name__}, not a function.",
                         "Return a function of t, e.g. define `def line(t): ...` inside and `return line`.")
        ref = _secant_ref(f, x, h)
        for t, what in ((x, "at its left point x"), (x + h, "at its right point x + h"),
                        (x + 2.0, "away from both points")):
            got = _number(_call(line, t, label=f"line({t:g})"), f"the line from {call}")
            if not _close(got, ref(t)):
                if what.startswith("at its left") or what.startswith("at its right"):
                    hint = ("A secant passes through both points of the curve: "
                            "at t = x it must give f(x), at t = x + h it must give f(x + h).")
                else:
                    hint = "Between and beyond the points the secant is a straight line with slope equal to the average rate."
                raise _Wrong(f"The line from {call} gives {_fmt(got)} {what} (t={t:g}), expected {_fmt(ref(t))}.",
                             hint)
    line = _call(fn, _FUNCS[2], 0.3, 0.2, label="secant_line(sin, 0.3, 0.2)")
    ts = np.linspace(-1, 1, 5)
    got = np.asarray(_call(line, ts, label="line(array)"), dtype=float)
    if got.shape != ts.shape or not _close(got, _secant_ref(_FUNCS[2], 0.3, 0.2)(ts)):
        raise _Wrong(f"The line evaluated on an array t returned {_fmt(got)}.",
                     "Write the line with arithmetic on t, so it works for arrays as well as numbers.")
    return "secant_line passes through both points, is straight, and works on arrays"


def _ex_1_3(fn):
    """steepest_start(f, xs, h): the x in xs where the average rate over [x, x+h] is largest."""
    rng = _rng("1.3")
    for f in _FUNCS[1:3]:
        xs = np.sort(np.round(rng.uniform(-2, 2, 9), 3))
        h = 0.1
        call = f"steepest_start(f={f}, xs={_fmt(xs)}, h={h})"
        got = _number(_call(fn, f, xs, h, label=call), call)
        rates = _average_rate(f, xs, h)
        want = float(xs[np.argmax(rates)])
        if _close(got, want, rtol=0, atol=1e-12):
            continue
        if _close(got, float(xs[np.argmin(rates)]), rtol=0, atol=1e-12):
            hint = "That is where the rate is smallest (most negative); look for the largest."
        elif _close(got, float(np.max(rates))):
            hint = "You returned the largest rate itself; return the starting point x where it happens (np.argmax)."
        elif _close(got, float(xs[np.argmax(f(xs))]), rtol=0, atol=1e-12):
            hint = "That is where f itself is largest; the question is where f climbs fastest."
        else:
            hint = "Compute the average rate at every x in xs at once, then pick the x with the largest one."
        raise _Wrong(f"{call} returned {_fmt(got)}, expected {_fmt(want)}.", hint)
    return "steepest_start picks the right starting point on two functions"


# ------------------------------------------------------------ chapter 2
def _difference_exercise(fn, name, ref, order, other_hint):
    rng = _rng(name)
    for f in _FUNCS:
        x = float(np.round(rng.uniform(-1.5, 1.5), 3))
        h = 1e-3
        call = f"{name}(f={f}, x={x}, h={h})"
        got = _number(_call(fn, f, x, h, label=call), call)
        want = ref(f, x, h)
        if _close(got, want, rtol=1e-7, atol=1e-9):
            continue
        exact = float(f.df(x))
        other = _forward if ref is _central else _central
        if _close(got, -want, rtol=1e-7):
            hint = "The sign is flipped: subtract the value on the left from the value on the right."
        elif name == "central_difference" and _close(got, 2 * want, rtol=1e-7):
            hint = "The two points are 2h apart: divide by 2*h, not by h."
        elif _close(got, other(f, x, h), rtol=1e-9):
            hint = ("You used points on both sides of x (the central difference); this exercise asks for "
                    "the forward one, from x and x + h." if ref is _forward else
                    "You used a one-sided difference (x and x + h); use one point on each side of x.")
        elif _close(got, exact, rtol=1e-12):
            hint = "You returned the exact derivative; build the estimate from calls of f only."
        else:
            hint = other_hint
        raise _Wrong(f"{call} returned {_fmt(got)}, expected {_fmt(want)}.", hint)
    hs = np.array([0.1, 0.05, 0.025, 0.0125])
    p, _ = _fitted_order(fn, _FUNCS[3], 0.5, hs)
    if not abs(p - order) < 0.3:
        if order == 2 and abs(p - 1) < 0.3:
            hint = "The error halves when h halves (order 1): that is a one-sided difference. Use points on both sides of x."
        elif order == 1 and abs(p - 2) < 0.3:
            hint = "Your error falls like h**2: that is the central difference. This exercise asks for the forward one."
        else:
            hint = "Estimate from f(x + h) and the other point the exercise names, divided by their distance."
        raise _Wrong(f"Halving h should divide the error by {2**order}; the observed error order is {p:.2f}, "
                     f"expected {order}.", hint)
    _check_array(fn, lambda xs: (_FUNCS[2], xs, 1e-4), ref, f"{name}(sin, x, h=1e-4)",
                 "Use only arithmetic and calls of f, so x can be an array.")
    return f"{name} matches at 4 functions, has error order {p:.2f}, and works on arrays"


def _ex_2_1(fn):
    """forward_difference(f, x, h) = (f(x+h) - f(x)) / h, error order 1."""
    return _difference_exercise(fn, "forward_difference", _forward, 1,
                                "Use f(x + h) and f(x), divided by h.")


def _ex_2_2(fn):
    """central_difference(f, x, h) = (f(x+h) - f(x-h)) / (2h), error order 2."""
    return _difference_exercise(fn, "central_difference", _central, 2,
                                "Use one point on each side: f(x + h) and f(x - h).")


def _ex_2_3(fn):
    """tangent_line(f, df, x0) returns t -> f(x0) + df(x0) (t - x0)."""
    rng = _rng("2.3")
    for f in _FUNCS:
        x0 = float(np.round(rng.uniform(-1.5, 1.5), 3))
        call = f"tangent_line(f={f}, df=derivative of {f}, x0={x0})"
        line = _call(fn, f, f.df, x0, label=call)
        if not callable(line):
            raise _Wrong(f"{call} returned {type(line).__name__}, not a function.",
                         "Return a function of t (define it inside, then return it).")
        for t in (x0, x0 + 0.5, x0 - 1.0):
            got = _number(_call(line, t, label=f"line({t:g})"), f"the line from {call}")
            want = f(x0) + f.df(x0) * (t - x0)
            if _close(got, want):
                continue
            if _close(got, f(x0) + f.df(x0) * t):
                hint = "Multiply the slope by the distance from the touching point, (t - x0), not by t."
            elif t == x0:
                hint = "A tangent touches the curve at x0: the line must give f(x0) there."
            elif _close(got, f(x0) + f.df(t) * (t - x0)):
                hint = "Use the slope at the touching point, df(x0), not df(t): a tangent is a straight line."
            elif _close(got, f(t) + f.df(x0) * (t - x0)):
                hint = "Start the line from f(x0), the height at the touching point, not from f(t)."
            else:
                hint = "The tangent starts at the height f(x0) and rises with slope df(x0) per unit of (t - x0)."
            raise _Wrong(f"The line from {call} gives {_fmt(got)} at t={t:g}, expected {_fmt(want)}.", hint)
    line = _call(fn, _FUNCS[2], _FUNCS[2].df, 0.4, label="tangent_line(sin, cos, 0.4)")
    ts = np.linspace(-1, 1, 5)
    got = np.asarray(_call(line, ts, label="line(array)"), dtype=float)
    want = np.sin(0.4) + np.cos(0.4) * (ts - 0.4)
    if got.shape != ts.shape or not _close(got, want):
        raise _Wrong(f"The tangent evaluated on an array t returned {_fmt(got)}.",
                     "Write the line with arithmetic on t, so it works for arrays too.")
    return "tangent_line touches the curve with the right slope and works on arrays"


def _ex_2_4(fn):
    """good_step(method) returns a step near the best one for 'forward' and 'central' at x ~ 1."""
    rng = _rng("2.4")
    for method, ref in (("forward", _forward), ("central", _central)):
        call = f"good_step({method!r})"
        h = _number(_call(fn, method, label=call), call)
        if not (np.isfinite(h) and h > 0):
            raise _Wrong(f"{call} returned {_fmt(h)}; a step must be a positive number.",
                         "Think of sizes like 1e-3 or 1e-9: positive and small.")
        # Measure, on smooth functions at 25 points near x = 1, the median error at the
        # learner's step against the best median error over a fine grid of steps
        # (medians, because at a single x a step can be lucky).
        grid = np.logspace(-14, -1, 131)
        xs = rng.uniform(0.5, 1.5, 25)
        worst = 0.0
        for f in _FUNCS[1:]:
            exact = f.df(xs)
            best = np.min(np.median(np.abs(ref(f, xs[:, None], grid[None, :]) - exact[:, None]), axis=0))
            mine = np.median(np.abs(ref(f, xs, h) - exact))
            worst = max(worst, mine / max(best, 1e-17))
        if worst > 30:
            big = h > {"forward": 1.5e-8, "central": 6e-6}[method]
            hint = ("Too large: truncation error dominates. Shrink h until it balances the round-off error."
                    if big else
                    "Too small: round-off dominates (f(x+h) and f(x) agree in almost every digit). "
                    "Compare how the two errors grow with h and balance them.")
            raise _Wrong(f"With h = {h:.1e} the {method} difference is {worst:.0f}x less accurate "
                         f"than with the best step.", hint)
    return "good_step is within a factor 30 of the best accuracy for both methods"


_EXERCISES = {
    "1.1": ("average rate of change", _ex_1_1),
    "1.2": ("the secant line", _ex_1_2),
    "1.3": ("where the function climbs fastest", _ex_1_3),
    "2.1": ("forward difference", _ex_2_1),
    "2.2": ("central difference", _ex_2_2),
    "2.3": ("the tangent line", _ex_2_3),
    "2.4": ("a good step size", _ex_2_4),
}
_HISTORY = {}


def exercise_ids(chapter=None):
    """The exercise ids, in course order; with `chapter`, only that chapter's.

    Examples
    --------
    >>> exercise_ids(1)
    ['1.1', '1.2', '1.3']
    """
    ids = list(_EXERCISES)
    if chapter is not None:
        ids = [i for i in ids if i.split(".")[0] == str(chapter)]
    return ids


def check(exercise_id, answer):
    """Check a learner's answer to exercise `exercise_id`; never raises.

    Parameters
    ----------
    exercise_id : str
        Such as ``"2.2"`` (see :func:`exercise_ids`).
    answer : callable
        The learner's function.

    Returns
    -------
    CheckResult
        ``status`` is "passed", "wrong", "error" or "not attempted"; shown as
        a coloured box in JupyterLab.

    Examples
    --------
    >>> r = check("2.2", lambda f, x, h: (f(x + h) - f(x)) / h)
    >>> r.status, r.passed
    ('wrong', False)
    >>> check("9.9", print).status
    'error'
    """
    exercise_id = str(exercise_id)
    if exercise_id not in _EXERCISES:
        return CheckResult(exercise_id, "error",
                           f"There is no exercise {exercise_id!r}; the exercises are {', '.join(_EXERCISES)}.")
    title, run = _EXERCISES[exercise_id]
    if answer is None or answer is Ellipsis:
        result = CheckResult(exercise_id, "not attempted", "No answer yet.", title=title)
    elif not callable(answer):
        result = CheckResult(exercise_id, "error",
                             f"Expected your function, got {type(answer).__name__} {answer!r:.40}.",
                             "Pass the function itself, without calling it: check(\"1.1\", average_rate).",
                             title=title)
    else:
        try:
            summary = run(answer)
            result = CheckResult(exercise_id, "passed", f"Practice checks passed: {summary}.", title=title)
        except NotImplementedError:
            result = CheckResult(exercise_id, "not attempted",
                                 "Your function still raises NotImplementedError: replace the stub with your code.",
                                 title=title)
        except _Wrong as w:
            result = CheckResult(exercise_id, "wrong", w.message, w.hint, title=title)
        except _LearnerRaised as e:
            result = CheckResult(exercise_id, "error",
                                 f"Your code raised {type(e.exc).__name__}: {e.exc} (while running {e.call}).",
                                 _error_hint(e.exc), title=title)
        except Exception as e:  # noqa: BLE001 - a checker bug must not look like the learner's
            result = CheckResult(exercise_id, "error",
                                 f"The checker could not handle this answer ({type(e).__name__}: {e}).",
                                 "Check that your function takes the arguments the exercise names.",
                                 title=title)
    _HISTORY[exercise_id] = result
    return result


def _error_hint(exc):
    if isinstance(exc, TypeError) and "argument" in str(exc):
        return "Check how many arguments your function takes, and their order."
    if isinstance(exc, ZeroDivisionError):
        return "Something was divided by zero: is the divisor h (never 0 here)?"
    if isinstance(exc, NameError):
        return "A name is not defined: a typo, or a variable defined in another cell that was not run?"
    if isinstance(exc, TypeError):
        return "An operation got a value of the wrong type: does your function return a number?"
    return "Read the message above; run your function by hand on a small example."


@dataclass(frozen=True)
class Progress:
    """Results of :func:`check_all`, one per exercise, shown as a table."""
    results: tuple

    @property
    def passed(self):
        return sum(r.passed for r in self.results)

    def __repr__(self):
        lines = [f"{r.exercise_id:>5}  {r.status:<14} {r.title}" for r in self.results]
        return "\n".join(lines + [f"{self.passed} of {len(self.results)} practice checks passed"])

    def _repr_html_(self):
        rows = "".join(
            f'<tr><td>{r.exercise_id}</td><td style="background:{_STYLE[r.status][0]};'
            f'border-left:4px solid {_STYLE[r.status][1]}">{_STYLE[r.status][2]} {r.status}</td>'
            f"<td>{html.escape(r.title)}</td></tr>" for r in self.results)
        return (f'<table style="font-family:sans-serif;font-size:13px"><tr><th>exercise</th><th>status</th>'
                f"<th>topic</th></tr>{rows}</table><p>{self.passed} of {len(self.results)} practice checks passed</p>")


def check_all(answers=None, *, chapter=None):
    """Check several exercises at once, or show progress so far.

    Parameters
    ----------
    answers : dict, optional
        ``{exercise_id: function}``. Without it, the latest result of every
        exercise checked in this session is shown (unchecked ones as
        "not attempted").
    chapter : int, optional
        Only this chapter's exercises.

    Returns
    -------
    Progress

    Examples
    --------
    >>> p = check_all({"1.1": lambda f, x, h: (f(x + h) - f(x)) / h}, chapter=1)
    >>> [r.status for r in p.results]
    ['passed', 'not attempted', 'not attempted']
    """
    ids = exercise_ids(chapter)
    results = []
    for i in ids:
        if answers is not None:
            results.append(check(i, answers[i]) if i in answers else
                           CheckResult(i, "not attempted", "No answer given.", title=_EXERCISES[i][0]))
        else:
            results.append(_HISTORY.get(i, CheckResult(i, "not attempted", "Not checked yet.",
                                                       title=_EXERCISES[i][0])))
    return Progress(tuple(results))
