"""calclib.exercises: the checker contract, for every exercise of every chapter.

Everything here is read from the registry (``calclib.exercises.registry()``), so
a new chapter's exercises are covered without editing this file:

* each exercise declares at least four mistakes and three correct variants;
* every declared mistake gets its declared status and exactly its declared hint;
* every correct variant, the reference (compiled from its source, as a learner
  would write it) and the notebook's own solution pass; the stub is "not attempted";
* hostile answers (sleeping, looping, swallowing the alarm, exiting, printing
  megabytes, raising huge messages or from ``__repr__``, odd return types, extreme
  values, calclib's own functions, the reference itself) never make ``check``
  raise, print or warn, and each gets its own clear result;
* grading mode (nbgrader) raises AssertionError on anything but a pass.
"""
import inspect
import json
import os
import pathlib
import signal
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pytest

from calclib.exercises import STATUSES, check, check_all, checker, exercise_ids, registry

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import _nbtools  # noqa: E402

EXERCISES = registry()
IDS = list(EXERCISES)
MISTAKES = [(i, m) for i, ex in EXERCISES.items() for m in ex.mistakes]
VARIANTS = [(i, k, v) for i, ex in EXERCISES.items() for k, v in enumerate(ex.variants)]
INTERNAL_NAMES = ("_Fn", "_Wrong", "_LearnerRaised", "_TimeUp", "_NotAttempted", "checker.py", "calclib.exercises",
                  "object at 0x", "Traceback")


def compile_answer(source, name):
    """A learner's answer: run the cell's source in a fresh namespace, return the function."""
    ns = {"np": np, "__name__": "__main__"}
    exec(compile(source, "<learner cell>", "exec"), ns)  # noqa: S102 - sources declared in calclib
    return ns[name]


def notebook_solutions():
    """Every nbgrader solution cell of the notebooks, as {exercise id: function}."""
    found = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        for k, cell in enumerate(cells):
            if not _nbtools.is_exercise_cell(cell):
                continue
            grade_id = cell["metadata"]["nbgrader"]["grade_id"]     # ex-C-N
            ex_id = ".".join(grade_id.split("-")[1:])
            found[ex_id] = compile_answer("".join(cell["source"]), EXERCISES[ex_id].name)
    return found


@pytest.fixture(autouse=True)
def _no_grading_env(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


# --------------------------------------------------------------------------- declarations
@pytest.mark.parametrize("ex_id", IDS)
def test_every_exercise_is_fully_declared(ex_id):
    ex = EXERCISES[ex_id]
    assert ex.id == ex_id and ex.title and ex.points > 0 and ex.name.isidentifier()
    assert len(ex.mistakes) >= 4, f"{ex_id}: at least four declared mistakes"
    assert len(ex.variants) >= 3, f"{ex_id}: at least three correct variants"
    assert len({m.hint for m in ex.mistakes}) >= 4, f"{ex_id}: at least four different hints"
    assert all(m.status in STATUSES and m.status != "passed" for m in ex.mistakes)
    assert list(inspect.signature(ex.reference).parameters) == list(ex.params)


def test_exercise_ids_follow_the_chapters():
    chapters = sorted({ex.chapter for ex in EXERCISES.values()})
    assert chapters == list(range(1, len(chapters) + 1))
    for c in chapters:
        numbers = [int(i.split(".")[1]) for i in exercise_ids(c)]
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 3
    assert exercise_ids() == [i for c in chapters for i in exercise_ids(c)]


# --------------------------------------------------------------------------- right answers pass
@pytest.mark.parametrize("ex_id", IDS)
def test_reference_source_passes(ex_id):
    ex = EXERCISES[ex_id]
    source = textwrap.dedent(inspect.getsource(ex.reference))
    r = check(ex_id, compile_answer(source, ex.reference.__name__))
    assert r.status == "passed", r.text()
    assert r.message.startswith("Practice checks passed") and "all tests passed" not in r.message.lower()


@pytest.mark.parametrize("ex_id,k,source", VARIANTS, ids=[f"{i}-v{k}" for i, k, _ in VARIANTS])
def test_correct_variant_passes(ex_id, k, source):
    r = check(ex_id, compile_answer(source, EXERCISES[ex_id].name))
    assert r.status == "passed", r.text()


SOLUTIONS = notebook_solutions()


def test_every_exercise_has_its_solution_cell_in_a_notebook():
    assert sorted(SOLUTIONS) == sorted(IDS)


@pytest.mark.parametrize("ex_id", IDS)
def test_notebook_solution_passes_and_stub_is_not_attempted(ex_id):
    assert check(ex_id, SOLUTIONS[ex_id]).status == "passed"

    def stub(*args):
        raise NotImplementedError()

    for answer in (stub, None, ...):
        r = check(ex_id, answer)
        assert r.status == "not attempted" and not r.passed


# --------------------------------------------------------------------------- declared mistakes
@pytest.mark.parametrize("ex_id,mistake", MISTAKES, ids=[f"{i}-{m.label}" for i, m in MISTAKES])
def test_declared_mistake_gets_its_hint(ex_id, mistake):
    r = check(ex_id, compile_answer(mistake.source, EXERCISES[ex_id].name))
    assert (r.status, r.hint) == (mistake.status, mistake.hint), r.text()
    text = r.text() + r._repr_html_()
    assert not any(name in text for name in INTERNAL_NAMES), text
    assert not any(line in text for line in _reference_lines(EXERCISES[ex_id])), text


def _reference_lines(ex):
    """The code lines of the reference solution (never shown to a learner)."""
    lines = textwrap.dedent(inspect.getsource(ex.reference)).splitlines()[1:]
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith(('"""', "#"))]


