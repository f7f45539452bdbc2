"""The notebook tools under broken input and Ctrl-C, and the Makefile's install stamp.

* ``tools/execute_notebooks.py`` (``make execute``) and ``tools/make_student.py``
  (``make student``) name each broken notebook (invalid JSON, not a notebook,
  schema-invalid, a failing cell, bad markers), go on with the others and exit
  non-zero at the end naming each one.
* Ctrl-C (SIGINT to the process group, as a terminal sends it, or to the tool
  alone) stops ``make execute`` at once, says where, and leaves no kernel.
* The student build validates what it writes and refuses an invalid notebook;
  markdown prose that quotes the markers is text; a taken output path gets a
  message in words.
* ``make test EXTRAS=...`` installs again when the extras change (``make -n``
  on a copy of the Makefile).

Built notebooks live in ``tmp_path``; nothing here touches ``notebooks/``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))
import _nbtools  # noqa: E402
import make_student  # noqa: E402
from _nbtools import BEGIN_SOLUTION, END_SOLUTION, TEXT_STUB  # noqa: E402

from calclib.exercises import STATUSES  # noqa: E402

v4 = nbformat.v4
EX_META = {"grade": False, "grade_id": "ex-1-1", "locked": False, "schema_version": 3, "solution": True, "task": False}


def _notebook(*sources):
    """A notebook of code cells (markdown when a source starts with '#md ')."""
    cells = [v4.new_markdown_cell(s[4:]) if s.startswith("#md ") else v4.new_code_cell(s) for s in sources]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _schema_invalid(path):
    """A notebook whose cell metadata breaks the schema (tags must be a list)."""
    data = json.loads(nbformat.writes(_notebook("x = 1")))
    data["cells"][0]["metadata"]["tags"] = "interactive"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def _broken_set(folder):
    """Invalid JSON, valid JSON that is not a notebook, and a schema-invalid notebook."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01_not_json.ipynb").write_text('{"cells": [\n')
    (folder / "02_not_notebook.ipynb").write_text('{"hello": "world"}\n')
    _schema_invalid(folder / "03_schema.ipynb")
    return {
        folder / "01_not_json.ipynb": "not valid JSON (Expecting value at line 2, column 1)",
        folder / "02_not_notebook.ipynb": "valid JSON but not a Jupyter notebook",
        folder / "03_schema.ipynb": "cell 0: metadata.tags: 'interactive' is not of type 'array'",
    }


