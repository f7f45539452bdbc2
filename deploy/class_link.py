"""Print the nbgitpuller link that opens a chapter of the course for every student of a hub.

A student who clicks the link logs in to the hub (if needed); their server
starts, nbgitpuller clones the course into their home the first time (later:
pulls the changes and merges them, keeping the student's own edits), and
JupyterLab opens the chapter's notebook::

    python deploy/class_link.py --hub https://hub.example.org https://github.com/you/calculus-course main
    python deploy/class_link.py --hub https://hub.example.org REPO BRANCH --chapter 2

The chapter's notebook is found in this checkout's ``notebooks/`` folder
(``notebooks/01_*.ipynb`` for chapter 1), so run it from the repository you
give the link for.
"""
from __future__ import annotations

import argparse
import pathlib
import re
import sys
import urllib.parse

__all__ = ["chapter_notebook", "class_link", "main", "repo_folder"]

ROOT = pathlib.Path(__file__).resolve().parents[1]


def repo_folder(repo: str) -> str:
    """The folder a repository is cloned into: its last path component, without ``.git``.

    Parameters
    ----------
    repo : str
        The repository's URL (``https://``, ``git://``, ``ssh://`` or ``file://``) or path.

    Returns
    -------
    str
        The folder name in the student's home.

    Examples
    --------
    >>> repo_folder("https://github.com/you/calculus-course.git")
    'calculus-course'
    >>> repo_folder("git://127.0.0.1:9418/calculus-course/")
    'calculus-course'
    """
    if not isinstance(repo, str) or not repo.strip():
        raise ValueError(f"`repo` must be a repository URL, got {repo!r}")
    name = urllib.parse.urlsplit(repo.strip()).path.rstrip("/").rsplit("/", 1)[-1]
    name = name[:-4] if name.endswith(".git") else name
    if not name or name in (".", "..") or not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"`repo` must end in a repository name like .../calculus-course, got {repo!r}")
    return name


def chapter_notebook(chapter: int, notebooks: str | pathlib.Path = ROOT / "notebooks") -> str:
    """The path, inside the repository, of chapter ``chapter``'s notebook (``notebooks/NN_*.ipynb``).

    Parameters
    ----------
    chapter : int
        Chapter number, 1 or more.
    notebooks : path-like
        The checkout's ``notebooks/`` folder.

    Returns
    -------
    str
        For example ``"notebooks/01_functions_and_change.ipynb"``.

    Examples
    --------
    >>> chapter_notebook(1).startswith("notebooks/01_")
    True
    """
    if isinstance(chapter, bool) or not isinstance(chapter, int) or chapter < 1:
        raise ValueError(f"`chapter` must be a positive integer, got {chapter!r}")
    folder = pathlib.Path(notebooks)
    found = sorted(folder.glob(f"{chapter:02d}_*.ipynb"))
    if not found:
        have = ", ".join(p.name for p in sorted(folder.glob("*.ipynb"))) or "none"
        raise ValueError(f"`chapter` {chapter}: no notebook {chapter:02d}_*.ipynb in {folder} (have: {have})")
    if len(found) > 1:
        raise ValueError(f"`chapter` {chapter}: more than one notebook matches: {[p.name for p in found]}")
    return f"{folder.name}/{found[0].name}"


def class_link(hub: str, repo: str, branch: str, notebook: str, app: str = "lab") -> str:
    """The nbgitpuller link that pulls ``repo`` at ``branch`` and opens ``notebook`` on ``hub``.

    Parameters
    ----------
    hub : str
        The hub's address, ``http(s)://host[:port][/prefix]``.
    repo : str
        The course repository's URL, as the students' servers reach it.
    branch : str
        The branch to pull.
    notebook : str
        The notebook to open, relative to the repository (see :func:`chapter_notebook`).
    app : {"lab", "notebook"}
        Open it in JupyterLab (default) or in Jupyter Notebook 7.

    Returns
    -------
    str
        ``<hub>/hub/user-redirect/git-pull?repo=...&branch=...&targetpath=...&urlpath=...``

    Notes
    -----
    ``targetpath`` is given explicitly (:func:`repo_folder`), so a URL ending in
    ``.git`` still clones into ``calculus-course/``, and ``urlpath`` opens the
    notebook in that folder.

    Examples
    --------
    >>> link = class_link("https://hub.example.org", "https://github.com/you/calculus-course.git",
    ...                   "main", "notebooks/01_functions_and_change.ipynb")
    >>> link.split("?")[0]
    'https://hub.example.org/hub/user-redirect/git-pull'
    >>> q = dict(urllib.parse.parse_qsl(link.split("?")[1]))
    >>> q["targetpath"], q["urlpath"]
    ('calculus-course', 'lab/tree/calculus-course/notebooks/01_functions_and_change.ipynb')
    """
    parts = urllib.parse.urlsplit(hub.strip() if isinstance(hub, str) else "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"`hub` must be the hub's address like https://hub.example.org, got {hub!r}")
    if not isinstance(branch, str) or not re.fullmatch(r"[\w./-]+", branch) or branch.startswith("-"):
        raise ValueError(f"`branch` must be a branch name like main, got {branch!r}")
    if not isinstance(notebook, str) or not notebook.endswith(".ipynb") or notebook.startswith("/") \
            or ".." in pathlib.PurePosixPath(notebook).parts:
        raise ValueError(f"`notebook` must be a notebook path inside the repository, got {notebook!r}")
    if app not in ("lab", "notebook"):
        raise ValueError(f"`app` must be 'lab' or 'notebook', got {app!r}")
    folder = repo_folder(repo)
    tree = "lab/tree" if app == "lab" else "tree"
    query = urllib.parse.urlencode({
        "repo": repo.strip(), "branch": branch, "targetpath": folder,
        "urlpath": f"{tree}/{folder}/{notebook}",
    })
    return f"{hub.strip().rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv=None) -> int:
    """Command line: print the class link (see the module's docstring)."""
    parser = argparse.ArgumentParser(description="Print the nbgitpuller link that opens a chapter for a class.")
    parser.add_argument("repo", help="the course repository's URL, e.g. https://github.com/you/calculus-course")
    parser.add_argument("branch", help="the branch students pull, e.g. main")
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.org")
    parser.add_argument("--chapter", type=int, default=1, help="the chapter to open (default 1)")
    parser.add_argument("--app", choices=("lab", "notebook"), default="lab", help="JupyterLab (default) or Notebook 7")
    args = parser.parse_args(argv)
    try:
        link = class_link(args.hub, args.repo, args.branch, chapter_notebook(args.chapter), app=args.app)
    except ValueError as exc:
        parser.error(str(exc))
    print(link)
    return 0


if __name__ == "__main__":
    sys.exit(main())
