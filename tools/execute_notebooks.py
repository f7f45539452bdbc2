#!/usr/bin/env python3
"""Regenerate the stored outputs of course notebooks, by script (``make execute``).

Usage::

    .venv/bin/python tools/execute_notebooks.py notebooks/*.ipynb [--timeout 120]

Each notebook runs top to bottom with nbclient in a fresh kernel of *this*
interpreter (ipykernel's built-in spec; nothing is registered), with the
notebook's folder as working directory and a deterministic environment
(``PYTHONHASHSEED=0``, ``MPLBACKEND`` unset so ``%matplotlib inline`` applies,
a throw-away ``IPYTHONDIR``). A notebook is written back in place only if
every cell ran and no output (including output captured by ``interact``'s
Output widget) is a stderr stream (a warning) or an error; otherwise the file
is left untouched and the tool exits with status 1, naming the notebook and
the cell index. Volatile metadata (execution timing) is not stored and widget
model ids are derived from the file name, so running it twice gives no diff.
Widget state (each slider's initial picture, for pages shown without a kernel)
is stored unless ``--no-widget-state`` is given.

A notebook that cannot be used (not valid JSON, not a notebook, not following
the nbformat schema) or that fails is reported by file name and the run goes
on with the others; the exit status is 1 and the last line names each failed
notebook. Ctrl-C stops the whole run at once: the running kernel is killed
(no kernel is left behind), the notebook being executed is left unchanged,
the notebooks not yet run are named, and the exit status is 130.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _nbtools  # noqa: E402


class ExecutionFailed(RuntimeError):
    """A notebook did not run cleanly; the message names the file and the cell."""


def _nbformat():
    import nbformat

    return nbformat


def execute_notebook(path, timeout=120, store_widget_state=True):
    """Execute the notebook at `path`; return the executed notebook, unwritten.

    Raises :class:`ExecutionFailed` naming the file and the cell index when a
    cell fails, or when an output is a stderr stream or an unexpected error.
    """
    path = Path(path)
    try:
        nb = _nbtools.read_notebook(path)
    except _nbtools.NotebookError as exc:
        raise ExecutionFailed(str(exc)) from None
    try:
        executed = _nbtools.run_notebook(
            nb, cwd=path.resolve().parent, timeout=timeout, salt=path.name, store_widget_state=store_widget_state
        )
    except _nbtools.CellError as exc:
        where = "kernel start" if exc.cell_index < 0 else f"cell {exc.cell_index}"
        cause = exc.cause
        if getattr(cause, "ename", None):  # the cell raised: its exception first, then its traceback
            lines = _nbtools._ANSI.sub("", str(getattr(cause, "traceback", ""))).splitlines()
            start = next((i for i, line in enumerate(lines) if "Traceback (most recent call last)" in line), 0)
            detail = "\n".join(lines[start:][-12:])
            raise ExecutionFailed(
                f"{path}: {where}: {cause.ename}: {cause.evalue}\n    " + detail.strip().replace("\n", "\n    ")
            ) from exc
        raise ExecutionFailed(f"{path}: {where}: {type(cause).__name__}: {_nbtools._short(cause)}") from exc
    problems = _nbtools.problem_outputs(executed)
    if problems:
        lines = [f"{path}: output on stderr or an error (fix the warning; it would also fail nbval):"]
        for where, kind, text in problems:
            lines.append(f"  {where}: {kind}: {text.strip()[:500]}")
        raise ExecutionFailed("\n".join(lines))
    return executed


def serialize(nb):
    """Serialize `nb` the way Jupyter writes notebooks (sorted keys, indent 1, final newline).

    >>> import nbformat
    >>> serialize(nbformat.v4.new_notebook()).endswith("}\\n")
    True
    """
    nbformat = _nbformat()
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebook files to execute in place")
    parser.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell (default 120)")
    parser.add_argument(
        "--no-widget-state",
        action="store_true",
        help="do not store widget state (by default it is stored, so a page without a kernel shows each "
        "slider's first picture)",
    )
    args = parser.parse_args(argv)

    failed = []
    interrupted = None
    current = {"number": 0, "written": False}
    try:
        with _nbtools.stop_on_ctrl_c() as ctrl_c:
            for number, path in enumerate(args.notebooks):
                current.update(number=number, written=False)
                start = time.perf_counter()
                try:
                    if not path.exists():
                        raise ExecutionFailed(f"{path}: no such notebook")
                    executed = execute_notebook(
                        path, timeout=args.timeout, store_widget_state=not args.no_widget_state
                    )
                    new = serialize(executed)
                    if new != path.read_text(encoding="utf-8"):
                        _nbtools.atomic_write(path, new)
                        current["written"], what = True, "updated"
                    else:
                        what = "unchanged"
                    print(f"{path}: {what} ({time.perf_counter() - start:.1f} s)", flush=True)
                except (ExecutionFailed, OSError) as exc:
                    if ctrl_c.requested:  # the interruption surfaced as a failure of the killed kernel
                        raise KeyboardInterrupt from None
                    if isinstance(exc, OSError):
                        exc = f"{path}: cannot write the executed notebook ({exc.strerror or exc})"
                    print(f"error: {exc}\n  {path} was left unchanged.", file=sys.stderr, flush=True)
                    failed.append(path)
    except KeyboardInterrupt:
        interrupted = (current["number"], args.notebooks[current["number"]], current["written"])
    if interrupted is not None:
        number, path, written = interrupted
        rest = [str(p) for p in args.notebooks[number + 1:]]
        print(
            f"interrupted (Ctrl-C) while executing {path}; its kernel was stopped and "
            + ("the file was already written." if written else "the file was left unchanged.")
            + (f"\nnot run: {', '.join(rest)}" if rest else ""),
            file=sys.stderr,
        )
        if failed:
            print(f"failed before the interruption: {', '.join(map(str, failed))}", file=sys.stderr)
        return 130
    if failed:
        print(
            f"{len(failed)} of {len(args.notebooks)} notebook(s) failed (see the messages above): "
            + ", ".join(map(str, failed)),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
