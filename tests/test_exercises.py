"""calclib.exercises: every exercise's solution passes, its stub is "not attempted",
plausible wrong answers get "wrong" with a hint, raising answers get "error",
and ``check`` itself never raises nor prints."""
import json
import pathlib
import sys

import numpy as np
import pytest

from calclib import exercises
from calclib.exercises import check, check_all, exercise_ids

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import _nbtools  # noqa: E402
EPS = np.finfo(float).eps


def _stub(*args, **kwargs):
    raise NotImplementedError()


# One plausible mistake per exercise, and the hint words it should trigger.
WRONG = {
    "1.1": (lambda f, x, h: f(x + h) - f(x), "divided by the run"),
    "1.2": (lambda f, x, h: (lambda t: f(x) + (f(x + h) - f(x)) / h * t), "both points"),
    "1.3": (lambda f, xs, h: xs[np.argmax(f(xs))], "where f itself is largest"),
    "2.1": (lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h), "central difference"),
    "2.2": (lambda f, x, h: (f(x + h) - f(x - h)) / h, "2*h"),
    "2.3": (lambda f, df, x0: (lambda t: f(x0) + df(t) * (t - x0)), "df(x0)"),
    "2.4": (lambda method: 1e-3, "Too large"),
}
MORE_WRONG = {
    "1.1": [(lambda f, x, h: (f(x) - f(x + h)) / h, "sign"),
            (lambda f, x, h: (f(x + h) - f(x)) * h, "Divide the rise by h")],
    "2.2": [(lambda f, x, h: (f(x + h) - f(x)) / h, "one-sided")],
    "2.3": [(lambda f, df, x0: (lambda t: f(x0) + df(x0) * t), "(t - x0)")],
    "2.4": [(lambda method: 1e-13, "Too small")],
}


def notebook_solutions():
    """Exec every nbgrader solution cell of the notebooks; map exercise id -> function."""
    found = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        cells = nb["cells"]
        for k, cell in enumerate(cells):
            if not _nbtools.is_exercise_cell(cell):
                continue
            check_src = "".join(cells[k + 1]["source"])
            ex_id = check_src.split('check("')[1].split('"')[0]
            fn_name = check_src.split(",")[1].strip(" )\n")
            ns = {"np": np}
            exec("".join(cell["source"]), ns)  # noqa: S102 - our own notebooks
            found[ex_id] = ns[fn_name]
    return found


SOLUTIONS = notebook_solutions()


def test_every_exercise_has_a_solution_cell_in_a_notebook():
    assert sorted(SOLUTIONS) == sorted(exercise_ids())


@pytest.mark.parametrize("ex_id", exercise_ids())
def test_solution_passes(ex_id):
    r = check(ex_id, SOLUTIONS[ex_id])
    assert r.status == "passed", repr(r)
    assert r.passed and bool(r)
    assert r.message.startswith("Practice checks passed")
    assert "all tests passed" not in r.message.lower()


@pytest.mark.parametrize("ex_id", exercise_ids())
def test_stub_is_not_attempted(ex_id):
    for answer in (_stub, None, ...):
        r = check(ex_id, answer)
        assert r.status == "not attempted" and not r.passed


@pytest.mark.parametrize("ex_id", exercise_ids())
def test_plausible_wrong_answers_get_wrong_with_a_targeted_hint(ex_id):
    for fn, words in [WRONG[ex_id], *MORE_WRONG.get(ex_id, [])]:
        r = check(ex_id, fn)
        assert r.status == "wrong", repr(r)
        assert words in r.hint, repr(r)
        assert "expected" in r.message or "observed" in r.message or "accurate" in r.message


@pytest.mark.parametrize("ex_id", exercise_ids())
def test_a_function_that_raises_gets_error(ex_id):
    def broken(*args):
        return undefined_name  # noqa: F821

    r = check(ex_id, broken)
    assert r.status == "error"
    assert "NameError" in r.message and "undefined_name" in r.message
    assert "Traceback" not in r.message and r.hint


