"""The course through real nbgrader, the way a teacher grades it (issue 10).

One round trip, in a temporary course folder, with the commands of README's
"For teachers" section, in the same order:

1. ``tools/make_course.py notebooks <course>`` (what ``make course`` runs);
2. ``nbgrader generate_assignment "ch*"``: every chapter of ``notebooks/``;
3. ``nbgrader db student import students.csv``;
4. students answer in their copy of ``release/`` (outside the course folder):
   ``ada`` right everywhere (correct answers written differently, from the
   exercise registry), ``ben`` wrong everywhere in a different way per
   exercise (the registry's declared mistakes), ``cy`` every other exercise
   left as the release stub, ``dee`` answers that raise, one that sleeps 60 s
   (the checker stops it) and each chapter's last exercise right, and
   ``teacher``: the teacher notebook itself, outputs, notes and widget state
   included;
5. ``nbgrader validate`` on ben's and ada's notebooks, in their folders;
6. the notebooks are collected into ``submitted/<student>/<assignment>/``
   with a ``timestamp.txt``;
7. ``nbgrader autograde "ch*"``; 8. ``nbgrader export``;
9. ``nbgrader generate_feedback "ch*"``.

It prints the grade table (``pytest -s``) and the seconds each step took.

The notebooks are globbed, so a new chapter is graded here with no new test
code; its exercises must be in the registry with a declared wrong answer.
"""
from __future__ import annotations

import csv
import doctest
import html
import importlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from conftest import requires

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))
TOOL = ROOT / "tools" / "make_course.py"
SCRIPTS = Path(sysconfig.get_path("scripts"))

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "classroom"))
import _nbtools  # noqa: E402
import course_preprocessors  # noqa: E402
import make_course  # noqa: E402
from _nbtools import BEGIN_SOLUTION, CODE_STUB, END_SOLUTION, TAG_SOLUTION_ONLY, WIDGET_STATE_MIME  # noqa: E402

STUDENTS = ("ada", "ben", "cy", "dee", "teacher")
TIMESTAMP = "2026-03-02 10:00:00 UTC"
_CHECK_CALL = re.compile(r'check\(\s*"(?P<id>\d+\.\d+)"\s*,\s*(?P<name>\w+)\s*\)')


def _registry():
    from calclib.exercises import registry

    return registry()


def _squash(text):
    """Whitespace collapsed to single spaces (validate and HTML wrap lines)."""
    return " ".join(str(text).split())


def _plain_runs(markdown, min_len=30):
    """Runs of plain words (letters, spaces, commas) within a line of markdown: they render verbatim."""
    runs = (_squash(m) for m in re.findall(r"[A-Za-z ,]{%d,}" % min_len, markdown))
    return [run for run in runs if len(run) >= min_len]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def _html_text(page):
    parser = _Text()
    parser.feed(page)
    return _squash(html.unescape(" ".join(parser.parts)))


# --------------------------------------------------------------------------- the course's exercises


def _exercises_in(nb):
    """``[(exercise id, function name, exercise cell index, check cell index)]`` of a teacher notebook."""
    cells = {_nbtools.nbgrader_meta(c).get("grade_id"): i for i, c in enumerate(nb.cells)}
    found = []
    for index, cell in enumerate(nb.cells):
        if not _nbtools.is_check_cell(cell):
            continue
        match = _CHECK_CALL.search(cell.source)
        assert match, f"check cell {index} does not call check(\"<id>\", <function>): {cell.source!r}"
        ex_id, name = match["id"], match["name"]
        suffix = ex_id.replace(".", "-")
        assert _nbtools.nbgrader_meta(cell)["grade_id"] == f"check-{suffix}", f"cell {index}: grade_id vs {ex_id}"
        assert f"ex-{suffix}" in cells, f"exercise {ex_id} has a check cell but no exercise cell ex-{suffix}"
        found.append((ex_id, name, cells[f"ex-{suffix}"], index))
    return found


