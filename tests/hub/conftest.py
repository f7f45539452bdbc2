"""Shared by the hub tests: a missing prerequisite skips locally and fails under CI
(``CI=true``), where .ci/run must have installed it."""
from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    """Is this a CI run (``CI`` set to 1, true or yes)?"""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(condition: bool, msg: str) -> None:
    """Go on if ``condition``; otherwise skip with ``msg`` (fail under CI)."""
    if not condition:
        if in_ci():
            pytest.fail(msg + " -- CI must provide it (.ci/run)", pytrace=False)
        pytest.skip(msg)