WEIRD_ANSWERS = [
    42, "text", [1, 2], lambda: 1, lambda *a: None, lambda *a: "s", lambda *a: [1, 2],
    lambda *a: np.nan, lambda *a: np.inf, lambda *a: np.zeros(3), lambda *a: (lambda t: "x"),
    lambda *a: 1 / 0, lambda *a: np.float64(1) / np.float64(0), lambda *a: a[0](),
    lambda *a: iter([1]), lambda *a: True, lambda *a: (lambda: 1), lambda *a: {"a": 1},
]


@pytest.mark.parametrize("ex_id", exercise_ids())
def test_check_never_raises_and_prints_nothing(ex_id, capfd):
    """Whatever the answer, check returns a result and writes nothing itself
    (a learner's own print calls stay visible, so they are not among these)."""
    for answer in WEIRD_ANSWERS:
        r = check(ex_id, answer)
        assert r.status in exercises.STATUSES
        assert r.status != "passed"
        repr(r), r._repr_html_()
    out, err = capfd.readouterr()
    assert out == "" and err == ""


@pytest.mark.parametrize("ex_id", exercise_ids())
def test_feedback_never_shows_the_reference_solution(ex_id):
    texts = []
    for fn, _ in [WRONG[ex_id], *MORE_WRONG.get(ex_id, [])]:
        r = check(ex_id, fn)
        texts.append(r.message + r.hint + r._repr_html_())
    for t in texts:
        assert "return (" not in t and "return f" not in t
        assert "(f(x + h) - f(x)) / h" not in t and "/ (2 * h)" not in t
        assert "def " not in t


def test_checks_are_reproducible():
    a = check("1.1", WRONG["1.1"][0])
    b = check("1.1", WRONG["1.1"][0])
    assert a == b


def test_unknown_exercise_and_non_callable_answers():
    r = check("9.9", SOLUTIONS["1.1"])
    assert r.status == "error" and "1.1" in r.message
    r = check("1.1", 3.5)
    assert r.status == "error" and "Pass the function itself" in r.hint


def test_learner_warnings_do_not_leak(recwarn):
    def noisy(f, x, h):
        np.log(-1.0)
        return (f(x + h) - f(x)) / h

    assert check("1.1", noisy).status == "passed"
    assert len(recwarn) == 0


def test_html_box_names_the_status_in_words():
    for answer, status in [(SOLUTIONS["1.1"], "passed"), (WRONG["1.1"][0], "wrong"),
                           (_stub, "not attempted"), (lambda *a: 1 / 0, "error")]:
        r = check("1.1", answer)
        assert r.status == status
        html = r._repr_html_()
        assert f"<b>" in html and status in html and "border-left" in html
        assert repr(r).startswith(f"[{status}] Exercise 1.1")


def test_check_all_reports_progress():
    p = check_all({"2.1": SOLUTIONS["2.1"], "2.2": WRONG["2.2"][0]}, chapter=2)
    assert [r.status for r in p.results] == ["passed", "wrong", "not attempted", "not attempted"]
    assert p.passed == 1
    assert "1 of 4 practice checks passed" in repr(p) and "<table" in p._repr_html_()
    # without answers: the latest result of each exercise checked in this session
    check("1.1", SOLUTIONS["1.1"])
    assert check_all(chapter=1).results[0].status == "passed"


def test_exercise_ids():
    assert exercise_ids(2) == ["2.1", "2.2", "2.3", "2.4"]
    assert exercise_ids() == exercise_ids(1) + exercise_ids(2)


def test_good_step_check_measures_rather_than_matches_a_formula():
    # any step inside the measured window passes, not only sqrt(eps)
    assert check("2.4", lambda m: 1e-8 if m == "forward" else 1e-5).passed
    assert check("2.4", lambda m: 3e-9 if m == "forward" else 3e-6).passed
    assert not check("2.4", lambda m: 1e-8 if m == "forward" else 1e-8).passed
