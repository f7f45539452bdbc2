"""The student version (``make student`` = ``tools/make_student.py``).

* Built from the course notebooks into a temporary folder (by the same command
  line ``make student`` uses): solutions replaced by nbgrader's stub, hidden
  tests and ``solution-only`` cells gone, no outputs, nbgrader metadata kept.
* Each student notebook is executed top to bottom (one kernel per notebook)
  and must run without error; every check cell must report "not attempted".
* Every check cell of the teacher notebooks says "passed" in its stored output
  (nbval re-runs them and compares, so this is the teacher side of the pair).
* Marker mistakes are reported loudly and keep that notebook out of the build;
  the clobber guard protects edits. (Broken notebooks, schema checks, taken
  output paths and Ctrl-C are in ``tests/test_tools.py``.)
"""
from __future__ import annotations

import doctest
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]
TOOL = ROOT / "tools" / "make_student.py"

sys.path.insert(0, str(ROOT / "tools"))
import _nbtools  # noqa: E402
import make_student  # noqa: E402
from _nbtools import BEGIN_HIDDEN, BEGIN_SOLUTION, CODE_STUB, END_HIDDEN, END_SOLUTION, TAG_SOLUTION_ONLY  # noqa: E402

EX_META = {"grade": False, "locked": False, "schema_version": 3, "solution": True, "task": False}
CHECK_META = {"grade": True, "locked": True, "points": 1, "schema_version": 3, "solution": False, "task": False}


