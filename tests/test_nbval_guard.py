"""nbval in full mode really compares stored outputs, and ``make execute`` regenerates them.

A small fixture notebook (numpy, a printed number, a memory address, the
kernel's interpreter, an ``interact`` slider under ``# NBVAL_IGNORE_OUTPUT``)
is executed with
``tools/execute_notebooks.py`` exactly as ``make execute`` runs it. Then:

* the tool stores clean, deterministic outputs (a second run changes nothing)
  and refuses to write a notebook whose cell raises or prints to stderr;
* ``pytest --nbval`` with the project's sanitize file passes the unmodified
  copy and fails a copy in which one digit of a stored output was changed,
  naming the mismatch.

Kernel runs: 1 (execute) + 3 (re-execute and the two failing notebooks, one
subprocess) + 2 (nbval on two notebooks, one subprocess).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXECUTE = ROOT / "tools" / "execute_notebooks.py"
SANITIZE = ROOT / "notebooks" / "nbval_sanitize.cfg"

sys.path.insert(0, str(ROOT / "tools"))
import _nbtools  # noqa: E402

ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,16}")
MEAN_LINE = "mean = 0.5000"


def _guard_notebook():
    v4 = nbformat.v4
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# nbval guard fixture"),
            v4.new_code_cell(
                "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
                "from ipywidgets import interact\nnp.set_printoptions(precision=6, suppress=True)\n"
                "rng = np.random.default_rng(0)"
            ),
            v4.new_code_cell('x = np.linspace(0, 1, 5)\nprint(f"mean = {x.mean():.4f}")\nprint(np.round(rng.normal(size=3), 4))'),
            v4.new_code_cell("object()  # a memory address: the sanitize file must mask it"),
            v4.new_code_cell("import hashlib, sys\nprint('kernel python', hashlib.sha256(sys.executable.encode()).hexdigest()[:12])"),
            v4.new_code_cell(
                "# NBVAL_IGNORE_OUTPUT\ndef show(a=1.0):\n    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=50)\n"
                "    ax.plot([0, 1], [0, a])\n    plt.show()\n\ninteract(show, a=(0.0, 2.0, 0.5));"
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}},
    )


def _env():
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    return env


def _run(args, cwd, timeout=300):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=_env())


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The fixture notebook after ``tools/execute_notebooks.py`` (as ``make execute`` calls it)."""
    folder = tmp_path_factory.mktemp("guard")
    path = folder / "guard.ipynb"
    nbformat.write(_guard_notebook(), path)
    path.chmod(0o644)
    result = _run([sys.executable, str(EXECUTE), path.name], cwd=folder)
    assert result.returncode == 0, f"execute_notebooks failed:\n{result.stdout}\n{result.stderr}"
    assert f"{path.name}: updated" in result.stdout
    return path


