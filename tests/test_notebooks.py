"""Guards for the course notebooks' stored outputs and structure (no kernel needed).

nbval (``make test``) re-runs each notebook and compares its outputs with the
stored ones, but a notebook stored *without* outputs passes nbval vacuously.
These tests read the stored notebooks and check, for every
``notebooks/*.ipynb`` (found by glob, so a new chapter is covered at once):

* every code cell was executed, in order: execution counts 1, 2, 3, ... top to
  bottom with no gaps (regenerate with ``make execute``, never by hand);
* no stored output is an error or a stderr stream (a warning), including the
  outputs ``interact`` stored in its Output widget;
* nbval markers stand alone on their line (anything after one disables it);
* the structure every chapter follows (see ``structure_problems``).

The checkers return lists of problems; the self-tests at the end run them on a
small notebook built in memory, intact and with one convention broken.
"""
from __future__ import annotations

import ast
import base64
import copy
import re
import sys
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
SEED = ROOT.parent / "shared" / "seed" / "calculus-for-dl.md"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))

sys.path.insert(0, str(ROOT / "tools"))
import _nbtools  # noqa: E402
from _nbtools import SECTIONS, TAG_INTERACTIVE, TAG_KEY_NUMBERS, TAG_SOLUTION_ONLY, TAG_STATIC_FIGURE  # noqa: E402

