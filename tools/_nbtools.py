"""Shared helpers for the notebook tools and their tests.

The course conventions live here once, so that ``tools/make_student.py``,
``tools/execute_notebooks.py`` and the tests in ``tests/`` agree on them:

* nbgrader's markers and stub (``### BEGIN SOLUTION`` ... ``### END SOLUTION``,
  ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``; the code stub
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()``);
* the cell tags ``solution-only``, ``interactive``, ``static-figure`` and
  ``key-numbers``;
* the statuses a ``check(...)`` result reports;
* how a notebook is executed: with nbclient, in a kernel of the running
  interpreter (ipykernel's own kernel spec, nothing registered globally), in a
  deterministic environment.

This module is imported by the tools (which run as scripts from ``tools/``)
and by the tests (which put ``tools/`` on ``sys.path``).
"""
from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import json
import os
import re
import signal
import stat
import tempfile
import threading
import time
import warnings
import weakref
from pathlib import Path

from calclib.exercises import STATUSES  # one list of check statuses, owned by the checker

# -- nbgrader markers and stubs ------------------------------------------------

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = "YOUR ANSWER HERE"

# -- cell tags -----------------------------------------------------------------

TAG_SOLUTION_ONLY = "solution-only"
TAG_INTERACTIVE = "interactive"
TAG_STATIC_FIGURE = "static-figure"
TAG_KEY_NUMBERS = "key-numbers"

# -- nbval ---------------------------------------------------------------------

NBVAL_MARKERS = (
    "# NBVAL_IGNORE_OUTPUT",
    "# NBVAL_SKIP",
    "# NBVAL_RAISES_EXCEPTION",
    "# NBVAL_CHECK_OUTPUT",
)

# -- check() results -----------------------------------------------------------

