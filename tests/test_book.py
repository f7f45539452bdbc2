"""The course as a static website (``make book`` = ``tools/build_book.py``).

* The book is built from the stored notebook outputs into a temporary folder, by the
  command line ``make book`` uses, with ``--strict`` (any Sphinx warning fails).
* Debian's Chromium (Playwright) opens every page from ``file://`` with every request
  that would leave the book's folder aborted and counted. On every page: no such
  request, no failed request, no console error, every formula typeset by the bundled
  MathJax (no raw ``$`` or ``\\frac`` in the text, no MathJax error), no broken link
  or image, every figure with alt text naming its chapter, shown at 2x.
* Against the source notebooks: one page per chapter in chapter order (contents page
  and next/previous links), exercises as the student gets them with the solution and
  the check result behind closed toggles, no teacher's notes, no hidden tests, each
  slider replaced by a note that says how to run it live (``make lab``).
* Search finds a chapter, from ``file://`` and over a local HTTP server (127.0.0.1).
* The PDF (Chromium's print of the single-page book) holds every chapter.
* The book version of a notebook (unit tests on made-up notebooks) and the tool's
  errors: broken markers, wrong chapter numbers, an output folder that is not a book.

Screenshots of each chapter (top and exercises) go to ``artifacts/book/``.
"""
from __future__ import annotations

import doctest
import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from conftest import IN_CI, requires

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
TOOL = ROOT / "tools" / "build_book.py"
ARTIFACTS = ROOT / "artifacts" / "book"

sys.path.insert(0, str(ROOT / "tools"))
import _nbtools  # noqa: E402
import build_book  # noqa: E402
import make_student  # noqa: E402

