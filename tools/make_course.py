#!/usr/bin/env python3
"""Set up an nbgrader course folder from the course notebooks (``make course``).

Usage::

    .venv/bin/python tools/make_course.py notebooks build/course [--chapters 1 2] [--force]

The course folder gets

* ``nbgrader_config.py`` and ``course_preprocessors.py`` (from ``classroom/``):
  nbgrader's defaults plus a preprocessor that keeps the teacher's notes
  (cells tagged ``solution-only``) and the stored widget state out of
  ``release/`` and ``feedback/``;
* ``source/chNN/``: the teacher notebooks of chapter NN (metadata
  ``course.chapter``), copied unchanged, one assignment per chapter (all
  chapters, or those given with ``--chapters``);
* ``gradebook.db``: nbgrader's gradebook, with those assignments in it.

The teacher then runs ``nbgrader generate_assignment chNN`` in the course folder,
and later ``autograde``, ``export`` and ``generate_feedback``, without editing
anything.

The tool never overwrites a file a teacher may have edited: it records the
sha256 of each file it writes in ``.make_course.json``. An existing file that
differs both from what the tool last wrote there and from what it would write
now is left alone and the whole run is refused (exit status 2) unless
``--force`` is given. The gradebook is never replaced: missing assignments are
added to it, nothing in it is changed or removed. Nothing else in the course
folder (``release/``, ``submitted/``, ``autograded/``, ``feedback/``, files of
the teacher's) is touched.

Exit status: 0 success, 1 bad input, 2 refused to overwrite.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _nbtools  # noqa: E402

__all__ = ["CourseError", "BuildRefused", "assignment_name", "plan_course", "build", "main"]

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "classroom"
KIT_FILES = ("nbgrader_config.py", "course_preprocessors.py")
MANIFEST = ".make_course.json"
GENERATOR = "tools/make_course.py"


class CourseError(ValueError):
    """Input the tool cannot make a course from (the message says which and why)."""


class BuildRefused(RuntimeError):
    """The run would overwrite a file that was changed since the tool wrote it."""


def assignment_name(chapter):
    """The nbgrader assignment of chapter `chapter`.

    >>> assignment_name(2), assignment_name(12)
    ('ch02', 'ch12')
    """
    return f"ch{int(chapter):02d}"


def _chapter_of(path):
    try:
        nb = _nbtools.read_notebook(path)
    except _nbtools.NotebookError as exc:
        raise CourseError(str(exc)) from None
    chapter = nb.metadata.get("course", {}).get("chapter")
    if isinstance(chapter, bool) or not isinstance(chapter, int) or chapter < 1:
        raise CourseError(f"{path}: notebook metadata `course.chapter` must be a positive integer, got {chapter!r}")
    return chapter


def plan_course(notebooks, chapters=None):
    """Map every file the course folder needs (relative path) to its content.

    Parameters
    ----------
    notebooks : path
        Folder with the teacher notebooks (``*.ipynb`` with metadata ``course.chapter``).
    chapters : iterable of int, optional
        Only these chapters (default: every chapter found).

    Returns
    -------
    files : dict
        ``{relative path: bytes}``: the kit files and ``source/chNN/<notebook>``.
    assignments : list of str
        The assignments, in chapter order.

    Examples
    --------
    >>> files, assignments = plan_course(ROOT / "notebooks", chapters=[1])
    >>> assignments
    ['ch01']
    >>> sorted(files)[:2]
    ['course_preprocessors.py', 'nbgrader_config.py']
    >>> all(name.startswith("source/ch01/") and name.endswith(".ipynb") for name in sorted(files)[2:])
    True
    >>> plan_course(ROOT / "notebooks", chapters=[99])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    make_course.CourseError: `chapters` must name chapters that have notebooks (1, 2...), got 99
    """
    notebooks = Path(notebooks)
    if not notebooks.is_dir():
        raise CourseError(f"`notebooks` must be a folder of notebooks, got {str(notebooks)!r}")
    paths = sorted(notebooks.glob("*.ipynb"))
    if not paths:
        raise CourseError(f"`notebooks` must hold notebooks (*.ipynb); {notebooks} has none")
    by_chapter = {}
    for path in paths:
        by_chapter.setdefault(_chapter_of(path), []).append(path)
    wanted = sorted(by_chapter) if chapters is None else sorted(set(int(c) for c in chapters))
    unknown = [c for c in wanted if c not in by_chapter]
    if unknown:
        raise CourseError(
            f"`chapters` must name chapters that have notebooks ({', '.join(map(str, sorted(by_chapter)))}), "
            f"got {', '.join(map(str, unknown))}"
        )
    if not wanted:
        raise CourseError("`chapters` must name at least one chapter")
    files = {name: (CLASSROOM / name).read_bytes() for name in KIT_FILES}
    for chapter in wanted:
        for path in by_chapter[chapter]:
            files[f"source/{assignment_name(chapter)}/{path.name}"] = path.read_bytes()
    return files, [assignment_name(c) for c in wanted]


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _read_manifest(course, force):
    path = course / MANIFEST
    if not path.exists():
        return {}
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        if not isinstance(files, dict):
            raise TypeError("'files' is not a mapping")
        return {str(k): str(v) for k, v in files.items()}
    except (ValueError, KeyError, TypeError) as exc:
        if force:
            return {}
        raise BuildRefused(
            f"{path} is not a manifest this tool can read ({exc}); without it, edited files cannot be told "
            "from generated ones. Move the course folder away or rerun with --force."
        ) from None


def _add_assignments(course, names):
    """Add the assignments `names` that the course's gradebook lacks; return those added.

    The gradebook's location and course id are nbgrader's, read from the
    course's ``nbgrader_config.py`` by nbgrader's own classes.
    """
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader stamps a new gradebook by running the `alembic` command it finds on PATH
    # (nbgrader/api.py, get_alembic_version); it sits beside this interpreter, which
    # need not be on PATH (.venv/bin/python tools/make_course.py without activating).
    scripts = sysconfig.get_path("scripts")
    if not shutil.which("alembic", path=scripts):
        raise CourseError(f"nbgrader's `alembic` command is missing from {scripts}; reinstall the `classroom` extra")
    os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    coursedir = CourseDirectory(config=config, root=str(course.resolve()))
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        existing = {a.name for a in gb.assignments}
        added = [name for name in names if name not in existing]
        for name in added:
            gb.add_assignment(name)
    return added


def build(notebooks, course, chapters=None, force=False):
    """Set up (or update) the nbgrader course folder `course` from `notebooks`.

    Returns ``(actions, added)``: what happened to each file (``"written"``,
    ``"updated"``, ``"unchanged"`` or ``"overwritten"``, by relative path) and
    the assignments added to the gradebook. Raises :class:`CourseError` on bad
    input and :class:`BuildRefused` when a file was changed since this tool
    wrote it (unless `force`); in both cases nothing is written.
    """
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        raise CourseError(
            "nbgrader is not installed: install the `classroom` extra "
            "(`make course` does: pip install -c requirements/lock.txt -e '.[classroom]')"
        ) from None
    course = Path(course)
    if course.exists() and not course.is_dir():
        raise CourseError(f"`course` must be a folder, got the file {str(course)!r}")
    if course.resolve() == Path(notebooks).resolve():
        raise CourseError("`course` must differ from the notebooks folder")
    files, assignments = plan_course(notebooks, chapters)

    manifest = _read_manifest(course, force) if course.exists() else {}
    actions, refused = {}, []
    for name, data in files.items():
        target = course / name
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
            how = "was changed after make_course wrote it" if name in manifest else "was not written by make_course"
            refused.append(f"{target} {how}")
    if refused:
        raise BuildRefused(
            "refusing to overwrite:\n  "
            + "\n  ".join(refused)
            + "\nMove or rename these files (a teacher's edits are kept that way), or rerun with --force "
            "(make course FORCE=1) to replace them."
        )

    for name, data in files.items():
        if actions[name] != "unchanged":
            (course / name).parent.mkdir(parents=True, exist_ok=True)
            _nbtools.atomic_write(course / name, data)
        manifest[name] = _sha256(data)
    manifest_doc = {
        "generator": GENERATOR,
        "note": "sha256 of each file as make_course last wrote it; edited files are not overwritten without --force",
        "files": dict(sorted(manifest.items())),
    }
    _nbtools.atomic_write(course / MANIFEST, json.dumps(manifest_doc, indent=1) + "\n")
    return actions, _add_assignments(course, assignments)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", type=Path, help="folder with the teacher notebooks (e.g. notebooks)")
    parser.add_argument("course", type=Path, help="the nbgrader course folder (e.g. build/course)")
    parser.add_argument("--chapters", type=int, nargs="+", metavar="N",
                        help="only these chapters (default: every chapter)")
    parser.add_argument("--force", action="store_true", help="overwrite files even if they were edited")
    args = parser.parse_args(argv)
    try:
        actions, added = build(args.notebooks, args.course, chapters=args.chapters, force=args.force)
    except BuildRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return 2
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, action in actions.items():
        print(f"{args.course / name}: {action}")
    assignments = sorted({name.split("/")[1] for name in actions if name.startswith("source/")})
    print(f"{args.course / 'gradebook.db'}: "
          + (f"added assignments {', '.join(added)}" if added else "has every assignment already"))
    which = assignments[0] if len(assignments) == 1 else '"ch*"'
    print(f"next, with the course environment active (. .venv/bin/activate): cd {args.course} && "
          f"nbgrader generate_assignment {which}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