#: Any status of :data:`calclib.exercises.STATUSES` as a whole word or phrase
#: (longest first, so a status that contains another one wins).
_STATUS_RE = re.compile(
    r"\b(" + "|".join(re.escape(s) for s in sorted(STATUSES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)

# -- course structure ------------------------------------------------------------

#: The ``## `` headings of the source text, in order; chapter n is SECTIONS[n].
SECTIONS = {
    1: "Functions and change",
    2: "Derivative: local rate of change",
    3: "Derivatives of simple operations",
    4: "Partial derivatives and many parameters",
    5: "Gradient: collecting sensitivities",
    6: "Gradient descent and learning",
    7: "The chain rule",
    8: "Smoothness and why gradients work",
    9: "Integration and accumulation",
    10: "The Fundamental Theorem of Calculus",
    11: "Convexity and modern deep learning",
    12: "Summary",
}

WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def tags(cell):
    """Return the cell's tags as a list (empty when it has none).

    >>> tags({"metadata": {"tags": ["interactive"]}})
    ['interactive']
    >>> tags({"metadata": {}})
    []
    """
    return list(cell.get("metadata", {}).get("tags", []))


def nbgrader_meta(cell):
    """Return the cell's nbgrader metadata dict, or ``{}``.

    >>> nbgrader_meta({"metadata": {"nbgrader": {"solution": True}}})
    {'solution': True}
    """
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def is_exercise_cell(cell):
    """True for an nbgrader solution cell (the cell a learner writes in)."""
    return cell.get("cell_type") == "code" and nbgrader_meta(cell).get("solution") is True


def is_check_cell(cell):
    """True for an nbgrader graded test cell (the ``check(...)`` cell)."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and meta.get("grade") is True and not meta.get("solution")


def output_texts(cell):
    """Return the plain-text pieces of a code cell's outputs, in order.

    Streams give their text, rich outputs their ``text/plain``; errors give
    ``"<ename>: <evalue>"``.

    >>> cell = {"outputs": [{"output_type": "stream", "name": "stdout", "text": "hi\\n"},
    ...                     {"output_type": "execute_result", "data": {"text/plain": "42"}}]}
    >>> output_texts(cell)
    ['hi\\n', '42']
    """
    texts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            texts.append(_joined(out.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            text = out.get("data", {}).get("text/plain")
            if text is not None:
                texts.append(_joined(text))
        elif kind == "error":
            texts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return texts


def status_of(text):
    """Return the status named on the first line of a check result's text, or None.

    The first status word on the line counts, so "wrong: 2 of 5 checks passed"
    is ``wrong``.

    >>> status_of("passed - practice checks passed for 2.1")
    'passed'
    >>> status_of("Exercise 1.1: not attempted yet\\nReplace the stub")
    'not attempted'
    >>> status_of("wrong: 2 of 5 practice checks passed")
    'wrong'
    >>> status_of("42") is None
    True
    """
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    match = _STATUS_RE.search(first_line)
    return match.group(1).lower() if match else None


def check_statuses(cell):
    """Return the statuses reported by a check cell's outputs (one per result).

    >>> check_statuses({"outputs": [{"output_type": "execute_result",
    ...     "data": {"text/plain": "not attempted: 1.1\\n(stub)"}}]})
    ['not attempted']
    """
    found = (status_of(text) for text in output_texts(cell))
    return [status for status in found if status is not None]


def problem_outputs(nb):
    """List ``(where, kind, text)`` for every error or stderr output in a notebook.

    Looks at cell outputs and at the outputs stored inside Output widgets
    (``interact`` draws into one; nbval does not compare those).

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    >>> nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stderr", text="oops")]
    >>> problem_outputs(nb)
    [('cell 0', 'stderr', 'oops')]
    """
    found = []

    def scan(outputs, where):
        for out in outputs:
            kind = out.get("output_type")
            if kind == "stream" and out.get("name") == "stderr":
                found.append((where, "stderr", _joined(out.get("text", ""))))
            elif kind == "error":
                found.append((where, "error", f"{out.get('ename')}: {out.get('evalue')}"))

    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            allowed = "raises-exception" in tags(cell) or any(
                line.strip() == "# NBVAL_RAISES_EXCEPTION"
                for line in _joined(cell.get("source", "")).splitlines()
            )
            before = len(found)
            scan(cell.get("outputs", []), f"cell {index}")
            if allowed:
                found[before:] = [p for p in found[before:] if p[1] != "error"]
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})
    for model_id, model in state.items():
        outputs = model.get("state", {}).get("outputs")
        if isinstance(outputs, list):
            scan(outputs, f"output widget {model_id}")
    return found


def _joined(text):
    return "".join(text) if isinstance(text, list) else str(text)


# -- reading and validating notebook files -----------------------------------------


class NotebookError(ValueError):
    """A notebook file that cannot be used; the message starts with the file name.

    Raised for a file that cannot be read, is not valid JSON, is not a Jupyter
    notebook, or does not follow the nbformat schema.
    """


def _schema_location(path):
    """``cell 3: metadata.tags`` for a JSON-schema error path like ``['cells', 3, 'metadata', 'tags']``."""
    parts = list(path)
    where = []
    if len(parts) >= 2 and parts[0] == "cells" and isinstance(parts[1], int):
        where.append(f"cell {parts[1]}")
        parts = parts[2:]
    if parts:
        where.append(".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in parts).replace(".[", "["))
    return ": ".join(where) if where else "top level"


def schema_problem(nb):
    """Describe the first way `nb` breaks the nbformat schema, or return None if it is valid.

    Uses :func:`nbformat.validate`; a cell without an ``id`` (which nbformat
    4.5 requires and today only warns about) counts as a problem too.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("hi")])
    >>> schema_problem(nb) is None
    True
    >>> nb.cells[0]["outputs"] = []
    >>> schema_problem(nb)
    "cell 0: Additional properties are not allowed ('outputs' was unexpected)"
    >>> del nb.cells[0]["outputs"]
    >>> nb.cells[0].metadata["tags"] = "interactive"
    >>> schema_problem(nb)
    "cell 0: metadata.tags: 'interactive' is not of type 'array'"
    """
    import nbformat

    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5):
        for index, cell in enumerate(nb.get("cells", [])):
            if isinstance(cell, dict) and "id" not in cell:
                return f"cell {index}: no 'id' field (nbformat 4.5 requires one; open and save the notebook in Jupyter)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat's own deprecation notes: the error below says it all
        try:
            nbformat.validate(nb)
        except nbformat.ValidationError as exc:
            location = _schema_location(getattr(exc, "absolute_path", []) or [])
            message = getattr(exc, "message", None) or str(exc).splitlines()[0]
            return message if location == "top level" else f"{location}: {message}"
    return None


def read_notebook(path):
    """Read the notebook at `path` as nbformat 4 and check it against the schema.

    Returns a ``NotebookNode``. Raises :class:`NotebookError`, naming the file
    and what is wrong, when it cannot be read, is not valid JSON (with line
    and column), is not a Jupyter notebook, or breaks the nbformat schema.

    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "broken.ipynb"
    >>> _ = bad.write_text('{"cells": [')
    >>> read_notebook(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    _nbtools.NotebookError: ...broken.ipynb: not valid JSON (Expecting value at line 1, column 12)
    """
    import nbformat

    path = Path(path)
    if path.is_dir():
        raise NotebookError(f"{path}: is a folder, not a notebook")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise NotebookError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
        raise NotebookError(f"{path}: valid JSON but not a Jupyter notebook (no integer 'nbformat' field at the top)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # conversion notes; the schema check below reports real problems
        try:
            nb = nbformat.reader.reads(text)  # joins multi-line sources, no conversion, no logging
            if data["nbformat"] != 4:
                nb = nbformat.convert(nb, 4)
        except Exception as exc:  # nbformat raises many kinds on broken files
            raise NotebookError(
                f"{path}: an nbformat {data['nbformat']} notebook that cannot be read as nbformat 4 ({exc})"
            ) from None
    problem = schema_problem(nb)
    if problem:
        raise NotebookError(f"{path}: does not follow the notebook format (nbformat schema): {problem}")
    return nb


# -- deterministic widget model ids ---------------------------------------------

_HEX32 = re.compile(r"^[0-9a-f]{32}$")


def canonical_widget_ids(nb, salt):
    """Replace the random widget model ids in `nb` by ids derived from `salt`.

    ipywidgets names each model with a random uuid, so every run would change
    the stored widget state and the outputs that refer to it. The ids are
    renumbered in order of first appearance as ``sha256(salt:n)[:32]``; the
    same notebook executed twice is then stored byte for byte the same.
    Returns a new notebook; `nb` is not modified.

    >>> nb = {"cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data",
    ...       "data": {WIDGET_VIEW_MIME: {"model_id": "a" * 32}}}]}],
    ...       "metadata": {"widgets": {WIDGET_STATE_MIME: {"state": {
    ...           "a" * 32: {"state": {"layout": "IPY_MODEL_" + "b" * 32}},
    ...           "b" * 32: {"state": {}}}}}}}
    >>> out = canonical_widget_ids(nb, "demo")
    >>> new = list(out["metadata"]["widgets"][WIDGET_STATE_MIME]["state"])
    >>> new == [hashlib.sha256(f"demo:{i}".encode()).hexdigest()[:32] for i in (0, 1)]
    True
    >>> out["cells"][0]["outputs"][0]["data"][WIDGET_VIEW_MIME]["model_id"] == new[0]
    True
    >>> state = out["metadata"]["widgets"][WIDGET_STATE_MIME]["state"]
    >>> state[new[0]]["state"]["layout"] == "IPY_MODEL_" + new[1]
    True
    """
    ids = []
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})
    ids.extend(k for k in state if _HEX32.match(k))
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            view = out.get("data", {}).get(WIDGET_VIEW_MIME)
            if isinstance(view, dict) and _HEX32.match(str(view.get("model_id", ""))):
                ids.append(view["model_id"])
    mapping = {}
    for old in ids:
        if old not in mapping:
            mapping[old] = hashlib.sha256(f"{salt}:{len(mapping)}".encode()).hexdigest()[:32]
    if not mapping:
        return copy.deepcopy(nb)
    text = json.dumps(nb)
    pattern = re.compile("|".join(re.escape(old) for old in mapping))
    text = pattern.sub(lambda m: mapping[m.group(0)], text)
    result = json.loads(text)
    if hasattr(nb, "keys") and type(nb) is not dict:  # a NotebookNode: keep the type
        import nbformat

        result = nbformat.from_dict(result)
    return result


# -- executing notebooks -----------------------------------------------------------


#: Longest single wait (s) for a kernel message; see :func:`_sliced_poll_client_class`.
POLL_SLICE = 0.2


def _sliced_poll_client_class():
    """An ``AsyncKernelClient`` whose channels wait for a message in slices of :data:`POLL_SLICE` s.

    zmq's asyncio ``poll`` can miss the wake-up for a message that arrives
    while the machine is busy; the message is then returned only when the
    poll's timeout ends. nbclient waits for a cell's reply with the whole cell
    timeout, so on a loaded 2-core machine a notebook stalled for exactly
    that long (120 s) now and then, with ``make execute`` and with the tests
    (seen in 4 of 5 runs of a student notebook beside two CPU-bound
    processes). Polling again every second finds such a message within a
    second; the overall timeout is unchanged.
    """
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.channels import AsyncZMQSocketChannel
    from traitlets import Type

    class SlicedPollChannel(AsyncZMQSocketChannel):
        async def get_msg(self, timeout=None):
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                left = POLL_SLICE if deadline is None else min(POLL_SLICE, max(0.0, deadline - time.monotonic()))
                try:
                    return await super().get_msg(timeout=left)
                except Empty:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise

    class SlicedPollKernelClient(AsyncKernelClient):
        shell_channel_class = Type(SlicedPollChannel)
        iopub_channel_class = Type(SlicedPollChannel)
        stdin_channel_class = Type(SlicedPollChannel)
        control_channel_class = Type(SlicedPollChannel)

    return SlicedPollKernelClient


#: Kernel managers made by :func:`kernel_manager_class` (weakly held): what
#: :func:`kill_kernels` ends when the run is interrupted.
_KERNEL_MANAGERS = weakref.WeakSet()
#: Set by the first Ctrl-C inside :func:`stop_on_ctrl_c`: no kernel may start any more.
_STOPPING = threading.Event()
#: The threads in which :func:`run_notebook` runs nbclient (weakly held).
_WORKERS = weakref.WeakSet()


def kernel_manager_class():
    """An ``AsyncKernelManager`` class for ipykernel in the *running* interpreter.

    Only ipykernel's built-in ``python3`` spec is visible (``kernel_dirs=[]``),
    so a kernel spec registered elsewhere (user or system wide, maybe pointing
    at another Python) is never picked up, and nothing gets installed. Kernel
    traffic is CurveZMQ-encrypted where pyzmq supports it (that also silences
    ipykernel's "running over TCP without encryption" warning).
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class CurrentEnvKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("kernel_spec_manager", KernelSpecManager(kernel_dirs=[]))
            kwargs.setdefault("client_factory", _sliced_poll_client_class())
            super().__init__(**kwargs)
            try:
                import zmq

                if zmq.has("curve") and self.has_trait("transport_encryption"):
                    self.transport_encryption = "auto"
            except Exception:  # older jupyter_client / pyzmq: plain TCP on localhost
                pass
            _KERNEL_MANAGERS.add(self)  # so that Ctrl-C can end its kernel at once (kill_kernels)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if _STOPPING.is_set():  # Ctrl-C came while this kernel was being prepared
                raise RuntimeError("interrupted (Ctrl-C): no new kernel is started")
            await super()._async_launch_kernel(kernel_cmd, **kw)
            if _STOPPING.is_set():
                kill_kernels()

    return CurrentEnvKernelManager


def kernel_env(ipython_dir):
    """Environment for a deterministic kernel.

    ``PYTHONHASHSEED=0``; ``MPLBACKEND``, ``PYTHONWARNINGS``, ``PYTHONSTARTUP``
    and ``PYTHONDEVMODE`` removed (so ``%matplotlib inline`` applies and
    warnings behave as by default); ``IPYTHONDIR`` set to a fresh directory so
    no personal IPython start-up files run; debugpy's frozen-modules note off.
    """
    env = dict(os.environ)
    for name in ("MPLBACKEND", "PYTHONWARNINGS", "PYTHONSTARTUP", "PYTHONDEVMODE"):
        env.pop(name, None)
    env["PYTHONHASHSEED"] = "0"
    env["IPYTHONDIR"] = str(ipython_dir)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def kill_kernels(reap=False):
    """Kill every kernel started through :func:`kernel_manager_class` that still runs.

    The kernel runs in a process group of its own (jupyter_client starts it in
    a new session, so a terminal's Ctrl-C does not reach it); the whole group
    gets SIGKILL. Safe inside a signal handler with ``reap=False`` (only
    signals are sent); with ``reap=True`` it also waits for each process
    (at most 5 s) and removes its connection file. Returns the PIDs signalled.
    """
    import subprocess

    killed = []
    for km in list(_KERNEL_MANAGERS):
        provisioner = getattr(km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is not None and process.returncode is None:
            pgid = getattr(provisioner, "pgid", None)
            try:
                if pgid and hasattr(os, "killpg") and pgid != os.getpgid(0):
                    os.killpg(pgid, signal.SIGKILL)
                else:
                    process.kill()
                killed.append(process.pid)
            except (ProcessLookupError, PermissionError):
                pass
        if reap:
            if process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                    process.wait(5)
            with contextlib.suppress(Exception):
                km.cleanup_connection_file()
    return killed


class Interruption:
    """What :func:`stop_on_ctrl_c` saw: ``requested`` turns true at the first Ctrl-C."""

    def __init__(self):
        self.requested = False


@contextlib.contextmanager
def stop_on_ctrl_c():
    """Make Ctrl-C (SIGINT) stop a batch run at once, leaving no kernel behind.

    Inside the block, SIGINT (from a terminal, which sends it to the whole
    process group, or to this process alone) kills every running kernel
    (:func:`kill_kernels`) and raises :class:`KeyboardInterrupt` in the main
    thread. Python's default handler would not do: asyncio turns it into a
    cancelled task inside nbclient, which then reports an unrelated error and
    carries on with the next notebook. Yields an :class:`Interruption` whose
    ``requested`` tells the caller, after any exception, that the user asked to
    stop. On leaving the block the handler is restored, and after an
    interruption the kernels are reaped and their connection files removed.
    """
    state = Interruption()

    def handler(signum, frame):
        state.requested = True
        _STOPPING.set()
        kill_kernels()
        raise KeyboardInterrupt

    _STOPPING.clear()
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield state
    finally:
        try:
            if state.requested:
                # The worker thread notices its dead kernel within about a second and
                # ends; a kernel it was starting meanwhile is killed as soon as it exists.
                deadline = time.monotonic() + 15
                while any(w.is_alive() for w in list(_WORKERS)) and time.monotonic() < deadline:
                    kill_kernels()
                    for worker in list(_WORKERS):
                        worker.join(0.05)
                kill_kernels(reap=True)
        finally:
            signal.signal(signal.SIGINT, previous)
            _STOPPING.clear()


class CellError(RuntimeError):
    """A cell failed (raised, timed out, or the kernel died) during execution."""

    def __init__(self, cell_index, cause):
        self.cell_index = cell_index
        self.cause = cause
        super().__init__(f"cell {cell_index} failed: {type(cause).__name__}: {_short(cause)}")


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _short(exc, limit=3000):
    """The exception's message without terminal colour codes, cut at `limit` characters."""
    text = _ANSI.sub("", str(exc)).strip()
    return text if len(text) <= limit else text[:limit] + "\n[... truncated]"


def warm_matplotlib_cache():
    """Build matplotlib's font cache in this process, so that the first kernel
    does not print "Matplotlib is building the font cache" to stderr."""
    try:
        import matplotlib.font_manager  # noqa: F401
    except ImportError:
        pass


def run_notebook(nb, cwd, timeout=120, salt="notebook", store_widget_state=True):
    """Execute `nb` top to bottom in a fresh kernel; return the executed copy.

    The kernel runs the current interpreter (see :func:`kernel_manager_class`) in
    `cwd`, with :func:`kernel_env`. A cell that raises (unless tagged
    ``raises-exception`` or marked ``# NBVAL_RAISES_EXCEPTION``), times out
    or kills the kernel raises :class:`CellError` with the cell's index.
    Execution timing is not recorded, old widget state is dropped, widget
    model ids are made deterministic (:func:`canonical_widget_ids` with
    `salt`, e.g. the notebook's file name), and consecutive stream outputs are
    joined (nbconvert's ``CoalesceStreamsPreprocessor``): how the kernel splits
    printed text into messages depends on timing, so without it an unchanged
    cell could be stored as one stream one day and two the next.
    """
    from nbclient import NotebookClient
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    added_tag = []
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and any(
            line.strip() == "# NBVAL_RAISES_EXCEPTION" for line in cell.source.splitlines()
        ) and "raises-exception" not in tags(cell):
            cell.metadata.setdefault("tags", []).append("raises-exception")
            added_tag.append(index)

    class Client(NotebookClient):
        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            try:
                return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            except Exception as exc:
                raise CellError(cell_index, exc) from exc

    warm_matplotlib_cache()
    with tempfile.TemporaryDirectory(prefix="nbexec-ipython-") as ipython_dir:
        client = Client(
            nb,
            kernel_manager_class=kernel_manager_class(),
            kernel_name="python3",
            timeout=int(timeout),
            record_timing=False,
            store_widget_state=store_widget_state,
            resources={"metadata": {"path": str(cwd)}},
        )
        # nbclient runs in a worker thread: there its own SIGINT handler cannot be
        # installed (asyncio allows signal handlers only in the main thread), so
        # Ctrl-C stays with the main thread, i.e. with :func:`stop_on_ctrl_c`.
        outcome = {}

        def execute():
            try:  # asyncio.run: an event loop of this thread's own, closed at the end
                asyncio.run(client.async_execute(env=kernel_env(ipython_dir)))
            except BaseException as exc:  # handed over to the main thread
                outcome["error"] = exc

        worker = threading.Thread(target=execute, name="nbclient", daemon=True)
        _WORKERS.add(worker)
        worker.start()
        while worker.is_alive():
            worker.join(0.1)  # short waits keep the main thread responsive to signals
        error = outcome.get("error")
        if isinstance(error, CellError) or (error is not None and not isinstance(error, Exception)):
            raise error
        if error is not None:  # kernel failed to start, or similar
            raise CellError(-1, error) from error
    for index in added_tag:
        cell_tags = nb.cells[index].metadata["tags"]
        cell_tags.remove("raises-exception")
        if not cell_tags:
            del nb.cells[index].metadata["tags"]
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    return canonical_widget_ids(nb, salt=salt)


def atomic_write(path, data):
    """Write bytes or text to `path` through a temporary file and a rename.

    The file keeps its permission bits when it exists; a new file gets the
    usual ones (0o666 minus the umask), not the 0o600 of a temporary file.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
