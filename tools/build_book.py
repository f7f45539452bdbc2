#!/usr/bin/env python
"""Build the course as a static website (and one PDF) from the stored notebook outputs.

Usage::

    python tools/build_book.py [NOTEBOOKS_DIR] [OUT_DIR] [--no-pdf] [--strict]

(``make book`` runs it with ``notebooks`` and ``build/book``.) Open
``build/book/index.html`` in a browser; the pages need no server and no network.

What it does, in order:

1. Reads every ``NN_slug.ipynb`` in the notebook folder (never executes one) and
   writes a *book version* of each into a temporary Sphinx source folder, next to
   the files of ``book/`` (``conf.py``, the landing and contents page, CSS):

   * cells tagged ``solution-only`` (teacher's notes) are removed;
   * an exercise cell (nbgrader ``solution: true``) shows what the student gets
     (``make_student.strip_solutions``: ``# YOUR CODE HERE`` /
     ``raise NotImplementedError()``), followed by the solution behind a
     **Show solution** toggle; the check cell's stored result (the solution's) is
     behind **Show check result**; hidden tests never appear;
   * a slider cell (tag ``interactive``, or any output that is a widget view)
     keeps its code, loses its widget output, and gets a note saying how to run it
     live (``make lab``); the widget state is dropped (static pages cannot run it,
     and myst-nb would load the widget manager from a CDN);
   * each figure gets alt text: the figure's ``suptitle`` (or a literal title)
     from the cell, else the heading it stands under, plus the chapter; retina
     PNGs keep their display width (half the pixel width: 2x) and scale with
     the page;
   * links to a chapter notebook that is not in the build become plain text
     (with a warning), so no link of the book is broken while chapters are
     being written.

2. Runs Sphinx (``myst-nb``, ``sphinx-book-theme``, MathJax 3 from the PyPI package
   ``sphinx-mathjax-offline``) into ``OUT_DIR``: one page per chapter in chapter
   order, the contents page, next/previous links, search.

3. Unless ``--no-pdf``: builds the single-page version and prints it with Chromium
   (Playwright, Debian's ``/usr/bin/chromium``, every request outside the build
   blocked) into ``OUT_DIR/calculus-for-deep-learning.pdf``; the landing page links
   it. No TeX is needed. Without Chromium or Playwright the PDF is skipped with a
   message (the site is still built).

``OUT_DIR`` is replaced on every build; a non-empty folder that is not a previous
book (no Sphinx ``.buildinfo``) is refused, never deleted. Sphinx warnings are
printed; ``--strict`` turns them into a failure (the tests use it).

Exit status: 0 built; 1 a notebook or the build failed (named), or warnings under
``--strict``; 2 bad arguments or an output folder that is not a book; 130 Ctrl-C.
"""
from __future__ import annotations

import argparse
import ast
import copy
import io
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _nbtools  # noqa: E402
import make_student  # noqa: E402
from _nbtools import (  # noqa: E402
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    TAG_INTERACTIVE,
    TAG_SOLUTION_ONLY,
    TAG_STATIC_FIGURE,
    WIDGET_VIEW_MIME,
)

__all__ = [
    "BookError",
    "BookUsageError",
    "BuildResult",
    "ROOT",
    "BOOK_DIR",
    "PDF_NAME",
    "figure_alt",
    "solution_source",
    "book_notebook",
    "stage",
    "build",
    "main",
]

ROOT = Path(__file__).resolve().parents[1]
#: The Sphinx project: conf.py, the landing/contents page, static files.
BOOK_DIR = ROOT / "book"
#: The file name of the whole course as one PDF, in the output folder.
PDF_NAME = "calculus-for-deep-learning.pdf"
#: Where the book versions of the notebooks go in the Sphinx source folder.
CHAPTER_DIR = "chapters"