# --------------------------------------------------------------------------- the contract
class _BadRepr:
    def __repr__(self):
        raise RuntimeError("repr exploded")

    __str__ = __repr__


def _loop(*args):
    while True:
        pass


def _sleep(*args):
    time.sleep(60)


def _swallow(*args):
    while True:
        try:
            time.sleep(1)
        except BaseException:  # noqa: BLE001 - what a learner might write
            pass


def _exit(*args):
    sys.exit(3)


def _huge_message(*args):
    raise ValueError("m" * 5_000_000)


def _chatty(*args):
    print("x" * 1_000_000)
    print("second line")
    raise ValueError("after printing")


ODD_ANSWERS = [
    42, "text", [1, 2], lambda: 1, lambda *a: None, lambda *a: "0.5", lambda *a: [1.0], lambda *a: (1.0,),
    lambda *a: np.nan, lambda *a: np.inf, lambda *a: -1e308 * 10, lambda *a: 1e300, lambda *a: 1j,
    lambda *a: np.zeros(3), lambda *a: np.array(["a"]), lambda *a: (lambda t: "x"), lambda *a: _BadRepr(),
    lambda *a: (lambda t: _BadRepr()), lambda *a: 1 / 0, lambda *a: a[0](), lambda *a: iter([1]), lambda *a: True,
    lambda *a: (lambda: 1), lambda *a: {"a": 1}, lambda *a: np.float64(1) / np.float64(0), _exit, _huge_message,
    _chatty,
]


