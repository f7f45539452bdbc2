"""Drive the course's notebooks in real JupyterLab with Debian's Chromium.

This module is shared by the browser test suite (``tests/browser``) and by the
slider latency benchmark (``benchmarks/slider_latency.py``). It has three parts:

* :class:`JupyterServer` starts JupyterLab on 127.0.0.1 with a random token, a
  free port, temporary settings/workspace/runtime folders, serving a temporary
  copy of the notebooks; it creates and deletes sessions (kernels) over the REST
  API and stops the server (``POST /api/shutdown``, then by PID).
* :class:`Browser` launches ``/usr/bin/chromium`` through Playwright for Python
  (Playwright's own browser download does not work on the course machines).
* :class:`LabPage` keeps one tab with JupyterLab loaded; :func:`notebook_page`
  shows one notebook at a time in it (with a kernel started over REST first),
  so JupyterLab is loaded once per session, not once per notebook.
* :func:`check_notebook` does what a learner does: open a notebook, run all
  cells, look for errors, count the sliders, check that every figure is
  readable at the size it is shown (tick labels at least 10 px), move each
  slider and check that the figure it drives changes. It returns a
  :class:`NotebookReport` whose failures each name notebook, cell, slider and
  cause.

The facts behind the choices (flags, dialogs, selectors) are in
``../shared/GUIDE.md`` section 5.

Nothing here imports pytest, so the benchmark can use it as a plain module.
"""
from __future__ import annotations

import ast
import atexit
import contextlib
import dataclasses
import json
import os
import pathlib
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import typing
import urllib.error
import urllib.parse
import urllib.request

import psutil

#: Where Debian's ``chromium`` package puts the browser.
DEFAULT_CHROMIUM = "/usr/bin/chromium"

#: How to get the browser (shown when it is missing).
INSTALL_HINT = "install it with `sudo apt-get install -y chromium` (Debian/Ubuntu package `chromium`)"

#: Chromium flags for a quiet, headless, offline-friendly browser (GUIDE section 5).
#: Playwright adds ``--headless`` and an empty temporary ``--user-data-dir`` itself.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

#: The ipywidgets slider classes that render as ``.widget-slider`` with one handle.
SLIDER_CLASSES = {
    "FloatSlider", "IntSlider", "FloatLogSlider", "SelectionSlider",
}
#: Range sliders render as one ``.widget-slider`` with two handles.
RANGE_SLIDER_CLASSES = {"FloatRangeSlider", "IntRangeSlider", "SelectionRangeSlider"}

#: The notebook that is shown (a restored notebook may sit in a hidden tab).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

#: Generous limits (seconds) on waits for real conditions: each wait ends as soon as
#: its condition holds, so a busy machine costs time, never a false failure.
WAIT = 90.0            # page, notebook, kernel and widget readiness
RUN_TIMEOUT = 300.0    # Run All of one notebook
CHANGE_TIMEOUT = 30.0  # key press on a slider -> new figure in the page
RUN_START_WAIT = WAIT  # Run All clicked -> some cell starts (else it is clicked once more)
RUN_STALL = 30.0       # Run All left cells unrun with nothing running this long: clicked once more

#: Tick labels must show at least this high in the browser (issue 8: readable figures).
MIN_TICK_PX = 10.0
#: Fallbacks for ``calclib.style.DPI`` and ``calclib.style.TICK_LABEL_PT`` (see :func:`style_constants`).
FALLBACK_DPI, FALLBACK_TICK_LABEL_PT = 96, 9.0


def style_constants() -> tuple[int, float]:
    """``(DPI, TICK_LABEL_PT)`` of the course's figures, from :mod:`calclib.style`.

    The one place that reads them: if ``calclib.style`` (or a constant) is
    missing, the fallbacks 96 dpi and 9 pt are used.

    >>> dpi, pt = style_constants()
    >>> isinstance(dpi, int) and pt > 0
    True
    """
    try:
        from calclib import style
    except ImportError:
        return FALLBACK_DPI, FALLBACK_TICK_LABEL_PT
    return int(getattr(style, "DPI", FALLBACK_DPI)), float(getattr(style, "TICK_LABEL_PT", FALLBACK_TICK_LABEL_PT))


def tick_label_px(kind: str, client_width: float, natural_width: float, png_ppi: float | None = None,
                  dpi: int | None = None, tick_pt: float | None = None) -> float:
    """Height in CSS pixels at which a figure shown in the page draws its tick labels.

    ``px = TICK_LABEL_PT * ppi / 72 * client_width / natural_width``, where
    ``ppi`` is the image's own pixels per inch: ``DPI`` for SVG (its intrinsic
    size is its display size, ``k = 1``), and for PNG the resolution stored in
    the file (matplotlib writes it: ``2 * DPI`` for the inline backend's
    "retina" PNGs, ``k = 2``), or ``2 * DPI`` when the file does not say.
    Written as in the brief: ``TICK_LABEL_PT * DPI / 72 * client_width /
    (natural_width / k)`` with ``k = ppi / DPI``.

    >>> tick_label_px("svg", 672, 672, dpi=96, tick_pt=9.0)          # shown at its own size
    12.0
    >>> tick_label_px("png", 672, 1344, png_ppi=192, dpi=96, tick_pt=9.0)  # retina PNG
    12.0
    >>> round(tick_label_px("png", 560, 1344, dpi=96, tick_pt=9.0), 2)      # scaled to 560 px
    10.0
    >>> tick_label_px("png", 960, 960, png_ppi=80, dpi=96, tick_pt=9.0)    # an 80-dpi PNG
    10.0
    """
    default_dpi, default_pt = style_constants()
    dpi = default_dpi if dpi is None else dpi
    tick_pt = default_pt if tick_pt is None else tick_pt
    if kind == "svg":
        k = 1.0
    else:
        k = (png_ppi / dpi) if png_ppi else 2.0
    return tick_pt * dpi / 72 * client_width / (natural_width / k)


# --------------------------------------------------------------------------- #
# Finding the browser
# --------------------------------------------------------------------------- #
def find_chromium() -> str | None:
    """Return the path of Debian's Chromium, or ``None`` when it is not installed.

    ``/usr/bin/chromium`` is preferred; otherwise ``chromium`` on ``PATH``.
    """
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


