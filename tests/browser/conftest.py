"""Fixtures of the browser suite: one JupyterLab server and one Chromium per run of this folder.

* ``lab`` starts JupyterLab (serving a temporary copy of ``notebooks/`` plus the
  fixture notebooks under ``_fixtures/``) and Debian's Chromium (a 1280 x 900
  window; JupyterLab is loaded once, in one tab that every notebook uses in
  turn), and after the last test stops both and fails the teardown
  if any server, kernel or browser process is left behind.
* At the end of the run every problem found is listed, one full line each.
* Without Chromium the tests skip with an install hint; under CI (``CI=true``,
  the root conftest's ``IN_CI``) a missing browser fails instead.

This folder is a package (``__init__.py``) so that this ``conftest`` does not
replace the root ``conftest`` module that other tests import.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib

import pytest

from . import jupyter_harness as harness

# The fixture notebooks are opened in the browser by the tests, not run by nbval.
collect_ignore_glob = ["fixtures/*"]

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = HERE / "fixtures"
#: Screenshots land here (``artifacts/`` is git-ignored).
ARTIFACTS = ROOT / "artifacts" / "browser"
_session = {"screenshots": False, "reports": []}


def root_conftest(config):
    """The project's root ``conftest`` module as pytest loaded it (``None`` if absent)."""
    return config.pluginmanager.get_plugin(str(config.rootpath / "conftest.py"))


def in_ci(config) -> bool:
    """The root conftest's ``IN_CI`` (falls back to reading ``CI`` the same way)."""
    mod = root_conftest(config)
    if mod is not None and hasattr(mod, "IN_CI"):
        return bool(mod.IN_CI)
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_chromium(ci: bool) -> str:
    """Return Chromium's path; skip (locally) or fail (in CI) when it is missing."""
    path = harness.find_chromium()
    if path:
        return path
    msg = f"Chromium not found at {harness.DEFAULT_CHROMIUM} or on PATH; {harness.INSTALL_HINT}"
    if ci:
        pytest.fail(msg + " -- CI must install it (.ci/run)", pytrace=False)
    pytest.skip(msg)


def require_playwright(config) -> None:
    """Import Playwright via the root conftest's ``requires`` (skip locally, fail in CI)."""
    mod = root_conftest(config)
    why = "the browser tests drive Chromium with it (pip install -e '.[test]')"
    if mod is not None and hasattr(mod, "requires"):
        mod.requires("playwright.sync_api", why)
    else:  # pragma: no cover - the root conftest is part of the project
        pytest.importorskip("playwright.sync_api", reason=why)


@dataclasses.dataclass
class Lab:
    """What the tests get: the shared server and browser, and where screenshots go."""

    server: harness.JupyterServer
    browser: harness.Browser
    artifacts: pathlib.Path
    #: reports of the course notebooks, for the end-of-run list of problems
    reports: list = dataclasses.field(default_factory=lambda: _session["reports"])

    def fixture(self, name: str) -> tuple[str, pathlib.Path]:
        """Served path and source file of fixture notebook ``name``."""
        return f"_fixtures/{name}", FIXTURES / name


@pytest.fixture(scope="session")
def chromium(pytestconfig) -> str:
    """Path of Debian's Chromium (skip or fail when missing, see :func:`require_chromium`)."""
    return require_chromium(in_ci(pytestconfig))


@pytest.fixture(scope="package")
def lab(pytestconfig, chromium):
    """One JupyterLab server and one Chromium for this folder's tests, checked for leaks after.

    Package scope, not session: Playwright's sync API allows one driver per thread, so the
    browser must be closed before another test file (tests/test_book.py) starts its own."""
    require_playwright(pytestconfig)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("**/*.png"):
        old.unlink()
    served = sorted(NOTEBOOKS.glob("*.ipynb"))
    served += [(f, f"_fixtures/{f.name}") for f in sorted(FIXTURES.glob("*.ipynb"))]
    server = harness.JupyterServer(served)
    browser = harness.Browser(chromium)
    server.start()
    _session["screenshots"] = True
    try:
        browser.start()
        yield Lab(server, browser, ARTIFACTS)
    finally:
        try:
            browser.stop()
        finally:
            server.stop()
    left = server.leftovers() + browser.leftovers()
    if left:
        pytest.fail("processes left behind by the browser suite:\n" + "\n".join(left), pytrace=False)


def pytest_terminal_summary(terminalreporter):
    """List every problem the browser suite found, one full line each (pytest's short summary
    cuts lines at the terminal width), and say where the screenshots are."""
    problems = [f for report in _session["reports"] for f in report.failures]
    if problems:
        terminalreporter.section("browser suite: problems (notebook, cell, slider, cause)")
        for line in problems:
            terminalreporter.write_line(line)
    shots = sorted(ARTIFACTS.glob("**/*.png")) if _session["screenshots"] else []
    if shots:
        terminalreporter.write_line(f"browser screenshots ({len(shots)}, 1280 px wide): {ARTIFACTS}")