@pytest.mark.parametrize("ex_id", IDS)
def test_check_never_raises_prints_or_warns(ex_id, capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for answer in ODD_ANSWERS:
            r = check(ex_id, answer)
            assert r.status in STATUSES and r.status != "passed", (answer, r.text())
            text = r.text() + r._repr_html_()
            assert len(text) < 6000, f"feedback is {len(text)} characters long"
            assert not any(name in text for name in INTERNAL_NAMES), text
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_specific_contract_results():
    r = check("1.1", _exit)
    assert r.status == "error" and "SystemExit" in r.message and "exit()" in r.hint
    r = check("1.1", _huge_message)
    assert r.status == "error" and "5,000,000 characters" in r.message and len(r.message) < 700
    r = check("1.1", _chatty)
    assert r.status == "error" and r.printed.count("\n") <= 6 and "characters printed in all" in r.printed
    r = check("1.1", lambda f, x, h: _BadRepr())
    assert r.status == "wrong" and "_BadRepr object" in r.message
    r = check("2.4", lambda method: 1e300)
    assert r.status == "wrong" and "no usable estimate" in r.message and "inf" not in r.message.split("gives")[1]
    r = check("1.1", lambda f, x, h: "0.5")
    assert r.status == "wrong" and "text" in r.message
    r = check("1.3", lambda f, xs, h: list(xs))
    assert r.status == "wrong" and "list" in r.message


@pytest.mark.parametrize("answer", [_loop, _sleep, _swallow], ids=["loop", "sleep", "swallows-the-alarm"])
def test_too_slow_answers_are_stopped(monkeypatch, answer):
    monkeypatch.setattr(checker, "TIME_LIMIT", 0.4)
    before = sys.gettrace()
    t = time.perf_counter()
    r = check("1.1", answer)
    assert time.perf_counter() - t < 3
    assert r.status == "too slow" and "took too long" in r.message and r.hint
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert sys.gettrace() is before
    assert check("1.1", SOLUTIONS["1.1"]).passed       # nothing left armed


def test_interrupting_the_kernel_still_interrupts():
    """SIGINT (what the kernel's interrupt sends) reaches the learner's loop and leaves check."""
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            check("1.1", _loop)
    finally:
        timer.cancel()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("ex_id", IDS)
def test_the_package_own_functions_and_the_reference_are_refused(ex_id):
    ex = EXERCISES[ex_id]
    r = check(ex_id, ex.reference)
    assert r.status == "wrong" and "yourself" in r.hint and ex.name in r.hint


def test_calclib_functions_are_refused():
    from calclib import differentiate
    import functools
    for answer in (differentiate.central_difference, functools.partial(differentiate.central_difference)):
        r = check("2.2", answer)
        assert r.status == "wrong" and "calclib.differentiate" in r.message


def test_answers_that_change_their_input_are_told_so():
    def sorts_in_place(f, xs, h):
        xs.sort()
        return xs[np.argmax((f(xs + h) - f(xs)) / h)]

    r = check("1.3", sorts_in_place)
    assert r.status == "wrong" and "changed its input `xs`" in r.message and "copy" in r.hint


def test_learner_warnings_do_not_leak(recwarn):
    def noisy(f, x, h):
        np.log(-1.0)
        warnings.warn("from the learner")
        return (f(x + h) - f(x)) / h

    assert check("1.1", noisy).status == "passed"
    assert len(recwarn) == 0


def test_checks_are_reproducible():
    wrong = compile_answer(EXERCISES["1.1"].mistakes[0].source, "average_rate")
    assert check("1.1", wrong) == check("1.1", wrong)


def test_unknown_exercise_and_non_callable_answers():
    r = check("99.9", SOLUTIONS["1.1"])
    assert r.status == "error" and "1.1" in r.message
    r = check("1.1", 3.5)
    assert r.status == "error" and "Pass the function itself" in r.hint and "average_rate" in r.hint


def test_html_box_names_the_status_in_words(monkeypatch):
    monkeypatch.setattr(checker, "TIME_LIMIT", 0.2)
    wrong = compile_answer(EXERCISES["1.1"].mistakes[0].source, "average_rate")

    def stub(*a):
        raise NotImplementedError()

    for answer, status in [(SOLUTIONS["1.1"], "passed"), (wrong, "wrong"), (stub, "not attempted"),
                           (lambda *a: 1 / 0, "error"), (_loop, "too slow")]:
        r = check("1.1", answer)
        assert r.status == status
        html = r._repr_html_()
        assert "<b>" in html and status in html and "border-left" in html
        assert repr(r).startswith(f"[{status}] Exercise 1.1")


def test_check_all_reports_progress():
    wrong = compile_answer(EXERCISES["2.2"].mistakes[0].source, "central_difference")
    p = check_all({"2.1": SOLUTIONS["2.1"], "2.2": wrong}, chapter=2)
    assert [r.status for r in p.results][:3] == ["passed", "wrong", "not attempted"]
    assert p.passed == 1
    assert f"1 of {len(exercise_ids(2))} practice checks passed" in repr(p) and "<table" in p._repr_html_()
    check("1.1", SOLUTIONS["1.1"])
    assert check_all(chapter=1).results[0].status == "passed"


def test_good_step_check_measures_rather_than_matches_a_formula():
    assert check("2.4", lambda m: 1e-8 if m == "forward" else 1e-5).passed
    assert check("2.4", lambda m: 3e-9 if m == "forward" else 3e-6).passed
    assert not check("2.4", lambda m: 1e-8).passed


# --------------------------------------------------------------------------- grading mode
@pytest.mark.parametrize("mode", ["autograde", "validate"])
def test_grading_mode_raises_unless_passed(monkeypatch, capsys, mode):
    monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    monkeypatch.setattr(checker, "TIME_LIMIT", 0.3)
    mistake = EXERCISES["2.2"].mistakes[0]
    with pytest.raises(AssertionError) as info:
        check("2.2", compile_answer(mistake.source, "central_difference"))
    assert "[wrong] Exercise 2.2" in str(info.value) and mistake.hint in str(info.value)

    def stub(*a):
        raise NotImplementedError()

    for answer, status in [(stub, "not attempted"), (lambda *a: 1 / 0, "error"), (_loop, "too slow")]:
        with pytest.raises(AssertionError, match=f"\\[{status}\\]"):
            check("2.2", answer)
    assert check("2.2", SOLUTIONS["2.2"]) is None             # no non-numeric result for nbgrader
    assert "[passed] Exercise 2.2" in capsys.readouterr().out  # the box is still shown
    progress = check_all(chapter=2)                            # never raises
    assert progress.results[1].status == "passed"
