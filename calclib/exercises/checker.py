"""The machinery behind ``check("2.2", central_difference)``.

An exercise is declared once, in its chapter's module, as an
:class:`Exercise`: its id, title, points, the name of the function the
learner writes, a reference solution, a *run* function that checks an answer,
and the **mistakes it diagnoses**: each a wrong answer (Python source, as a
learner would write it) and the hint it must receive. The tests run every
declared mistake and every declared correct variant, so a checker whose hint
drifts, or that lets a near miss through, fails the test suite.

The contract :func:`check` keeps, whatever the answer is or does:

* it returns a :class:`CheckResult` (``passed``, ``wrong``, ``error``,
  ``too slow`` or ``not attempted``) and never raises because of the answer,
  except in grading mode (below);
* the answer is called on *copies* of its inputs (one that changes its input
  is told so), under a time limit (:data:`TIME_LIMIT` seconds for the whole
  check; interrupting the kernel still interrupts), with its printed output
  captured (a few lines are shown) and its warnings silenced;
* messages show the inputs, what came back and what was expected, never the
  reference solution and never an internal name;
* the checker's own arithmetic prints no warning, whatever values come back.

Grading mode: when nbgrader runs the notebook (environment variable
``NBGRADER_EXECUTION`` set to ``autograde`` or ``validate``), a check that
does not pass raises ``AssertionError`` with the same message and hint, so
the grade cell scores zero; a pass shows the box and returns ``None``.
"""
from __future__ import annotations

import copy
import functools
import html
import math
import os
import re
import signal
import sys
import threading
import time
import warnings
import zlib
from dataclasses import dataclass, field

import numpy as np

from ..style import STATUS_COLOURS

__all__ = [
    "STATUSES", "TIME_LIMIT", "CheckResult", "Exercise", "Mistake", "Wrong", "Attempt",
    "function", "number", "array", "close", "fmt", "rng_for", "grading_mode", "run_check",
    "FLOAT_ON_ARRAY_HINT", "mutation_hint",
]

STATUSES = ("passed", "wrong", "error", "too slow", "not attempted")
#: Seconds a whole check may take before it stops the answer with "too slow".
TIME_LIMIT = 10.0
_PRINT_LINES, _PRINT_CHARS = 5, 160      # how much of the answer's printing a result shows
_MESSAGE_CHARS = 400                     # longest exception message shown