v4 = nbformat.v4
#: The course notebooks as read once, at collection: the book is built from these very bytes
#: (copied to a temporary folder), so what the tests compare and what was built are the same.
SOURCES = {path.name: path.read_bytes() for path in sorted(NB_DIR.glob("[0-9][0-9]_*.ipynb"))}
CHAPTERS = [(NB_DIR / name, nbformat.reads(data.decode("utf-8"), as_version=4)) for name, data in SOURCES.items()]
CHROMIUM_ARGS = build_book.CHROMIUM_ARGS + (["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])
EX_META = {"grade": False, "locked": False, "schema_version": 3, "solution": True, "task": False}
CHECK_META = {"grade": True, "locked": True, "points": 1, "schema_version": 3, "solution": False, "task": False}


def _run_tool(*args, timeout=600):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


def _words(text):
    """Lower-case words of `text` joined by one space (link targets, markup and math signs dropped)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")  # Sphinx's smart quotes: 11's -> 11\u2019s
    return " ".join(re.findall(r"[a-z0-9']+", build_book._plain(text).lower()))


# --------------------------------------------------------------------------- the course's book


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The course built as ``make book`` builds it (with the PDF), into a temporary folder."""
    requires("sphinx", "the book extra (pip install -c requirements/lock.txt -e '.[book]')")
    requires("myst_nb", "the book extra")
    tmp = tmp_path_factory.mktemp("book")
    (tmp / "notebooks").mkdir()
    for name, data in SOURCES.items():
        (tmp / "notebooks" / name).write_bytes(data)
    out = tmp / "book"
    result = _run_tool(tmp / "notebooks", out, "--strict", "--no-pdf")  # the PDF: test_pdf_of_a_small_course
    assert result.returncode == 0, f"build_book failed:\n{result.stdout}\n{result.stderr}"
    assert "warning" not in result.stderr.lower(), result.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (skip locally, fail in CI, when either is missing)."""
    requires("playwright.sync_api", "the browser tests drive Chromium with it (the test extra)")
    chromium = build_book.find_chromium()
    if chromium is None:
        msg = f"Chromium not found at {build_book.CHROMIUM} or on PATH; install it with `apt-get install chromium`"
        if IN_CI:
            pytest.fail(msg + " -- CI must install it (.ci/run)", pytrace=False)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """One page opened in a fresh tab, with everything it asked for and everything it logged."""

    def __init__(self, browser, root, url):
        self.root = root.resolve().as_uri() + "/"
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.set_default_timeout(30_000)
        self.outside, self.failed, self.errors = [], [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith((self.root, "data:", "blob:", "about:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def close(self):
        self.page.close()


#: In-page: wait for MathJax, open every toggle, then report what the page shows.
_INSPECT_JS = r"""async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  document.querySelectorAll('details').forEach(d => { d.dataset.wasOpen = d.open; d.open = true; });
  const main = document.querySelector('main') || document.body;
  const skip = 'pre, code, script, style, mjx-container, mjx-assistive-mml, textarea, .highlight';
  const raw = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    const text = node.textContent;
    if (/\$|\\[A-Za-z]+|\\[()\[\]]/.test(text)) raw.push(text.trim().slice(0, 100));
  }
  const maths = Array.from(document.querySelectorAll('.math'));
  const abs = (a) => a.href;
  return {
    raw,
    formulas: maths.length,
    untypeset: maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80)),
    mathErrors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.textContent.slice(0, 80)),
    links: Array.from(document.querySelectorAll('a[href]')).map(abs),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
    images: Array.from(document.querySelectorAll('img')).map(img => ({
      src: img.src, alt: img.getAttribute('alt'), complete: img.complete, natural: img.naturalWidth,
      shown: img.getBoundingClientRect().width, width: img.getAttribute('width'),
      output: !!img.closest('.cell_output')})),
    toggles: Array.from(document.querySelectorAll('details')).map(d => ({
      label: (d.querySelector('summary .collapsed') || d.querySelector('summary')).textContent
        .replace(/\s+/g, ' ').trim(),
      closed: d.dataset.wasOpen !== 'true',
      code: Array.from(d.querySelectorAll('.cell_input pre')).map(p => p.textContent).join('\n'),
      output: (d.querySelector('.cell_output') || {}).textContent || ''})),
    stubs: Array.from(document.querySelectorAll('.cell_input pre'))
      .filter(p => !p.closest('details')).map(p => p.textContent),
    live: Array.from(document.querySelectorAll('.live-figure')).map(n => n.textContent),
    widgets: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
    prev: (document.querySelector('a.left-prev') || {}).href || null,
    next: (document.querySelector('a.right-next') || {}).href || null,
    contents: Array.from(document.querySelectorAll('.bd-article .toctree-wrapper > ul > li > a')).map(abs),
    text: main.textContent,
  };
}"""


@pytest.fixture(scope="module")
def pages(book, browser):
    """Every HTML page of the book opened in Chromium and inspected: {relative path: report}."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    found = {}
    for path in sorted(book.rglob("*.html")):
        rel = path.relative_to(book).as_posix()
        if rel.startswith("_"):
            continue  # theme and Sphinx internals (_static/, _sources/), not pages of the book
        visit = Visit(browser, book, path.as_uri())
        try:
            report = visit.page.evaluate(_INSPECT_JS)
            report.update(outside=visit.outside, failed=visit.failed, errors=visit.errors, url=path.as_uri())
            if rel.startswith(build_book.CHAPTER_DIR + "/"):
                _screenshots(visit.page, Path(rel).stem)
        finally:
            visit.close()
        found[rel] = report
    return found


