#!/usr/bin/env python3
"""Write the student version of the course notebooks (``make student``).

Usage::

    .venv/bin/python tools/make_student.py notebooks build/student [--force]

For every ``*.ipynb`` in the source folder, the student copy in the output
folder has

* each solution region (``### BEGIN SOLUTION`` ... ``### END SOLUTION``)
  replaced by nbgrader's stub, indented like the BEGIN marker::

      # YOUR CODE HERE
      raise NotImplementedError()

  (in a markdown cell the stub is ``YOUR ANSWER HERE``);
* each hidden-test region (``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN
  TESTS``) removed, markers included;
* every cell tagged ``solution-only`` removed;
* all outputs, execution counts, execution timing and stored widget state
  cleared;
* everything else kept, in particular the nbgrader cell metadata, so the
  teacher copy still works with ``nbgrader generate_assignment``.

Markers must stand alone on their line, exactly as above. In code cells, and
in markdown cells that nbgrader marks as solution cells (answer cells), a
line that mentions a marker in any other way is refused as a mangled marker;
a markdown answer cell without markers becomes ``YOUR ANSWER HERE`` as a
whole, as nbgrader does. In other markdown (and raw) cells only a line that
is exactly a marker, outside a fenced code block, is one: prose that quotes
the markers ("put your code between `### BEGIN SOLUTION` and ...") stays as
it is. Unbalanced, nested or misordered markers, a mangled marker, or an
nbgrader code solution cell without a solution region are reported with the
file, the cell index and the line.

Each notebook is built on its own: one that cannot be read (not valid JSON,
not a notebook), does not follow the nbformat schema, has marker errors, or
whose student version would not follow the schema (every notebook written is
checked with ``nbformat.validate`` first) is reported by file name and not
written, and the build goes on with the others. The exit status then says
that something failed, and the last lines name each notebook concerned. An
output path that is taken (a file where the output folder should be, a
folder where a notebook should be written) is reported in words.

The tool never overwrites a file a teacher may have edited: it records the
sha256 of each file it writes in ``<out>/.manifest.json``. An existing output
file that differs both from what the tool last wrote there and from what it
would write now is left alone (the others are still written) unless
``--force`` is given. Files in the output folder that the tool did not write
under that name are never deleted. Nothing else is copied: the notebooks
import ``calclib``, which is installed.

Exit status: 0 success; 1 a broken notebook, a marker error or bad input
(named); 2 refused to overwrite edited files (and nothing else went wrong);
130 interrupted with Ctrl-C (the files written so far are recorded in the
manifest).
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import json
import re
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _nbtools  # noqa: E402
from _nbtools import (  # noqa: E402
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    CODE_STUB,
    END_HIDDEN,
    END_SOLUTION,
    TAG_SOLUTION_ONLY,
    TEXT_STUB,
)

MANIFEST = ".manifest.json"
GENERATOR = "tools/make_student.py"

_KIND = {BEGIN_SOLUTION: "SOLUTION", END_SOLUTION: "SOLUTION", BEGIN_HIDDEN: "HIDDEN TESTS", END_HIDDEN: "HIDDEN TESTS"}
# Text that identifies a line as meant to be a marker (possibly mistyped).
_MARKER_WORDS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


class MarkerError(ValueError):
    """Solution or hidden-test markers that cannot be processed safely.

    ``line`` is the 1-based line in the cell source; the build adds the file
    and cell index to the message.
    """

    def __init__(self, message, line=None, where=None):
        self.line, self.detail, self.where = line, message, where
        location = ", ".join(str(part) for part in (where, None if line is None else f"line {line}") if part)
        super().__init__(f"{location}: {message}" if location else message)


class BuildFailed(RuntimeError):
    """Some notebooks were not built or not written; the others were.

    ``problems`` lists the messages (each starts with the path concerned),
    ``errors`` the exceptions behind them (:class:`MarkerError`,
    ``_nbtools.NotebookError``, :class:`OutputPathTaken`), ``left_out`` the
    paths of the notebooks not written, and ``actions`` what happened to the
    others (as :func:`build` returns it).
    """

    def __init__(self, problems, errors=(), actions=None, left_out=()):
        self.problems, self.errors, self.actions = list(problems), list(errors), dict(actions or {})
        self.left_out = list(left_out)
        super().__init__("\n".join(self.problems))


class BuildRefused(BuildFailed):
    """The build would overwrite files changed since the tool wrote them (nothing else failed)."""


class OutputPathTaken(ValueError):
    """The output folder, or a file in it, cannot be written because something else is there."""


def _marker_on(line, prose=False):
    """Return the exact marker on `line`, None if there is none, "malformed" for a mangled one.

    In `prose` (markdown that is not an answer cell) a line that is not exactly
    a marker is text, whatever it mentions.
    """
    stripped = line.strip()
    if stripped in _KIND:
        return stripped
    if not prose and any(word in line.upper() for word in _MARKER_WORDS):
        return "malformed"
    return None


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _fenced_lines(lines):
    """For each markdown line, whether it belongs to a fenced code block (fences included).

    >>> _fenced_lines(["text", "```python", "### BEGIN SOLUTION", "```", "after"])
    [False, True, True, True, False]
    """
    inside, fence, flags = False, "", []
    for line in lines:
        match = _FENCE.match(line)
        if not inside and match:
            inside, fence = True, match.group(1)
            flags.append(True)
        elif inside:
            flags.append(True)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                inside = False
        else:
            flags.append(False)
    return flags


def strip_solutions(source, cell_type="code", prose=None):
    """Return `source` with solution regions stubbed and hidden-test regions removed.

    A solution region becomes nbgrader's stub, indented like its BEGIN marker
    (``YOUR ANSWER HERE`` in markdown cells); a hidden-test region disappears
    with its markers. Raises :class:`MarkerError` (with the 1-based line) on
    unbalanced, nested or misordered markers, or on a marker that does not
    stand alone on its line.

    `prose` (default: true for markdown and raw cells) is for text that is not
    an answer cell: there, only a line that is exactly a marker and lies
    outside a fenced code block is a marker; any other mention of a marker is
    text. :func:`make_student_notebook` passes ``prose=False`` for markdown
    answer cells, whose markers follow the code-cell rules.

    >>> src = '''def double(x):
    ...     \"\"\"Return 2 x.\"\"\"
    ...     ### BEGIN SOLUTION
    ...     return 2 * x
    ...     ### END SOLUTION'''
    >>> print(strip_solutions(src))
    def double(x):
        \"\"\"Return 2 x.\"\"\"
        # YOUR CODE HERE
        raise NotImplementedError()
    >>> print(strip_solutions('check("1.1", f)\\n### BEGIN HIDDEN TESTS\\nassert f(2) == 4\\n### END HIDDEN TESTS'))
    check("1.1", f)
    >>> print(strip_solutions("The slope is\\n### BEGIN SOLUTION\\n2\\n### END SOLUTION", "markdown"))
    The slope is
    YOUR ANSWER HERE
    >>> strip_solutions("### BEGIN SOLUTION\\nx = 1")
    Traceback (most recent call last):
    ...
    make_student.MarkerError: line 1: ### BEGIN SOLUTION is never closed by ### END SOLUTION
    >>> strip_solutions("x = 1\\n### END SOLUTION")
    Traceback (most recent call last):
    ...
    make_student.MarkerError: line 2: ### END SOLUTION without a ### BEGIN SOLUTION before it
    >>> strip_solutions("x = 1  ### BEGIN SOLUTION")
    Traceback (most recent call last):
    ...
    make_student.MarkerError: line 1: a marker must stand alone on its line, exactly '### BEGIN SOLUTION', '### END SOLUTION', '### BEGIN HIDDEN TESTS' or '### END HIDDEN TESTS'; got 'x = 1  ### BEGIN SOLUTION'
    >>> note = "Put your code between `### BEGIN SOLUTION` and `### END SOLUTION`."
    >>> strip_solutions(note, "markdown") == note
    True
    """
    if prose is None:
        prose = cell_type != "code"
    lines = source.split("\n")
    quoted = _fenced_lines(lines) if prose else [False] * len(lines)
    out = []
    open_marker = None  # (marker, line number, indent)
    for number, (line, in_fence) in enumerate(zip(lines, quoted), start=1):
        marker = None if in_fence else _marker_on(line, prose=prose)
        if marker == "malformed":
            raise MarkerError(
                "a marker must stand alone on its line, exactly "
                f"'{BEGIN_SOLUTION}', '{END_SOLUTION}', '{BEGIN_HIDDEN}' or '{END_HIDDEN}'; got {line.strip()!r}",
                number,
            )
        if marker is None:
            if open_marker is None:
                out.append(line)
            continue
        if marker in (BEGIN_SOLUTION, BEGIN_HIDDEN):
            if open_marker is not None:
                raise MarkerError(
                    f"{marker} inside the region opened by {open_marker[0]} on line {open_marker[1]} "
                    "(regions cannot nest; close it first)",
                    number,
                )
            indent = line[: len(line) - len(line.lstrip())]
            open_marker = (marker, number, indent)
            if marker == BEGIN_SOLUTION:
                stub = CODE_STUB if cell_type == "code" else (TEXT_STUB,)
                out.extend(indent + stub_line for stub_line in stub)
            continue
        # an END marker
        begin = BEGIN_SOLUTION if marker == END_SOLUTION else BEGIN_HIDDEN
        if open_marker is None:
            raise MarkerError(f"{marker} without a {begin} before it", number)
        if open_marker[0] != begin:
            raise MarkerError(
                f"{marker} closes the region opened by {open_marker[0]} on line {open_marker[1]} "
                f"(misordered markers; expected {'### END ' + _KIND[open_marker[0]]})",
                number,
            )
        open_marker = None
    if open_marker is not None:
        end = END_SOLUTION if open_marker[0] == BEGIN_SOLUTION else END_HIDDEN
        raise MarkerError(f"{open_marker[0]} is never closed by {end}", open_marker[1])
    return "\n".join(out)


def has_solution_region(source):
    """True if `source` contains a ``### BEGIN SOLUTION`` line.

    >>> has_solution_region("def f():\\n    ### BEGIN SOLUTION\\n    pass\\n    ### END SOLUTION")
    True
    >>> has_solution_region("def f():\\n    pass")
    False
    """
    return any(line.strip() == BEGIN_SOLUTION for line in source.split("\n"))


def make_student_notebook(nb, name="<notebook>"):
    """Return the student version of notebook `nb` (which is not modified).

    Code cells and markdown answer cells (nbgrader ``solution: true``) follow
    the strict marker rules; a markdown answer cell without markers becomes
    ``YOUR ANSWER HERE`` (nbgrader's text stub); in other markdown and raw
    cells, prose that quotes the markers is kept (see :func:`strip_solutions`).
    Raises :class:`MarkerError` whose message names `name`, the cell index
    and the line.

    >>> import nbformat
    >>> v4 = nbformat.v4
    >>> ex = v4.new_code_cell("def f(x):\\n    ### BEGIN SOLUTION\\n    return x\\n    ### END SOLUTION",
    ...     metadata={"nbgrader": {"grade": False, "grade_id": "ex-1-1", "locked": False,
    ...               "schema_version": 3, "solution": True, "task": False}},
    ...     execution_count=3, outputs=[v4.new_output("stream", text="hi")])
    >>> teacher = v4.new_code_cell("f(1)", metadata={"tags": ["solution-only"]})
    >>> nb = v4.new_notebook(cells=[v4.new_markdown_cell("# Title"), ex, teacher])
    >>> student = make_student_notebook(nb)
    >>> [c.cell_type for c in student.cells]
    ['markdown', 'code']
    >>> print(student.cells[1].source)
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    >>> student.cells[1].outputs, student.cells[1].execution_count
    ([], None)
    >>> student.cells[1].metadata["nbgrader"]["grade_id"]
    'ex-1-1'
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    kept = []
    for index, cell in enumerate(nb.cells):
        if TAG_SOLUTION_ONLY in _nbtools.tags(cell):
            continue
        where = f"{name}: cell {index}"
        grade_id = _nbtools.nbgrader_meta(cell).get("grade_id")
        if grade_id:
            where += f" ({grade_id})"
        answer_cell = _nbtools.nbgrader_meta(cell).get("solution") is True
        try:
            stripped = strip_solutions(cell.source, cell.cell_type, prose=cell.cell_type != "code" and not answer_cell)
        except MarkerError as exc:
            raise MarkerError(exc.detail, exc.line, where) from None
        if answer_cell and not has_solution_region(cell.source):
            if cell.cell_type == "code":
                raise MarkerError(
                    f"nbgrader marks this as a solution cell but it has no {BEGIN_SOLUTION} region; "
                    "its code would reach the students. Add the markers or remove the nbgrader solution flag.",
                    where=where,
                )
            stripped = TEXT_STUB  # a written answer without markers: nbgrader replaces all of it
        cell.source = stripped
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        kept.append(cell)
    nb.cells = kept
    return nb


def _serialize(nb):
    import nbformat

    text = nbformat.writes(nb)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _read_manifest(out_dir, force):
    path = out_dir / MANIFEST
    if path.is_dir():
        raise OutputPathTaken(f"{path} is a folder; the build keeps its record of written files there. Move it away.")
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError("'files' is not a mapping")
        return {str(k): str(v) for k, v in files.items()}
    except (ValueError, KeyError, TypeError) as exc:
        if force:
            return {}
        raise BuildRefused(
            [f"{path} is not a manifest this tool can read ({exc}); without it, edited files cannot be told "
             "from generated ones. Move the folder away or rerun with --force."]
        ) from None


def _check_output_folder(out_dir):
    """Raise :class:`OutputPathTaken` unless `out_dir` is a folder or can be made one."""
    for folder in (out_dir, *out_dir.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                what = "the output folder" if folder == out_dir else f"a folder on the way to {out_dir}"
                raise OutputPathTaken(
                    f"{folder} is a file, but {what} has to be there; move the file away or choose another "
                    "output folder."
                )
            return


def _write_manifest(out_dir, manifest):
    doc = {
        "generator": GENERATOR,
        "note": "sha256 of each file as make_student last wrote it; edited files are not overwritten without --force",
        "files": dict(sorted(manifest.items())),
    }
    _nbtools.atomic_write(out_dir / MANIFEST, json.dumps(doc, indent=1) + "\n")


@contextlib.contextmanager
def _ctrl_c_held():
    """Hold a Ctrl-C (SIGINT) that comes inside the block; raise KeyboardInterrupt after it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives Python signal handlers
        return
    pending = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt


def build(src_dir, out_dir, force=False):
    """Write the student version of every notebook in `src_dir` into `out_dir`.

    Returns a dict mapping each output file name to what happened to it:
    ``"written"`` (new), ``"updated"``, ``"unchanged"``, or ``"overwritten"``
    (a changed file replaced because `force` is true).

    Each notebook is built on its own. A notebook that cannot be read, breaks
    the nbformat schema, has marker errors, would give a schema-invalid
    student version, or whose output path is a folder, is not written; nor
    is an output file changed since this tool wrote it (unless `force`). The
    others are written all the same, and then :class:`BuildFailed` (or
    :class:`BuildRefused` when only edited files stood in the way) is raised,
    naming each notebook left out. Files in `out_dir` that this tool did not
    produce under that name are never deleted. Raises
    :class:`OutputPathTaken` (nothing written) when a file sits where the
    output folder should be.

    >>> import tempfile, nbformat
    >>> tmp = Path(tempfile.mkdtemp())
    >>> (tmp / "src").mkdir()
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]),
    ...                tmp / "src" / "01_demo.ipynb")
    >>> build(tmp / "src", tmp / "out")
    {'01_demo.ipynb': 'written'}
    >>> build(tmp / "src", tmp / "out")
    {'01_demo.ipynb': 'unchanged'}
    >>> _ = (tmp / "out" / "01_demo.ipynb").write_text("{}")  # a teacher edits the copy
    >>> build(tmp / "src", tmp / "out")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    make_student.BuildRefused: ...01_demo.ipynb was changed after make_student wrote it...
    >>> build(tmp / "src", tmp / "out", force=True)
    {'01_demo.ipynb': 'overwritten'}
    """
    src_dir, out_dir = Path(src_dir), Path(out_dir)
    if not src_dir.is_dir():
        raise FileNotFoundError(f"{src_dir} is not a folder")
    sources = sorted(src_dir.glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no notebooks (*.ipynb) in {src_dir}")
    if out_dir.resolve() == src_dir.resolve():
        raise ValueError("the output folder must differ from the source folder")
    _check_output_folder(out_dir)

    problems, errors, refused, left_out = [], [], [], []
    rendered = {}
    for path in sources:
        try:
            student = make_student_notebook(_nbtools.read_notebook(path), name=str(path))
            problem = _nbtools.schema_problem(student)
            if problem:
                raise _nbtools.NotebookError(
                    f"{path}: its student version would not follow the notebook format (nbformat schema): "
                    f"{problem}; it was not written"
                )
        except (MarkerError, _nbtools.NotebookError) as exc:
            problems.append(str(exc))
            errors.append(exc)
            left_out.append(str(path))
            continue
        rendered[path.name] = _serialize(student)

    manifest = _read_manifest(out_dir, force) if out_dir.is_dir() else {}
    actions = {}
    for name, data in rendered.items():
        target = out_dir / name
        if target.is_dir():
            exc = OutputPathTaken(f"{target} is a folder, so the student notebook cannot be written there; "
                                  "move the folder away")
            problems.append(str(exc))
            errors.append(exc)
            left_out.append(str(target))
            continue
        if not target.exists():
            actions[name] = "written"
            continue
        current = _sha256(target.read_bytes())
        if current == _sha256(data):
            actions[name] = "unchanged"
        elif manifest.get(name) == current:
            actions[name] = "updated"
        elif force:
            actions[name] = "overwritten"
        else:
            how = "was changed after make_student wrote it" if name in manifest else "was not written by make_student"
            refused.append(f"{target} {how}")
            left_out.append(str(target))

    if actions:
        out_dir.mkdir(parents=True, exist_ok=True)
        # Ctrl-C waits until the files and the manifest that records them agree (milliseconds).
        with _ctrl_c_held():
            for name, action in actions.items():
                if action != "unchanged":
                    _nbtools.atomic_write(out_dir / name, rendered[name])
                manifest[name] = _sha256(rendered[name])
            _write_manifest(out_dir, manifest)
    if refused:
        problems.append(
            "refusing to overwrite:\n  " + "\n  ".join(refused)
            + "\nMove or rename these files (a teacher's edits are kept that way), or rerun with --force "
            "to replace them."
        )
    if problems:
        cls = BuildRefused if refused and not errors else BuildFailed
        raise cls(problems, errors, actions, left_out)
    return actions


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, help="folder with the teacher notebooks (e.g. notebooks)")
    parser.add_argument("out", type=Path, help="folder for the student notebooks (e.g. build/student)")
    parser.add_argument("--force", action="store_true", help="overwrite student files even if they were edited")
    args = parser.parse_args(argv)
    failure = None
    try:
        actions = build(args.src, args.out, force=args.force)
    except BuildFailed as exc:
        failure, actions = exc, exc.actions
    except (FileNotFoundError, ValueError) as exc:  # bad arguments, output path taken
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. a read-only output folder
        print(f"error: {exc.filename or args.out}: cannot be written ({exc.strerror or exc})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted (Ctrl-C); the files written so far are recorded in the manifest.", file=sys.stderr)
        return 130
    for name, action in actions.items():
        print(f"{args.out / name}: {action}")
    manifest = args.out / MANIFEST
    if manifest.is_file():
        for name in sorted(set(json.loads(manifest.read_text(encoding="utf-8"))["files"]) - set(actions)):
            if (args.out / name).exists() and not (args.src / name).exists():
                print(f"note: {args.out / name} has no source notebook any more; left in place.")
    if failure is None:
        return 0
    for problem in failure.problems:
        print(f"error: {problem}", file=sys.stderr)
    if failure.left_out:
        print(f"{len(failure.left_out)} notebook(s) not written: {', '.join(failure.left_out)}", file=sys.stderr)
    return 2 if isinstance(failure, BuildRefused) else 1

if __name__ == "__main__":
    sys.exit(main())