# ------------------------------------------------------------------ results
@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check: ``status``, ``passed``, ``message``, ``hint``, ``printed``."""
    exercise_id: str
    status: str
    message: str
    hint: str = ""
    title: str = ""
    printed: str = ""

    @property
    def passed(self):
        return self.status == "passed"

    def __bool__(self):
        return self.passed

    def text(self):
        """The message, hint and captured output as plain text (also the grading-mode error)."""
        head = f"[{self.status}] Exercise {self.exercise_id}" + (f" ({self.title})" if self.title else "")
        lines = [head, self.message]
        if self.hint:
            lines.append("Hint: " + self.hint)
        if self.printed:
            lines.append("Your function printed:\n" + self.printed)
        return "\n".join(lines)

    __repr__ = text

    def _repr_html_(self):
        bg, border, sym = STATUS_COLOURS[self.status]
        esc = html.escape
        title = f" ({esc(self.title)})" if self.title else ""
        hint = f'<div style="margin-top:4px"><b>Hint:</b> {esc(self.hint)}</div>' if self.hint else ""
        printed = (f'<div style="margin-top:4px">Your function printed:</div>'
                   f'<pre style="margin:2px 0;font-size:12px;white-space:pre-wrap">{esc(self.printed)}</pre>'
                   if self.printed else "")
        return (f'<div style="background:{bg};border-left:6px solid {border};padding:6px 10px;'
                f'margin:4px 0;color:#1a1a1a;font-family:sans-serif;font-size:13px">'
                f'<b>{sym} {esc(self.status)}</b>: Exercise {esc(self.exercise_id)}{title}'
                f'<div style="margin-top:4px">{esc(self.message)}</div>{hint}{printed}</div>')


# ------------------------------------------------------------------ declarations
@dataclass(frozen=True)
class Mistake:
    """A wrong answer an exercise diagnoses, and the hint it must get.

    ``source`` is a complete ``def`` of the learner's function, as a learner
    would write it; ``status`` is what :func:`check` must report (``"wrong"``,
    or ``"error"`` for an answer that raises).
    """
    label: str
    source: str
    hint: str
    status: str = "wrong"


@dataclass(frozen=True)
class Exercise:
    """One exercise: what the learner writes, how it is checked, what it diagnoses.

    ``run(attempt)`` checks the answer through ``attempt`` (an :class:`Attempt`)
    and returns a one-line summary of what passed, or raises :class:`Wrong`.
    ``variants`` are correct answers written differently (sources); each must pass.
    """
    id: str
    title: str
    name: str
    params: tuple
    run: object = field(repr=False)
    reference: object = field(repr=False)
    mistakes: tuple = ()
    variants: tuple = ()
    points: int = 1
    allowed_modules: tuple = ()     # calclib modules an answer may legitimately be taken from

    @property
    def chapter(self):
        return int(self.id.split(".")[0])


class Wrong(Exception):
    """A check failed: ``message`` says what happened, ``hint`` what to look at."""

    def __init__(self, message, hint=""):
        super().__init__(message)
        self.message, self.hint = message, hint


class _NotAttempted(Exception):
    pass


class _LearnerRaised(Exception):
    def __init__(self, exc, call):
        super().__init__(call)
        self.exc, self.call = exc, call


_OWN_FILES = {os.path.abspath(__file__), __file__}


class _TimeUp(BaseException):
    """Raised by the alarm inside the answer; a BaseException, so `except Exception` in it cannot swallow it."""


# ------------------------------------------------------------------ test functions
class function:  # noqa: N801 - named like Python's own functions, so error messages read naturally
    """A test function handed to the learner's code: callable, with its exact derivatives.

    It counts its calls (so a check can tell that an argument was never
    used) and prints as its formula, e.g. ``x**3 - 2*x``.
    """

    __slots__ = ("name", "f", "df", "d2f", "calls")

    def __init__(self, name, f, df=None, d2f=None):
        self.name, self.f, self.df, self.d2f = name, f, df, d2f
        self.calls = 0

    def __call__(self, x):
        self.calls += 1
        return self.f(x)

    def fresh(self):
        return function(self.name, self.f, self.df, self.d2f)

    def __repr__(self):
        return self.name


# ------------------------------------------------------------------ formatting and comparing
def _safe_repr(v, limit=80):
    try:
        text = repr(v)
    except Exception:  # noqa: BLE001 - an answer's __repr__ may raise anything
        text = f"<{type(v).__name__} object>"
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)      # memory addresses tell a learner nothing
    return text if len(text) <= limit else text[:limit - 3] + "..."


def fmt(v):
    """A value for a message: numbers to 6 digits, short arrays, anything else as a short repr.

    Examples
    --------
    >>> fmt(1/3), fmt(np.array([1.0, 2.5])), fmt(float("inf")), fmt("1.5")
    ('0.333333', '[1.  2.5]', 'inf', "'1.5'")
    """
    if isinstance(v, (bool, np.bool_, str, bytes)) or v is None:
        return _safe_repr(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return f"{float(v):.6g}" if abs(v) < 1e300 or not np.isfinite(v) else f"{float(v):.3g}"
    if isinstance(v, np.ndarray) and v.dtype.kind in "iuf" and v.ndim <= 2:
        with np.errstate(all="ignore"):
            return np.array2string(v, precision=4, threshold=8, separator=" ")
    return _safe_repr(v)


def close(got, want, rtol=1e-6, atol=1e-9):
    """True when ``got`` matches ``want`` elementwise within the tolerances (nan never matches).

    Examples
    --------
    >>> close(1.0 + 1e-9, 1.0), close(np.nan, np.nan), close([1.0, 2.0], [1.0, 2.1])
    (True, False, False)
    """
    try:
        with np.errstate(all="ignore"):
            g = np.asarray(got, dtype=float)
            w = np.asarray(want, dtype=float)
            return bool(g.shape == w.shape or g.ndim == 0 or w.ndim == 0) and \
                bool(np.all(np.isclose(g, w, rtol=rtol, atol=atol)))
    except (TypeError, ValueError, OverflowError):
        return False


def number(v, what):
    """``v`` as a float, or :class:`Wrong` saying what came back instead.

    Accepts Python and numpy numbers and 0-d arrays; refuses None, bools, text
    (also numeric text), lists, arrays of several numbers and complex numbers.
    """
    if v is None:
        raise Wrong(f"{what} returned None, not a number.",
                    "Did you forget a `return`? A function without one returns None.")
    if isinstance(v, (bool, np.bool_)):
        raise Wrong(f"{what} returned {v}, a True/False value, not a number.",
                    "Return the number you computed, not a comparison.")
    if isinstance(v, (str, bytes)):
        raise Wrong(f"{what} returned the text {_safe_repr(v, 40)}, not a number.",
                    "Return the number itself, not text (no quotes, no str() or f-string).")
    if isinstance(v, (list, tuple)):
        raise Wrong(f"{what} returned a {type(v).__name__} of {len(v)} items, not a number.",
                    "Return one number, not a list or tuple.")
    if isinstance(v, (complex, np.complexfloating)) or (isinstance(v, np.ndarray) and v.dtype.kind == "c"):
        raise Wrong(f"{what} returned the complex number {_safe_repr(v, 40)}, not a real number.",
                    "Keep to real arithmetic: a square root or power of a negative number turns complex.")
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, np.ndarray) and v.dtype.kind in "iuf":
        if v.ndim == 0:
            return float(v)
        raise Wrong(f"{what} returned an array of shape {v.shape}, not a single number.",
                    "Return one number: index the element you mean, or reduce the array (sum, max, ...).")
    raise Wrong(f"{what} returned {_safe_repr(v, 40)} (a {type(v).__name__} object), not a number.",
                "Return a number (a float).")


def array(v, shape, what):
    """``v`` as a float array of ``shape``, or :class:`Wrong` saying what came back instead.

    Only a numpy array passes (a list of the right numbers gets a hint, not a
    pass: later cells do array arithmetic on the result).
    """
    if isinstance(v, (list, tuple)):
        raise Wrong(f"{what} returned a Python {type(v).__name__}, not a numpy array.",
                    "Compute with numpy on the whole array (arithmetic on x, np.array, np.sin, ...) "
                    "so the result is an array; a Python loop building a list does not give one.")
    if isinstance(v, (str, bytes)) or v is None or isinstance(v, (bool, np.bool_)):
        number(v, what)   # the same messages as for a single value
    if isinstance(v, (int, float, np.integer, np.floating)) or (isinstance(v, np.ndarray) and v.ndim == 0):
        raise Wrong(f"{what} returned the single number {fmt(v)}, expected an array of shape {shape}.",
                    "For an array input, return one result per element: write the formula with numpy "
                    "arithmetic on the array, without float(), math functions or a loop that keeps one value.")
    if not isinstance(v, np.ndarray):
        raise Wrong(f"{what} returned {type(v).__name__}, not a numpy array.",
                    "Return a numpy array with one result per input element.")
    if v.dtype.kind == "c":
        raise Wrong(f"{what} returned a complex array, expected real numbers.",
                    "Keep to real arithmetic.")
    if v.dtype.kind not in "iuf":
        raise Wrong(f"{what} returned an array of {v.dtype} values, not numbers.",
                    "Return an array of numbers (float).")
    if v.shape != tuple(shape):
        raise Wrong(f"{what} returned an array of shape {v.shape}, expected shape {tuple(shape)}.",
                    "Return one result per input element, in the same shape as the input.")
    return v.astype(float)


def rng_for(exercise_id):
    """The exercise's own random generator: cases differ per exercise, never per run."""
    return np.random.default_rng(zlib.crc32(str(exercise_id).encode()))