def _solution(source):
    """The teacher's answer: the exercise cell without its marker lines."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION))


def _raising(name):
    return f'def {name}(*args, **kwargs):\n    raise ValueError("this answer always raises")\n'


def _sleeping(name):
    return f"def {name}(*args, **kwargs):\n    import time\n    time.sleep(60)\n"


def _plan(course_exercises):
    """What every student writes in every exercise, and what the check must say.

    Returns ``{student: {exercise id: (source or None for the stub, status, hint or None)}}``
    (the teacher submits the teacher notebook and is not in it).
    """
    registry = _registry()
    plan = {s: {} for s in STUDENTS if s != "teacher"}
    last_of_chapter = {}
    for ex_id, *_ in course_exercises:
        last_of_chapter[ex_id.split(".")[0]] = ex_id
    for k, (ex_id, name, solution) in enumerate((e[0], e[1], e[2]) for e in course_exercises):
        ex = registry[ex_id]
        assert ex.name == name, f"exercise {ex_id}: the notebook checks {name}, the registry says {ex.name}"
        wrong = [m for m in ex.mistakes if m.status == "wrong"]
        assert wrong, f"exercise {ex_id} declares no wrong answer (Mistake with status 'wrong') to grade"
        errors = [m for m in ex.mistakes if m.status == "error"]
        right = ex.variants[k % len(ex.variants)] if ex.variants else solution
        plan["ada"][ex_id] = (right, "passed", None)
        mistake = wrong[k % len(wrong)]
        plan["ben"][ex_id] = (mistake.source, "wrong", mistake.hint)
        plan["cy"][ex_id] = (solution, "passed", None) if k % 2 == 0 else (None, "not attempted", None)
        if k == 0:
            plan["dee"][ex_id] = (_sleeping(name), "too slow", None)
        elif last_of_chapter[ex_id.split(".")[0]] == ex_id:
            plan["dee"][ex_id] = (solution, "passed", None)
        elif errors:
            plan["dee"][ex_id] = (errors[k % len(errors)].source, "error", errors[k % len(errors)].hint)
        else:
            plan["dee"][ex_id] = (_raising(name), "error", None)
    return plan


# --------------------------------------------------------------------------- running nbgrader


def _env(tmp):
    """A teacher's shell after `. .venv/bin/activate`, without personal Jupyter or IPython settings."""
    env = _nbtools.kernel_env(tmp / "ipython")
    for name in list(env):
        if name.startswith("NBGRADER_") or name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH"):
            del env[name]
    env["PATH"] = str(SCRIPTS) + os.pathsep + env.get("PATH", "")
    env["JUPYTER_CONFIG_DIR"] = str(tmp / "jupyter-config")
    env["JUPYTER_DATA_DIR"] = str(tmp / "jupyter-data")
    return env