# --------------------------------------------------------------------------- #
# What a notebook should show
# --------------------------------------------------------------------------- #
def count_sliders(source: str) -> int:
    """Count the slider widgets a code cell creates, from its source.

    Counts calls to the ipywidgets slider classes (``FloatSlider(...)``,
    ``IntSlider(...)``, ``FloatLogSlider(...)``, ..., also as ``widgets.X``)
    and ``interact`` abbreviations that become sliders (a keyword argument
    given as a tuple of 2 or 3 numbers). IPython magics are ignored.

    >>> count_sliders("interact(f, a=FloatSlider(min=0, max=1), n=IntSlider())")
    2
    >>> count_sliders("%matplotlib inline\\ninteract(f, h=widgets.FloatLogSlider(), x=(0, 1, 0.1))")
    2
    >>> count_sliders("@interact(x=(-1.0, 1.0))\\ndef f(x):\\n    pass")
    1
    >>> count_sliders("print('no FloatSlider( here')")
    0
    """
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    count = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in SLIDER_CLASSES or name in RANGE_SLIDER_CLASSES:
            count += 1
        elif name in ("interact", "interactive", "interact_manual"):
            for kw in node.keywords:
                value = kw.value
                if isinstance(value, ast.Tuple) and 2 <= len(value.elts) <= 3 and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, (int, float))
                    or isinstance(e, ast.UnaryOp) and isinstance(e.operand, ast.Constant)
                    for e in value.elts
                ):
                    count += 1
    return count


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def stored_slider_count(nb: dict, cell: dict) -> int | None:
    """Count the sliders in a cell's stored widget output, or ``None`` if nothing is stored.

    Notebooks executed by nbclient keep the widget state in their metadata; a
    cell's output names the root widget (the ``interact`` box), whose children
    are followed down to the slider models.

    >>> state = {"box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s", "IPY_MODEL_o"]}},
    ...          "s": {"model_name": "FloatSliderModel", "state": {}},
    ...          "o": {"model_name": "OutputModel", "state": {}}}
    >>> nb = {"metadata": {"widgets": {WIDGET_STATE: {"state": state}}}}
    >>> stored_slider_count(nb, {"outputs": [{"data": {WIDGET_VIEW: {"model_id": "box"}}}]})
    1
    >>> stored_slider_count(nb, {"outputs": []}) is None
    True
    """
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    roots = [o.get("data", {}).get(WIDGET_VIEW, {}).get("model_id") for o in cell.get("outputs", [])]
    roots = [r for r in roots if r in state]
    if not roots:
        return None
    count, seen, todo = 0, set(), list(roots)
    while todo:
        mid = todo.pop()
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        model = state[mid]
        if model.get("model_name", "").endswith("SliderModel"):
            count += 1
        children = model.get("state", {}).get("children", [])
        todo += [c[len("IPY_MODEL_"):] for c in children if isinstance(c, str) and c.startswith("IPY_MODEL_")]
    return count


@dataclasses.dataclass
class CellPlan:
    """An interactive cell: its index, first code line and the sliders it should show.

    ``sliders`` is the exact number when the cell's source creates the sliders
    itself or the notebook stores the widget state; ``None`` means "at least one"
    (sliders built by a helper function, no stored state).
    """

    index: int
    sliders: int | None
    first_line: str

    def expected(self) -> str:
        """The expectation in words, for messages."""
        return "at least 1" if self.sliders is None else str(self.sliders)

    def matches(self, shown: int) -> bool:
        """Does ``shown`` sliders meet the expectation?"""
        return shown >= 1 if self.sliders is None else shown == self.sliders and shown >= 1


def interactive_cells(notebook_path: os.PathLike) -> list[CellPlan]:
    """List the cells tagged ``interactive`` with the number of sliders each should show.

    Untagged cells whose source creates sliders are listed too (a forgotten tag
    should not hide a slider from the test).
    """
    nb = json.loads(pathlib.Path(notebook_path).read_text(encoding="utf-8"))
    plans = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        try:
            n = count_sliders(source)
        except SyntaxError:
            n = 0
        if "interactive" in tags or n:
            first = next((ln for ln in source.splitlines()
                          if ln.strip() and not ln.lstrip().startswith("#")), "")
            plans.append(CellPlan(index=i, sliders=n or stored_slider_count(nb, cell),
                                  first_line=first.strip()[:60]))
    return plans


