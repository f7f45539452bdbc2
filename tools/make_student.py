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

Markers must stand alone on their line, exactly as above. Unbalanced, nested
or misordered markers, a marker with other text on its line, or an nbgrader
solution cell without a solution region stop the build before anything is
written, with a message naming the file, the cell index and the line.

The tool never overwrites a file a teacher may have edited: it records the
sha256 of each file it writes in ``<out>/.manifest.json``. An existing output
file that differs both from what the tool last wrote there and from what it
would write now is left alone and the build is refused (exit status 2) unless
``--force`` is given. Files in the output folder that the tool did not write
under that name are never deleted. Nothing else is copied: the notebooks
import ``calclib``, which is installed.

Exit status: 0 success, 1 marker error or bad input, 2 refused to overwrite.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
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


class BuildRefused(RuntimeError):
    """The build would overwrite a file that was changed since the tool wrote it."""


def _marker_on(line):
    """Return the exact marker on `line`, None if there is none, "malformed" for a mangled one."""
    stripped = line.strip()
    if stripped in _KIND:
        return stripped
    if any(word in line.upper() for word in _MARKER_WORDS):
        return "malformed"
    return None


def strip_solutions(source, cell_type="code"):
    """Return `source` with solution regions stubbed and hidden-test regions removed.

    A solution region becomes nbgrader's stub, indented like its BEGIN marker
    (``YOUR ANSWER HERE`` in markdown cells); a hidden-test region disappears
    with its markers. Raises :class:`MarkerError` (with the 1-based line) on
    unbalanced, nested or misordered markers, or on a marker that does not
    stand alone on its line.

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
    """
    lines = source.split("\n")
    out = []
    open_marker = None  # (marker, line number, indent)
    for number, line in enumerate(lines, start=1):
        marker = _marker_on(line)
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
        try:
            stripped = strip_solutions(cell.source, cell.cell_type)
        except MarkerError as exc:
            raise MarkerError(exc.detail, exc.line, where) from None
        if _nbtools.nbgrader_meta(cell).get("solution") is True and not has_solution_region(cell.source):
            raise MarkerError(
                f"nbgrader marks this as a solution cell but it has no {BEGIN_SOLUTION} region; "
                "its code would reach the students. Add the markers or remove the nbgrader solution flag.",
                where=where,
            )
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
            f"{path} is not a manifest this tool can read ({exc}); without it, edited files cannot be told "
            "from generated ones. Move the folder away or rerun with --force."
        ) from None


def build(src_dir, out_dir, force=False):
    """Write the student version of every notebook in `src_dir` into `out_dir`.

    Returns a dict mapping each output file name to what happened to it:
    ``"written"`` (new), ``"updated"``, ``"unchanged"``, or ``"overwritten"``
    (a changed file replaced because `force` is true). Raises
    :class:`MarkerError` on bad markers and :class:`BuildRefused` when an
    output file was changed since this tool wrote it (unless `force`); in
    both cases nothing is written. Files in `out_dir` that this tool did
    not produce under that name are never deleted.

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
    import nbformat

    src_dir, out_dir = Path(src_dir), Path(out_dir)
    if not src_dir.is_dir():
        raise FileNotFoundError(f"{src_dir} is not a folder")
    sources = sorted(src_dir.glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no notebooks (*.ipynb) in {src_dir}")
    if out_dir.resolve() == src_dir.resolve():
        raise ValueError("the output folder must differ from the source folder")

    rendered = {}
    for path in sources:
        nb = nbformat.read(path, as_version=4)
        rendered[path.name] = _serialize(make_student_notebook(nb, name=str(path)))

    manifest = _read_manifest(out_dir, force) if out_dir.exists() else {}
    actions, refused = {}, []
    for name, data in rendered.items():
        target = out_dir / name
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
    if refused:
        raise BuildRefused(
            "refusing to overwrite:\n  "
            + "\n  ".join(refused)
            + "\nMove or rename these files (a teacher's edits are kept that way), or rerun with --force "
            "to replace them."
        )

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in rendered.items():
        if actions[name] != "unchanged":
            _nbtools.atomic_write(out_dir / name, data)
        manifest[name] = _sha256(data)
    manifest_doc = {
        "generator": GENERATOR,
        "note": "sha256 of each file as make_student last wrote it; edited files are not overwritten without --force",
        "files": dict(sorted(manifest.items())),
    }
    _nbtools.atomic_write(out_dir / MANIFEST, json.dumps(manifest_doc, indent=1) + "\n")
    return actions


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, help="folder with the teacher notebooks (e.g. notebooks)")
    parser.add_argument("out", type=Path, help="folder for the student notebooks (e.g. build/student)")
    parser.add_argument("--force", action="store_true", help="overwrite student files even if they were edited")
    args = parser.parse_args(argv)
    try:
        actions = build(args.src, args.out, force=args.force)
    except MarkerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return 1
    except BuildRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, action in actions.items():
        print(f"{args.out / name}: {action}")
    stale = sorted(
        set(json.loads((args.out / MANIFEST).read_text(encoding="utf-8"))["files"]) - set(actions)
    )
    for name in stale:
        if (args.out / name).exists():
            print(f"note: {args.out / name} has no source notebook any more; left in place.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