# ------------------------------------------------------------------ running the answer
class _Capped:
    """A write-only text stream that keeps the first few lines and counts the rest."""

    def __init__(self):
        self.kept, self.total = [], 0

    def write(self, s):
        s = str(s)
        self.total += len(s)
        if sum(map(len, self.kept)) < _PRINT_LINES * _PRINT_CHARS:
            self.kept.append(s[: _PRINT_LINES * _PRINT_CHARS])
        return len(s)

    def flush(self):
        pass

    def summary(self):
        if not self.total:
            return ""
        lines = "".join(self.kept).splitlines()
        shown = [ln if len(ln) <= _PRINT_CHARS else ln[:_PRINT_CHARS] + " ..." for ln in lines[:_PRINT_LINES]]
        more = self.total - sum(len(ln) + 1 for ln in shown)
        if len(lines) > _PRINT_LINES or more > 0:
            shown.append(f"... ({self.total:,} characters printed in all)")
        return "\n".join(shown)


def _short(text, limit=_MESSAGE_CHARS):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + f" ... ({len(text):,} characters)"


def _changed(before, after):
    """True when the answer changed an input: arrays compared by value, lists, tuples and dicts element by element."""
    try:
        if isinstance(before, np.ndarray):
            return not (isinstance(after, np.ndarray) and before.shape == after.shape
                        and np.array_equal(before, after, equal_nan=True))
        if isinstance(before, (list, tuple)):
            return (type(after) is not type(before) or len(after) != len(before)
                    or any(_changed(b, a) for b, a in zip(before, after)))
        if isinstance(before, dict):
            return (not isinstance(after, dict) or before.keys() != after.keys()
                    or any(_changed(before[k], after[k]) for k in before))
        return bool(before != after)
    except Exception:  # noqa: BLE001 - odd objects: compare identities only
        return False


