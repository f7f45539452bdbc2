"""deploy/class_link.py: the nbgitpuller link a teacher gives the class."""
from __future__ import annotations

import doctest
import pathlib
import subprocess
import sys
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "class_link.py"


from .hub_harness import load_class_link  # noqa: E402

class_link = load_class_link()


def _query(link):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))


def test_docstring_examples():
    failures, tried = doctest.testmod(class_link, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 5 and failures == 0


def test_link_pulls_the_repo_and_opens_the_chapter():
    link = class_link.class_link("https://hub.example.org/prefix/", "https://github.com/you/calc.git", "main",
                                 "notebooks/01_functions_and_change.ipynb")
    parts = urllib.parse.urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.org", "/prefix/hub/user-redirect/git-pull")
    assert _query(link) == {"repo": "https://github.com/you/calc.git", "branch": "main", "targetpath": "calc",
                            "urlpath": "lab/tree/calc/notebooks/01_functions_and_change.ipynb"}
    assert _query(class_link.class_link("http://127.0.0.1:8000", "git://h/c", "dev", "notebooks/x.ipynb",
                                        app="notebook"))["urlpath"] == "tree/c/notebooks/x.ipynb"


def test_chapter_notebooks_are_found_in_the_checkout():
    for number, path in [(1, "01_"), (2, "02_")]:
        found = class_link.chapter_notebook(number)
        assert found.startswith(f"notebooks/{path}") and (ROOT / found).is_file()


@pytest.mark.parametrize("kwargs,match", [
    ({"hub": "hub.example.org"}, r"`hub` must be the hub's address"),
    ({"hub": "ftp://hub"}, r"`hub` must be"),
    ({"hub": "https://hub/?x=1"}, r"`hub` must be"),
    ({"repo": ""}, r"`repo` must be a repository URL"),
    ({"repo": "https://github.com/"}, r"`repo` must end in a repository name"),
    ({"repo": "https://github.com/you/.git"}, r"`repo` must end in a repository name"),
    ({"branch": "--upload-pack=x"}, r"`branch` must be a branch name"),
    ({"branch": "a b"}, r"`branch` must be a branch name"),
    ({"notebook": "notebooks/x.py"}, r"`notebook` must be a notebook path"),
    ({"notebook": "../x.ipynb"}, r"`notebook` must be a notebook path"),
    ({"notebook": "/etc/x.ipynb"}, r"`notebook` must be a notebook path"),
    ({"app": "voila"}, r"`app` must be 'lab' or 'notebook', got 'voila'"),
])
def test_bad_arguments_are_named(kwargs, match):
    args = {"hub": "https://hub.example.org", "repo": "https://github.com/you/calc", "branch": "main",
            "notebook": "notebooks/01_x.ipynb"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        class_link.class_link(**args)


@pytest.mark.parametrize("chapter", [0, -1, True, 1.0])
def test_bad_chapter_is_named(chapter):
    with pytest.raises(ValueError, match=r"`chapter` must be a positive integer"):
        class_link.chapter_notebook(chapter)


def test_missing_chapter_lists_what_there_is(tmp_path):
    (tmp_path / "01_a.ipynb").write_text("{}")
    with pytest.raises(ValueError, match=r"`chapter` 2: no notebook 02_\*\.ipynb .*have: 01_a\.ipynb"):
        class_link.chapter_notebook(2, tmp_path)


def test_command_prints_the_link():
    out = subprocess.run([sys.executable, str(SCRIPT), "--hub", "https://hub.example.org",
                          "https://github.com/you/calculus-course", "main"],
                         capture_output=True, text=True, check=True)
    link = out.stdout.strip()
    assert _query(link)["urlpath"] == f"lab/tree/calculus-course/{class_link.chapter_notebook(1)}"
    bad = subprocess.run([sys.executable, str(SCRIPT), "--hub", "nope", "https://github.com/you/c", "main"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "`hub` must be the hub's address" in bad.stderr