# --------------------------------------------------------------------------- #
# The JupyterLab server
# --------------------------------------------------------------------------- #
def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    """JupyterLab on 127.0.0.1 serving a temporary copy of some notebooks.

    Use as a context manager, or call :meth:`start` and :meth:`stop`::

        with JupyterServer(["notebooks/01_x.ipynb"]) as server:
            session = server.create_session("01_x.ipynb")
            ...
            server.delete_session(session["id"])

    Parameters
    ----------
    notebooks : iterable of path-like
        Notebooks to copy into the served folder. A ``(source, name)`` pair
        copies ``source`` under the relative ``name`` (e.g. ``"_fixtures/x.ipynb"``).
    startup_timeout : float
        Seconds to wait for ``/api/status`` to answer.
    """

    def __init__(self, notebooks=(), startup_timeout: float = 120.0):
        self.notebooks = list(notebooks)
        self.startup_timeout = startup_timeout
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.tmp: pathlib.Path | None = None
        self.root_dir: pathlib.Path | None = None
        self.sessions: set[str] = set()
        #: PIDs of the server and every process it started (kernels), for the leak check.
        self.pids: set[int] = set()
        self.log_path: pathlib.Path | None = None

    # -- lifecycle -----------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def add_notebook(self, source: os.PathLike, name: str | None = None) -> str:
        """Copy ``source`` into the served folder (as ``name``) and return its relative path."""
        assert self.root_dir is not None, "start() the server first"
        source = pathlib.Path(source)
        rel = name or source.name
        dest = self.root_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
        return rel

    def start(self) -> None:
        """Start JupyterLab and wait until ``/api/status`` answers."""
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="calc-lab-"))
        self.root_dir = self.tmp / "notebooks"
        self.root_dir.mkdir()
        for item in self.notebooks:
            if isinstance(item, tuple):
                self.add_notebook(*item)
            else:
                self.add_notebook(item)
        settings = self.tmp / "user-settings"
        notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True)
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        for sub in ("workspaces", "runtime", "config", "ipython"):
            (self.tmp / sub).mkdir()

        env = dict(os.environ)
        bindir = str(pathlib.Path(sys.executable).parent)
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
        env["JUPYTER_CONFIG_DIR"] = str(self.tmp / "config")      # ignore the user's config
        env["JUPYTER_RUNTIME_DIR"] = str(self.tmp / "runtime")    # connection files go here
        env["IPYTHONDIR"] = str(self.tmp / "ipython")             # no user startup files
        env.pop("JUPYTER_TOKEN", None)
        cmd = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ServerApp.terminals_enabled=False",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
            "--LabApp.news_url=None",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: open notebooks without reloading
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log_path = self.tmp / "server.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=self.tmp)
        self.pids.add(self.proc.pid)
        atexit.register(self.stop)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status", timeout=2)
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"jupyter lab did not answer within {self.startup_timeout} s:\n"
                                       f"{self.log_tail()}")
                time.sleep(0.1)

    def log_tail(self, n: int = 40) -> str:
        """The last ``n`` lines of the server's log (for error messages)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def _remember_children(self) -> None:
        if self.proc is None:
            return
        try:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                self.pids.add(child.pid)
        except psutil.NoSuchProcess:
            pass

    def stop(self, timeout: float = 10.0) -> None:
        """Delete our sessions, ``POST /api/shutdown``, then terminate/kill by PID.

        Safe to call twice. Also removes the temporary folder.
        """
        if self.proc is None:
            return
        self._remember_children()
        if self.proc.poll() is None:
            for sid in list(self.sessions):
                try:
                    self.delete_session(sid)
                except (OSError, urllib.error.URLError):
                    pass
            try:
                self.api("POST", "/api/shutdown", timeout=5)
            except (OSError, urllib.error.URLError):
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
        # Kernels the server did not take down with it: end them by PID.
        for pid in self.pids - {self.proc.pid}:
            try:
                p = psutil.Process(pid)
                if p.status() != psutil.STATUS_ZOMBIE:
                    p.kill()
            except psutil.NoSuchProcess:
                pass
        self.proc = None
        self._log.close()
        atexit.unregister(self.stop)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- REST API ------------------------------------------------------------
    def api(self, method: str, path: str, body=None, timeout: float = 10.0):
        """Call the Jupyter REST API with the token; return the decoded JSON (or None)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            payload = resp.read()
        return json.loads(payload) if payload else None

    def create_session(self, path: str, kernel: str = "python3") -> dict:
        """Start a kernel for notebook ``path`` (relative to the served folder).

        Doing this before the page opens avoids JupyterLab's "Select Kernel" dialog.
        """
        session = self.api("POST", "/api/sessions", {
            "path": path, "name": pathlib.PurePosixPath(path).name,
            "type": "notebook", "kernel": {"name": kernel},
        }, timeout=60)
        self.sessions.add(session["id"])
        self._remember_children()
        return session

    def delete_session(self, session_id: str) -> None:
        """Delete a session; the server shuts its kernel down."""
        try:
            self.api("DELETE", f"/api/sessions/{session_id}", timeout=30)
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                raise
        self.sessions.discard(session_id)

    def leftovers(self) -> list[str]:
        """Processes of this server still running: its PID, the kernels it started,
        and anything whose command line mentions its temporary folder (kernel
        connection files live there). Empty after a clean :meth:`stop`."""
        pids = set(self.pids)
        marker = str(self.tmp) if self.tmp is not None else None
        if marker:
            for p in psutil.process_iter(["pid", "cmdline"]):
                if marker in " ".join(p.info["cmdline"] or ()):
                    pids.add(p.info["pid"])
        return leftover_processes(pids - {os.getpid()})

    def kernel_state(self, kernel_id: str) -> str:
        """The kernel's ``execution_state`` as the server sees it (idle, busy, starting...)."""
        return self.api("GET", f"/api/kernels/{kernel_id}")["execution_state"]

    def wait_kernel_idle(self, kernel_id: str, timeout: float = WAIT) -> None:
        """Poll until the kernel is idle."""
        deadline = time.monotonic() + timeout
        while self.kernel_state(kernel_id) != "idle":
            if time.monotonic() > deadline:
                raise TimeoutError(f"kernel {kernel_id} not idle after {timeout} s")
            time.sleep(0.05)

    def lab_url(self, path: str | None = None) -> str:
        """The URL that opens JupyterLab (with notebook ``path``) in a fresh layout."""
        tree = f"/tree/{urllib.parse.quote(path)}" if path else ""
        return f"{self.url}/lab{tree}?reset&token={self.token}"


# --------------------------------------------------------------------------- #
# The browser
# --------------------------------------------------------------------------- #
class Browser:
    """Debian's Chromium driven by Playwright for Python (one per test session).

    Parameters
    ----------
    executable : str, optional
        Path of the browser; :func:`find_chromium` by default.
    viewport : dict
        Page size in CSS pixels.
    """

    def __init__(self, executable: str | None = None, viewport=None):
        self.executable = executable or find_chromium()
        if not self.executable:
            raise RuntimeError(f"Chromium not found at {DEFAULT_CHROMIUM} or on PATH; {INSTALL_HINT}")
        self.viewport = viewport or {"width": 1280, "height": 900}
        self.pids: set[int] = set()
        self._pw = None
        self.browser = None
        self.context = None
        self._lab_pages: dict[str, LabPage] = {}

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self) -> None:
        """Launch the browser and open a browser context."""
        from playwright.sync_api import sync_playwright

        args = list(CHROMIUM_ARGS)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")
        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=self.executable, headless=True, args=args)
        self.context = self.browser.new_context(viewport=self.viewport)
        self._remember_children()

    def _remember_children(self) -> None:
        """Record the PIDs of the Playwright driver and the browser processes under us."""
        for child in psutil.Process().children(recursive=True):
            try:
                cmdline = " ".join(child.cmdline())
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            if "chrom" in child.name().lower() or "chrom" in cmdline or "playwright" in cmdline:
                self.pids.add(child.pid)

    def new_page(self):
        """A new tab in the shared context (actions wait up to :data:`WAIT` s by default)."""
        page = self.context.new_page()
        page.set_default_timeout(WAIT * 1000)
        self._remember_children()
        return page

    def lab_page(self, server: "JupyterServer") -> "LabPage":
        """The one tab with JupyterLab of ``server`` loaded, shared by all notebooks (made on first use)."""
        lab = self._lab_pages.get(server.url)
        if lab is None:
            lab = self._lab_pages[server.url] = LabPage(self, server)
        return lab

    def stop(self) -> None:
        """Close the browser and the Playwright driver; kill what is left by PID."""
        self._remember_children()
        self._lab_pages.clear()
        try:
            if self.browser is not None:
                self.browser.close()
        finally:
            self.browser = self.context = None
            if self._pw is not None:
                self._pw.stop()
                self._pw = None
        for pid in self.pids:
            try:
                p = psutil.Process(pid)
                if p.status() != psutil.STATUS_ZOMBIE:
                    p.wait(timeout=5)
            except psutil.TimeoutExpired:
                p.kill()
            except psutil.NoSuchProcess:
                pass


    def leftovers(self) -> list[str]:
        """Browser and Playwright driver processes started by us that still run."""
        return leftover_processes(self.pids)