class Attempt:
    """The learner's answer, called safely: ``attempt(*args, call="...")``.

    Every call gets copies of its arguments; an answer that changes an
    argument raises :class:`Wrong` naming it. Whatever the answer raises comes
    back as an "error" result (``NotImplementedError`` as "not attempted").
    Test functions are passed as fresh copies; after a call, ``last_args``
    holds what the answer received, so ``attempt.last_args[0].calls`` says
    whether it called its ``f``.
    """

    def __init__(self, exercise, answer):
        self.exercise = exercise
        self.answer = answer
        self.printed = _Capped()
        self.last_args = ()

    def __call__(self, *args, call="", answer=None):
        fn = self.answer if answer is None else answer
        args = tuple(a.fresh() if isinstance(a, function) else a for a in args)
        kept = [copy.deepcopy(a) if isinstance(a, (np.ndarray, list, dict)) else None for a in args]
        given = [copy.deepcopy(a) if k is not None else a for a, k in zip(args, kept)]
        out, err = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self.printed
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"):
                    result = fn(*given)
        except NotImplementedError:
            raise _NotAttempted() from None
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the learner's code may raise anything
            raise _LearnerRaised(exc, call) from None
        finally:
            sys.stdout, sys.stderr = out, err
        for name, before, after in zip(self.exercise.params, kept, given):
            if before is not None and _changed(before, after):
                raise Wrong(f"{call} changed its input `{name}`: it was {fmt(before)} before the call "
                            f"and {fmt(after)} after.", mutation_hint(name))
        self.last_args = given
        return result



def _own_function(answer, allowed):
    """The calclib module `answer` comes from, if it is calclib's own function (else None).

    Judged by where the code lives (its file), so a function a learner defines
    anywhere, even in a doctest of this package, is the learner's.
    """
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    seen = set()
    while answer is not None and id(answer) not in seen:
        seen.add(id(answer))
        module = getattr(answer, "__module__", None) or ""
        code = getattr(answer, "__code__", None)
        if code is not None:
            own = os.path.abspath(code.co_filename).startswith(package_dir + os.sep)
        else:
            own = isinstance(module, str) and module.startswith("calclib")
        if own and not any(module == m or module.startswith(m + ".") for m in allowed):
            return module
        answer = (getattr(answer, "func", None) if isinstance(answer, functools.partial)
                  else getattr(answer, "__wrapped__", None) or getattr(answer, "__func__", None))
    return None