def test_execute_stores_clean_outputs(executed):
    nb = nbformat.read(executed, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert all("execution" not in c.metadata for c in nb.cells), "execution timing must not be stored"
    assert MEAN_LINE + "\n" in "".join(_nbtools.output_texts(code[1]))
    assert _nbtools.problem_outputs(nb) == []
    interpreter = hashlib.sha256(sys.executable.encode()).hexdigest()[:12]
    assert f"kernel python {interpreter}" in "".join(_nbtools.output_texts(code[3])), "kernel must run this interpreter"
    # the slider's widget state is stored, with ids derived from the file name
    state = nb.metadata["widgets"][_nbtools.WIDGET_STATE_MIME]["state"]
    assert state and set(state) == {hashlib.sha256(f"guard.ipynb:{i}".encode()).hexdigest()[:32] for i in range(len(state))}
    text = executed.read_text(encoding="utf-8")
    assert text.endswith("}\n") and '"execution": {' not in text
    assert stat.S_IMODE(executed.stat().st_mode) == 0o644, "rewriting in place must keep the file's permissions"


def test_execute_is_repeatable_and_never_writes_a_failing_notebook(executed, tmp_path):
    again = tmp_path / "guard.ipynb"  # same file name: widget ids derive from it
    shutil.copy(executed, again)
    v4 = nbformat.v4
    raising = tmp_path / "raising.ipynb"
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell("x = 1"), v4.new_markdown_cell("m"), v4.new_code_cell("1 / 0")]), raising)
    warning = tmp_path / "warning.ipynb"
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell("x = 1"), v4.new_code_cell("import warnings\nwarnings.warn('careful')")]), warning)
    before = {p: p.read_bytes() for p in (raising, warning)}

    result = _run([sys.executable, str(EXECUTE), again.name, raising.name, warning.name], cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "raising.ipynb: cell 2: ZeroDivisionError" in result.stderr
    assert "warning.ipynb: output on stderr" in result.stderr and "cell 1: stderr:" in result.stderr
    assert "\x1b[" not in result.stderr, "error messages must not carry terminal colour codes"
    for path, data in before.items():
        assert path.read_bytes() == data, f"{path.name} was written although its execution failed"
    # a second run gives the same file (only the memory address differs, which nbval masks)
    assert ADDRESS.sub("0x", again.read_text()) == ADDRESS.sub("0x", executed.read_text())


def _pytest_nbval(folder, *notebooks):
    (folder / "pytest.ini").write_text("[pytest]\nfilterwarnings =\n    error\n")  # isolate from the project's config
    return _run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "--nbval-cell-timeout=120",
         f"--nbval-sanitize-with={SANITIZE}", "-p", "no:cacheprovider", "-rA", "--color=no", *notebooks],
        cwd=folder,
    )


def test_nbval_full_mode_catches_a_changed_digit(executed, tmp_path):
    original = executed.read_text(encoding="utf-8")
    assert original.count(MEAN_LINE) == 1
    (tmp_path / "unchanged.ipynb").write_text(original, encoding="utf-8")
    (tmp_path / "changed.ipynb").write_text(original.replace(MEAN_LINE, "mean = 0.5001"), encoding="utf-8")

    result = _pytest_nbval(tmp_path, "unchanged.ipynb", "changed.ipynb")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    failed = re.findall(r"^FAILED (\S+)::Cell (\d+)", result.stdout, flags=re.MULTILINE)
    passed = re.findall(r"^PASSED (\S+)::Cell (\d+)", result.stdout, flags=re.MULTILINE)
    assert failed == [("changed.ipynb", "1")], out  # nbval counts code cells from 0
    n_code = sum(c.cell_type == "code" for c in nbformat.reads(original, as_version=4).cells)
    assert len([p for p in passed if p[0] == "unchanged.ipynb"]) == n_code, out
    assert "mismatch 'stdout'" in out and "mean = 0.5001" in out and "mean = 0.5000" in out, out


def test_sanitize_file_rules():
    """Each rule of notebooks/nbval_sanitize.cfg, applied the way nbval applies it."""
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8"))
    assert len(patterns) >= 4
    assert all(replace.strip() for _, replace in patterns), "empty replacements get lost by editors"

    def clean(text):
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    assert clean("<object at 0x7f3a2c1b5e50>") == clean("<object at 0x7fce1a94f270>")
    assert clean("[<matplotlib.lines.Line2D at 0x7f01234567>]") == clean("[<matplotlib.lines.Line2D at 0x7f76543210>]")
    assert clean("value 0x10") == "value 0x10", "short hex literals are data, not addresses"
    assert clean("/tmp/ipykernel_123/4567.py:3: UserWarning: x") == clean("/tmp/ipykernel_999/8888.py:3: UserWarning: x")
    assert clean(r"C:\Temp\ipykernel_1\22.py:3: UserWarning") == clean("/tmp/ipykernel_2/33.py:3: UserWarning")
    site = "/work/main/.venv/lib/python3.11/site-packages/numpy/core.py"
    assert clean(site) == clean("/opt/conda/lib/python3.12/site-packages/numpy/core.py")
    assert clean("<Figure size 640x480 with 1 Axes>") == clean("<Figure size 864x360 with 1 Axes>")
    assert clean("<Figure size 640x480 with 1 Axes>") != clean("<Figure size 640x480 with 2 Axes>")