def leftover_processes(pids) -> list[str]:
    """Describe the processes among ``pids`` that still run (zombies count as gone)."""
    alive = []
    for pid in sorted(pids):
        try:
            p = psutil.Process(pid)
            if p.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{pid} {' '.join(p.cmdline())[:120]}")
        except psutil.NoSuchProcess:
            pass
    return alive


# --------------------------------------------------------------------------- #
# One JupyterLab tab for every notebook
# --------------------------------------------------------------------------- #
_LAB_READY_JS = "() => !!(window.jupyterapp && window.jupyterapp.shell && window.jupyterapp.commands)"

#: In-page: is notebook ``path`` the shown document, with its kernel connected and idle?
_NOTEBOOK_READY_JS = """
(path) => {
  const w = window.jupyterapp.shell.currentWidget;
  if (!w || !w.context || w.context.path !== path || !w.isVisible) return false;
  const kernel = w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  const indicator = w.node.querySelector('.jp-Notebook-ExecutionIndicator');
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
         && !!indicator && indicator.dataset.status === 'idle' && w.node.querySelectorAll('.jp-Cell').length > 0;
}
"""

#: In-page: wait (at most ``ms``) until the shown notebook's document, session and kernel
#: are ready and the kernel has answered ``kernel_info``; true if they were in time.
_KERNEL_INFO_JS = """
async ([path, ms]) => {
  const w = window.jupyterapp.shell.currentWidget;
  const ready = (async () => {
    await w.context.ready;
    await w.sessionContext.ready;
    await w.sessionContext.session.kernel.info;
    return true;
  })();
  return await Promise.race([ready, new Promise(r => setTimeout(() => r(false), ms))]);
}
"""

#: In-page: close every document without a "save changes?" dialog (the copy is temporary).
_CLOSE_ALL_JS = """
() => {
  const app = window.jupyterapp;
  for (const w of Array.from(app.shell.widgets('main'))) {
    if (w.context && w.context.model) w.context.model.dirty = false;
    w.dispose();
  }
  return Array.from(app.shell.widgets('main')).length;
}
"""


class LabPage:
    """One browser tab with JupyterLab loaded once; notebooks open in it one after another.

    Loading JupyterLab takes about 3 s; opening a notebook in the loaded
    application (``docmanager:open``, through ``window.jupyterapp``, which the
    server exposes) takes a fraction of that. Between notebooks every document
    is closed (the kernel stays until its session is deleted). After an error
    :meth:`reset` closes the tab, so the next notebook starts from a fresh one.
    """

    def __init__(self, browser: Browser, server: JupyterServer):
        self.browser, self.server = browser, server
        self.page = None

    def ensure(self):
        """The tab with JupyterLab loaded and restored (opened and loaded if needed)."""
        if self.page is None or self.page.is_closed():
            page = self.browser.new_page()
            try:
                page.goto(self.server.lab_url())
                page.wait_for_function(_LAB_READY_JS, timeout=WAIT * 1000)
                page.evaluate("async () => { await window.jupyterapp.restored; }")
            except Exception:
                page.close()
                raise
            self.page = page
        return self.page

    def open(self, path: str, timeout: float = WAIT):
        """Show notebook ``path`` (alone) and wait until its kernel is connected and idle."""
        page = self.ensure()
        self.close_documents()
        page.evaluate("(path) => { window.jupyterapp.commands.execute('docmanager:open', "
                      "{path, factory: 'Notebook'}); }", path)
        # The kernel was started over REST just before: wait until the page is connected to it,
        # it has answered kernel_info and is idle, so Run All reaches a settled kernel.
        page.wait_for_function(_NOTEBOOK_READY_JS, arg=path, timeout=timeout * 1000)
        if not page.evaluate(_KERNEL_INFO_JS, [path, int(timeout * 1000)]):
            raise TimeoutError(f"{path}: its kernel did not answer kernel_info within {timeout:g} s")
        page.wait_for_function(_NOTEBOOK_READY_JS, arg=path, timeout=timeout * 1000)
        return page

    def close_documents(self) -> None:
        """Close every open document (no dialog)."""
        if self.page is not None and not self.page.is_closed():
            self.page.evaluate(_CLOSE_ALL_JS)

    def reset(self) -> None:
        """Close the tab; the next :meth:`ensure` loads JupyterLab again."""
        if self.page is not None and not self.page.is_closed():
            with contextlib.suppress(Exception):
                self.page.close()
        self.page = None


@contextlib.contextmanager
def notebook_page(server: JupyterServer, browser: Browser, path: str, timeout: float = WAIT):
    """Start a kernel for ``path`` (REST), show the notebook in the shared JupyterLab tab,
    and yield ``(page, kernel_id, page_errors)``.

    Starting the kernel first avoids JupyterLab's "Select Kernel" dialog. On exit
    the notebook is closed and the session (with its kernel) deleted; if the
    block raised, the tab is closed too, so the next notebook gets a fresh one.
    ``page_errors`` collects the page's uncaught JavaScript errors meanwhile.
    """
    session = server.create_session(path)
    lab = browser.lab_page(server)
    page_errors: list[str] = []
    page = None
    listener = lambda exc: page_errors.append(str(exc))  # noqa: E731
    try:
        page = lab.ensure()
        page.on("pageerror", listener)
        lab.open(path, timeout=timeout)
        yield page, session["kernel"]["id"], page_errors
    except BaseException:
        lab.reset()
        raise
    else:
        try:
            lab.close_documents()
        except Exception:  # noqa: BLE001 - a broken tab is replaced, the result stands
            lab.reset()
    finally:
        if page is not None and not page.is_closed():
            page.remove_listener("pageerror", listener)
        server.delete_session(session["id"])


