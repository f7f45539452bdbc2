"""Self-checking exercises: ``check("2.2", central_difference)``.

Every exercise asks the learner for a *function*. :func:`check` calls it at
several points (random but the same every run), on numpy arrays, and where
that is the point of the exercise it measures the error order. Checks run in
order and stop at the first failure with one hint aimed at the likely mistake.

Each chapter's exercises live in their own module (``ch01_change``,
``ch02_derivative``, ...), found here by name, so adding a chapter touches
only that module. The machinery is in :mod:`calclib.exercises.checker`.

:func:`check` returns a :class:`CheckResult` whose ``status`` is one of

* ``"passed"``: the practice checks passed (a good sign, not a proof);
* ``"wrong"``: the function ran but gave a wrong answer (input, got,
  expected, hint);
* ``"error"``: the function raised (type and message, no long traceback);
* ``"too slow"``: the function ran past the time limit and was stopped;
* ``"not attempted"``: the function still raises ``NotImplementedError``.

In JupyterLab the result shows as a coloured box with the status written out.
When nbgrader grades the notebook, a check that does not pass raises
``AssertionError`` instead, so the grade cell scores zero.

Examples
--------
>>> def average_rate(f, x, h):
...     return (f(x + h) - f(x)) / h
>>> check("1.1", average_rate).status
'passed'
>>> check("1.1", lambda f, x, h: (f(x) - f(x + h)) / h).hint
'The sign is flipped: the rise is f(x + h) - f(x), the later value first.'
>>> def stub(f, x, h):
...     raise NotImplementedError()
>>> check("1.1", stub).status
'not attempted'
"""
from __future__ import annotations

import html
import importlib
import re
import pkgutil
from dataclasses import dataclass

from ..style import STATUS_COLOURS
from .checker import STATUSES, CheckResult, Exercise, Mistake, grading_mode, run_check

__all__ = ["STATUSES", "CheckResult", "Exercise", "Mistake", "Progress", "check", "check_all",
           "exercise_ids", "registry"]

_REGISTRY = None
_HISTORY = {}


def _chapter_key(ex_id):
    return tuple(int(p) for p in ex_id.split("."))


def registry():
    """Every exercise of the course, ``{id: Exercise}`` in course order.

    Collected from the ``EXERCISES`` list of each chapter module
    (``calclib/exercises/chNN_*.py``).

    Examples
    --------
    >>> ex = registry()["2.2"]
    >>> ex.name, ex.params, len(ex.mistakes) >= 4, len(ex.variants) >= 3
    ('central_difference', ('f', 'x', 'h'), True, True)
    """
    global _REGISTRY
    if _REGISTRY is None:
        found = {}
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if not re.fullmatch(r"ch\d\d_\w+", info.name):
                continue
            module = importlib.import_module(f"{__name__}.{info.name}")
            for ex in module.EXERCISES:
                if ex.id in found:
                    raise RuntimeError(f"exercise {ex.id} is declared twice ({info.name})")
                found[ex.id] = ex
        _REGISTRY = {k: found[k] for k in sorted(found, key=_chapter_key)}
    return _REGISTRY


def exercise_ids(chapter=None):
    """The exercise ids, in course order; with `chapter`, only that chapter's.

    Examples
    --------
    >>> exercise_ids(1)
    ['1.1', '1.2', '1.3']
    """
    ids = list(registry())
    if chapter is not None:
        ids = [i for i in ids if i.split(".")[0] == str(chapter)]
    return ids


def check(exercise_id, answer):
    """Check a learner's answer to exercise `exercise_id`.

    Parameters
    ----------
    exercise_id : str
        Such as ``"2.2"`` (see :func:`exercise_ids`).
    answer : callable
        The learner's function, passed without calling it.

    Returns
    -------
    CheckResult or None
        ``status`` is "passed", "wrong", "error", "too slow" or "not
        attempted"; shown as a coloured box in JupyterLab. Never raises
        because of the answer, except in grading mode.

    Raises
    ------
    AssertionError
        Only in grading mode (nbgrader sets ``NBGRADER_EXECUTION``), when
        the answer does not pass; the message and hint are those of the box.
        On a pass, grading mode shows the box and returns None.

    Examples
    --------
    >>> r = check("2.2", lambda f, x, h: (f(x + h) - f(x)) / h)
    >>> r.status, r.passed
    ('wrong', False)
    >>> check("9.9", print).status
    'error'
    """
    exercise_id = str(exercise_id)
    exercises = registry()
    if exercise_id not in exercises:
        result = CheckResult(exercise_id, "error", f"There is no exercise {exercise_id!r}; the exercises "
                             f"are {', '.join(exercises)}.")
    else:
        result = run_check(exercises[exercise_id], answer)
    _HISTORY[exercise_id] = result
    if grading_mode():
        if not result.passed:
            raise AssertionError(_wrapped(result.text()))
        from IPython.display import display
        display(result)
        return None
    return result


def _wrapped(text, width=78):
    """Text wrapped for nbgrader's validate report, which cuts lines longer than 87 characters."""
    import textwrap
    lines = []
    for para in text.splitlines():
        lines += textwrap.wrap(para, width=width, break_on_hyphens=False, break_long_words=True) or [""]
    return "\n".join(lines)


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
            f'<tr><td>{r.exercise_id}</td><td style="background:{STATUS_COLOURS[r.status][0]};'
            f'border-left:4px solid {STATUS_COLOURS[r.status][1]}">{STATUS_COLOURS[r.status][2]} {r.status}</td>'
            f"<td>{html.escape(r.title)}</td></tr>" for r in self.results)
        return (f'<table style="font-family:sans-serif;font-size:13px"><tr><th>exercise</th><th>status</th>'
                f"<th>topic</th></tr>{rows}</table><p>{self.passed} of {len(self.results)} practice checks passed</p>")


def check_all(answers=None, *, chapter=None):
    """Check several exercises at once, or show progress so far; never raises.

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
    exercises = registry()
    results = []
    for i in exercise_ids(chapter):
        title = exercises[i].title
        if answers is not None:
            if i in answers:
                result = run_check(exercises[i], answers[i])
                _HISTORY[i] = result
            else:
                result = CheckResult(i, "not attempted", "No answer given.", title=title)
        else:
            result = _HISTORY.get(i, CheckResult(i, "not attempted", "Not checked yet.", title=title))
        results.append(result)
    return Progress(tuple(results))
