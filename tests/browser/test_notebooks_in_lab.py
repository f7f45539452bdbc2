"""Every course notebook, opened in real JupyterLab in real Chromium, every slider moved.

For each ``notebooks/*.ipynb`` (found by glob: a new notebook is covered without
editing this file) :func:`check_notebook` runs all cells from the Run menu and
fails on a dialog, an unexecuted cell, any stderr/error output, a missing
slider, or a slider whose figure does not change after one arrow-key step.
Screenshots before and after the moves go to ``artifacts/browser/``.

Two fixture notebooks prove the check itself: one with working sliders passes,
one whose slider ignores its value (plus a warning and an error) is reported.
"""
from __future__ import annotations

import pathlib

import pytest

from . import jupyter_harness as harness
from .conftest import NOTEBOOKS, require_chromium

COURSE = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("notebook", COURSE, ids=lambda p: p.name)
def test_notebook_in_lab(lab, notebook: pathlib.Path):
    """A learner's session: open, Run All, no errors, every slider moves its figure."""
    report = harness.check_notebook(lab.server, lab.browser, notebook.name, notebook,
                                    artifacts=lab.artifacts)
    print(report.summary())
    assert report.ok, "\n".join(report.failures)


def test_working_fixture_passes(lab):
    """Sliders that redraw pass, including one at its maximum (moved with ArrowLeft)."""
    path, source = lab.fixture("fixture_sliders_ok.ipynb")
    report = harness.check_notebook(lab.server, lab.browser, path, source,
                                    artifacts=lab.artifacts / "fixtures")
    print(report.summary())
    assert report.ok, "\n".join(report.failures)
    assert [(s.cell, s.description, s.key) for s in report.sliders] == [
        (2, "a", "ArrowRight"), (2, "n", "ArrowRight"), (4, "h", "ArrowLeft")]
    assert all(s.changed for s in report.sliders)


def test_static_slider_is_detected(lab):
    """A slider whose callback ignores its value is reported, naming notebook, cell and slider;
    a warning on stderr and an exception are reported too."""
    path, source = lab.fixture("fixture_sliders_broken.ipynb")
    report = harness.check_notebook(lab.server, lab.browser, path, source,
                                    artifacts=lab.artifacts / "fixtures", change_timeout=2)
    print(report.summary())
    assert not report.ok
    failures = "\n".join(report.failures)
    assert (f"{path}: cell 2 ('def draw_static(a=1.0):'), slider 'a': figure did not change"
            in failures), failures
    assert "cell 3 shows an error/stderr output" in failures and "UserWarning" in failures
    assert "cell 4 shows an error/stderr output" in failures and "ValueError" in failures
    assert len(report.failures) == 3, failures


@pytest.mark.parametrize("ci", [False, True], ids=["local-skips", "ci-fails"])
def test_missing_chromium_skips_locally_and_fails_in_ci(monkeypatch, ci):
    """Without a browser: a skip with the apt command locally, a failure under CI=true."""
    monkeypatch.setattr(harness, "find_chromium", lambda: None)
    expected = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(expected, match="apt-get install -y chromium"):
        require_chromium(ci)