def open_notebook(page, server: JupyterServer, path: str, timeout: float = WAIT) -> None:
    """Load JupyterLab in ``page`` with notebook ``path`` and wait until its kernel is idle.

    (A full page load; :func:`notebook_page` reuses one loaded tab instead.)
    """
    page.goto(server.lab_url(path))
    page.wait_for_selector(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]',
                           timeout=timeout * 1000)


# --------------------------------------------------------------------------- #
# Driving one notebook
# --------------------------------------------------------------------------- #
#: In-page helper: the element whose images a slider drives. It is the output
#: widget of the slider's ``interact`` box, or else the cell's output area.
_FIGURE_AREA_JS = """
(slider) => {
  const box = slider.closest('.widget-interact');
  const outs = box ? box.querySelectorAll('.widget-output') : [];
  return outs.length ? outs[outs.length - 1]
                     : slider.closest('.jp-Cell').querySelector('.jp-Cell-outputArea');
}
"""

#: In-page: arm a MutationObserver on the slider's figure area. The promise in
#: ``window.__calcMove`` resolves to {ms, hadImage} once an image with a new
#: ``src`` (PNG or SVG data URL) is in the page (``ms`` counted from the key's
#: ``keydown`` event), or to {ms: null} after ``timeoutMs``.
_ARM_JS = """
([slider, timeoutMs]) => {
  const area = (%s)(slider);
  const handle = slider.querySelector('.noUi-handle');
  const sig = () => Array.from(area.querySelectorAll('img')).map(i => i.src).join('|');
  const before = sig();
  let t0 = null;
  window.__calcMove = new Promise((resolve) => {
    const done = (ms) => { obs.disconnect(); clearTimeout(timer); resolve({ms, hadImage: before !== ''}); };
    const check = () => { const s = sig(); if (t0 !== null && s && s !== before) done(performance.now() - t0); };
    const obs = new MutationObserver(check);
    obs.observe(area, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
    handle.addEventListener('keydown', (e) => { t0 = e.timeStamp; }, {once: true, capture: true});
    const timer = setTimeout(() => done(null), timeoutMs);
  });
}
""" % _FIGURE_AREA_JS.strip()

#: In-page: does the slider's figure area show a loaded image?
_HAS_FIGURE_JS = """
(slider) => { const area = (%s)(slider);
              return !!area && Array.from(area.querySelectorAll('img')).some(i => i.complete && i.naturalWidth > 0); }
""" % _FIGURE_AREA_JS.strip()

#: In-page: every image in the notebook's outputs, with what the readability check needs.
#: For a PNG the resolution matplotlib stored (pHYs chunk, pixels per metre) is read.
_FIGURES_JS = """
(sel) => {
  const pngPpi = (src) => {
    const i = src.indexOf(',') + 1;
    let head;
    try { head = atob(src.slice(i, i + 4096)); } catch (e) { return null; }
    const at = head.indexOf('pHYs');
    if (at < 0 || head.charCodeAt(at + 12) !== 1) return null;
    const ppm = ((head.charCodeAt(at + 4) << 24) >>> 0) + (head.charCodeAt(at + 5) << 16)
              + (head.charCodeAt(at + 6) << 8) + head.charCodeAt(at + 7);
    return ppm * 0.0254;
  };
  const out = [];
  for (const cell of document.querySelectorAll(sel + ' .jp-Cell')) {
    const index = Number(cell.dataset.windowedListIndex);
    cell.querySelectorAll('.jp-Cell-outputArea img').forEach((img, k) => {
      img.scrollIntoView({block: 'nearest'});
      const src = img.currentSrc || img.src || '';
      const kind = src.startsWith('data:image/svg+xml') ? 'svg' : src.startsWith('data:image/png') ? 'png' : 'other';
      out.push({cell: index, k, kind, client: img.clientWidth, natural: img.naturalWidth,
                loaded: img.complete && img.naturalWidth > 0, ppi: kind === 'png' ? pngPpi(src) : null});
    });
  }
  return out;
}
"""


@dataclasses.dataclass
class SliderResult:
    """One slider of one notebook, moved one step by :func:`check_notebook`."""

    cell: int
    description: str
    key: str
    value_before: str
    value_after: str
    latency_ms: float | None
    #: pressed a second time because the first press brought no new figure in time
    retried: bool = False

    @property
    def changed(self) -> bool:
        """Did the slider's figure change after the key press?"""
        return self.latency_ms is not None


@dataclasses.dataclass
class FigureSize:
    """One image in a notebook's outputs, as the readability check measured it."""

    cell: int
    number: int
    kind: str
    client_width: int
    natural_width: int
    ppi: float | None
    tick_px: float


@dataclasses.dataclass
class NotebookReport:
    """What :func:`check_notebook` saw; ``failures`` empty means the notebook passed.

    Every failure is one line that names the notebook, the cell (and slider)
    and the cause.
    """

    notebook: str
    failures: list[str] = dataclasses.field(default_factory=list)
    sliders: list[SliderResult] = dataclasses.field(default_factory=list)
    figures: list[FigureSize] = dataclasses.field(default_factory=list)
    screenshots: list[pathlib.Path] = dataclasses.field(default_factory=list)
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """A few lines for the test log."""
        smallest = min(self.figures, key=lambda f: f.tick_px, default=None)
        lines = [f"{self.notebook}: {'passed' if self.ok else 'FAILED'}; "
                 f"{len(self.sliders)} slider(s) moved; "
                 + (f"{len(self.figures)} figure(s), smallest tick labels {smallest.tick_px:.1f} px "
                    f"(cell {smallest.cell}); " if smallest else "")
                 + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items())]
        lines += [f"  FAIL {f}" for f in self.failures]
        lines += [f"  note {n}" for n in self.notes]
        lines += [f"  screenshot {p}" for p in self.screenshots]
        return "\n".join(lines)


def _code_cell_states(page) -> list[tuple[int, str]]:
    """(cell index, input prompt text) for every code cell of the shown notebook."""
    return page.eval_on_selector_all(
        f"{PANEL} .jp-CodeCell",
        "cs => cs.map(c => [Number(c.dataset.windowedListIndex),"
        " (c.querySelector('.jp-InputPrompt') || {}).textContent || ''])")