def _run_tool(*args):
    return subprocess.run(
        [sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


# --------------------------------------------------------------------------- the course's student build


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    """Build the student version the way ``make student`` does, into a temporary folder."""
    out = tmp_path_factory.mktemp("student")
    result = _run_tool("notebooks", out)
    assert result.returncode == 0, f"make_student failed:\n{result.stdout}\n{result.stderr}"
    return out


def _regions(source, begin, end):
    """The lines strictly inside each begin/end region of `source`."""
    inside, lines = None, []
    for line in source.splitlines():
        if line.strip() == begin:
            inside = []
        elif line.strip() == end and inside is not None:
            lines.extend(inside)
            inside = None
        elif inside is not None:
            inside.append(line)
    return lines


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_version_content(student_dir, path):
    teacher = nbformat.read(path, as_version=4)
    student = nbformat.read(student_dir / path.name, as_version=4)
    by_id = {cell.id: cell for cell in student.cells}

    removed = [c for c in teacher.cells if TAG_SOLUTION_ONLY in _nbtools.tags(c)]
    assert len(student.cells) == len(teacher.cells) - len(removed)
    for cell in removed:
        assert cell.id not in by_id, f"solution-only cell {cell.id} reached the student version"
    assert not any(TAG_SOLUTION_ONLY in _nbtools.tags(c) for c in student.cells)

    assert "widgets" not in student.metadata, "stored widget state (with outputs) must be cleared"
    assert student.metadata.get("course") == teacher.metadata.get("course")
    n_stubs = 0
    for tcell in teacher.cells:
        if tcell in removed:
            continue
        scell = by_id[tcell.id]
        for marker in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN):
            assert marker not in scell.source, f"cell {tcell.id}: {marker} left in the student version"
        if scell.cell_type == "code":
            assert scell.outputs == [] and scell.execution_count is None, f"cell {tcell.id}: outputs not cleared"
        assert "execution" not in scell.metadata
        assert scell.metadata.get("nbgrader") == tcell.metadata.get("nbgrader"), "nbgrader metadata must be kept"
        # hidden lines and solution lines must be gone (unless they also appear outside the regions)
        outside = set(make_student.strip_solutions(tcell.source, tcell.cell_type).splitlines())
        secret = _regions(tcell.source, BEGIN_SOLUTION, END_SOLUTION) + _regions(tcell.source, BEGIN_HIDDEN, END_HIDDEN)
        for line in secret:
            if len(line.strip()) >= 6 and line not in outside:
                assert line not in scell.source.splitlines(), f"cell {tcell.id}: solution line {line!r} leaked"
        # each solution region became the stub, indented like its BEGIN marker
        if tcell.cell_type == "code":
            for line in tcell.source.splitlines():
                if line.strip() == BEGIN_SOLUTION:
                    indent = line[: len(line) - len(line.lstrip())]
                    stub = "\n".join(indent + s for s in CODE_STUB)
                    assert stub in scell.source, f"cell {tcell.id}: stub missing or mis-indented:\n{scell.source}"
                    n_stubs += 1
    assert n_stubs >= sum(_nbtools.is_exercise_cell(c) for c in teacher.cells) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_notebook_runs_and_every_check_is_not_attempted(student_dir, path):
    student = nbformat.read(student_dir / path.name, as_version=4)
    try:
        executed = _nbtools.run_notebook(student, cwd=student_dir, timeout=120, salt=path.name)
    except _nbtools.CellError as exc:
        pytest.fail(f"student version of {path.name} does not run top to bottom: {exc}", pytrace=False)
    checks = [(i, c) for i, c in enumerate(executed.cells) if _nbtools.is_check_cell(c)]
    assert checks, "no check cells"
    for index, cell in checks:
        statuses = _nbtools.check_statuses(cell)
        assert statuses and all(s == "not attempted" for s in statuses), (
            f"cell {index} ({cell.metadata['nbgrader']['grade_id']}): a stub must report 'not attempted', "
            f"got {statuses or 'no check result'}: {_nbtools.output_texts(cell)}"
        )
    problems = _nbtools.problem_outputs(executed)
    assert not problems, f"the student version prints errors or warnings: {problems}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_teacher_checks_passed_in_stored_outputs(path):
    teacher = nbformat.read(path, as_version=4)
    checks = [(i, c) for i, c in enumerate(teacher.cells) if _nbtools.is_check_cell(c)]
    assert checks, "no check cells"
    for index, cell in checks:
        statuses = _nbtools.check_statuses(cell)
        assert statuses and all(s == "passed" for s in statuses), (
            f"cell {index}: the solution's stored check result must say 'passed', got {statuses or 'nothing'} "
            "(run `make execute` after fixing the solution)"
        )


# --------------------------------------------------------------------------- the tool on fixture notebooks


def _exercise(n=1, body="    return 2 * x", hidden=""):
    v4 = nbformat.v4
    ex = v4.new_code_cell(
        f"def f{n}(x):\n    {BEGIN_SOLUTION}\n{body}\n    {END_SOLUTION}",
        metadata={"nbgrader": dict(EX_META, grade_id=f"ex-1-{n}")},
    )
    check = v4.new_code_cell(
        f'check("1.{n}", f{n})' + (f"\n{BEGIN_HIDDEN}\n{hidden}\n{END_HIDDEN}" if hidden else ""),
        metadata={"nbgrader": dict(CHECK_META, grade_id=f"check-1-{n}")},
    )
    return [ex, check]


def _write_source(folder, cells, name="01_demo.ipynb"):
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Demo"), *cells])
    nbformat.write(nb, folder / name)
    return folder / name


BAD_SOURCES = {
    "BEGIN never closed": (f"def f(x):\n    {BEGIN_SOLUTION}\n    return x", 2, "never closed"),
    "END without BEGIN": (f"def f(x):\n    return x\n    {END_SOLUTION}", 3, "without a"),
    "nested BEGIN": (f"def f(x):\n    {BEGIN_SOLUTION}\n    {BEGIN_SOLUTION}\n    return x\n    {END_SOLUTION}", 3, "cannot nest"),
    "hidden tests inside a solution": (
        f"def f(x):\n    {BEGIN_SOLUTION}\n    {BEGIN_HIDDEN}\n    return x\n    {END_HIDDEN}\n    {END_SOLUTION}", 3, "cannot nest"),
    "misordered END": (f"def f(x):\n    {BEGIN_SOLUTION}\n    return x\n    {END_HIDDEN}", 4, "misordered"),
    "END before BEGIN": (f"def f(x):\n    {END_SOLUTION}\n    return x\n    {BEGIN_SOLUTION}", 2, "without a"),
    "marker with trailing text": (f"def f(x):\n    {BEGIN_SOLUTION} (write here)\n    return x\n    {END_SOLUTION}", 2, "stand alone"),
    "mistyped marker": (f"def f(x):\n    ## BEGIN SOLUTION\n    return x\n    {END_SOLUTION}", 2, "stand alone"),
}


@pytest.mark.parametrize("case", list(BAD_SOURCES))
def test_bad_markers_stop_the_build(tmp_path, case):
    source, line, words = BAD_SOURCES[case]
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": dict(EX_META, grade_id="ex-1-1")})
    path = _write_source(tmp_path / "src", [nbformat.v4.new_code_cell("x = 1"), cell])
    with pytest.raises(make_student.BuildFailed) as info:
        make_student.build(tmp_path / "src", tmp_path / "out")
    assert [type(e) for e in info.value.errors] == [make_student.MarkerError]
    message = str(info.value)
    assert str(path) in message and "cell 2" in message and f"line {line}" in message and words in message, message
    assert info.value.left_out == [str(path)]
    assert not (tmp_path / "out").exists(), "a notebook with bad markers must not be written"


def test_solution_cell_without_markers_stops_the_build(tmp_path):
    cell = nbformat.v4.new_code_cell("def f(x):\n    return x", metadata={"nbgrader": dict(EX_META, grade_id="ex-1-1")})
    _write_source(tmp_path / "src", [cell])
    with pytest.raises(make_student.BuildFailed, match=r"cell 1 \(ex-1-1\).*no ### BEGIN SOLUTION region"):
        make_student.build(tmp_path / "src", tmp_path / "out")


def test_bad_markers_fail_the_command_line_loudly(tmp_path, capsys):
    """The broken notebook is named and left out; the good one is still built; exit status 1."""
    good = _write_source(tmp_path / "src", _exercise(1), name="01_good.ipynb")
    bad = _write_source(tmp_path / "src", _exercise(2, body="    return 2 * x\n    ### END SOLUTION"), name="02_bad.ipynb")
    assert make_student.main([str(tmp_path / "src"), str(tmp_path / "out")]) == 1
    out, err = capsys.readouterr()
    assert f"{bad}: cell 1 (ex-1-2), line 5: ### END SOLUTION without a ### BEGIN SOLUTION" in err, err
    assert err.splitlines()[-1] == f"1 notebook(s) not written: {bad}", err
    assert f"{tmp_path / 'out' / good.name}: written" in out
    assert (tmp_path / "out" / good.name).exists() and not (tmp_path / "out" / bad.name).exists()


def test_stub_hidden_tests_and_solution_only_cells(tmp_path):
    nested = nbformat.v4.new_code_cell(
        f"def f(x):\n    if x > 0:\n        {BEGIN_SOLUTION}\n        return x\n        {END_SOLUTION}\n    return 0",
        metadata={"nbgrader": dict(EX_META, grade_id="ex-1-9")},
    )
    note = nbformat.v4.new_markdown_cell("Answer: 2x", metadata={"tags": [TAG_SOLUTION_ONLY]})
    cells = [*_exercise(1, hidden="assert f1(2) == 4"), nested, note]
    _write_source(tmp_path / "src", cells)
    make_student.build(tmp_path / "src", tmp_path / "out")
    student = nbformat.read(tmp_path / "out" / "01_demo.ipynb", as_version=4)
    sources = [c.source for c in student.cells]
    assert sources[1] == "def f1(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert sources[2] == 'check("1.1", f1)'
    assert sources[3] == "def f(x):\n    if x > 0:\n        # YOUR CODE HERE\n        raise NotImplementedError()\n    return 0"
    assert len(student.cells) == 4 and "Answer" not in json.dumps(student)
    assert student.cells[1].metadata["nbgrader"] == dict(EX_META, grade_id="ex-1-1")


def _append_markdown(path, text):
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.write(nb, path)


def test_clobber_guard(tmp_path, capsys):
    src = _write_source(tmp_path / "src", _exercise(1))
    out = tmp_path / "out"
    out.mkdir()
    unknown = {out / "notes.md": "teacher's notes\n", out / "00_extra.ipynb": "{}\n"}
    for path, text in unknown.items():
        path.write_text(text)
    assert make_student.build(tmp_path / "src", out) == {"01_demo.ipynb": "written"}
    assert (out / "01_demo.ipynb").stat().st_mode == (out / "notes.md").stat().st_mode, "usual permissions"
    assert make_student.build(tmp_path / "src", out) == {"01_demo.ipynb": "unchanged"}
    manifest = json.loads((out / ".manifest.json").read_text())
    assert set(manifest["files"]) == {"01_demo.ipynb"}

    # a changed source replaces an untouched copy
    _append_markdown(src, "more")
    assert make_student.build(tmp_path / "src", out) == {"01_demo.ipynb": "updated"}

    # a teacher edits the built copy: rebuilding is refused and the edit kept
    built = out / "01_demo.ipynb"
    edited = built.read_text().replace("# YOUR CODE HERE", "# YOUR CODE HERE (hint: double it)")
    built.write_text(edited)
    _append_markdown(src, "even more")
    with pytest.raises(make_student.BuildRefused, match="01_demo.ipynb was changed after make_student wrote it"):
        make_student.build(tmp_path / "src", out)
    assert built.read_text() == edited
    capsys.readouterr()
    assert make_student.main([str(tmp_path / "src"), str(out)]) == 2
    assert "--force" in capsys.readouterr().err and built.read_text() == edited

    # --force overwrites; unknown files are never touched
    assert make_student.main([str(tmp_path / "src"), str(out), "--force"]) == 0
    assert "01_demo.ipynb: overwritten" in capsys.readouterr().out
    assert "hint: double it" not in built.read_text() and "even more" in built.read_text()
    for path, text in unknown.items():
        assert path.read_text() == text


def test_existing_file_not_written_by_the_tool_is_not_overwritten(tmp_path):
    _write_source(tmp_path / "src", _exercise(1))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "01_demo.ipynb").write_text("{}\n")
    with pytest.raises(make_student.BuildRefused, match="was not written by make_student"):
        make_student.build(tmp_path / "src", tmp_path / "out")
    assert (tmp_path / "out" / "01_demo.ipynb").read_text() == "{}\n"


def test_build_is_deterministic(tmp_path):
    _write_source(tmp_path / "src", _exercise(1, hidden="assert f1(1) == 2"))
    make_student.build(tmp_path / "src", tmp_path / "a")
    make_student.build(tmp_path / "src", tmp_path / "b")
    assert (tmp_path / "a" / "01_demo.ipynb").read_bytes() == (tmp_path / "b" / "01_demo.ipynb").read_bytes()


@pytest.mark.parametrize("module", ["make_student", "_nbtools", "execute_notebooks"])
def test_tool_doctests(module):
    """The tools live outside pytest's testpaths; run their doctests here."""
    mod = importlib.import_module(module)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(mod, optionflags=flags, verbose=False, report=True)
    assert result.attempted > 0 and result.failed == 0, f"{module}: {result}"


def test_stub_is_nbgraders():
    """nbgrader's ClearSolutions default stub for Python, verbatim."""
    assert CODE_STUB == ("# YOUR CODE HERE", "raise NotImplementedError()")
    assert re.fullmatch(r"### BEGIN SOLUTION", BEGIN_SOLUTION) and END_HIDDEN == "### END HIDDEN TESTS"