def _run(script, *args, timeout=300):
    return subprocess.run([sys.executable, str(TOOLS / script), *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


# --------------------------------------------------------------------------- reading notebooks


def test_read_notebook_names_the_file_and_the_problem(tmp_path):
    for path, words in _broken_set(tmp_path).items():
        with pytest.raises(_nbtools.NotebookError) as info:
            _nbtools.read_notebook(path)
        assert str(info.value).startswith(f"{path}: ") and words in str(info.value), str(info.value)
    (tmp_path / "folder.ipynb").mkdir()
    with pytest.raises(_nbtools.NotebookError, match="folder.ipynb: is a folder, not a notebook"):
        _nbtools.read_notebook(tmp_path / "folder.ipynb")
    (tmp_path / "latin1.ipynb").write_bytes(b'{"x": "\xe9"}')
    with pytest.raises(_nbtools.NotebookError, match=r"latin1.ipynb: not UTF-8 text"):
        _nbtools.read_notebook(tmp_path / "latin1.ipynb")
    good = _write(tmp_path / "good.ipynb", _notebook("a = 1\nb = 2"))
    assert _nbtools.read_notebook(good).cells[0].source == "a = 1\nb = 2"


def test_a_cell_without_id_is_a_schema_problem():
    nb = _notebook("1")
    del nb.cells[0]["id"]
    assert "cell 0: no 'id' field" in _nbtools.schema_problem(nb)


@pytest.mark.parametrize("status", STATUSES)
def test_every_checker_status_is_recognised(status):
    """The status pattern follows calclib.exercises.STATUSES (a new status needs no edit here)."""
    assert _nbtools.status_of(f"{status.upper()}: exercise 2.1\nmore text") == status
    assert _nbtools.status_of(f"Exercise 2.1 - {status}") == status


# --------------------------------------------------------------------------- make execute


def test_execute_reports_each_broken_notebook_and_goes_on(tmp_path):
    broken = _broken_set(tmp_path)
    failing = _write(tmp_path / "04_failing.ipynb", _notebook("x = 1", "raise ValueError('boom in cell 1')"))
    good = _write(tmp_path / "05_good.ipynb", _notebook("print(6 * 7)"))
    paths = [*broken, failing, good]
    before = {p: p.read_bytes() for p in paths}

    result = _run("execute_notebooks.py", *paths)

    assert result.returncode == 1, result.stderr
    for path, words in broken.items():
        assert f"error: {path}: " in result.stderr and words in result.stderr, result.stderr
        assert path.read_bytes() == before[path]
    assert f"error: {failing}: cell 1: ValueError" in result.stderr and "boom in cell 1" in result.stderr
    assert failing.read_bytes() == before[failing]
    assert 'File "' not in result.stderr, "no traceback of the tool itself"
    assert f"{good}: updated" in result.stdout, result.stdout
    assert nbformat.read(good, as_version=4).cells[0].outputs[0]["text"] == "42\n"
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"4 of 5 notebook(s) failed (see the messages above): {', '.join(map(str, paths[:4]))}", last


def test_printed_text_is_stored_as_one_stream_however_the_kernel_split_it(tmp_path):
    """Two flushed prints reach nbclient as two messages; the stored cell holds one stream, and a
    figure between prints keeps them apart (consecutive streams only)."""
    source = ("import sys, time\nprint(1); sys.stdout.flush(); time.sleep(0.3)\nprint(2)\n"
              "from IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))\nprint(3)")
    nb = _nbtools.run_notebook(_notebook(source), cwd=tmp_path, salt="streams")
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data", "stream"], outputs
    assert outputs[0].text == "1\n2\n" and outputs[2].text == "3\n"


def test_execute_names_a_missing_notebook_and_a_folder(tmp_path):
    (tmp_path / "dir.ipynb").mkdir()
    result = _run("execute_notebooks.py", tmp_path / "missing.ipynb", tmp_path / "dir.ipynb")
    assert result.returncode == 1
    assert f"error: {tmp_path / 'missing.ipynb'}: no such notebook" in result.stderr
    assert f"error: {tmp_path / 'dir.ipynb'}: is a folder, not a notebook" in result.stderr


def _kernel_children(pid):
    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return []


@pytest.mark.parametrize("target", ["process group", "process"])
def test_ctrl_c_stops_the_whole_run_at_once(tmp_path, target):
    """SIGINT while the first of two slow notebooks runs: exit 130 at once, both files
    unchanged, the second never started, no kernel left, a message that says so."""
    slow = []
    for name in ("01_slow.ipynb", "02_slow.ipynb"):
        flag = tmp_path / f"{name}.started"
        slow.append(_write(tmp_path / name, _notebook(
            f"import pathlib, time\npathlib.Path({str(flag)!r}).write_text('x')", "time.sleep(120)")))
    before = {p: p.read_bytes() for p in slow}
    proc = subprocess.Popen([sys.executable, str(TOOLS / "execute_notebooks.py"), *map(str, slow)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=True)  # its own process group, like a job in a terminal
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "01_slow.ipynb.started").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the first notebook never started"
            time.sleep(0.1)
        time.sleep(0.3)  # now inside time.sleep(120)
        kernels = _kernel_children(proc.pid)
        assert kernels, "expected a running kernel"
        if target == "process group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # far less than the 120 s cell: the run stopped
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, err
    assert f"interrupted (Ctrl-C) while executing {slow[0]}; its kernel was stopped and the file was left " \
           f"unchanged.\nnot run: {slow[1]}" in err, err
    assert "Traceback" not in err and "AssertionError" not in err, err
    assert not (tmp_path / "02_slow.ipynb.started").exists(), "the second notebook must not start"
    assert all(p.read_bytes() == before[p] for p in slow)
    time.sleep(0.2)
    alive = [k.pid for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"kernel processes left behind: {alive}"


# --------------------------------------------------------------------------- make student


def _exercise_notebook():
    ex = v4.new_code_cell(f"def f(x):\n    {BEGIN_SOLUTION}\n    return 2 * x\n    {END_SOLUTION}",
                          metadata={"nbgrader": dict(EX_META)})
    return v4.new_notebook(cells=[v4.new_markdown_cell("# Demo"), ex])


def test_student_build_reports_each_broken_notebook_and_builds_the_rest(tmp_path, capsys):
    src = tmp_path / "src"
    broken = _broken_set(src)
    good = _write(src / "04_good.ipynb", _exercise_notebook())
    out = tmp_path / "out"
    assert make_student.main([str(src), str(out)]) == 1
    stdout, err = capsys.readouterr()
    for path, words in broken.items():
        assert f"error: {path}: " in err and words in err, err
        assert not (out / path.name).exists()
    assert f"{out / good.name}: written" in stdout
    assert err.strip().splitlines()[-1] == f"3 notebook(s) not written: {', '.join(map(str, broken))}"
    assert json.loads((out / ".manifest.json").read_text())["files"].keys() == {good.name}


def test_student_build_refuses_to_write_a_schema_invalid_notebook(tmp_path, monkeypatch):
    """Every notebook is validated before it is written: a student version that breaks the
    schema (here made so on purpose) is named and not written."""
    _write(tmp_path / "src" / "01_a.ipynb", _exercise_notebook())
    _write(tmp_path / "src" / "02_b.ipynb", _exercise_notebook())
    real = make_student.make_student_notebook

    def spoiled(nb, name="<notebook>"):
        student = real(nb, name)
        if name.endswith("02_b.ipynb"):
            student.cells[0]["outputs"] = []  # markdown cells have no outputs
        return student

    monkeypatch.setattr(make_student, "make_student_notebook", spoiled)
    with pytest.raises(make_student.BuildFailed) as info:
        make_student.build(tmp_path / "src", tmp_path / "out")
    message = str(info.value)
    assert "02_b.ipynb: its student version would not follow the notebook format (nbformat schema): cell 0: " \
           "Additional properties are not allowed ('outputs' was unexpected); it was not written" in message
    assert info.value.actions == {"01_a.ipynb": "written"}
    assert not (tmp_path / "out" / "02_b.ipynb").exists()
    assert _nbtools.schema_problem(nbformat.read(tmp_path / "out" / "01_a.ipynb", as_version=4)) is None


def test_schema_invalid_source_is_not_copied(tmp_path):
    _schema_invalid(tmp_path / "src" / "01_bad.ipynb")
    with pytest.raises(make_student.BuildFailed, match=r"01_bad.ipynb: does not follow the notebook format"):
        make_student.build(tmp_path / "src", tmp_path / "out")
    assert not (tmp_path / "out" / "01_bad.ipynb").exists()


PROSE = (
    "Put your code between `### BEGIN SOLUTION` and `### END SOLUTION`, then run the check.\n"
    "The markers look like this:\n"
    "```python\n"
    "def f(x):\n"
    "    ### BEGIN SOLUTION\n"
    "    return 2 * x\n"
    "    ### END SOLUTION\n"
    "```\n"
    "Hidden tests sit between ### BEGIN HIDDEN TESTS and ### END HIDDEN TESTS."
)


def test_markdown_prose_that_quotes_the_markers_is_text(tmp_path):
    nb = _exercise_notebook()
    nb.cells.insert(1, v4.new_markdown_cell(PROSE))
    _write(tmp_path / "src" / "01_demo.ipynb", nb)
    assert make_student.build(tmp_path / "src", tmp_path / "out") == {"01_demo.ipynb": "written"}
    student = nbformat.read(tmp_path / "out" / "01_demo.ipynb", as_version=4)
    assert student.cells[1].source == PROSE
    assert "return 2 * x" not in student.cells[2].source, "the code cell's solution is still stubbed"


def _answer(source):
    return v4.new_markdown_cell(source, metadata={"nbgrader": dict(EX_META, grade_id="written-1")})


def test_markers_in_markdown_answer_cells_work_as_in_nbgrader(tmp_path):
    cells = [
        _answer(f"The slope is\n{BEGIN_SOLUTION}\n2, because the secant ...\n{END_SOLUTION}\nExplain."),
        _answer("The derivative is 2x (no markers: nbgrader replaces the whole answer)."),
        v4.new_markdown_cell(f"Teacher's aside:\n{BEGIN_SOLUTION}\nsecret\n{END_SOLUTION}"),
    ]
    _write(tmp_path / "src" / "01_demo.ipynb", v4.new_notebook(cells=cells))
    make_student.build(tmp_path / "src", tmp_path / "out")
    student = nbformat.read(tmp_path / "out" / "01_demo.ipynb", as_version=4)
    assert [c.source for c in student.cells] == [
        f"The slope is\n{TEXT_STUB}\nExplain.", TEXT_STUB, f"Teacher's aside:\n{TEXT_STUB}"]


def test_a_mangled_marker_in_a_markdown_answer_cell_is_an_error(tmp_path):
    _write(tmp_path / "src" / "01_demo.ipynb",
           v4.new_notebook(cells=[_answer("## BEGIN SOLUTION\n2x\n### END SOLUTION")]))
    with pytest.raises(make_student.BuildFailed, match=r"cell 0 \(written-1\), line 1: a marker must stand alone"):
        make_student.build(tmp_path / "src", tmp_path / "out")


def test_student_build_ctrl_c_keeps_files_and_manifest_in_step(tmp_path, monkeypatch, capsys):
    """Ctrl-C during the writes is held until the manifest records what was written (exit 130)."""
    _write(tmp_path / "src" / "01_a.ipynb", _exercise_notebook())
    _write(tmp_path / "src" / "02_b.ipynb", _exercise_notebook())
    real_write = _nbtools.atomic_write
    calls = []

    def write_then_ctrl_c(path, data):
        real_write(path, data)
        calls.append(Path(path).name)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # arrives while the first notebook is written

    monkeypatch.setattr(_nbtools, "atomic_write", write_then_ctrl_c)
    assert make_student.main([str(tmp_path / "src"), str(tmp_path / "out")]) == 130
    assert "interrupted (Ctrl-C)" in capsys.readouterr().err
    manifest = json.loads((tmp_path / "out" / ".manifest.json").read_text())["files"]
    written = {p.name for p in (tmp_path / "out").glob("*.ipynb")}
    assert written == set(manifest) == {"01_a.ipynb", "02_b.ipynb"}, (written, manifest, calls)


def test_output_folder_taken_by_a_file(tmp_path, capsys):
    _write(tmp_path / "src" / "01_demo.ipynb", _exercise_notebook())
    (tmp_path / "out").write_text("not a folder")
    assert make_student.main([str(tmp_path / "src"), str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"error: {tmp_path / 'out'} is a file, but the output folder has to be there; move the file away" in err
    assert "Traceback" not in err and (tmp_path / "out").read_text() == "not a folder"
    assert make_student.main([str(tmp_path / "src"), str(tmp_path / "out" / "student")]) == 1
    assert f"error: {tmp_path / 'out'} is a file, but a folder on the way to {tmp_path / 'out' / 'student'}" \
           in capsys.readouterr().err


def test_a_folder_where_a_notebook_goes(tmp_path, capsys):
    _write(tmp_path / "src" / "01_demo.ipynb", _exercise_notebook())
    _write(tmp_path / "src" / "02_other.ipynb", _exercise_notebook())
    (tmp_path / "out" / "01_demo.ipynb").mkdir(parents=True)
    assert make_student.main([str(tmp_path / "src"), str(tmp_path / "out")]) == 1
    stdout, err = capsys.readouterr()
    assert f"error: {tmp_path / 'out' / '01_demo.ipynb'} is a folder, so the student notebook cannot be written " \
           "there; move the folder away" in err, err
    assert f"{tmp_path / 'out' / '02_other.ipynb'}: written" in stdout
    assert (tmp_path / "out" / "01_demo.ipynb").is_dir()


def test_a_folder_where_the_manifest_goes(tmp_path, capsys):
    _write(tmp_path / "src" / "01_demo.ipynb", _exercise_notebook())
    (tmp_path / "out" / ".manifest.json").mkdir(parents=True)
    assert make_student.main([str(tmp_path / "src"), str(tmp_path / "out")]) == 1
    assert f"{tmp_path / 'out' / '.manifest.json'} is a folder" in capsys.readouterr().err
    assert not (tmp_path / "out" / "01_demo.ipynb").exists()


# --------------------------------------------------------------------------- the Makefile's install stamp


def _make():
    make = shutil.which("make")
    if make is None:
        root = sys.modules.get("conftest")
        reason = "`make` is not installed (the project's two commands need it: apt-get install make)"
        if root is not None and getattr(root, "IN_CI", False):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return make


def _make_env():
    """The environment without what an outer `make` passes down: `make test EXTRAS=...` exports
    EXTRAS and MAKEFLAGS to its recipes, which would override the defaults these tests check."""
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "EXTRAS", "LAB_EXTRAS", "CHAPTERS",
            "FORCE", "PORT", "PYTHON"}
    return {k: v for k, v in os.environ.items() if k not in drop}


@pytest.fixture
def project_copy(tmp_path):
    """Makefile, pyproject.toml and the lock in a temporary folder, with a .venv that looks installed."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "requirements").mkdir()
    shutil.copy(ROOT / "requirements" / "lock.txt", tmp_path / "requirements" / "lock.txt")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / "deploy" / "jupyterhub").mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / "deploy" / "jupyterhub" / name, tmp_path / "deploy" / "jupyterhub" / name)
    return tmp_path


def _make_n(folder, *args):
    """``make -n args`` in `folder`, in an environment without an outer make's settings."""
    return subprocess.run([_make(), "-n", *args], cwd=folder, capture_output=True, text=True, timeout=60,
                          env=_make_env())


def _dry_run(folder, *args):
    """``make -n`` in `folder`: (the pip install lines of the stamp rule, the stamp it would touch)."""
    result = _make_n(folder, *args)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    installs = [line.replace('"', "") for line in lines if "pip install" in line and " -e " in line]
    stamps = [line.split()[1] for line in lines if line.startswith("touch .venv/")]
    return installs, stamps


def _install(folder, *args):
    """Do what the stamp rule does, minus pip: touch the stamp it names."""
    installs, stamps = _dry_run(folder, "test", *args)
    assert len(installs) == 1 and len(stamps) == 1, (installs, stamps)
    (folder / stamps[0]).touch()
    return stamps[0]


def test_install_stamp_depends_on_the_extras(project_copy):
    installs, _ = _dry_run(project_copy, "test")
    assert len(installs) == 1 and ".[bench,book,classroom,hub,notebook,test]" in installs[0], installs
    default = _install(project_copy)
    assert _dry_run(project_copy, "test")[0] == [], "installed with the default extras: nothing to do"

    # new extras on an existing .venv: install again, with them
    installs, _ = _dry_run(project_copy, "test", "EXTRAS=notebook,test,bench,reference")
    assert len(installs) == 1 and ".[bench,notebook,reference,test]" in installs[0], installs
    assert _install(project_copy, "EXTRAS=notebook,test,bench,reference") != default
    # the same set in another order or with a space is the same set
    assert _dry_run(project_copy, "test", "EXTRAS=reference, bench,test,notebook")[0] == []
    # `make lab` installs only what a learner needs
    installs, _ = _dry_run(project_copy, "lab")
    assert len(installs) == 1 and ".[notebook]" in installs[0], installs
    assert _dry_run(project_copy, "test")[0] == [], "the default set is still installed"
    # a set not installed yet (a subset too) installs
    assert len(_dry_run(project_copy, "unit", "EXTRAS=test")[0]) == 1

    # a changed pyproject.toml reinstalls the set in use
    later = time.time() + 5
    os.utime(project_copy / "pyproject.toml", (later, later))
    assert len(_dry_run(project_copy, "test")[0]) == 1


def test_course_target_adds_the_classroom_extra(project_copy):
    """`make course` needs nbgrader: it installs EXTRAS plus `classroom`, and passes CHAPTERS/FORCE on."""
    _install(project_copy, "EXTRAS=notebook,test,bench")
    installs, stamps = _dry_run(project_copy, "course", "EXTRAS=notebook,test,bench")
    assert len(installs) == 1 and ".[bench,classroom,notebook,test]" in installs[0], installs
    (project_copy / stamps[0]).touch()
    _install(project_copy)
    result = _make_n(project_copy, "course", "CHAPTERS=1 2", "FORCE=1")
    command = " ".join(result.stdout.replace("\\\n", " ").split())
    assert command == ".venv/bin/python tools/make_course.py notebooks build/course --chapters 1 2 --force", command
    result = _make_n(project_copy, "course")
    assert " ".join(result.stdout.replace("\\\n", " ").split()) == \
        ".venv/bin/python tools/make_course.py notebooks build/course"



def test_book_target_adds_the_book_extra(project_copy):
    installs, _ = _dry_run(project_copy, "book", "EXTRAS=notebook,test,bench")
    assert len(installs) == 1 and ".[bench,book,notebook,test]" in installs[0], installs