class _Deadline:
    """A time limit for the main thread, from SIGALRM (elsewhere: no limit).

    At the deadline the alarm raises :class:`_TimeUp` inside the answer. An
    answer that swallows it (``except BaseException``, a bare ``except:``
    in a loop) meets it again: the alarm repeats every 0.25 s and from the
    second ring on every line the answer runs raises it, which also escapes an
    ``except`` block.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.armed = False
        self.rings = 0
        self.learner_code = set()

    def _trace(self, frame, event, arg):
        # Only the answer's own functions (those running when the alarm rang) are stopped;
        # any other code that runs meanwhile (a gc callback, a debugger) is left alone.
        if frame.f_code not in self.learner_code:
            return None
        if event == "line":
            raise _TimeUp()
        return self._trace

    def _ring(self, signum, frame):
        self.rings += 1
        if self.rings > 1:
            f = frame
            while f is not None and f.f_code.co_filename not in _OWN_FILES:
                self.learner_code.add(f.f_code)
                f = f.f_back
            sys.settrace(self._trace)
            f = frame
            while f is not None and f.f_code in self.learner_code:
                f.f_trace, f.f_trace_lines = self._trace, True
                f = f.f_back
        raise _TimeUp()

    def __enter__(self):
        if (self.seconds and hasattr(signal, "setitimer")
                and threading.current_thread() is threading.main_thread()):
            self._old = signal.signal(signal.SIGALRM, self._ring)
            self._old_trace = sys.gettrace()
            signal.setitimer(signal.ITIMER_REAL, self.seconds, 0.25)
            self.armed = True
        return self

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)
            if self.rings > 1:
                sys.settrace(self._old_trace)
                frame = sys._getframe()
                while frame is not None:
                    frame.f_trace = None
                    frame = frame.f_back
        return False


#: The hint for an answer that works on one number but breaks on an array.
FLOAT_ON_ARRAY_HINT = ("float() and math functions take one number, but an array was passed here: use "
                       "numpy arithmetic (np.sin, np.exp, +, *, ...) so one formula handles every element.")


def mutation_hint(name):
    """The hint for an answer that changed its input `name`."""
    return (f"Leave `{name}` as it is: in-place operations ({name}.sort(), {name}[i] += ..., {name} -= ...) "
            f"change the caller's array. Work on a copy ({name}.copy(), np.sort({name})) or build a new "
            f"array ({name} - step).")


_GRADING_MODES = ("autograde", "validate")
#: Read once, when the package is imported: removing the variable later does not leave grading mode.
_GRADING_AT_IMPORT = os.environ.get("NBGRADER_EXECUTION", "") in _GRADING_MODES


def grading_mode():
    """True when nbgrader runs the notebook (autograde or validate)."""
    return _GRADING_AT_IMPORT or os.environ.get("NBGRADER_EXECUTION", "") in _GRADING_MODES


def _error_hint(exc):
    text = str(exc)
    if isinstance(exc, SystemExit):
        return "Your function called exit() or sys.exit(); return a value instead."
    if isinstance(exc, RecursionError):
        return "Your function calls itself without end; compute the value directly."
    if isinstance(exc, TypeError) and ("'function'" in text or "function" in text.split(":")[0]
                                       and "operand" in text):
        return ("A function was used as a number: did you forget to call it, "
                "e.g. f(x) or df(x0) rather than f or df?")
    if isinstance(exc, TypeError) and ("only length-1" in text or "0-dimensional" in text
                                       or "only 0-d" in text or "size-1" in text):
        return FLOAT_ON_ARRAY_HINT
    if isinstance(exc, ValueError) and "truth value of an array" in text:
        return ("An `if` on an array is ambiguous: write the formula with numpy arithmetic "
                "(or np.where) so it works element by element.")
    if isinstance(exc, TypeError) and ("argument" in text or "positional" in text):
        return "Check how many arguments your function takes, and their order."
    if isinstance(exc, TypeError) and "not callable" in text:
        return "Something that is not a function was called: check the order of your arguments."
    if isinstance(exc, ZeroDivisionError):
        return "Something was divided by zero: is the divisor h (never 0 here)?"
    if isinstance(exc, NameError):
        return "A name is not defined: a typo, or a variable defined in another cell that was not run?"
    if isinstance(exc, (IndexError, KeyError)):
        return "An index or key does not exist: check the sizes of the arrays you index."
    if isinstance(exc, TypeError):
        return "An operation got a value of the wrong type: check what each argument is."
    return "Read the message above; run your function by hand on a small example."


def run_check(exercise, answer, *, time_limit=None):
    """Check ``answer`` against ``exercise``; always returns a :class:`CheckResult`."""
    ex, title = exercise, exercise.title
    limit = TIME_LIMIT if time_limit is None else time_limit
    if answer is None or answer is Ellipsis:
        return CheckResult(ex.id, "not attempted", "No answer yet.", title=title)
    if not callable(answer):
        return CheckResult(ex.id, "error", f"Expected your function, got {type(answer).__name__} "
                           f"{_safe_repr(answer, 40)}.",
                           f'Pass the function itself, without calling it: check("{ex.id}", {ex.name}).',
                           title=title)
    own = _own_function(answer, ex.allowed_modules)
    if own is not None:
        return CheckResult(ex.id, "wrong", f"This answer is a function of the course's own package "
                           f"(from {own}), not one you wrote.",
                           f"Write `{ex.name}` yourself, in the exercise cell: the point is to build it.",
                           title=title)
    attempt = Attempt(ex, answer)
    started = time.monotonic()
    try:
        with _Deadline(limit):
            summary = ex.run(attempt)
        status, message, hint = "passed", f"Practice checks passed: {summary}.", ""
    except _TimeUp:
        status = "too slow"
        message = (f"Your function took too long: the check stopped it after "
                   f"{time.monotonic() - started:.0f} s (the limit is {limit:g} s).")
        hint = ("Look for a loop that never ends, a sleep, or a loop over many elements that numpy "
                "could do at once.")
    except _NotAttempted:
        status, message = "not attempted", "Your function still raises NotImplementedError: replace the stub with your code."
        hint = ""
    except Wrong as w:
        status, message, hint = "wrong", _short(w.message, 600), w.hint
    except _LearnerRaised as e:
        name = type(e.exc).__name__
        detail = _short(e.exc) if not isinstance(e.exc, SystemExit) else f"exit code {_safe_repr(e.exc.code, 40)}"
        status = "error"
        message = f"Your code raised {name}: {detail}" + (f" (while running {e.call})." if e.call else ".")
        hint = _error_hint(e.exc)
    except Exception as e:  # noqa: BLE001 - a checker bug must not look like the learner's
        status = "error"
        message = f"The checker could not handle this answer ({type(e).__name__}: {_short(e, 200)})."
        hint = f"Check that your function takes the arguments the exercise names: {ex.name}{ex.params}."
    return CheckResult(ex.id, status, message, hint, title=title, printed=attempt.printed.summary())


# ------------------------------------------------------------------ shared test functions
#: Test functions the checks feed to the learner's code, by short name. The cubic
#: comes first where it matters: its forward, central and exact derivatives all differ.
TEST_FUNCTIONS = {
    "cubic": function("x**3 - 2*x", lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2, lambda x: 6 * x),
    "sin": function("sin(x)", np.sin, np.cos, lambda x: -np.sin(x)),
    "exp_half": function("exp(x/2)", lambda x: np.exp(x / 2), lambda x: np.exp(x / 2) / 2,
                         lambda x: np.exp(x / 2) / 4),
    "square": function("x**2", lambda x: x * x, lambda x: 2 * x, lambda x: 2.0 + 0 * x),
    "falling_cubic": function("2*x - x**3", lambda x: 2 * x - x**3, lambda x: 2 - 3 * x**2,
                              lambda x: -6 * x),
}
__all__ += ["TEST_FUNCTIONS", "diagnose"]


def diagnose(got, candidates, default):
    """The hint of the first candidate value ``got`` matches, else ``default``.

    ``candidates`` is a list of ``(value_or_callable, hint)``; a callable is
    evaluated lazily (warnings silenced), and one that fails is skipped.
    """
    for value, hint in candidates:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"):
                    v = value() if callable(value) else value
        except Exception:  # noqa: BLE001 - a candidate that does not apply
            continue
        if close(got, v, rtol=1e-7, atol=1e-12):
            return hint
    return default
