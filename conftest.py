"""Project-wide pytest set-up.

* nbval's sanitize file is set here with an absolute path (nbval opens it
  relative to the current directory, so a relative path in addopts breaks).
* ``requires(module)`` imports an optional dependency or skips with a visible
  reason; under CI (``CI=true``) a missing dependency is a failure, never a skip.
"""
import importlib
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_configure(config):
    # Build matplotlib's font cache before any kernel starts: on a fresh machine the
    # first import prints "building the font cache" to stderr, which nbval would compare.
    import matplotlib.font_manager  # noqa: F401
    if getattr(config.option, "nbval", False) or getattr(config.option, "nbval_lax", False):
        config.option.nbval_sanitize_with = str(ROOT / "notebooks" / "nbval_sanitize.cfg")


def requires(module, why=""):
    """Import `module`, or skip (locally) / fail (in CI) with a clear reason."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        msg = f"optional dependency {module!r} is not installed ({exc}); {why}".rstrip("; ")
        if IN_CI:
            pytest.fail(msg + " -- CI must install it", pytrace=False)
        pytest.skip(msg)


# Fixture notebooks belong to the tests that use them; nbval must not run them as curriculum.
collect_ignore_glob = ["tests/fixtures/*", "tests/browser/fixtures/*", "build/*"]

# Property tests: random locally (to find new cases), derandomized in CI (a green
# main stays green; a failure found locally is reported with its seed to fix).
try:
    from hypothesis import settings as _hyp_settings

    _hyp_settings.register_profile("ci", derandomize=True, print_blob=True)
    if IN_CI:
        _hyp_settings.load_profile("ci")
except ImportError:  # hypothesis is a test extra; without it the property tests cannot import anyway
    pass


def pytest_addoption(parser):
    parser.addoption(
        "--reverse-modules", action="store_true", default=False,
        help="run the test files in reverse order (tests inside a file, and a notebook's cells, keep "
             "their order): a test that passes only because another file ran first then fails",
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--reverse-modules"):
        return
    groups = {}
    for item in items:
        groups.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    items[:] = [item for key in reversed(list(groups)) for item in groups[key]]