PROMPTS = {
    "solution": ("Show solution", "Hide solution"),
    "check": ("Show check result", "Hide check result"),
}
_NOTEBOOK_NAME = re.compile(r"^(\d{2})_[A-Za-z0-9_-]+\.ipynb$")
_CHAPTER_LINK = re.compile(r"\[([^\]]*)\]\((?!\w+://)([^)#\s]*?(\d{2}_[A-Za-z0-9_-]+)\.ipynb)(#[^)\s]*)?\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


class BookError(ValueError):
    """A notebook the book cannot be built from, or a failed build; the message names it."""


class BookUsageError(BookError):
    """A notebook folder or output folder that cannot be used (exit status 2)."""


@dataclass
class BuildResult:
    """What :func:`build` made: the pages (source order), Sphinx warnings, the PDF, timings."""

    out_dir: Path
    pages: list = field(default_factory=list)        # html files of the chapters, relative to out_dir
    warnings: list = field(default_factory=list)     # Sphinx and build_book warnings, one line each
    notes: list = field(default_factory=list)        # worth knowing, not wrong (links to chapters to come)
    pdf: Path | None = None
    pdf_skipped: str = ""                           # why no PDF was written ("" if one was)
    seconds: dict = field(default_factory=dict)     # "html", "pdf" -> wall time


# --------------------------------------------------------------------------- text helpers


def _joined(text):
    return "".join(text) if isinstance(text, list) else str(text)


def _plain(text):
    r"""Markdown/LaTeX heading text as plain words for alt text.

    >>> _plain(r"The derivative $f'(x)$ is a **function** too")
    "The derivative f'(x) is a function too"
    >>> _plain(r"Steps of size $\eta$ and `lr`")
    'Steps of size eta and lr'
    """
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = re.sub(r"[$*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def solution_source(source):
    """The cell `source` as the teacher wrote it, without the nbgrader marker lines.

    Solution regions keep their content; hidden-test regions are removed, since
    they are never shown to students.

    >>> src = "def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"
    >>> print(solution_source(src))
    def f(x):
        return 2 * x
    >>> solution_source("check(f)\\n### BEGIN HIDDEN TESTS\\nassert f(1) == 2\\n### END HIDDEN TESTS")
    'check(f)'
    """
    out, hidden = [], False
    for line in source.split("\n"):
        marker = line.strip()
        if marker == BEGIN_HIDDEN:
            hidden = True
        elif marker == END_HIDDEN:
            hidden = False
        elif marker not in (BEGIN_SOLUTION, END_SOLUTION) and not hidden:
            out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------- alt text


def _literal(node):
    """The text of a plain string literal; None for anything else (an f-string says too little)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _titles_in(source):
    """(suptitles, titles) given as string literals in code `source` (magics ignored)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return [], []
    suptitles, titles = [], []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name == "suptitle" and node.args and _literal(node.args[0]):
            suptitles.append(_literal(node.args[0]))
        elif name == "set_title" and node.args and _literal(node.args[0]):
            titles.append(_literal(node.args[0]))
        for kw in node.keywords:
            text = _literal(kw.value)
            if text and kw.arg == "suptitle":
                suptitles.append(text)
            elif text and kw.arg == "title":
                titles.append(text)
    return suptitles, titles


def figure_alt(source, heading, chapter, section, index=None, count=1):
    """Alt text for a figure drawn by code cell `source` under `heading`.

    The figure's suptitle (a string literal in the cell) says best what the
    figure shows; else a literal panel title; else the heading the figure stands
    under. The chapter is added, and ``figure k of n`` when a cell draws several.

    >>> figure_alt('plots.small_multiples(p, [], suptitle="The secant turns into the tangent")',
    ...            "From secant to tangent", 2, "Derivative: local rate of change")
    'Figure: The secant turns into the tangent. Chapter 2, Derivative: local rate of change.'
    >>> figure_alt("fig = draw(ax, title=f'h = {h}')\\nplt.show()", "The tangent line $f'$", 2, "Derivative")
    "Figure: The tangent line f'. Chapter 2, Derivative."
    >>> figure_alt("draw()", "", 1, "Functions and change", index=1, count=2)
    'Figure 2 of 2 in this cell. Chapter 1, Functions and change.'
    """
    suptitles, titles = _titles_in(source)
    what = (suptitles or titles or [_plain(heading)])[0]
    what = _plain(what) if what else ""
    lead = "Figure" if count == 1 or index is None else f"Figure {index + 1} of {count} in this cell"
    head = f"{lead}: {what.rstrip('.')}." if what else f"{lead}."
    return f"{head} Chapter {chapter}, {section}."


# --------------------------------------------------------------------------- one notebook


def _note_cell(text):
    import nbformat

    return nbformat.v4.new_markdown_cell(text, metadata={"book": {"generated": True}})


def _live_note(notebook_name, static_follows):
    follow = ("\nThe static view just below shows the same drawing at a few fixed values."
              if static_follows else "")
    return (
        "```{admonition} Live figure: run it in JupyterLab\n"
        ":class: tip live-figure\n"
        "The sliders of this figure need a running Python kernel, so they do not move on this page. "
        f"To move them, run `make lab` in the course folder and open `notebooks/{notebook_name}`."
        f"{follow}\n"
        "```"
    )


def _static_follows(cells, index):
    """True when a ``static-figure`` cell follows cell `index` before the next slider or heading."""
    for cell in cells[index + 1:]:
        if cell.cell_type == "code":
            if TAG_STATIC_FIGURE in _nbtools.tags(cell):
                return True
            if TAG_INTERACTIVE in _nbtools.tags(cell):
                return False
        elif cell.cell_type == "markdown" and _HEADING.match(cell.source.lstrip().split("\n", 1)[0]):
            return False
    return False


def _has_widget(cell):
    return any(WIDGET_VIEW_MIME in out.get("data", {}) for out in cell.get("outputs", []))


def _toggle(cell, kind):
    show, hide = PROMPTS[kind]
    meta = cell.metadata.setdefault("mystnb", {})
    meta["code_prompt_show"], meta["code_prompt_hide"] = show, hide


def book_notebook(nb, name, chapters_present=None, warn=None, note=None):
    """Return the book version of notebook `nb` (which is not modified).

    `name` is the notebook's file name (for messages and the ``make lab`` note);
    `chapters_present` the file names of the notebooks in the build (links to
    others become plain text, reported to `note(message)`); `warn(message)`
    receives what is worth a warning.
    Raises :class:`make_student.MarkerError` (naming `name`, the cell and the
    line) on broken solution markers.

    >>> import nbformat
    >>> v4 = nbformat.v4
    >>> ex = v4.new_code_cell("def f(x):\\n    ### BEGIN SOLUTION\\n    return x\\n    ### END SOLUTION",
    ...                       metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "ex-1-1"}})
    >>> nb = v4.new_notebook(cells=[ex, v4.new_markdown_cell("note", metadata={"tags": ["solution-only"]})])
    >>> book = book_notebook(nb, "01_x.ipynb")
    >>> print(book.cells[0].source)
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    >>> print(book.cells[1].source)
    def f(x):
        return x
    >>> book.cells[1].metadata["tags"], book.cells[1].metadata["mystnb"]["code_prompt_show"]
    (['hide-input'], 'Show solution')
    >>> len(book.cells)
    2
    """
    import nbformat

    warn = warn or (lambda message: None)
    note = note or (lambda message: None)
    nb = copy.deepcopy(nb)
    course = nb.metadata.get("course", {})
    chapter, section = course.get("chapter"), course.get("section", "")
    nb.metadata.pop("widgets", None)
    # the course's code is Python: say so where a notebook does not (myst-nb picks its highlighter from it)
    nb.metadata.setdefault("language_info", {"name": "python"})
    cells, heading = [], ""
    for index, cell in enumerate(nb.cells):
        tags = _nbtools.tags(cell)
        if TAG_SOLUTION_ONLY in tags:
            continue
        where = f"{name}: cell {index}"
        meta = _nbtools.nbgrader_meta(cell)
        if meta.get("grade_id"):
            where += f" ({meta['grade_id']})"
        if cell.cell_type == "markdown":
            for line in cell.source.split("\n"):
                match = _HEADING.match(line)
                if match:
                    heading = match.group(2)
            cell.source = _unlink_missing(cell.source, chapters_present, where, note)
            if meta.get("solution") is True:  # a written answer: stub, then the answer behind a toggle
                try:
                    student = make_student.strip_solutions(cell.source, "markdown", prose=False)
                except make_student.MarkerError as exc:
                    raise make_student.MarkerError(exc.detail, exc.line, where) from None
                if not make_student.has_solution_region(cell.source):
                    student = _nbtools.TEXT_STUB
                answer = solution_source(cell.source)
                cell.source = student
                cells.append(cell)
                cells.append(_note_cell(
                    f'<details class="solution">\n<summary>{PROMPTS["solution"][0]}</summary>\n\n'
                    f"{answer}\n\n</details>"))
                continue
            cells.append(cell)
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        # code cells: student view of the source (validates every marker)
        try:
            student = make_student.strip_solutions(cell.source, "code")
        except make_student.MarkerError as exc:
            raise make_student.MarkerError(exc.detail, exc.line, where) from None
        if _nbtools.is_exercise_cell(cell):
            if not make_student.has_solution_region(cell.source):
                raise make_student.MarkerError(
                    f"nbgrader marks this as a solution cell but it has no {BEGIN_SOLUTION} region",
                    where=where)
            solution = nbformat.v4.new_code_cell(
                solution_source(cell.source), metadata={"tags": ["hide-input"], "book": {"solution_of": index}})
            _toggle(solution, "solution")
            cell.source, cell.outputs = student, []
            cells.extend([cell, solution])
            continue
        cell.source = student
        if _nbtools.is_check_cell(cell) and cell.outputs:
            cell.metadata.setdefault("tags", [])
            if "hide-output" not in cell.metadata["tags"]:
                cell.metadata["tags"].append("hide-output")
            _toggle(cell, "check")
        live = TAG_INTERACTIVE in tags or _has_widget(cell)
        if live:
            cell.outputs = [out for out in cell.outputs if WIDGET_VIEW_MIME not in out.get("data", {})
                            and out.get("output_type") in ("stream", "error")]
        images = [out for out in cell.outputs if "image/png" in out.get("data", {})
                  or "image/jpeg" in out.get("data", {}) or "image/svg+xml" in out.get("data", {})]
        for k, out in enumerate(images):
            for mime, size in out.get("metadata", {}).items():
                if isinstance(size, dict) and "width" in size:
                    size.pop("height", None)  # the width alone keeps the aspect when the page is narrower
        if images:
            if len(images) > 1:
                warn(f"{where}: {len(images)} figures in one cell share one alt text; draw one figure per cell")
            alt = figure_alt(cell.source, heading, chapter, section)
            cell.metadata.setdefault("mystnb", {})["image"] = {"alt": alt}
        cells.append(cell)
        if live:
            cells.append(_note_cell(_live_note(name, _static_follows(nb.cells, index))))
    nb.cells = cells
    return nb


def _unlink_missing(source, present, where, note):
    """Turn links to chapter notebooks that are not in the build into their plain text.

    >>> _unlink_missing("See [chapter 3](03_ops.ipynb).", {"02_d.ipynb"}, "x", print)
    x: link to 03_ops.ipynb, which is not in the book: kept as text
    'See chapter 3.'
    >>> _unlink_missing("See [chapter 2](02_d.ipynb#top).", {"02_d.ipynb"}, "x", print)
    'See [chapter 2](02_d.ipynb#top).'
    """
    if present is None:
        return source

    def replace(match):
        target = match.group(3) + ".ipynb"
        if target in present:
            return match.group(0)
        note(f"{where}: link to {target}, which is not in the book: kept as text")
        return match.group(1)

    return _CHAPTER_LINK.sub(replace, source)


# --------------------------------------------------------------------------- the Sphinx project


def _chapter_notebooks(notebook_dir):
    """The ``NN_slug.ipynb`` files of `notebook_dir` with their chapter numbers, in chapter order.

    Raises :class:`BookError` when there are none, when a notebook cannot be read, has
    no ``course.chapter`` metadata, or when file names and chapter numbers disagree.
    """
    notebook_dir = Path(notebook_dir)
    if not notebook_dir.is_dir():
        raise BookUsageError(f"`notebooks` must be a folder of course notebooks, got {str(notebook_dir)!r}")
    found = []
    for path in sorted(notebook_dir.glob("*.ipynb")):
        match = _NOTEBOOK_NAME.match(path.name)
        if not match:
            continue
        try:
            nb = _nbtools.read_notebook(path)
        except _nbtools.NotebookError as exc:
            raise BookError(str(exc)) from None
        chapter = nb.metadata.get("course", {}).get("chapter")
        if not isinstance(chapter, int) or isinstance(chapter, bool):
            raise BookError(f"{path}: metadata course.chapter must be the chapter number, got {chapter!r}")
        if chapter != int(match.group(1)):
            raise BookError(f"{path}: the file name says chapter {int(match.group(1))}, "
                            f"metadata course.chapter says {chapter}; make them agree")
        found.append((chapter, path, nb))
    if not found:
        raise BookUsageError(f"no course notebooks (NN_slug.ipynb) in {notebook_dir}")
    chapters = [c for c, _, _ in found]
    if len(set(chapters)) != len(chapters):
        dup = sorted({c for c in chapters if chapters.count(c) > 1})
        raise BookError(f"{notebook_dir}: more than one notebook for chapter(s) {dup}")
    return found


def stage(notebook_dir, src_dir, warn=None, note=None):
    """Write the Sphinx source folder: ``book/`` plus the book versions of the notebooks.

    Returns the chapter file names (``NN_slug.ipynb``) in chapter order.
    """
    import nbformat

    src_dir = Path(src_dir)
    found = _chapter_notebooks(notebook_dir)
    shutil.copytree(BOOK_DIR, src_dir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "_build", ".ipynb_checkpoints"))
    (src_dir / CHAPTER_DIR).mkdir(parents=True, exist_ok=True)
    present = {path.name for _, path, _ in found}
    names = []
    for _, path, nb in found:
        book = book_notebook(nb, path.name, present, warn, note)
        problem = _nbtools.schema_problem(book)
        if problem:
            raise BookError(f"{path}: its book version breaks the notebook format: {problem}")
        (src_dir / CHAPTER_DIR / path.name).write_text(nbformat.writes(book), encoding="utf-8")
        names.append(path.name)
    return names


def _prepare_out_dir(out_dir):
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise BookUsageError(f"`out` must be a folder, but {out_dir} is a file")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not (out_dir / ".buildinfo").is_file():
            raise BookUsageError(f"{out_dir} is not empty and holds no previous book (no .buildinfo); "
                            "choose another output folder or empty it yourself")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def _sphinx(src_dir, out_dir, doctree_dir, builder, tags, warnings_out):
    """Run one Sphinx build in this process, add its warnings to `warnings_out`, return its status code."""
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    nocolor()
    status, warning = io.StringIO(), io.StringIO()
    try:
        with patch_docutils(src_dir), docutils_namespace():
            app = Sphinx(str(src_dir), str(src_dir), str(out_dir), str(doctree_dir), builder,
                         status=status, warning=warning, freshenv=False, tags=list(tags), verbosity=0)
            app.build()
    except SphinxError as exc:
        raise BookError(f"Sphinx ({builder}) failed: {exc}\n{warning.getvalue()}") from None
    for line in warning.getvalue().splitlines():
        if line.strip():
            warnings_out.append(line.replace(str(src_dir) + os.sep, "").replace(str(src_dir), "book"))
    return app.statuscode


# --------------------------------------------------------------------------- PDF through Chromium

CHROMIUM = "/usr/bin/chromium"
#: Chromium flags (GUIDE section 5); Playwright adds --headless and a temporary profile.
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def find_chromium():
    """Debian's Chromium (``/usr/bin/chromium``, else ``chromium`` on PATH), or None."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


#: A printed page has no toggles: open the solutions and check results, and label them
#: "Solution" / "Check result" instead of "Hide solution" / "Hide check result".
_OPEN_TOGGLES_JS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('details > summary .expanded').forEach(p => {
    const text = p.textContent.replace(/^Hide /, '');
    p.textContent = text.charAt(0).toUpperCase() + text.slice(1);
  });
}"""


def _print_pdf(html_file, pdf_path, chromium):
    """Print `html_file` (a single-page book) to `pdf_path` with Chromium; no request leaves the machine."""
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS) + (["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])
    blocked = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=args)
        try:
            page = browser.new_page()

            def route(r):
                if r.request.url.startswith(("file:", "data:", "blob:")):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(Path(html_file).resolve().as_uri(), wait_until="load")
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=60_000)
            page.evaluate("() => MathJax.startup.promise")
            raw = page.evaluate("() => Array.from(document.querySelectorAll('.math'))"
                                ".filter(m => !m.querySelector('mjx-container')).map(m => m.textContent)")
            if raw:
                raise BookError(f"{len(raw)} formula(s) not typeset in the single-page book, e.g. {raw[0][:80]!r}")
            page.evaluate(_OPEN_TOGGLES_JS)
            page.emulate_media(media="print")
            page.pdf(path=str(pdf_path), format="A4", print_background=True, outline=True, tagged=True,
                     margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
        finally:
            browser.close()
    if blocked:
        raise BookError(f"the single-page book asked for {len(blocked)} outside resource(s), e.g. {blocked[0]}")


# --------------------------------------------------------------------------- build


def build(notebook_dir, out_dir, pdf=True, log=print):
    """Build the book of the notebooks in `notebook_dir` into `out_dir`; return a :class:`BuildResult`.

    `pdf`: also print the whole course to ``out_dir/PDF_NAME`` (skipped with a
    reason in ``result.pdf_skipped`` when Chromium or Playwright is missing).
    Raises :class:`BookError` for unusable notebooks or folders and when Sphinx fails.
    """
    result = BuildResult(Path(out_dir))
    chromium = None
    if pdf:
        chromium = find_chromium()
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            result.pdf_skipped = "Playwright is not installed (pip install -e '.[test]')"
        if chromium is None:
            result.pdf_skipped = (f"Chromium not found at {CHROMIUM} or on PATH "
                                  "(install it with `apt-get install chromium`)")
    want_pdf = pdf and not result.pdf_skipped
    out_dir = _prepare_out_dir(out_dir)
    result.out_dir = out_dir
    with tempfile.TemporaryDirectory(prefix="book-src-") as tmp:
        src, doctrees = Path(tmp) / "src", Path(tmp) / "doctrees"
        start = time.perf_counter()
        names = stage(notebook_dir, src, warn=result.warnings.append, note=result.notes.append)
        tags = ["course_pdf"] if want_pdf else []
        status = _sphinx(src, out_dir, doctrees, "html", tags, result.warnings)
        result.seconds["html"] = time.perf_counter() - start
        if status:
            raise BookError("Sphinx failed:\n" + "\n".join(result.warnings))
        result.pages = [f"{CHAPTER_DIR}/{Path(n).stem}.html" for n in names]
        log(f"book: {len(names)} chapters -> {out_dir}/index.html ({result.seconds['html']:.1f} s)")
        if want_pdf:
            start = time.perf_counter()
            single = Path(tmp) / "single"
            status = _sphinx(src, single, doctrees, "singlehtml", tags, result.warnings)
            if status:
                raise BookError("Sphinx (single page for the PDF) failed:\n" + "\n".join(result.warnings))
            result.pdf = out_dir / PDF_NAME
            _print_pdf(single / "index.html", result.pdf, chromium)
            result.seconds["pdf"] = time.perf_counter() - start
            log(f"book: PDF -> {result.pdf} ({result.seconds['pdf']:.1f} s)")
    if pdf and result.pdf_skipped:
        log(f"book: no PDF: {result.pdf_skipped}")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="?", default=str(ROOT / "notebooks"), help="folder of NN_slug.ipynb")
    parser.add_argument("out", nargs="?", default=str(ROOT / "build" / "book"), help="output folder")
    parser.add_argument("--no-pdf", action="store_true", help="do not print the course to one PDF")
    parser.add_argument("--strict", action="store_true", help="fail when Sphinx or the build warns")
    args = parser.parse_args(argv)
    try:
        result = build(args.notebooks, args.out, pdf=not args.no_pdf)
    except BookUsageError as exc:
        print(f"build_book: {exc}", file=sys.stderr)
        return 2
    except (BookError, make_student.MarkerError) as exc:
        print(f"build_book: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build_book: interrupted (Ctrl-C)", file=sys.stderr)
        return 130
    for line in result.notes:
        print(f"note: {line}")
    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    if args.strict and result.warnings:
        print(f"build_book: {len(result.warnings)} warning(s) and --strict", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