FILE_NAME = re.compile(r"^(\d\d)_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
EXERCISE_META = {"grade": False, "locked": False, "schema_version": 3, "solution": True, "task": False}
CHECK_META = {"grade": True, "locked": True, "schema_version": 3, "solution": False, "task": False}
USES_INTERACT = re.compile(r"\binteract(?:ive|_manual)?\s*\(|@interact\b")
MIN_EXERCISES = 3
MIN_INTERACTIVE = 2
TAG_NBVAL_IGNORE = "nbval-ignore-output"
MAX_CODE_LINE = 96
MAX_PRINTED_LINE = 100
CHECK_IMPORT = "from calclib.exercises import check"


@lru_cache(maxsize=None)
def _read(path):
    return nbformat.read(path, as_version=4)


def load(path):
    """A private copy of the stored notebook at `path`."""
    return copy.deepcopy(_read(Path(path)))


def _src(cell):
    return cell.get("source", "")


def _code_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


# --------------------------------------------------------------------------- checkers


def execution_problems(nb):
    """Every code cell executed, counts 1..n top to bottom, results numbered like their cell."""
    problems = []
    expected = 1
    for index, cell in _code_cells(nb):
        count = cell.get("execution_count")
        if count is None:
            what = "is empty (remove it)" if not _src(cell).strip() else "was never executed"
            problems.append(f"cell {index} {what}: no execution count; regenerate outputs with `make execute`")
            continue
        if count != expected:
            problems.append(
                f"cell {index} has execution count {count}, expected {expected}: the stored outputs were not "
                "produced by one top-to-bottom run; regenerate them with `make execute`"
            )
            expected = count
        expected += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "execute_result" and out.get("execution_count") != count:
                problems.append(f"cell {index}: its result is numbered {out.get('execution_count')}, the cell {count}")
    return problems


def output_problems(nb):
    """No stored output is an error or a stderr stream."""
    return [f"{where}: stored {kind} output: {text.strip()[:300]}" for where, kind, text in _nbtools.problem_outputs(nb)]


def nbval_marker_problems(nb):
    """Each line mentioning ``NBVAL_`` is exactly one of nbval's markers, alone."""
    problems = []
    for index, cell in _code_cells(nb):
        for number, line in enumerate(_src(cell).splitlines(), start=1):
            if "NBVAL_" in line and line.strip() not in _nbtools.NBVAL_MARKERS:
                problems.append(
                    f"cell {index}, line {number}: {line.strip()!r} is not an nbval marker alone on its line "
                    f"(nbval would silently ignore it); use exactly one of {', '.join(_nbtools.NBVAL_MARKERS)}"
                )
    return problems


def _has_heading(cell, title):
    return cell.cell_type == "markdown" and re.search(
        rf"^#{{1,6}}\s+{re.escape(title)}\b", _src(cell), flags=re.IGNORECASE | re.MULTILINE
    )


def _outputs_of(cell, output_type=None, name=None):
    return [
        o
        for o in cell.get("outputs", [])
        if (output_type is None or o.get("output_type") == output_type) and (name is None or o.get("name") == name)
    ]


def _setup_problems(nb):
    code = _code_cells(nb)
    if not code:
        return ["no code cells"]
    index, cell = code[0]
    src = _src(cell)
    problems = []
    wanted = {
        "%matplotlib inline": "%matplotlib inline" in src,
        "np.set_printoptions(...)": "set_printoptions(" in src,
        "a seeded np.random.default_rng(SEED)": re.search(r"default_rng\(\s*\d+", src) is not None,
        "fixed figure size and dpi (rcParams figure.figsize/figure.dpi or plots.use_course_style())": (
            ("figsize" in src and "dpi" in src) or "use_course_style(" in src
        ),
    }
    for what, ok in wanted.items():
        if not ok:
            problems.append(f"setup cell (cell {index}, the first code cell) lacks {what}")
    for other_index, other in code[1:]:
        if re.search(r"^\s*%matplotlib\b", _src(other), flags=re.MULTILINE):
            problems.append(f"cell {other_index}: %matplotlib belongs in the setup cell only")
    return problems


def _exercise_problems(nb, chapter):
    problems = []
    cells = nb.cells
    grade_ids = {}
    paired_checks = set()
    numbers = []
    for index, cell in enumerate(cells):
        meta = _nbtools.nbgrader_meta(cell)
        if meta.get("grade_id"):
            if meta["grade_id"] in grade_ids:
                problems.append(f"cell {index}: grade_id {meta['grade_id']!r} repeats cell {grade_ids[meta['grade_id']]}")
            grade_ids[meta["grade_id"]] = index
        if meta and TAG_SOLUTION_ONLY in _nbtools.tags(cell):
            problems.append(f"cell {index}: an nbgrader cell must not be tagged {TAG_SOLUTION_ONLY!r}")
        if not _nbtools.is_exercise_cell(cell):
            continue
        where = f"cell {index} ({meta.get('grade_id')})"
        match = re.fullmatch(r"ex-(\d+)-(\d+)", str(meta.get("grade_id", "")))
        if not match or int(match.group(1)) != chapter:
            problems.append(f"{where}: exercise grade_id must be 'ex-{chapter}-<n>'")
            continue
        n = int(match.group(2))
        numbers.append(n)
        extra = {k: meta.get(k) for k in EXERCISE_META if meta.get(k) != EXERCISE_META[k]}
        if extra or set(meta) != set(EXERCISE_META) | {"grade_id"}:
            problems.append(f"{where}: nbgrader metadata must be {dict(EXERCISE_META, grade_id=meta['grade_id'])}, got {meta}")
        src = _src(cell)
        try:
            tree = ast.parse(src)
        except SyntaxError as exc:
            problems.append(f"{where}: not plain Python ({exc})")
            continue
        funcs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        begins = [i for i, line in enumerate(src.splitlines(), start=1) if line.strip() == _nbtools.BEGIN_SOLUTION]
        if not funcs:
            problems.append(f"{where}: an exercise asks for a function; no `def` in the cell")
        if not begins:
            problems.append(f"{where}: no {_nbtools.BEGIN_SOLUTION} ... {_nbtools.END_SOLUTION} region")
        for line in begins:
            if not any(f.lineno < line <= f.end_lineno for f in funcs):
                problems.append(f"{where}, line {line}: the solution region must sit inside a function body")
        # the paired check cell
        nxt = cells[index + 1] if index + 1 < len(cells) else None
        if nxt is None or not _nbtools.is_check_cell(nxt):
            problems.append(f"{where}: must be followed directly by its check cell (nbgrader grade cell)")
            continue
        paired_checks.add(index + 1)
        cmeta = _nbtools.nbgrader_meta(nxt)
        cwhere = f"cell {index + 1} ({cmeta.get('grade_id')})"
        wrong = {k: cmeta.get(k) for k in CHECK_META if cmeta.get(k) != CHECK_META[k]}
        points = cmeta.get("points")
        if (
            wrong
            or cmeta.get("grade_id") != f"check-{chapter}-{n}"
            or not isinstance(points, (int, float))
            or points <= 0
            or set(cmeta) != set(CHECK_META) | {"grade_id", "points"}
        ):
            problems.append(
                f"{cwhere}: nbgrader metadata must be "
                f"{dict(CHECK_META, grade_id=f'check-{chapter}-{n}', points=1)} (points > 0), got {cmeta}"
            )
        if not _src(nxt).startswith(CHECK_IMPORT + "\n"):
            problems.append(f"{cwhere}: a check cell must start with `{CHECK_IMPORT}` (a grade must not depend "
                            "on a `check` the learner could redefine)")
        call = re.search(rf"""\bcheck\(\s*["']{chapter}\.{n}["']\s*,\s*([A-Za-z_]\w*)""", _src(nxt))
        if not call:
            problems.append(f'{cwhere}: must call check("{chapter}.{n}", <your function>)')
        elif call.group(1) not in {f.name for f in funcs}:
            problems.append(f"{cwhere}: checks {call.group(1)!r}, which the exercise cell does not define")
        statuses = _nbtools.check_statuses(nxt)
        if not statuses or any(s != "passed" for s in statuses):
            problems.append(f"{cwhere}: stored check output must say 'passed' (the solution must pass), got {statuses or 'nothing'}")
    for index, cell in enumerate(cells):
        if _nbtools.is_check_cell(cell) and index not in paired_checks:
            problems.append(f"cell {index}: check cell without its exercise cell right before it")
    if len(numbers) < MIN_EXERCISES:
        problems.append(f"{len(numbers)} exercises; at least {MIN_EXERCISES} are required")
    if numbers != sorted(set(numbers)):
        problems.append(f"exercise numbers must increase down the notebook, got {numbers}")
    return problems


def structure_problems(nb, filename):
    """Everything a chapter notebook must have, as a list of problems (empty: fine).

    * file name ``NN_slug.ipynb``; metadata ``course = {"chapter": NN, "section":
      <the exact ## heading of the source text>}``; kernelspec ``python3``;
    * a "Learning goals" heading in the first three cells, a "Summary" heading in
      the last three;
    * the first code cell sets things up: ``%matplotlib inline``, printoptions,
      figure size/dpi, a seeded ``default_rng``;
    * >= 2 cells tagged ``interactive``, each starting with ``# NBVAL_IGNORE_OUTPUT``
      and calling ``interact``; no untagged cell calls ``interact``;
    * >= 1 cell tagged ``static-figure``, each with a PNG output;
    * >= 1 cell tagged ``key-numbers`` with stdout and no nbval marker;
    * >= 3 exercises: an nbgrader solution cell ``ex-C-N`` defining a function
      with the solution region in its body, followed directly by its check cell
      ``check-C-N`` calling ``check("C.N", fn)``, whose stored output says passed.
    """
    problems = []
    match = FILE_NAME.match(filename)
    if not match:
        problems.append(f"file name {filename!r} must look like 'NN_slug.ipynb' (two digits, lower-case slug)")
    course = nb.metadata.get("course")
    chapter = None
    if not isinstance(course, dict) or set(course) != {"chapter", "section"}:
        problems.append(f'notebook metadata needs "course": {{"chapter": N, "section": "..."}}, got {course!r}')
    else:
        chapter = course["chapter"]
        if chapter not in SECTIONS:
            problems.append(f"course chapter {chapter!r} is not one of 1..{len(SECTIONS)}")
        elif course["section"] != SECTIONS[chapter]:
            problems.append(f"course section {course['section']!r} must be chapter {chapter}'s heading {SECTIONS[chapter]!r}")
        if match and int(match.group(1)) != chapter:
            problems.append(f"file prefix {match.group(1)} does not match course chapter {chapter}")
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append("kernelspec name must be 'python3'")
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        problems.append(f"invalid notebook: {str(exc).splitlines()[0]}")

    if not any(_has_heading(c, "Learning goals") for c in nb.cells[:3]):
        problems.append("no 'Learning goals' heading in the first three cells")
    if not any(_has_heading(c, "Summary") for c in nb.cells[-3:]):
        problems.append("no 'Summary' heading in the last three cells")
    problems += _setup_problems(nb)

    interactive = [(i, c) for i, c in enumerate(nb.cells) if TAG_INTERACTIVE in _nbtools.tags(c)]
    for index, cell in interactive:
        if cell.cell_type != "code" or TAG_NBVAL_IGNORE not in _nbtools.tags(cell):
            problems.append(f"cell {index}: an interactive cell must be code tagged {TAG_NBVAL_IGNORE!r} "
                            "(its widget output cannot be compared)")
        if "NBVAL_" in _src(cell) or "%config" in _src(cell):
            problems.append(f"cell {index}: keep test plumbing out of a slider cell the learner reads "
                            f"(use the {TAG_NBVAL_IGNORE!r} tag; plots.use_course_style() sets the backend)")
        if not USES_INTERACT.search(_src(cell)):
            problems.append(f"cell {index}: an interactive cell must use ipywidgets' interact(...)")
    if len(interactive) < MIN_INTERACTIVE:
        problems.append(f"{len(interactive)} cells tagged {TAG_INTERACTIVE!r}; at least {MIN_INTERACTIVE} are required")
    for index, cell in _code_cells(nb):
        if USES_INTERACT.search(_src(cell)) and TAG_INTERACTIVE not in _nbtools.tags(cell):
            problems.append(f"cell {index} calls interact but is not tagged {TAG_INTERACTIVE!r}")

    for index, cell in _code_cells(nb):
        for number, line in enumerate(_src(cell).splitlines(), start=1):
            if len(line) > MAX_CODE_LINE:
                problems.append(f"cell {index}, line {number}: {len(line)} characters; at most {MAX_CODE_LINE} "
                                "fit JupyterLab's code cell at a 1280 px window without scrolling")
        for output in cell.get("outputs", []):
            if output.get("output_type") != "stream":
                continue
            for line in "".join(output.get("text", "")).splitlines():
                if len(line) > MAX_PRINTED_LINE:
                    problems.append(f"cell {index}: printed line of {len(line)} characters (at most "
                                    f"{MAX_PRINTED_LINE}; longer ones wrap mid-number at a 1280 px window): "
                                    f"{line[:60]!r}...")

    static = [(i, c) for i, c in enumerate(nb.cells) if TAG_STATIC_FIGURE in _nbtools.tags(c)]
    if not static:
        problems.append(f"no cell tagged {TAG_STATIC_FIGURE!r} (small multiples that read without a kernel)")
    for index, cell in static:
        if not any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            problems.append(f"cell {index}: tagged {TAG_STATIC_FIGURE!r} but has no stored PNG image")

    key = [(i, c) for i, c in enumerate(nb.cells) if TAG_KEY_NUMBERS in _nbtools.tags(c)]
    if not key:
        problems.append(f"no cell tagged {TAG_KEY_NUMBERS!r} (a checked cell printing the key numbers)")
    for index, cell in key:
        if cell.cell_type != "code" or "NBVAL_" in _src(cell):
            problems.append(f"cell {index}: a {TAG_KEY_NUMBERS!r} cell must be code with no nbval marker (it is compared)")
        if not any(_nbtools._joined(o.get("text", "")).strip() for o in _outputs_of(cell, "stream", "stdout")):
            problems.append(f"cell {index}: a {TAG_KEY_NUMBERS!r} cell must print its numbers (stored stdout)")

    if isinstance(chapter, int):
        problems += _exercise_problems(nb, chapter)
    return problems


# --------------------------------------------------------------------------- tests on the course

IDS = [p.name for p in NOTEBOOKS]


def _explain(problems, path):
    return f"{path.name}:\n  " + "\n  ".join(problems)


def test_notebooks_present():
    assert NOTEBOOKS, f"no notebooks in {NB_DIR}: the course needs at least chapters 01 and 02 (*.ipynb)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_in_order(path):
    problems = execution_problems(load(path))
    assert not problems, _explain(problems, path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_error_or_stderr_outputs(path):
    problems = output_problems(load(path))
    assert not problems, _explain(problems, path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nbval_markers_alone_on_their_line(path):
    problems = nbval_marker_problems(load(path))
    assert not problems, _explain(problems, path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_structure(path):
    problems = structure_problems(load(path), path.name)
    assert not problems, _explain(problems, path)


def test_chapters_are_unique():
    chapters = [load(p).metadata.get("course", {}).get("chapter") for p in NOTEBOOKS]
    repeated = sorted({c for c in chapters if chapters.count(c) > 1 and c is not None})
    assert not repeated, f"chapters {repeated} appear in more than one notebook"


def test_one_notebook_per_section_of_the_source_text():
    """The course is complete: chapter n exists for every section n, once."""
    chapters = sorted(load(p).metadata.get("course", {}).get("chapter") for p in NOTEBOOKS)
    missing = [f"{n} ({title})" for n, title in SECTIONS.items() if n not in chapters]
    assert not missing, f"no notebook for chapter(s) {', '.join(missing)}"
    assert chapters == sorted(SECTIONS)


LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)(?:#[^)]*)?\)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_links_between_chapters_resolve_and_the_summary_points_onward(path):
    nb = load(path)
    links = [(i, target) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
             for target in LINK.findall(_src(c))]
    broken = [f"cell {i}: {target}" for i, target in links if not (NB_DIR / target).is_file()]
    assert not broken, f"{path.name}: links to notebooks that do not exist: {broken}"
    chapter = nb.metadata["course"]["chapter"]
    summary = next(c for c in nb.cells[::-1] if _has_heading(c, "Summary"))
    following = [p.name for p in NOTEBOOKS if p.name.startswith(f"{chapter + 1:02d}_")]
    wanted = following[0] if following else NOTEBOOKS[0].name      # the last chapter links back to the start
    assert wanted in LINK.findall(_src(summary)), f"{path.name}: the summary must link to {wanted}"


def test_sections_match_the_source_text():
    """Bonus check: the embedded section list is the source text's ``## `` headings, in order."""
    if not SEED.is_file():
        pytest.skip(f"source text not found at {SEED} (it lives outside the repository)")
    headings = [line[3:].strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
    assert headings == list(SECTIONS.values())


# --------------------------------------------------------------------------- self-tests of the checkers

_PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()


def fixture_notebook(chapter=1):
    """A small notebook that follows every convention, with fake stored outputs."""
    v4 = nbformat.v4
    out = v4.new_output
    cells = [
        v4.new_markdown_cell(f"# Chapter {chapter}\n\n## Learning goals\n\n1. one"),
        v4.new_code_cell(
            "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
            "from ipywidgets import interact\nplt.rcParams.update({'figure.figsize': (6, 4), 'figure.dpi': 72})\n"
            "np.set_printoptions(precision=6, suppress=True)\nrng = np.random.default_rng(1)"
        ),
        v4.new_code_cell("interact(show, x=(0.0, 1.0));", metadata={"tags": [TAG_INTERACTIVE, TAG_NBVAL_IGNORE]}),
        v4.new_code_cell("show_many()", metadata={"tags": [TAG_STATIC_FIGURE]},
                         outputs=[out("display_data", data={"image/png": _PNG, "text/plain": "<Figure>"})]),
        v4.new_code_cell("interact(show, h=(0.1, 1.0));", metadata={"tags": [TAG_INTERACTIVE, TAG_NBVAL_IGNORE]}),
        v4.new_code_cell('print("rate 2.000")', metadata={"tags": [TAG_KEY_NUMBERS]},
                         outputs=[out("stream", name="stdout", text="rate 2.000\n")]),
    ]
    for n in (1, 2, 3):
        cells.append(v4.new_code_cell(
            f"def f{n}(x):\n    \"\"\"Exercise.\"\"\"\n    {_nbtools.BEGIN_SOLUTION}\n    return {n} * x\n    {_nbtools.END_SOLUTION}",
            metadata={"nbgrader": dict(EXERCISE_META, grade_id=f"ex-{chapter}-{n}")},
        ))
        cells.append(v4.new_code_cell(
            f'{CHECK_IMPORT}\ncheck("{chapter}.{n}", f{n})',
            metadata={"nbgrader": dict(CHECK_META, grade_id=f"check-{chapter}-{n}", points=1)},
            outputs=[out("execute_result", data={"text/plain": f"[passed] Exercise {chapter}.{n}\npractice checks passed"})],
        ))
    cells.append(v4.new_markdown_cell("Teacher's note", metadata={"tags": [TAG_SOLUTION_ONLY]}))
    cells.append(v4.new_markdown_cell("## Summary\n\n* done"))
    count = 0
    for cell in cells:
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for o in cell.outputs:
                if o.output_type == "execute_result":
                    o.execution_count = count
    return v4.new_notebook(
        cells=cells,
        metadata={
            "course": {"chapter": chapter, "section": SECTIONS[chapter]},
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        },
    )


def _all_problems(nb, name="01_demo.ipynb"):
    return execution_problems(nb) + output_problems(nb) + nbval_marker_problems(nb) + structure_problems(nb, name)


def test_fixture_notebook_passes_every_checker():
    assert _all_problems(fixture_notebook()) == []


def _cell_with(nb, predicate):
    return next(c for c in nb.cells if predicate(c))


def _first_check(nb):
    return _cell_with(nb, _nbtools.is_check_cell)


def _break_count(nb):
    nb.cells[3].execution_count = None


def _break_order(nb):
    nb.cells[3].execution_count, nb.cells[4].execution_count = 4, 3


def _break_stderr(nb):
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful")]


def _break_widget_stderr(nb):
    nb.metadata["widgets"] = {_nbtools.WIDGET_STATE_MIME: {"state": {"a" * 32: {"state": {
        "outputs": [{"output_type": "stream", "name": "stderr", "text": "RuntimeWarning"}]}}}}}


def _break_error(nb):
    nb.cells[1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[])]


def _break_marker(nb):
    nb.cells[5].source = "# NBVAL_IGNORE_OUTPUT  (numbers)\n" + nb.cells[5].source


def _break_slider_plumbing(nb):
    nb.cells[2].source = "# NBVAL_IGNORE_OUTPUT\n" + nb.cells[2].source


def _break_slider_tag(nb):
    nb.cells[2].metadata["tags"].remove(TAG_NBVAL_IGNORE)


def _break_check_import(nb):
    _first_check(nb).source = 'check("1.1", f1)'


def _drop_tag(tag):
    def breaker(nb):
        for cell in nb.cells:
            if tag in _nbtools.tags(cell):
                cell.metadata["tags"].remove(tag)
    return breaker


def _break_png(nb):
    _cell_with(nb, lambda c: TAG_STATIC_FIGURE in _nbtools.tags(c)).outputs = []


def _break_key_numbers(nb):
    _cell_with(nb, lambda c: TAG_KEY_NUMBERS in _nbtools.tags(c)).outputs = []


def _break_check_status(nb):
    _first_check(nb).outputs[0]["data"]["text/plain"] = "[wrong] Exercise 1.1\nexpected 2, got 3"


def _break_check_id(nb):
    _first_check(nb).source = f'{CHECK_IMPORT}\ncheck("1.2", f1)'


def _break_pairing(nb):
    index = nb.cells.index(_first_check(nb))
    nb.cells.insert(index, nbformat.v4.new_markdown_cell("between"))


def _break_nbgrader_meta(nb):
    _first_check(nb).metadata["nbgrader"]["locked"] = False


def _break_section(nb):
    nb.metadata["course"]["section"] = "Functions & change"


def _break_summary(nb):
    nb.cells[-1].source = "## Wrap-up"


def _break_setup(nb):
    nb.cells[1].source = nb.cells[1].source.replace("default_rng(1)", "default_rng()")


def _break_solution_outside_def(nb):
    cell = _cell_with(nb, _nbtools.is_exercise_cell)
    cell.source = f"{_nbtools.BEGIN_SOLUTION}\ndef f1(x):\n    return x\n{_nbtools.END_SOLUTION}"


def _break_untagged_interact(nb):
    nb.cells[5].source = 'interact(show, x=(0.0, 1.0))\nprint("rate 2.000")'


BREAKS = {
    "unexecuted cell": (_break_count, "never executed"),
    "cells run out of order": (_break_order, "execution count 4, expected 3"),
    "stderr output": (_break_stderr, "stderr"),
    "stderr inside an Output widget": (_break_widget_stderr, "output widget"),
    "error output": (_break_error, "error"),
    "nbval marker with trailing text": (_break_marker, "not an nbval marker alone"),
    "interactive tag missing": (_drop_tag(TAG_INTERACTIVE), "at least 2 are required"),
    "static-figure tag missing": (_drop_tag(TAG_STATIC_FIGURE), "static-figure"),
    "static figure without PNG": (_break_png, "no stored PNG"),
    "key-numbers tag missing": (_drop_tag(TAG_KEY_NUMBERS), "key-numbers"),
    "key numbers without stdout": (_break_key_numbers, "stored stdout"),
    "check output not passed": (_break_check_status, "must say 'passed'"),
    "check calls the wrong id": (_break_check_id, 'check("1.1"'),
    "check cell not right after its exercise": (_break_pairing, "followed directly by its check cell"),
    "check cell metadata": (_break_nbgrader_meta, "nbgrader metadata must be"),
    "section title": (_break_section, "must be chapter 1's heading"),
    "summary heading": (_break_summary, "Summary"),
    "unseeded rng": (_break_setup, "seeded"),
    "solution region outside the def": (_break_solution_outside_def, "inside a function body"),
    "interact in an untagged cell": (_break_untagged_interact, "not tagged 'interactive'"),
    "nbval comment in a slider cell": (_break_slider_plumbing, "test plumbing"),
    "slider cell without the nbval tag": (_break_slider_tag, "must be code tagged 'nbval-ignore-output'"),
    "check cell without its import": (_break_check_import, "must start with `from calclib.exercises import check`"),
    "code line too long": (lambda nb: setattr(nb.cells[5], "source", nb.cells[5].source + "  # " + "x" * 100),
                           "fit JupyterLab's code cell"),
}


@pytest.mark.parametrize("case", list(BREAKS))
def test_checkers_catch_a_broken_convention(case):
    breaker, expected = BREAKS[case]
    nb = fixture_notebook()
    breaker(nb)
    problems = _all_problems(nb)
    assert any(expected in p for p in problems), f"{case}: expected a problem mentioning {expected!r}, got {problems}"


def test_checker_catches_wrong_file_name_and_chapter():
    problems = structure_problems(fixture_notebook(chapter=2), "01_demo.ipynb")
    assert any("does not match course chapter 2" in p for p in problems)
    assert any("NN_slug" in p for p in structure_problems(fixture_notebook(), "chapter1.ipynb"))