def _error_outputs(page) -> list[tuple[int, str]]:
    """(cell index, text) of every stderr/error output and widget error in the notebook."""
    return page.eval_on_selector_all(
        f"{PANEL} .jp-Cell",
        """cs => cs.flatMap(c => Array.from(c.querySelectorAll(
                 '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
               + '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'))
             .concat(Array.from(c.querySelectorAll('.jp-OutputArea-output'))
                     .filter(o => /^(Error displaying widget|Error rendering output)/.test(o.textContent.trim())))
             .map(o => [Number(c.dataset.windowedListIndex), o.textContent.trim()]))""")


class RunAllStalled(TimeoutError):
    """Run All stopped part-way: cells left unrun, none running or queued, no error, kernel idle."""


def wait_for_run_all(page, server: JupyterServer, kernel_id: str, timeout: float = RUN_TIMEOUT,
                     stall: float | None = None) -> None:
    """Wait until no code cell is queued or running and the kernel is idle.

    Done when every code cell has an execution count, or when none is
    pending (``[*]``) and an error stopped the run. With ``stall`` (seconds),
    raises :class:`RunAllStalled` once cells have stayed unrun that long with
    nothing running, no error and the kernel idle (seen once in five runs on a
    machine with load 4 plus two busy processes: the first notebook after
    JupyterLab loaded ran its first cells only).
    """
    deadline = time.monotonic() + timeout
    idle_since = None
    while True:
        states = _code_cell_states(page)
        pending = [i for i, p in states if "*" in p]
        counted = all(re.fullmatch(r"\[\d+\]:", p.strip()) for _, p in states)
        if not pending and (counted or _error_outputs(page)):
            indicator = page.get_attribute(f"{PANEL} .jp-Notebook-ExecutionIndicator", "data-status")
            if indicator == "idle" and server.kernel_state(kernel_id) == "idle":
                return
        if stall is not None and not pending and not counted:
            idle = page.get_attribute(f"{PANEL} .jp-Notebook-ExecutionIndicator", "data-status") == "idle"
            idle_since = (idle_since or time.monotonic()) if idle else None
            if idle_since is not None and time.monotonic() - idle_since > stall:
                not_run = [i for i, p in states if not re.fullmatch(r"\[\d+\]:", p.strip())]
                raise RunAllStalled(f"Run All stopped: {len(not_run)} cell(s) not run, the first is cell "
                                    f"{not_run[0]}; nothing running for {stall:g} s")
        else:
            idle_since = None
        if time.monotonic() > deadline:
            not_run = [i for i, p in states if not re.fullmatch(r"\[\d+\]:", p.strip())]
            if pending:
                where = f"cell {pending[0]} still running"
            elif not_run:
                where = f"{len(not_run)} cell(s) not run, the first is cell {not_run[0]}; none running"
            else:
                where = "the kernel is still busy"
            raise TimeoutError(f"Run All did not finish within {timeout:g} s ({where})")
        time.sleep(0.1)


_NOTEBOOK_HEIGHT_JS = """
(sel) => {
  // Scroll the notebook to its top and return the viewport height that shows all of it.
  const outer = document.querySelector(sel + ' .jp-WindowedPanel-outer');
  const cells = document.querySelectorAll(sel + ' .jp-Cell');
  if (!outer || !cells.length) return window.innerHeight;
  outer.scrollTop = 0;
  const bottom = cells[cells.length - 1].getBoundingClientRect().bottom;
  return Math.ceil(bottom + (window.innerHeight - outer.getBoundingClientRect().bottom) + 24);
}
"""


#: In-page: resolve after two animation frames (a pending relayout has been painted).
_TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def screenshot_notebook(page, path: pathlib.Path, max_height: int = 12000) -> pathlib.Path:
    """Screenshot the whole notebook from its top at the page's width (1280 px), at most
    ``max_height`` px high: grow the viewport to fit it, shoot, restore.

    The viewport first grows to ``max_height``, so that every cell is laid out
    (off-screen cells have a placeholder height until shown, content-visibility),
    then shrinks to the notebook's height.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": max_height})
    page.evaluate(_TWO_FRAMES_JS)
    needed = int(min(max(page.evaluate(_NOTEBOOK_HEIGHT_JS, PANEL), size["height"]), max_height))
    if needed != max_height:
        page.set_viewport_size({"width": size["width"], "height": needed})
        page.evaluate(_TWO_FRAMES_JS)
    page.evaluate(_NOTEBOOK_HEIGHT_JS, PANEL)  # scrolled to the top
    try:
        page.screenshot(path=str(path), animations="disabled", caret="initial")
    finally:
        page.set_viewport_size(size)
    return path


def click_menu(page, menu: str, item: str) -> None:
    """Click ``menu`` > ``item`` in JupyterLab's menu bar, both labels matched exactly
    (so "Run All Cells" does not match "Restart Kernel and Run All Cells...")."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def _run_all_started(page, timeout: float) -> bool:
    """Wait until some code cell shows ``[*]:`` or ``[n]:``; False if none did within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not any(re.search(r"\[(\*|\d+)\]", p) for _, p in _code_cell_states(page)):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def run_all_cells(page, timeout: float = WAIT) -> bool:
    """Edit > Clear Outputs of All Cells, then Run > Run All Cells.

    Clearing first removes the stored execution counts and outputs, so
    :func:`wait_for_run_all` cannot mistake the stored ``[n]:`` prompts of a
    committed notebook for a finished run. If no cell starts within ``timeout``
    s (a click that a busy page did not act on), Run All is clicked once more;
    returns True in that case (the caller notes it).
    """
    click_menu(page, "Edit", "Clear Outputs of All Cells")
    deadline = time.monotonic() + timeout
    while any(re.search(r"\d", p) for _, p in _code_cell_states(page)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"stored execution counts still shown after {timeout:g} s")
        time.sleep(0.05)
    click_menu(page, "Run", "Run All Cells")
    if not _code_cell_states(page) or _run_all_started(page, timeout):
        return False
    click_menu(page, "Run", "Run All Cells")
    if not _run_all_started(page, timeout):
        raise TimeoutError(f"Run All started no cell, clicked twice, {timeout:g} s each")
    return True


def visible_dialogs(page) -> list[str]:
    """Texts of JupyterLab dialogs on screen (a learner would have to answer them)."""
    return page.eval_on_selector_all(".jp-Dialog", "ds => ds.map(d => d.innerText.trim().slice(0, 200))")


def slider_locators(page, cell_index: int):
    """The ``.widget-slider`` elements of cell ``cell_index`` (a Playwright locator)."""
    return page.locator(f'{PANEL} .jp-Cell[data-windowed-list-index="{cell_index}"] .widget-slider')


def slider_info(slider) -> dict:
    """Description, readout text, value and bounds of a slider.

    ``now``/``min``/``max`` come from the noUiSlider handle's aria attributes;
    ipywidgets 8.1 does not update ``aria-valuenow`` on keyboard moves, so
    ``now`` is only trusted before the first move, and ``readout`` (the text
    beside the slider) tells whether a move happened.
    """
    return slider.evaluate(
        """s => { const h = s.querySelector('.noUi-handle');
                  const label = s.querySelector('.widget-label');
                  const readout = s.querySelector('.widget-readout');
                  return {description: label ? label.textContent.trim() : '',
                          now: parseFloat(h.getAttribute('aria-valuenow')),
                          min: parseFloat(h.getAttribute('aria-valuemin')),
                          max: parseFloat(h.getAttribute('aria-valuemax')),
                          readout: readout ? readout.textContent.trim() : h.getAttribute('aria-valuenow')}; }""")


class Move(typing.NamedTuple):
    """One key press on a slider, as seen in the page."""

    key: str
    #: keydown -> new image in the page, in ms (``performance.now()``); None: no new image
    ms: float | None
    #: whether the slider's output showed an image before the press
    had_image: bool


def wait_for_figure(page, slider, timeout: float = WAIT) -> bool:
    """Wait until the slider's figure area shows a loaded image; False if none came in time."""
    try:
        page.wait_for_function(_HAS_FIGURE_JS, arg=slider.element_handle(), timeout=timeout * 1000)
        return True
    except Exception as exc:  # playwright's TimeoutError
        if "Timeout" in type(exc).__name__:
            return False
        raise