class _Runner:
    def __init__(self, tmp):
        self.env = _env(tmp)
        self.seconds = {}

    def __call__(self, step, args, cwd):
        started = time.monotonic()
        result = subprocess.run(args, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=1800)
        self.seconds[step] = self.seconds.get(step, 0.0) + time.monotonic() - started
        assert result.returncode == 0, (
            f"{step}: {' '.join(map(str, args))} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
        return result


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    """Run the whole round trip once; the tests below read what it left."""
    requires("nbgrader", "the classroom extra (pip install -c requirements/lock.txt -e '.[classroom]')")
    tmp = tmp_path_factory.mktemp("classroom")
    course, homes = tmp / "course", tmp / "students"
    run = _Runner(tmp)
    nbgrader = str(SCRIPTS / "nbgrader")
    started = time.monotonic()

    # 1-2. the course folder, and the student version of every chapter
    run("make course", [sys.executable, str(TOOL), str(NB_DIR), str(course)], cwd=ROOT)
    run("generate_assignment", [nbgrader, "generate_assignment", "ch*"], cwd=course)
    # 3. the class list
    (course / "students.csv").write_text(
        "id,first_name,last_name,email\n" + "".join(f"{s},{s.title()},Test,{s}@example.org\n" for s in STUDENTS)
    )
    run("db student import", [nbgrader, "db", "student", "import", "students.csv"], cwd=course)

    # 4. the students answer in their copies of release/
    teacher = {path.name: nbformat.read(path, as_version=4) for path in NOTEBOOKS}
    assignments = {}
    for path in sorted((course / "source").glob("*/*.ipynb")):
        assignments.setdefault(path.parent.name, []).append(path.name)
    where = {}  # notebook name -> assignment
    course_exercises = []
    for assignment, names in assignments.items():
        for name in names:
            where[name] = assignment
            for ex_id, fn, ex_cell, _ in _exercises_in(teacher[name]):
                course_exercises.append((ex_id, fn, _solution(teacher[name].cells[ex_cell].source), name))
    plan = _plan(course_exercises)
    notebook_of = {ex_id: name for ex_id, _, _, name in course_exercises}
    for student in STUDENTS:
        for name, assignment in where.items():
            target = homes / student / assignment / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if student == "teacher":
                shutil.copyfile(NB_DIR / name, target)
                continue
            nb = nbformat.read(course / "release" / assignment / name, as_version=4)
            by_grade_id = {_nbtools.nbgrader_meta(c).get("grade_id"): c for c in nb.cells}
            for ex_id, (source, _, _) in plan[student].items():
                if notebook_of[ex_id] == name and source is not None:
                    by_grade_id["ex-" + ex_id.replace(".", "-")].source = source
            nbformat.write(nb, target)

    # 5. students check their work before handing it in
    validated = {}
    for student in ("ben", "ada"):
        paths = [f"{where[name]}/{name}" for name in where]
        out = run("validate", [nbgrader, "validate", *paths], cwd=homes / student).stdout
        chunks = re.split(r"(?=Success! Your notebook passes all the tests\.|VALIDATION FAILED ON \d+ CELL)", out)
        chunks = [c for c in chunks if c.strip()]
        assert len(chunks) == len(paths), f"validate printed {len(chunks)} results for {len(paths)} notebooks:\n{out}"
        validated[student] = dict(zip(where, chunks))

    # 6. collect: submitted/<student>/<assignment>/<notebook> with the time it came in
    for student in STUDENTS:
        for assignment in assignments:
            shutil.copytree(homes / student / assignment, course / "submitted" / student / assignment)
            (course / "submitted" / student / assignment / "timestamp.txt").write_text(TIMESTAMP)

    # 7-9. grade, export, feedback
    run("autograde", [nbgrader, "autograde", "ch*"], cwd=course)
    run("export", [nbgrader, "export"], cwd=course)
    run("generate_feedback", [nbgrader, "generate_feedback", "ch*"], cwd=course)
    total = time.monotonic() - started

    trip = dict(course=course, plan=plan, exercises=course_exercises, where=where, assignments=assignments,
                teacher=teacher, validated=validated, seconds=dict(run.seconds, total=total))
    print(_report(trip))
    return trip


def _points(trip):
    """``{student: {exercise id: (score, max score)}}`` read from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    course, where = trip["course"], trip["where"]
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "calc-dl") as gb:
        for student in STUDENTS:
            for ex_id, _, _, name in trip["exercises"]:
                grade = gb.find_grade("check-" + ex_id.replace(".", "-"), Path(name).stem, where[name], student)
                scores.setdefault(student, {})[ex_id] = (grade.score, grade.max_score)
    return scores


def _expected(trip, student, ex_id):
    points = _registry()[ex_id].points
    if student == "teacher":
        return points
    return points if trip["plan"][student][ex_id][1] == "passed" else 0


def _report(trip):
    """The grade table (points per exercise and per assignment) and the time of each step."""
    scores = _points(trip)
    ids = [e[0] for e in trip["exercises"]]
    head = f"{'student':<9}" + "".join(f"{i:>6}" for i in ids) + "".join(f"{a:>7}" for a in trip["assignments"])
    lines = ["", "grade table (nbgrader gradebook; exported totals per assignment):", head]
    with open(trip["course"] / "grades.csv", newline="") as fh:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(fh)}
    for student in STUDENTS:
        cells = "".join(f"{scores[student][i][0]:>6g}" for i in ids)
        totals = "".join(f"{float(rows[(student, a)]['score']):>7g}" for a in trip["assignments"])
        lines.append(f"{student:<9}{cells}{totals}")
    lines.append("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in trip["seconds"].items()))
    return "\n".join(lines)


# --------------------------------------------------------------------------- what the round trip must show


def test_every_notebook_is_an_assignment_with_the_registry_exercises(trip):
    assert sorted(trip["where"]) == [p.name for p in NOTEBOOKS]
    chapters = {nb.metadata["course"]["chapter"] for nb in trip["teacher"].values()}
    assert sorted(trip["assignments"]) == [make_course.assignment_name(c) for c in sorted(chapters)]
    assert [e[0] for e in trip["exercises"]] == list(_registry()), "notebooks and registry must list the same exercises"
    for ex_id, _, _, name in trip["exercises"]:
        (cell,) = [c for c in trip["teacher"][name].cells
                   if _nbtools.nbgrader_meta(c).get("grade_id") == "check-" + ex_id.replace(".", "-")]
        assert cell.metadata["nbgrader"]["points"] == _registry()[ex_id].points, f"{ex_id}: points differ"


def test_release_has_no_teacher_note_no_widget_state_and_stubs(trip):
    stripped = set()
    for name, assignment in trip["where"].items():
        teacher = trip["teacher"][name]
        notes = [c for c in teacher.cells if TAG_SOLUTION_ONLY in _nbtools.tags(c)]
        stripped |= {"note"} if notes else set()
        stripped |= {"widgets"} if "widgets" in teacher.metadata else set()
        text = (trip["course"] / "release" / assignment / name).read_text()
        release = nbformat.reads(text, as_version=4)
        assert "widgets" not in release.metadata and WIDGET_STATE_MIME not in text
        assert not any(TAG_SOLUTION_ONLY in _nbtools.tags(c) for c in release.cells)
        squashed = _squash(" ".join(c.source for c in release.cells))
        for note in notes:
            runs = _plain_runs(note.source)
            assert runs, f"{name}: a teacher note without plain text to look for"
            for run in runs:
                assert run not in squashed, f"{name}: teacher note text {run!r} reached release/"
        for ex_id, _, ex_cell, check_cell in _exercises_in(teacher):
            cells = {c.id: c for c in release.cells}
            lines = [line.strip() for line in cells[teacher.cells[ex_cell].id].source.splitlines()]
            assert any(lines[i:i + 2] == list(CODE_STUB) for i in range(len(lines))), f"{ex_id}: no stub"
            assert cells[teacher.cells[check_cell].id].metadata["nbgrader"]["locked"] is True
    assert stripped == {"note", "widgets"}, "no teacher notebook has teacher's notes and widget state to strip"


@pytest.mark.parametrize("student", STUDENTS)
def test_points_per_exercise(trip, student):
    scores = _points(trip)[student]
    for ex_id, (score, max_score) in scores.items():
        assert max_score == _registry()[ex_id].points
        assert score == _expected(trip, student, ex_id), (
            f"{student}, exercise {ex_id}: scored {score}, expected {_expected(trip, student, ex_id)}"
            + ("" if student == "teacher" else f" (the answer should be {trip['plan'][student][ex_id][1]})")
        )


@pytest.mark.parametrize("student", STUDENTS)
def test_autograded_check_cells_say_why(trip, student):
    """A check cell that scores zero shows the status, and the declared hint of a declared mistake."""
    for ex_id, _, _, name in trip["exercises"]:
        nb = nbformat.read(trip["course"] / "autograded" / student / trip["where"][name] / name, as_version=4)
        (cell,) = [c for c in nb.cells if _nbtools.nbgrader_meta(c).get("grade_id") == "check-" + ex_id.replace(".", "-")]
        errors = [o for o in cell.outputs if o.output_type == "error"]
        status, hint = ("passed", None) if student == "teacher" else trip["plan"][student][ex_id][1:]
        if status == "passed":
            assert not errors, f"{student}, {ex_id}: a right answer raised {errors[0].ename}: {errors[0].evalue}"
            continue
        assert [e.ename for e in errors] == ["AssertionError"], f"{student}, {ex_id}: {cell.outputs}"
        evalue = errors[0].evalue
        assert evalue.startswith(f"[{status}] Exercise {ex_id}"), f"{student}, {ex_id}: {evalue!r}"
        if hint:
            assert _squash(hint) in _squash(evalue), f"{student}, {ex_id}: hint {hint!r} missing from {evalue!r}"


def test_export_gives_the_totals(trip):
    with open(trip["course"] / "grades.csv", newline="") as fh:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(fh)}
    assert len(rows) == len(STUDENTS) * len(trip["assignments"])
    for student in STUDENTS:
        for assignment in trip["assignments"]:
            ids = [e[0] for e in trip["exercises"] if trip["where"][e[3]] == assignment]
            row = rows[(student, assignment)]
            assert float(row["score"]) == sum(_expected(trip, student, i) for i in ids), (student, assignment, row)
            assert float(row["max_score"]) == sum(_registry()[i].points for i in ids)
            assert row["first_name"] == student.title() and row["timestamp"].startswith("2026-03-02 10:00:00")


def test_validate_fails_the_wrong_submission_naming_exercise_and_hint(trip):
    for name, out in trip["validated"]["ben"].items():
        exercises = [e for e in trip["exercises"] if e[3] == name]
        if not exercises:
            assert out.strip() == "Success! Your notebook passes all the tests.", f"{name}:\n{out}"
            continue
        assert out.startswith(f"VALIDATION FAILED ON {len(exercises)} CELL(S)"), out
        squashed = _squash(out)
        for ex_id, fn, _, _ in exercises:
            assert f'check("{ex_id}", {fn})' in out, f"validate does not name exercise {ex_id}:\n{out}"
            hint = trip["plan"]["ben"][ex_id][2]
            assert _squash(hint) in squashed, f"validate does not show the hint of {ex_id}, {hint!r}:\n{out}"


def test_validate_passes_the_right_submission(trip):
    for name, out in trip["validated"]["ada"].items():
        assert out.strip() == "Success! Your notebook passes all the tests.", f"{name}:\n{out}"


@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_shows_scores_and_why(trip, student):
    course = trip["course"]
    for name, assignment in trip["where"].items():
        text = _html_text((course / "feedback" / student / assignment / Path(name).with_suffix(".html")).read_text())
        exercises = [e[0] for e in trip["exercises"] if e[3] == name]
        total = sum(_expected(trip, student, i) for i in exercises)
        assert f"Score: {total:.1f} / {sum(_registry()[i].points for i in exercises):.1f}" in text, (student, name)
        for ex_id in exercises:
            score = f"Score: {_expected(trip, student, ex_id):.1f} / {_registry()[ex_id].points:.1f}"
            assert f"Grade cell: check-{ex_id.replace('.', '-')} {score}" in text, (student, ex_id)
            status = "passed" if student == "teacher" else trip["plan"][student][ex_id][1]
            if status != "passed":
                assert f"[{status}] Exercise {ex_id}" in text, f"{student}, {ex_id}: the feedback does not say why"


def test_feedback_has_no_teacher_note_and_no_widget_state(trip):
    course = trip["course"]
    stripped = set()
    for name, assignment in trip["where"].items():
        teacher = trip["teacher"][name]
        runs = [r for c in teacher.cells if TAG_SOLUTION_ONLY in _nbtools.tags(c) for r in _plain_runs(c.source)]
        shown = [r for c in teacher.cells if c.cell_type == "markdown" and TAG_SOLUTION_ONLY not in _nbtools.tags(c)
                 for r in _plain_runs(c.source)]
        # what the feedback is made from: the teacher's submission still has both
        graded = nbformat.read(course / "autograded" / "teacher" / assignment / name, as_version=4)
        stripped |= {"note"} if any(TAG_SOLUTION_ONLY in _nbtools.tags(c) for c in graded.cells) else set()
        stripped |= {"widgets"} if "widgets" in graded.metadata else set()
        for student in STUDENTS:
            page = (course / "feedback" / student / assignment / Path(name).with_suffix(".html")).read_text()
            text = _html_text(page)
            assert shown and shown[0] in text, f"{student}, {name}: the feedback does not show the notebook"
            assert WIDGET_STATE_MIME not in page, f"{student}, {name}: stored widget state in the feedback"
            for run in runs:
                assert run not in text, f"{student}, {name}: teacher's note {run!r} in the feedback"
    assert stripped == {"note", "widgets"}, "no autograded notebook had teacher's notes and widget state to strip"


# --------------------------------------------------------------------------- the kit itself (fast)


def _tiny_course_source(folder, chapters=(1,)):
    v4 = nbformat.v4
    folder.mkdir(parents=True, exist_ok=True)
    for chapter in chapters:
        nb = v4.new_notebook(cells=[v4.new_markdown_cell("# Demo")], metadata={"course": {"chapter": chapter}})
        nbformat.write(nb, folder / f"{chapter:02d}_demo.ipynb")
    return folder


def _assignments_in(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "calc-dl") as gb:
        return sorted(a.name for a in gb.assignments), sorted(s.id for s in gb.students)


def test_make_course_never_overwrites_a_teachers_edits(tmp_path, capsys):
    requires("nbgrader", "the classroom extra")
    src, course = _tiny_course_source(tmp_path / "nb", chapters=(1, 2)), tmp_path / "course"
    actions, added = make_course.build(src, course, chapters=[1])
    assert actions == {"nbgrader_config.py": "written", "course_preprocessors.py": "written",
                       "source/ch01/01_demo.ipynb": "written"} and added == ["ch01"]
    assert (course / "nbgrader_config.py").read_bytes() == (ROOT / "classroom" / "nbgrader_config.py").read_bytes()
    assert make_course.build(src, course, chapters=[1]) == (dict.fromkeys(actions, "unchanged"), [])

    # the gradebook is added to, never replaced
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "calc-dl") as gb:
        gb.add_student("ada")
    (course / "notes.md").write_text("mine\n")
    actions, added = make_course.build(src, course)
    assert added == ["ch02"] and actions["source/ch02/02_demo.ipynb"] == "written"
    assert _assignments_in(course) == (["ch01", "ch02"], ["ada"])

    # a changed notebook replaces an untouched copy; an edited copy is refused, then forced
    nb = nbformat.read(src / "01_demo.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("more"))
    nbformat.write(nb, src / "01_demo.ipynb")
    assert make_course.build(src, course)[0]["source/ch01/01_demo.ipynb"] == "updated"
    edited = course / "nbgrader_config.py"
    edited.write_text(edited.read_text() + "c.Execute.timeout = 60\n")
    with pytest.raises(make_course.BuildRefused, match=r"nbgrader_config.py was changed after make_course wrote it"):
        make_course.build(src, course)
    assert "c.Execute.timeout = 60" in edited.read_text()
    capsys.readouterr()
    assert make_course.main([str(src), str(course)]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and "nothing was written" in err
    assert make_course.main([str(src), str(course), "--force"]) == 0
    assert "nbgrader_config.py: overwritten" in capsys.readouterr().out
    assert "c.Execute.timeout" not in edited.read_text()
    assert (course / "notes.md").read_text() == "mine\n"
    assert _assignments_in(course) == (["ch01", "ch02"], ["ada"])


def test_make_course_refuses_a_file_it_did_not_write(tmp_path):
    requires("nbgrader", "the classroom extra")
    src, course = _tiny_course_source(tmp_path / "nb"), tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    with pytest.raises(make_course.BuildRefused, match="nbgrader_config.py was not written by make_course"):
        make_course.build(src, course)
    assert (course / "nbgrader_config.py").read_text() == "c = get_config()\n"
    assert not (course / "source").exists() and not (course / "gradebook.db").exists()


def test_make_course_bad_input(tmp_path):
    requires("nbgrader", "the classroom extra")
    src = _tiny_course_source(tmp_path / "nb", chapters=(1, 2))
    with pytest.raises(make_course.CourseError, match=r"`chapters` must name chapters that have notebooks \(1, 2\), got 7"):
        make_course.plan_course(src, chapters=[7])
    with pytest.raises(make_course.CourseError, match="`notebooks` must be a folder of notebooks, got"):
        make_course.plan_course(tmp_path / "missing")
    nbformat.write(nbformat.v4.new_notebook(), src / "03_no_chapter.ipynb")
    with pytest.raises(make_course.CourseError, match=r"03_no_chapter.ipynb: notebook metadata `course.chapter` must be"):
        make_course.plan_course(src)
    (src / "03_no_chapter.ipynb").write_text('{"cells": [')
    with pytest.raises(make_course.CourseError, match=r"03_no_chapter.ipynb: not valid JSON"):
        make_course.plan_course(src)
    (tmp_path / "file").write_text("")
    with pytest.raises(make_course.CourseError, match="`course` must be a folder, got the file"):
        make_course.build(NB_DIR, tmp_path / "file")


def test_strip_teacher_content_keeps_everything_else():
    v4 = nbformat.v4
    ex = v4.new_code_cell("def f(x):\n    return x", metadata={"nbgrader": {"solution": True, "grade_id": "ex-1-1"}})
    note = v4.new_markdown_cell("the answer is x", metadata={"tags": [TAG_SOLUTION_ONLY]})
    fig = v4.new_code_cell("show()", metadata={"tags": ["interactive"]})
    nb = v4.new_notebook(cells=[ex, note, fig], metadata={"course": {"chapter": 1}, "widgets": {WIDGET_STATE_MIME: {}}})
    out, resources = course_preprocessors.StripTeacherContent().preprocess(nb, {"x": 1})
    assert out.cells == [ex, fig] and dict(out.metadata) == {"course": {"chapter": 1}} and resources == {"x": 1}
    tagged = v4.new_code_cell("def f(x): ...", metadata={"tags": [TAG_SOLUTION_ONLY], "nbgrader": {"solution": True}})
    with pytest.raises(course_preprocessors.TeacherContentError, match=r"cell 0 is tagged 'solution-only'"):
        course_preprocessors.StripTeacherContent().preprocess(v4.new_notebook(cells=[tagged]), {})


def test_course_config_puts_the_preprocessor_in_front(tmp_path):
    requires("nbgrader", "the classroom extra")
    from nbgrader.converters import GenerateAssignment, GenerateFeedback
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT / "classroom")).load_config()
    for converter in (GenerateAssignment, GenerateFeedback):
        configured = config[converter.__name__]["preprocessors"]
        default = converter.class_traits()["preprocessors"].default()
        assert [p.__name__ for p in configured if p.__name__ != "StripTeacherContent"] == [p.__name__ for p in default]
        assert [p.__name__ for p in configured].count("StripTeacherContent") == 1
    assert config.CourseDirectory.course_id == "calc-dl"


@pytest.mark.parametrize("module", ["make_course", "course_preprocessors"])
def test_kit_doctests(module):
    """The kit lives outside pytest's testpaths; run its doctests here."""
    requires("nbgrader", "the classroom extra")
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, report=True)
    assert result.attempted > 0 and result.failed == 0, f"{module}: {result}"