def _screenshots(page, stem):
    """The top of a chapter (formulas) and its exercises, as a learner's screen shows them."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = d.dataset.wasOpen === 'true'; })")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{stem}-top.png"))
    heading = page.locator("section[id^='exercise'] > h3, section[id^='exercises'] > h2").first
    if heading.count():
        heading.evaluate("h => h.scrollIntoView()")
        page.screenshot(path=str(ARTIFACTS / f"{stem}-exercises.png"))


def _chapter_page(name):
    return f"{build_book.CHAPTER_DIR}/{Path(name).stem}.html"


def _chapter_ids():
    return [path.name for path, _ in CHAPTERS]


def _notebook(name):
    return next(nb for path, nb in CHAPTERS if path.name == name)


def test_every_page_stays_on_the_machine_and_logs_no_error(pages):
    assert pages, "the book has no pages"
    problems = []
    for rel, report in pages.items():
        problems += [f"{rel}: request outside the book: {url}" for url in report["outside"]]
        problems += [f"{rel}: request failed: {what}" for what in report["failed"]]
        problems += [f"{rel}: console error: {text}" for text in report["errors"]]
    assert not problems, "\n".join(problems)


def test_every_formula_is_typeset_offline(pages):
    problems, total = [], 0
    for rel, report in pages.items():
        total += report["formulas"]
        problems += [f"{rel}: raw TeX in the text: {text!r}" for text in report["raw"]]
        problems += [f"{rel}: formula not typeset: {text!r}" for text in report["untypeset"]]
        problems += [f"{rel}: MathJax error: {text!r}" for text in report["mathErrors"]]
    assert not problems, "\n".join(problems)
    sources_with_math = [p.name for p, nb in CHAPTERS if any("$" in c.source for c in nb.cells if c.cell_type == "markdown")]
    for name in sources_with_math:
        assert pages[_chapter_page(name)]["formulas"] > 0, f"{name} has formulas but its page shows none"
    assert total > 0


def test_no_broken_link_or_image(pages, book):
    ids = {rel: set(report["ids"]) for rel, report in pages.items()}
    problems = []
    for rel, report in pages.items():
        for href in report["links"]:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto"):
                continue  # a link out of the book is not a request; nothing to fetch offline
            assert parts.scheme == "file", f"{rel}: unexpected link {href}"
            target = Path(unquote(parts.path))
            try:
                target_rel = target.relative_to(book.resolve()).as_posix()
            except ValueError:
                problems.append(f"{rel}: link leaves the book: {href}")
                continue
            if not target.exists():
                problems.append(f"{rel}: broken link {href}")
            elif parts.fragment and target.suffix == ".html":
                if target_rel in ids and unquote(parts.fragment) not in ids[target_rel]:
                    problems.append(f"{rel}: link to a missing anchor {href}")
        for img in report["images"]:
            if not (img["complete"] and img["natural"] > 0):
                problems.append(f"{rel}: image not loaded: {img['src']}")
    assert not problems, "\n".join(problems)


def test_every_figure_has_alt_text_and_is_shown_at_2x(pages):
    problems, figures = [], 0
    for path, nb in CHAPTERS:
        chapter = nb.metadata["course"]["chapter"]
        report = pages[_chapter_page(path.name)]
        for img in report["images"]:
            if not img["output"]:
                continue
            figures += 1
            where = f"{path.name}: {img['src'].rsplit('/', 1)[-1][:16]}"
            alt = (img["alt"] or "").strip()
            if not alt or f"Chapter {chapter}," not in alt or alt.startswith("Figure.") and len(alt) < 25:
                problems.append(f"{where}: alt text {alt!r} does not say what the figure is and where")
            if img["natural"] < 2 * img["shown"] - 1:
                problems.append(f"{where}: {img['natural']} px shown over {img['shown']:.0f} px: not 2x")
            if img["width"] and abs(img["natural"] - 2 * int(img["width"])) > 1:
                problems.append(f"{where}: display width {img['width']} is not half the {img['natural']} px")
        expected = sum(
            1 for cell in nb.cells
            if cell.cell_type == "code" and "interactive" not in _nbtools.tags(cell)
            and "solution-only" not in _nbtools.tags(cell)
            for out in cell.get("outputs", []) if "image/png" in out.get("data", {}))
        shown = sum(1 for img in report["images"] if img["output"])
        if shown != expected:
            problems.append(f"{path.name}: {shown} figures on the page, {expected} in the notebook")
    for rel, report in pages.items():  # any other picture (a markdown image, a logo) needs words too
        problems += [f"{rel}: image without alt text: {img['src']}" for img in report["images"]
                     if not img["output"] and not (img["alt"] or "").strip()]
    assert not problems, "\n".join(problems)
    assert figures > 0


def test_contents_and_next_previous_links_follow_the_chapters(pages, book):
    order = ["index.html"] + [_chapter_page(name) for name in _chapter_ids()]
    uri = {rel: (book / rel).resolve().as_uri() for rel in order}
    assert pages["index.html"]["contents"] == [uri[rel] for rel in order[1:]], "contents page: chapters or order"
    for before, after in zip(order, order[1:]):
        assert pages[before]["next"] == uri[after], f"{before}: 'next' should lead to {after}"
        assert pages[after]["prev"] == uri[before], f"{after}: 'previous' should lead to {before}"
    assert pages[order[-1]]["next"] is None


@pytest.mark.parametrize("name", _chapter_ids())
def test_exercises_read_as_the_student_gets_them(pages, name):
    nb = _notebook(name)
    report = pages[_chapter_page(name)]
    exercises = [c for c in nb.cells if _nbtools.is_exercise_cell(c)]
    checks = [c for c in nb.cells if _nbtools.is_check_cell(c) and c.get("outputs")]
    solutions = [t for t in report["toggles"] if t["label"] == "Show solution"]
    results = [t for t in report["toggles"] if t["label"] == "Show check result"]
    assert len(solutions) == len(exercises), f"{name}: {len(solutions)} solution toggles, {len(exercises)} exercises"
    assert len(results) == len(checks), f"{name}: {len(results)} check-result toggles, {len(checks)} check cells"
    assert all(t["closed"] for t in solutions + results), f"{name}: a solution or check result is open on arrival"
    stub = "\n".join(make_student.strip_solutions(c.source) for c in exercises)
    for cell, toggle in zip(exercises, solutions):
        student = make_student.strip_solutions(cell.source)
        assert any(student.strip() == s.strip() for s in report["stubs"]), \
            f"{name}: the student's cell is not shown as\n{student}"
        assert toggle["code"].strip() == build_book.solution_source(cell.source).strip()
    for cell, toggle in zip(checks, results):
        texts = [t for t in _nbtools.output_texts(cell) if _nbtools.status_of(t)]
        status = _nbtools.status_of(texts[0])
        assert status in toggle["output"].lower(), f"{name}: the check result ({status}) is not behind its toggle"
    text = report["text"]
    for marker in _nbtools.MARKERS:
        assert marker not in text, f"{name}: {marker!r} reached the page"
    assert stub.count("raise NotImplementedError()") == sum(s.count("raise NotImplementedError()") for s in report["stubs"])


@pytest.mark.parametrize("name", _chapter_ids())
def test_teachers_notes_stay_out_and_the_prose_is_in(pages, name):
    nb = _notebook(name)
    text = pages[_chapter_page(name)]["text"]
    page = _words(text)
    for cell in nb.cells:
        if cell.cell_type == "code" and "solution-only" in _nbtools.tags(cell) and cell.source.strip():
            assert cell.source.strip() not in text, f"{name}: teacher's code on the page"
        if cell.cell_type != "markdown" or "$" in cell.source or "`" in cell.source:
            continue  # formulas and code render differently from their source; prose lines compare
        line = next((ln for ln in cell.source.splitlines() if len(_words(ln).split()) >= 6), None)
        if line is None:
            continue
        phrase = " ".join(_words(line).split()[1:7])
        if "solution-only" in _nbtools.tags(cell):
            assert phrase not in page, f"{name}: teacher's note on the page: {phrase!r}"
        else:
            assert phrase in page, f"{name}: prose missing from the page: {phrase!r}"


@pytest.mark.parametrize("name", _chapter_ids())
def test_every_slider_says_how_to_run_it_live(pages, name):
    nb = _notebook(name)
    report = pages[_chapter_page(name)]
    sliders = [c for c in nb.cells if c.cell_type == "code" and "interactive" in _nbtools.tags(c)]
    assert len(report["live"]) == len(sliders), f"{name}: {len(report['live'])} notes for {len(sliders)} sliders"
    for note in report["live"]:
        assert "make lab" in note and f"notebooks/{name}" in note
    assert report["widgets"] == 0, f"{name}: widget views on a static page"


def _search(browser, book, url, expect):
    visit = Visit(browser, book, url)
    try:
        # Sphinx lists the hits one by one (over http after fetching each one's summary), then says so
        visit.page.wait_for_function(
            "() => /Search finished/.test((document.querySelector('.search-summary') || {}).textContent || '')",
            timeout=30_000)
        hits = visit.page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
        assert any(h.split("#")[0].endswith(expect) for h in hits), f"search {url}: {expect} not in {hits}"
        assert not (visit.outside or visit.failed or visit.errors), (visit.outside, visit.failed, visit.errors)
    finally:
        visit.close()


def test_search_finds_a_chapter_from_file_and_over_http(book, browser):
    path, nb = CHAPTERS[-1]
    word = max(re.findall(r"[A-Za-z]+", nb.metadata["course"]["section"]), key=len).lower()
    _search(browser, book, (book / "search.html").as_uri() + f"?q={word}", _chapter_page(path.name))

    handler = functools.partial(_QuietHandler, directory=str(book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        _search(browser, book, f"http://127.0.0.1:{port}/search.html?q={word}", _chapter_page(path.name))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_pdf_of_a_small_course(tmp_path, browser):
    """``make book`` prints the course to one PDF (a small made-up course keeps this quick)."""
    requires("sphinx", "the book extra")
    folder = tmp_path / "notebooks"
    formula = v4.new_markdown_cell("# Chapter 1 · Rates\n\nThe rate is $\\frac{f(x+h) - f(x)}{h}$.")
    _write(folder, "01_rates.ipynb", _nb(formula, _exercise(), _check(), _figure("plt.show()")))
    _write(folder, "02_more.ipynb", _nb(v4.new_markdown_cell("# Chapter 2 · More\n\n$$f'(x)$$"), chapter=2))
    result = _run_tool(folder, tmp_path / "book", "--strict", timeout=300)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    pdf = tmp_path / "book" / build_book.PDF_NAME
    assert pdf.is_file(), f"no PDF although Chromium is here:\n{result.stdout}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3, "landing page and two chapters, each from a new page"
    index = (tmp_path / "book" / "index.html").read_text(encoding="utf-8")
    assert f'href="{build_book.PDF_NAME}"' in index, "the landing page does not link the PDF"


# --------------------------------------------------------------------------- the book version of a notebook


def _nb(*cells, chapter=1):
    return v4.new_notebook(cells=list(cells), metadata={"course": {"chapter": chapter, "section": "Functions"}})


def _exercise(body="    return 2 * x", name="double"):
    return v4.new_code_cell(f"def {name}(x):\n    ### BEGIN SOLUTION\n{body}\n    ### END SOLUTION",
                            metadata={"nbgrader": {**EX_META, "grade_id": "ex-1-1"}})


def _check(status="passed"):
    cell = v4.new_code_cell('check("1.1", double)\n### BEGIN HIDDEN TESTS\nassert double(3) == 6\n### END HIDDEN TESTS',
                            metadata={"nbgrader": {**CHECK_META, "grade_id": "check-1-1"}})
    cell.outputs = [v4.new_output("execute_result", {"text/plain": f"[{status}] Exercise 1.1"}, execution_count=1)]
    return cell


@functools.lru_cache(maxsize=None)
def _png(width, height):
    """A real PNG of width x height pixels, base64 as a notebook stores it."""
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 114, 178)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(source, width=600, height=200, tags=("static-figure",)):
    """A figure cell as the inline backend stores a retina PNG: 2x pixels, display size in metadata."""
    cell = v4.new_code_cell(source, metadata={"tags": list(tags)})
    cell.outputs = [v4.new_output("display_data", {"image/png": _png(2 * width, 2 * height), "text/plain": "<Figure>"},
                                  metadata={"image/png": {"width": width, "height": height}})]
    return cell


def _slider():
    cell = v4.new_code_cell("ex = plots.some_explorer()\ninteract(ex.show, **ex.widgets());",
                            metadata={"tags": ["interactive", "nbval-ignore-output"]})
    cell.outputs = [v4.new_output("display_data", {_nbtools.WIDGET_VIEW_MIME: {"model_id": "a" * 32},
                                                   "text/plain": "interactive(...)"})]
    return cell


def test_exercise_shows_the_stub_then_the_solution_and_the_check_behind_toggles():
    nb = _nb(_exercise(), _check())
    book_nb = build_book.book_notebook(nb, "01_x.ipynb")
    stub, solution, check = book_nb.cells
    assert stub.source == "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert solution.source == "def double(x):\n    return 2 * x"
    assert solution.metadata["tags"] == ["hide-input"] and solution.outputs == []
    assert solution.metadata["mystnb"]["code_prompt_show"] == "Show solution"
    assert check.source == 'check("1.1", double)', "hidden tests must not reach the book"
    assert "hide-output" in check.metadata["tags"]
    assert check.metadata["mystnb"]["code_prompt_show"] == "Show check result"
    assert "BEGIN SOLUTION" in nb.cells[0].source, "the notebook given must not change"


def test_written_answer_shows_the_stub_and_the_answer_in_a_toggle():
    answer = v4.new_markdown_cell("Why?\n### BEGIN SOLUTION\nBecause **h** shrinks.\n### END SOLUTION",
                                  metadata={"nbgrader": {**EX_META, "grade_id": "ex-1-2"}})
    stub, toggle = build_book.book_notebook(_nb(answer), "01_x.ipynb").cells
    assert stub.source == "Why?\n" + _nbtools.TEXT_STUB
    assert toggle.source.startswith('<details class="solution">\n<summary>Show solution</summary>')
    assert "Because **h** shrinks." in toggle.source and "BEGIN SOLUTION" not in toggle.source


def test_teachers_notes_are_removed():
    nb = _nb(v4.new_markdown_cell("Teacher: the usual mistake is ...", metadata={"tags": ["solution-only"]}),
             v4.new_markdown_cell("For everyone."))
    assert [c.source for c in build_book.book_notebook(nb, "01_x.ipynb").cells] == ["For everyone."]


def test_slider_keeps_its_code_loses_its_widget_and_gets_a_make_lab_note():
    nb = _nb(_slider(), v4.new_markdown_cell("The same without a kernel:"),
             _figure("plots.small_multiples(draw, [], suptitle='Four steps')\nplt.show()"),
             _slider(), v4.new_markdown_cell("## Next section"))
    nb.metadata["widgets"] = {_nbtools.WIDGET_STATE_MIME: {"state": {}}}
    cells = build_book.book_notebook(nb, "01_x.ipynb").cells
    assert "widgets" not in build_book.book_notebook(nb, "01_x.ipynb").metadata
    slider, note = cells[0], cells[1]
    assert slider.source.startswith("ex = plots.some_explorer()") and slider.outputs == []
    assert "make lab" in note.source and "notebooks/01_x.ipynb" in note.source
    assert "static view just below" in note.source
    second_note = cells[5]  # slider, note, markdown, figure, slider, *note*, heading
    assert "make lab" in second_note.source and "static view" not in second_note.source, \
        "no static view follows the second slider, so the note must not promise one"


def test_figure_alt_text_and_display_width():
    cell = _figure("fig, _ = plots.small_multiples(draw, [], suptitle='Secants become tangents')\nplt.show()",
                   width=600, height=200)
    nb = _nb(v4.new_markdown_cell("## From secant to tangent"), cell, chapter=2)
    out = build_book.book_notebook(nb, "02_x.ipynb").cells[1]
    assert out.metadata["mystnb"]["image"]["alt"] == \
        "Figure: Secants become tangents. Chapter 2, Functions."
    assert out.outputs[0].metadata["image/png"] == {"width": 600}, "height must go so that the aspect is kept"
    untitled = build_book.book_notebook(
        _nb(v4.new_markdown_cell("## The rate $f'$ depends on the start"), _figure("draw(ax)\nplt.show()")),
        "01_x.ipynb").cells[1]
    assert untitled.metadata["mystnb"]["image"]["alt"] == \
        "Figure: The rate f' depends on the start. Chapter 1, Functions."


def test_several_figures_in_one_cell_are_a_warning():
    cell = _figure("plt.show()\nplt.show()")
    cell.outputs = cell.outputs * 2
    warnings = []
    build_book.book_notebook(_nb(cell), "01_x.ipynb", warn=warnings.append)
    assert warnings and "2 figures in one cell" in warnings[0]


def test_links_to_chapters_not_in_the_book_become_text():
    nb = _nb(v4.new_markdown_cell("Next: [chapter 2](02_b.ipynb), then [chapter 3](03_c.ipynb#top)."))
    notes = []
    cell = build_book.book_notebook(nb, "01_a.ipynb", {"01_a.ipynb", "02_b.ipynb"}, note=notes.append).cells[0]
    assert cell.source == "Next: [chapter 2](02_b.ipynb), then chapter 3."
    assert notes == ["01_a.ipynb: cell 0: link to 03_c.ipynb, which is not in the book: kept as text"]


def test_broken_markers_name_the_notebook_and_cell():
    bad = v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x", metadata={"nbgrader": {**EX_META, "grade_id": "ex-1-9"}})
    with pytest.raises(make_student.MarkerError, match=r"01_x\.ipynb: cell 1 \(ex-1-9\), line 2: .* never closed"):
        build_book.book_notebook(_nb(v4.new_markdown_cell("# T"), bad), "01_x.ipynb")
    no_region = v4.new_code_cell("def f(x):\n    return x", metadata={"nbgrader": {**EX_META, "grade_id": "ex-1-8"}})
    with pytest.raises(make_student.MarkerError, match=r"cell 0 \(ex-1-8\).*no ### BEGIN SOLUTION region"):
        build_book.book_notebook(_nb(no_region), "01_x.ipynb")


def _write(folder, name, nb):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(nbformat.writes(nb), encoding="utf-8")


def test_chapter_numbers_must_match_file_names(tmp_path):
    _write(tmp_path / "a", "01_one.ipynb", _nb(v4.new_markdown_cell("# One"), chapter=2))
    with pytest.raises(build_book.BookError, match=r"01_one\.ipynb: the file name says chapter 1, metadata course.chapter says 2"):
        build_book._chapter_notebooks(tmp_path / "a")
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# One")])
    _write(tmp_path / "b", "01_one.ipynb", nb)
    with pytest.raises(build_book.BookError, match=r"metadata course.chapter must be the chapter number, got None"):
        build_book._chapter_notebooks(tmp_path / "b")
    (tmp_path / "empty").mkdir()
    with pytest.raises(build_book.BookError, match=r"no course notebooks \(NN_slug.ipynb\) in"):
        build_book._chapter_notebooks(tmp_path / "empty")
    with pytest.raises(build_book.BookError, match=r"`notebooks` must be a folder of course notebooks, got"):
        build_book._chapter_notebooks(tmp_path / "missing")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "01_one.ipynb").write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(build_book.BookError, match=r"01_one\.ipynb: not valid JSON"):
        build_book._chapter_notebooks(tmp_path / "c")


def test_chapters_come_in_chapter_order(tmp_path):
    for name, chapter in [("10_ten.ipynb", 10), ("02_two.ipynb", 2), ("01_one.ipynb", 1)]:
        _write(tmp_path, name, _nb(v4.new_markdown_cell(f"# Chapter {chapter}"), chapter=chapter))
    assert [p.name for _, p, _ in build_book._chapter_notebooks(tmp_path)] == \
        ["01_one.ipynb", "02_two.ipynb", "10_ten.ipynb"]


def test_an_output_folder_that_is_not_a_book_is_refused_and_kept(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    result = _run_tool(NB_DIR, out, "--no-pdf", timeout=120)
    assert result.returncode == 2
    assert f"{out} is not empty and holds no previous book" in result.stderr
    assert (out / "thesis.tex").read_text() == "precious"


def test_build_book_doctests():
    results = doctest.testmod(build_book, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert results.attempted > 0 and results.failed == 0