def move_slider(page, slider, key: str | None = None, timeout: float = CHANGE_TIMEOUT) -> Move:
    """Press an arrow key on a slider's handle; time the new figure.

    ``key`` defaults to ArrowRight, or ArrowLeft when the slider is at its maximum.
    ``Move.ms`` is the time from the keydown event to an image with a new
    ``src`` in the slider's figure area, measured in the page with
    ``performance.now()``; ``None`` when no new image came within ``timeout`` s.
    Works for PNG and SVG figures alike (both are ``<img>`` data URLs).
    """
    if key is None:
        info = slider_info(slider)
        key = "ArrowLeft" if info["now"] >= info["max"] else "ArrowRight"
    page.evaluate(_ARM_JS, [slider.element_handle(), int(timeout * 1000)])
    slider.locator(".noUi-handle").press(key)
    result = page.evaluate("() => window.__calcMove")
    return Move(key, result["ms"], result["hadImage"])


def measure_figures(page, path: str, first_lines: dict[int, str], timeout: float = WAIT):
    """Measure every image in the notebook's outputs; return ``(figures, failures)``.

    Waits until all images are loaded, then computes for each the height of
    its tick labels as shown (:func:`tick_label_px`); a figure below
    :data:`MIN_TICK_PX` is a failure naming notebook, cell and pixels.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = page.evaluate(_FIGURES_JS, PANEL)
        if all(f["loaded"] for f in found) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    figures, failures = [], []
    for f in found:
        where = f"{path}: cell {f['cell']} ({first_lines.get(f['cell'], '')!r}), figure {f['k'] + 1}"
        if not f["loaded"] or not f["natural"]:
            failures.append(f"{where}: image did not load within {timeout:g} s")
            continue
        if f["kind"] == "other":
            failures.append(f"{where}: neither PNG nor SVG, its size cannot be checked")
            continue
        px = tick_label_px(f["kind"], f["client"], f["natural"], png_ppi=f["ppi"])
        figures.append(FigureSize(f["cell"], f["k"] + 1, f["kind"], f["client"], f["natural"], f["ppi"], px))
        if px < MIN_TICK_PX:
            failures.append(
                f"{where}: tick labels {px:.1f} px high, below {MIN_TICK_PX:g} px ({f['kind']} "
                f"{f['natural']} px wide shown at {f['client']} px)")
    return figures, failures


def cell_first_lines(source: os.PathLike) -> dict[int, str]:
    """First code line (not a comment) of every cell of the notebook file, for messages."""
    nb = json.loads(pathlib.Path(source).read_text(encoding="utf-8"))
    lines = {}
    for i, cell in enumerate(nb.get("cells", [])):
        text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
        lines[i] = first.strip()[:60]
    return lines


def check_notebook(server: JupyterServer, browser: Browser, path: str, source: os.PathLike,
                   artifacts: os.PathLike | None = None, change_timeout: float = CHANGE_TIMEOUT,
                   run_timeout: float = RUN_TIMEOUT) -> NotebookReport:
    """Do what a learner does with notebook ``path`` and report what went wrong.

    Starts a kernel for it (REST), shows it in the shared JupyterLab tab, runs
    all cells from the Run menu, waits for the kernel, then checks: no dialog,
    every code cell executed, no stderr or error output, every interactive
    cell shows the sliders it should (see :class:`CellPlan`; at least one),
    every figure in the outputs shows its tick labels at least
    :data:`MIN_TICK_PX` high (:func:`measure_figures`), and every slider,
    moved one step with the keyboard, changes the image of its ``interact``
    output within ``change_timeout`` seconds (pressed a second time, with a
    note in the report, if the first press brought no new figure). A
    screenshot at 1280 px width goes to ``artifacts`` (if given). The
    notebook is closed and the session deleted at the end, also on errors;
    an unexpected error becomes a failure that names the stage it stopped.

    Parameters
    ----------
    server, browser : JupyterServer, Browser
        Shared across notebooks.
    path : str
        The notebook's path inside the served folder.
    source : path-like
        The notebook file on disk (read to know which cells should show sliders).
    """
    report = NotebookReport(notebook=path)
    stem = pathlib.PurePosixPath(path).stem
    stage = ["starting its kernel and opening it"]
    t0 = time.monotonic()
    try:
        with notebook_page(server, browser, path) as (page, kernel_id, page_errors):
            report.timings["open"] = time.monotonic() - t0
            try:
                _check_in_page(report, stage, page, server, kernel_id, page_errors, path, source, artifacts,
                               change_timeout, run_timeout)
            except Exception:
                if artifacts is not None:  # show what the page looked like when it went wrong
                    with contextlib.suppress(Exception):
                        report.screenshots.append(
                            screenshot_notebook(page, pathlib.Path(artifacts) / f"{stem}-error.png"))
                raise
    except Exception as exc:  # noqa: BLE001 - reported as a failure naming the stage
        text = str(exc).strip().splitlines()
        report.failures.append(f"{path}: {stage[0]}: {type(exc).__name__}: {text[0] if text else ''}"[:400])
    finally:
        report.timings["total"] = time.monotonic() - t0
    return report


def _check_in_page(report, stage, page, server, kernel_id, page_errors, path, source, artifacts,
                   change_timeout, run_timeout) -> None:
    """The body of :func:`check_notebook`, on the shown notebook; fills ``report``.

    ``stage[0]`` says what is being done, for the message of an unexpected error.
    """
    plans = interactive_cells(source)
    first_lines = cell_first_lines(source)
    stem = pathlib.PurePosixPath(path).stem
    if not plans:
        report.notes.append("no interactive cells (cells tagged 'interactive' or creating sliders)")
    if dialogs := visible_dialogs(page):
        report.failures.append(f"{path}: a dialog is open after loading: {dialogs}")
        return
    stage[0] = "Run All"
    t1 = time.monotonic()
    if run_all_cells(page, timeout=RUN_START_WAIT):
        report.notes.append(f"{path}: Run All started no cell within {RUN_START_WAIT:g} s; clicked it again")
    try:
        wait_for_run_all(page, server, kernel_id, timeout=run_timeout, stall=RUN_STALL)
    except RunAllStalled as exc:  # once more from the top, and say so
        report.notes.append(f"{path}: {exc}; clicked Run All again")
        click_menu(page, "Run", "Run All Cells")
        wait_for_run_all(page, server, kernel_id, timeout=run_timeout)
    report.timings["run all"] = time.monotonic() - t1

    for index, prompt in _code_cell_states(page):
        if not re.fullmatch(r"\[\d+\]:", prompt.strip()):
            report.failures.append(f"{path}: cell {index} ({first_lines.get(index, '')!r}) was not executed "
                                   f"(prompt {prompt!r})")
    for index, text in _error_outputs(page):
        report.failures.append(f"{path}: cell {index} shows an error/stderr output: {text[:300]!r}")

    # Widgets render after their cell finished: wait for the expected sliders (a real condition).
    stage[0] = "waiting for the sliders to show"
    deadline = time.monotonic() + WAIT
    while True:
        counts = {p.index: slider_locators(page, p.index).count() for p in plans}
        if all(p.matches(counts[p.index]) for p in plans) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for p in plans:
        if not p.matches(counts[p.index]):
            report.failures.append(
                f"{path}: cell {p.index} ({p.first_line!r}) shows {counts[p.index]} slider(s), "
                f"expected {p.expected()}")
    total = page.locator(f"{PANEL} .widget-slider").count()
    if total != sum(counts.values()):
        report.notes.append(f"{total - sum(counts.values())} slider(s) outside the interactive cells (not moved)")

    stage[0] = "measuring the figures"
    t1 = time.monotonic()
    no_figure = set()  # every slider's first figure is in the page before figures are measured
    for p in plans:
        sliders = slider_locators(page, p.index)
        for k in range(sliders.count()):
            if not wait_for_figure(page, sliders.nth(k)):
                no_figure.add((p.index, k))
    report.figures, failures = measure_figures(page, path, first_lines)
    report.failures += failures
    report.timings["figures"] = time.monotonic() - t1

    t2 = time.monotonic()
    for p in plans:
        sliders = slider_locators(page, p.index)
        for k in range(sliders.count()):
            slider = sliders.nth(k)
            before = slider_info(slider)
            where = f"{path}: cell {p.index} ({p.first_line!r}), slider {before['description']!r}"
            stage[0] = f"moving cell {p.index}'s slider {before['description']!r}"
            if (p.index, k) in no_figure and not wait_for_figure(page, slider, timeout=1):
                report.failures.append(f"{where}: its output shows no figure within {WAIT:g} s (nothing to change)")
                continue
            key, ms, had_image = move_slider(page, slider, timeout=change_timeout)
            after = slider_info(slider)
            retried = False
            if ms is None:  # once more, after the kernel is idle: a press lost under load should not fail
                server.wait_kernel_idle(kernel_id, timeout=run_timeout)
                first = after["readout"]
                key, ms, had_image = move_slider(page, slider, key=key, timeout=change_timeout)
                after = slider_info(slider)
                retried = True
                report.notes.append(
                    f"{where}: no new figure within {change_timeout:g} s after {key} (value {before['readout']} "
                    f"-> {first}); pressed {key} again: "
                    + (f"new figure after {ms:.0f} ms" if ms is not None else "still no new figure"))
            report.sliders.append(SliderResult(p.index, before["description"], key,
                                               before["readout"], after["readout"], ms, retried))
            again = " (also after a second press)" if retried else ""
            if after["readout"] == before["readout"]:
                report.failures.append(f"{where}: {key} did not move the slider (value {before['readout']}){again}")
            elif ms is None:
                report.failures.append(
                    f"{where}: figure did not change within {change_timeout:g} s after {key}{again} "
                    f"(value {before['readout']} -> {after['readout']})")
            server.wait_kernel_idle(kernel_id, timeout=run_timeout)
    report.timings["sliders"] = time.monotonic() - t2
    for index, text in _error_outputs(page):
        msg = f"{path}: cell {index} shows an error/stderr output: {text[:300]!r}"
        if msg not in report.failures:
            report.failures.append(msg + " (after moving the sliders)")
    if artifacts is not None:
        stage[0] = "taking the screenshot"
        t1 = time.monotonic()
        report.screenshots.append(screenshot_notebook(page, pathlib.Path(artifacts) / f"{stem}.png"))
        report.timings["screenshot"] = time.monotonic() - t1
    if dialogs := visible_dialogs(page):
        report.failures.append(f"{path}: a dialog is open: {dialogs}")
    for err in page_errors:
        report.failures.append(f"{path}: JavaScript error in the page: {err[:300]}")


def failure_message(report: NotebookReport) -> str:
    """The message of a failed notebook: its first line (pytest's summary line) is the first
    problem, which names notebook, cell, slider and cause; then every problem, one per line."""
    if len(report.failures) <= 1:
        return report.failures[0] if report.failures else ""
    return (f"{len(report.failures)} problems in {report.notebook}; first: {report.failures[0]}\n"
            + "\n".join("  " + f for f in report.failures))
