"""Run the course's JupyterHub on 127.0.0.1 and act as its students.

Shared by the hub test (``tests/hub/test_hub.py``) and the classroom benchmark
(``benchmarks/classroom.py``). Nothing here imports pytest.

* :class:`CourseRemote` is the course's git repository: a bare repository built
  from ``notebooks/``, served by ``git daemon`` on 127.0.0.1 (students' servers
  run as other Linux users, and git refuses a local repository another user
  owns), with :meth:`CourseRemote.commit` for a teacher's change.
* :class:`Hub` starts JupyterHub with the deployment's own configuration
  (``deploy/jupyterhub/jupyterhub_config.py``: roster, first-use passwords, one
  Linux user per student, ``LocalProcessSpawner``, idle culler), adding only a
  test service token, free ports and a temporary state folder. It remembers
  the PID of every process it started (hub, proxy, culler, servers, kernels),
  stops them by PID and lists what is left.
* :class:`Student` logs in through the REST API (``POST
  /hub/api/users/<name>/tokens`` with the password), starts their server,
  pulls the course through nbgitpuller (``/user/<name>/git-pull/api``), and
  runs notebook cells through the kernel API (websocket through the hub's
  proxy).
* :class:`StudentLab` lets the browser suite's :func:`check_notebook` drive a
  student's JupyterLab through the proxy.
* :func:`remove_system_users` deletes the Linux users the hub created.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import json
import os
import pathlib
import pwd
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

import psutil
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY = ROOT / "deploy" / "jupyterhub" / "node_modules" / ".bin" / "configurable-http-proxy"
PROXY_HINT = "install it with `npm ci --prefix deploy/jupyterhub` (make hub-setup)"
SANITIZE = ROOT / "notebooks" / "nbval_sanitize.cfg"

if str(ROOT / "tests") not in sys.path:  # the browser harness, as a plain module for the benchmark
    sys.path.insert(0, str(ROOT / "tests"))
from browser import jupyter_harness as lab_harness  # noqa: E402

__all__ = [
    "CellRun", "closed_folders", "CourseRemote", "open_folders_command", "Hub", "HubError", "Student", "StudentLab", "code_cells",
    "compare_outputs", "free_port", "load_class_link", "remove_system_users", "run_students", "sanitizer", "system_user_exists",
    "user_processes",
]

free_port = lab_harness.free_port


def load_class_link():
    """``deploy/class_link.py`` as a module (``deploy/`` is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("calc_class_link", ROOT / "deploy" / "class_link.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

#: Generous limits (seconds) on waits for real conditions on a busy 2-core machine.
START_TIMEOUT = 120.0
SPAWN_TIMEOUT = 300.0
PULL_TIMEOUT = 180.0
CELL_TIMEOUT = 180.0


class HubError(RuntimeError):
    """Something the hub or a student's server answered that the course cannot go on with."""


# --------------------------------------------------------------------------- #
# The course's repository
# --------------------------------------------------------------------------- #
def _git(*args, cwd=None) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="Teacher", GIT_AUTHOR_EMAIL="teacher@example.org",
               GIT_COMMITTER_NAME="Teacher", GIT_COMMITTER_EMAIL="teacher@example.org")
    out = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if out.returncode:
        raise HubError(f"git {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout


class CourseRemote:
    """The course as a git remote: ``git://127.0.0.1:<port>/<name>.git``.

    Parameters
    ----------
    notebooks : iterable of path-like
        Files committed under ``notebooks/`` in the first commit.
    name : str
        Repository name (the folder a student gets).
    branch : str
        The branch students pull.
    """

    def __init__(self, notebooks, name: str = "calculus-course", branch: str = "main"):
        self.notebooks = [pathlib.Path(p) for p in notebooks]
        self.name, self.branch = name, branch
        self.tmp: pathlib.Path | None = None
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"git://127.0.0.1:{self.port}/{self.name}.git"

    @property
    def work(self) -> pathlib.Path:
        """The teacher's working copy (commit here, then :meth:`commit` pushes)."""
        return self.tmp / "work"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self) -> None:
        """Commit the notebooks, make the bare repository and serve it with ``git daemon``."""
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="calc-course-"))
        self.tmp.chmod(0o755)
        (self.work / "notebooks").mkdir(parents=True)
        for nb in self.notebooks:
            shutil.copy2(nb, self.work / "notebooks" / nb.name)
        _git("init", "-q", "-b", self.branch, cwd=self.work)
        _git("add", "-A", cwd=self.work)
        _git("commit", "-q", "-m", "The course", cwd=self.work)
        served = self.tmp / "served"
        _git("clone", "-q", "--bare", str(self.work), str(served / f"{self.name}.git"))
        _git("remote", "add", "origin", str(served / f"{self.name}.git"), cwd=self.work)
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--listen=127.0.0.1", f"--port={self.port}",
             f"--base-path={served}", "--export-all", str(served)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while subprocess.run(["git", "ls-remote", "--heads", self.url], capture_output=True).returncode:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise HubError(f"git daemon did not serve {self.url} within 30 s")
            time.sleep(0.1)

    def commit(self, message: str) -> str:
        """Commit everything changed in :attr:`work` and push it; return the new commit."""
        _git("add", "-A", cwd=self.work)
        _git("commit", "-q", "-m", message, cwd=self.work)
        _git("push", "-q", "origin", self.branch, cwd=self.work)
        return _git("rev-parse", "HEAD", cwd=self.work).strip()

    def stop(self) -> None:
        """Stop ``git daemon`` (and the children serving a clone) by PID; remove the folder."""
        if self.proc is not None:
            procs = []
            with contextlib.suppress(psutil.NoSuchProcess):
                daemon = psutil.Process(self.proc.pid)
                procs = [daemon, *daemon.children(recursive=True)]
            _end(procs)
            self.proc.wait(10)
            self.proc = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def leftovers(self) -> list[str]:
        """Processes serving this repository that still run."""
        marker = str(self.tmp) if self.tmp else None
        return _processes_mentioning(marker) if marker else []


# --------------------------------------------------------------------------- #
# Processes and Linux users
# --------------------------------------------------------------------------- #
def _end(processes, timeout: float = 10.0) -> None:
    """SIGTERM the running ones among ``processes`` (:class:`psutil.Process` objects, remembered
    when they ran: psutil refuses to signal a PID that a new process has taken since), then
    SIGKILL what is left after ``timeout``."""
    procs = []
    for p in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                p.terminate()
                procs.append(p)
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    for p in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    psutil.wait_procs(alive, timeout=5)


def _describe(processes) -> list[str]:
    """``"PID command line"`` of each of ``processes`` that still runs (zombies count as gone)."""
    alive = []
    for p in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
    return alive


def _processes_mentioning(marker: str) -> list[str]:
    found = []
    for p in psutil.process_iter(["pid", "cmdline", "status"]):
        if p.info["status"] != psutil.STATUS_ZOMBIE and marker in " ".join(p.info["cmdline"] or ()):
            if p.info["pid"] != os.getpid():
                found.append(f"{p.info['pid']} {' '.join(p.info['cmdline'])[:120]}")
    return found


def system_user_exists(name: str) -> bool:
    """Is there a Linux user ``name``?"""
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def user_processes(names) -> list[psutil.Process]:
    """Running processes whose real or effective uid belongs to one of the users ``names``."""
    uids = set()
    for name in names:
        with contextlib.suppress(KeyError):
            uids.add(pwd.getpwnam(name).pw_uid)
    found = []
    for p in psutil.process_iter(["uids", "status"]):
        if p.info["uids"] and p.info["status"] != psutil.STATUS_ZOMBIE and (
                p.info["uids"].real in uids or p.info["uids"].effective in uids):
            found.append(p)
    return found


def remove_system_users(names) -> list[str]:
    """End the users' processes by PID, then ``userdel -r`` each user (home folder and group too).

    Returns a description of every user that could not be removed (empty on success).
    """
    names = [n for n in names if system_user_exists(n)]
    _end(user_processes(names))
    problems = []
    for name in names:
        home = pwd.getpwnam(name).pw_dir
        out = subprocess.run(["userdel", "-r", name], capture_output=True, text=True)
        if system_user_exists(name):
            problems.append(f"{name}: userdel failed ({out.returncode}): {out.stderr.strip()}")
        elif os.path.exists(home):
            shutil.rmtree(home, ignore_errors=True)
            if os.path.exists(home):
                problems.append(f"{name}: home folder {home} is left")
    return problems


# --------------------------------------------------------------------------- #
# Reaching the environment as a student
# --------------------------------------------------------------------------- #
def closed_folders(paths) -> dict[str, set[str]]:
    """Folders that other users cannot enter (no ``o+x``) on the way to ``paths``.

    Returns ``{closed folder: {names of its entries on the way}}``. The students'
    servers run as other users, so the environment's Python and packages must be
    reachable by them; on these machines Python lives under ``/root`` (mode 0700).

    >>> closed_folders(["/"])
    {}
    """
    closed: dict[str, set[str]] = {}
    for path in paths:
        parts = pathlib.Path(os.path.realpath(path)).parts
        for depth in range(1, len(parts) - 1):
            folder = pathlib.Path(*parts[:depth + 1])
            if not os.stat(folder).st_mode & 0o001:
                closed.setdefault(str(folder), set()).add(parts[depth + 1])
                break
    return closed


def open_folders_command(closed: dict[str, set[str]], scratch: pathlib.Path) -> list[str]:
    """A command prefix that runs a command in a private mount namespace where each closed
    folder is replaced by an empty one (mode 0711) showing only the entries on the way.

    The real folders are not changed; the namespace ends with its last process. Needs root
    (``unshare`` from util-linux).
    """
    lines = ["set -e"]
    for k, (folder, names) in enumerate(sorted(closed.items())):
        keep = []
        for j, name in enumerate(sorted(names)):
            hold = scratch / f"hold-{k}-{j}"
            hold.mkdir(parents=True)
            lines.append(f"mount --bind {shlex.quote(os.path.join(folder, name))} {shlex.quote(str(hold))}")
            keep.append((name, hold))
        lines.append(f"mount -t tmpfs -o mode=0711,size=1m tmpfs {shlex.quote(folder)}")
        for name, hold in keep:
            target = shlex.quote(os.path.join(folder, name))
            kind = "mkdir" if os.path.isdir(hold) else "touch"
            lines.append(f"{kind} {target} && mount --bind {shlex.quote(str(hold))} {target}")
            lines.append(f"umount {shlex.quote(str(hold))}")
    lines.append('exec "$@"')
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", "\n".join(lines), "sh"]


# --------------------------------------------------------------------------- #
# The hub
# --------------------------------------------------------------------------- #
_TEST_CONFIG = """\
# Written by tests/hub/hub_harness.py: the deployment's configuration, plus a service token
# for the test and what the browser check needs in JupyterLab.
import os
c = get_config()
load_subconfig({deploy!r})
c.JupyterHub.services.append({{"name": "hub-test", "api_token": os.environ["CALC_HUB_TEST_TOKEN"]}})
c.JupyterHub.load_roles.append({{
    "name": "hub-test",
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "list:services", "read:services"],
    "services": ["hub-test"],
}})
c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]
"""


class Hub:
    """The course's JupyterHub on 127.0.0.1, configured as deployed, for a list of students.

    Parameters
    ----------
    students : list of str
        The roster (Linux users of these names are created by the hub).
    admins : list of str
        Teachers (``CALC_HUB_ADMINS``).
    settings : dict
        More ``CALC_HUB_*`` settings (e.g. ``{"CALC_HUB_CULL_TIMEOUT": "600"}``).
    """

    def __init__(self, students, admins=(), settings=None):
        self.students = list(students)
        self.admins = list(admins)
        self.settings = dict(settings or {})
        self.token = secrets.token_hex(32)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.tmp: pathlib.Path | None = None
        #: Every process the hub started, by PID (as psutil objects, safe against PID reuse).
        self.procs: dict[int, psutil.Process] = {}
        self.log_path: pathlib.Path | None = None
        self._log = None
        self.forced: list[str] = []

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self) -> None:
        """Write the roster and the test's config, start JupyterHub, wait until its API answers."""
        if not os.access(PROXY, os.X_OK):
            raise HubError(f"configurable-http-proxy not found at {PROXY}; {PROXY_HINT}")
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="calc-hub-"))
        state = self.tmp / "state"
        state.mkdir(mode=0o700)
        roster = state / "students.txt"
        roster.write_text("# the class\n" + "".join(f"{s}\n" for s in self.students))
        config = self.tmp / "jupyterhub_config.py"
        config.write_text(_TEST_CONFIG.format(deploy=str(DEPLOY_CONFIG)))
        env = dict(os.environ)
        env.update({
            "CALC_HUB_STATE": str(state), "CALC_HUB_STUDENTS": str(roster),
            "CALC_HUB_ADMINS": ",".join(self.admins), "CALC_HUB_IP": "127.0.0.1",
            "CALC_HUB_PORT": str(self.port), "CALC_HUB_HUB_PORT": str(free_port()),
            "CALC_HUB_PROXY_API_PORT": str(free_port()), "CALC_HUB_PROXY": str(PROXY),
            "CALC_HUB_TEST_TOKEN": self.token,
        })
        env.update(self.settings)
        env["PATH"] = str(pathlib.Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        self.log_path = self.tmp / "jupyterhub.log"
        self._log = open(self.log_path, "wb")
        cmd = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
        #: Folders the students could not enter on the way to the environment (see closed_folders).
        self.closed = closed_folders([sys.executable, sys.base_prefix, sys.prefix, ROOT])
        if self.closed:
            cmd = open_folders_command(self.closed, self.tmp / "mounts") + cmd
        self.proc = subprocess.Popen(cmd,
                                     cwd=self.tmp, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        self.procs[self.proc.pid] = psutil.Process(self.proc.pid)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                code, log = self.proc.returncode, self.log_tail()
                self.stop()
                raise HubError(f"jupyterhub exited with code {code}:\n{log}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok and self.service_pid("idle-culler"):
                    break
            if time.monotonic() > deadline:
                log = self.log_tail()
                self.stop()
                raise HubError(f"jupyterhub did not answer within {START_TIMEOUT:g} s:\n{log}")
            time.sleep(0.2)
        self.remember_children()

    def log_tail(self, n: int = 40) -> str:
        """The last ``n`` lines of the hub's log."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def api(self, method: str, path: str, token: str | None = None, expect=(200, 201, 202, 204),
            **kw) -> requests.Response:
        """Call the hub's REST API (``/hub/api`` + ``path``) with ``token`` (the test service's by default)."""
        r = requests.request(method, f"{self.url}/hub/api{path}", timeout=kw.pop("timeout", 30),
                             headers={"Authorization": f"token {token or self.token}"}, **kw)
        if expect and r.status_code not in expect:
            raise HubError(f"{method} /hub/api{path}: HTTP {r.status_code}: {r.text[:300]}")
        return r

    def service_pid(self, name: str) -> int | None:
        """PID of a hub-managed service (found among the hub's children by its command line)."""
        if self.proc is None:
            return None
        marker = {"idle-culler": "jupyterhub_idle_culler"}.get(name, name)
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    if marker in " ".join(child.cmdline()):
                        return child.pid
        return None

    def server_pid(self, name: str) -> int | None:
        """PID of student ``name``'s single-user server (from the spawner's state), or None."""
        user = self.api("GET", f"/users/{name}").json()
        server = (user.get("servers") or {}).get("")
        return (server or {}).get("state", {}).get("pid") if server else None

    def remember_children(self) -> None:
        """Record the PIDs of every process under the hub (proxy, culler, servers, kernels)."""
        if self.proc is None:
            return
        with contextlib.suppress(psutil.NoSuchProcess):
            for p in psutil.Process(self.proc.pid).children(recursive=True):
                self.procs.setdefault(p.pid, p)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop every student's server through the API, the hub with SIGTERM (it stops its proxy
        and culler), then every remembered process still running by PID. Safe to call twice."""
        if self.proc is None:
            return
        self.remember_children()
        if self.proc.poll() is None:
            with contextlib.suppress(requests.RequestException, HubError):
                running = [u["name"] for u in self.api("GET", "/users", timeout=10).json()
                           if (u.get("servers") or {}).get("")]
                with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(len(running), 20))) as pool:
                    list(pool.map(lambda name: self.api("DELETE", f"/users/{name}/server", timeout=60,
                                                        expect=None), running))
            self.remember_children()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        #: Processes still running after the hub's own shutdown (ended here by PID).
        others = [p for pid, p in self.procs.items() if pid != self.proc.pid]
        self.forced = _describe(others)
        _end(others)
        self.proc = None
        self._log.close()

    def leftovers(self) -> list[str]:
        """Processes of this hub still running: remembered PIDs, and anything whose command line
        names its folder or whose user is on the roster."""
        left = _describe(self.procs.values())
        if self.tmp is not None:
            left += [p for p in _processes_mentioning(str(self.tmp)) if p not in left]
        for p in user_processes(self.students):
            with contextlib.suppress(psutil.NoSuchProcess):
                line = f"{p.pid} {' '.join(p.cmdline())[:120]} (user {p.username()})"
                if line not in left:
                    left.append(line)
        return left

    def cleanup(self) -> None:
        """Remove the hub's temporary folder (after :meth:`stop`)."""
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --------------------------------------------------------------------------- #
# A student
# --------------------------------------------------------------------------- #
@dataclasses.dataclass
class CellRun:
    """One code cell run through the kernel API."""

    index: int
    status: str
    outputs: list
    seconds: float

    def text(self) -> str:
        """What the cell printed and returned as text (stdout, stderr, text/plain), in order."""
        parts = []
        for o in self.outputs:
            if o["output_type"] == "stream":
                parts.append(o["text"])
            elif o["output_type"] in ("execute_result", "display_data") and "text/plain" in o["data"]:
                parts.append(o["data"]["text/plain"] + "\n")
            elif o["output_type"] == "error":
                parts.append(f"{o['ename']}: {o['evalue']}\n")
        return "".join(parts)


class Student:
    """One student of the class, acting through the hub's REST API and proxy only.

    Parameters
    ----------
    hub : Hub
    name, password : str
    """

    def __init__(self, hub: Hub | None, name: str, password: str):
        self.hub, self.name, self.password = hub, name, password
        self.token: str | None = None
        self.http = requests.Session()
        self.timings: dict[str, float] = {}

    @classmethod
    def of_server(cls, server: lab_harness.JupyterServer) -> "Student":
        """A learner on a plain JupyterLab (``make lab``, no hub): the same kernel and contents
        calls, straight to the server with its token (the benchmark's one-laptop baseline)."""
        student = cls(None, "laptop", "")
        student._server_url, student.token = server.url, server.token
        student.http.headers["Authorization"] = f"token {server.token}"
        return student

    @property
    def server_url(self) -> str:
        return getattr(self, "_server_url", None) or f"{self.hub.url}/user/{self.name}"

    # -- the hub ---------------------------------------------------------------
    def login(self) -> str:
        """Log in with name and password through the REST API; keep and return the API token.

        The first login sets the password (first-use authenticator); later ones must match it.
        """
        r = requests.post(f"{self.hub.url}/hub/api/users/{self.name}/tokens", timeout=60,
                          json={"auth": {"username": self.name, "password": self.password},
                                "note": "classroom test", "expires_in": 4 * 3600})
        if r.status_code != 201:
            raise HubError(f"{self.name}: login refused: HTTP {r.status_code}: {r.text[:200]}")
        self.token = r.json()["token"]
        self.http.headers["Authorization"] = f"token {self.token}"
        return self.token

    def start_server(self, timeout: float = SPAWN_TIMEOUT) -> None:
        """Ask the hub for this student's server and wait until it is ready.

        Waits on the hub's progress stream (``/hub/api/users/<name>/server/progress``), as the
        hub's "server starting" page does, rather than polling the hub.
        """
        t0 = time.monotonic()
        r = self.http.post(f"{self.hub.url}/hub/api/users/{self.name}/server", timeout=60)
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise HubError(f"{self.name}: spawn refused: HTTP {r.status_code}: {r.text[:200]}")
        ready, messages = False, []
        with self.http.get(f"{self.hub.url}/hub/api/users/{self.name}/server/progress",
                           stream=True, timeout=timeout) as stream:
            if stream.status_code != 200:
                raise HubError(f"{self.name}: progress: HTTP {stream.status_code}: {stream.text[:200]}")
            for raw in stream.iter_lines(decode_unicode=True):
                if not raw or not raw.startswith("data:"):
                    continue
                event = json.loads(raw[5:])
                messages.append(str(event.get("message", "")))
                if event.get("failed"):
                    raise HubError(f"{self.name}: the server failed to start: {messages[-1]}\n{self.hub.log_tail()}")
                if event.get("ready"):
                    ready = True
                    break
                if time.monotonic() - t0 > timeout:
                    break
        if not ready:
            raise HubError(f"{self.name}: server not ready within {timeout:g} s: {messages[-3:]}")
        self.timings["spawn"] = time.monotonic() - t0
        self.hub.remember_children()

    def server_api(self, method: str, path: str, expect=(200, 201, 204), **kw) -> requests.Response:
        """Call this student's Jupyter server API (``/user/<name>/api`` + ``path``) through the proxy."""
        r = self.http.request(method, f"{self.server_url}/api{path}", timeout=kw.pop("timeout", 60), **kw)
        if expect and r.status_code not in expect:
            raise HubError(f"{self.name}: {method} {path}: HTTP {r.status_code}: {r.text[:300]}")
        return r

    # -- the course --------------------------------------------------------------
    def pull(self, repo: str, branch: str, targetpath: str, timeout: float = PULL_TIMEOUT) -> list[str]:
        """Pull the course through nbgitpuller's endpoint (what a class link does); return its log.

        Raises :class:`HubError` with nbgitpuller's message when the pull fails.
        """
        t0 = time.monotonic()
        query = urllib.parse.urlencode({"repo": repo, "branch": branch, "targetpath": targetpath})
        lines, phase = [], None
        with self.http.get(f"{self.server_url}/git-pull/api?{query}", stream=True, timeout=timeout) as r:
            if r.status_code != 200:
                raise HubError(f"{self.name}: git-pull: HTTP {r.status_code}: {r.text[:300]}")
            for raw in r.iter_lines(decode_unicode=True):
                if not raw or not raw.startswith("data:"):
                    continue
                event = json.loads(raw[5:])
                phase = event.get("phase")
                if "output" in event:
                    lines.append(str(event["output"]).rstrip())
                if phase == "error":
                    raise HubError(f"{self.name}: nbgitpuller: {event.get('message')}\n" + "\n".join(lines[-20:]))
                if phase == "finished":
                    break
                if time.monotonic() - t0 > timeout:
                    raise HubError(f"{self.name}: nbgitpuller did not finish within {timeout:g} s")
        if phase != "finished":
            raise HubError(f"{self.name}: nbgitpuller's stream ended without finishing:\n" + "\n".join(lines))
        self.timings["pull"] = time.monotonic() - t0
        return lines

    def read_notebook(self, path: str) -> dict:
        """The notebook at ``path`` (relative to the student's home), through the contents API."""
        return self.server_api("GET", f"/contents/{urllib.parse.quote(path)}?content=1&type=notebook").json()["content"]

    def write_notebook(self, path: str, nb: dict) -> None:
        """Save notebook ``nb`` at ``path`` through the contents API (as JupyterLab does)."""
        self.server_api("PUT", f"/contents/{urllib.parse.quote(path)}",
                        json={"type": "notebook", "format": "json", "content": nb})

    def exists(self, path: str) -> bool:
        """Does ``path`` exist in the student's home (contents API)?"""
        r = self.server_api("GET", f"/contents/{urllib.parse.quote(path)}?content=0", expect=(200, 404))
        return r.status_code == 200

    # -- kernels ---------------------------------------------------------------------
    def start_kernel(self, path: str) -> dict:
        """Start a kernel for notebook ``path`` (a session, as JupyterLab does); return the session."""
        session = self.server_api("POST", "/sessions", json={
            "path": path, "name": pathlib.PurePosixPath(path).name, "type": "notebook",
            "kernel": {"name": "python3"}}).json()
        if self.hub is not None:
            self.hub.remember_children()
        return session

    def stop_kernel(self, session: dict) -> None:
        """Delete the session (the server shuts its kernel down)."""
        self.server_api("DELETE", f"/sessions/{session['id']}", expect=(204, 404))

    def run_cells(self, kernel_id: str, sources, timeout: float = CELL_TIMEOUT, on_first=None):
        """Run each source in turn on the kernel over its websocket; return a :class:`CellRun` each.

        Stops at the first cell that fails (as Run All does). ``on_first`` is called when the
        first cell's reply arrives (for the time to first result).
        """
        import websocket  # websocket-client, a dependency of jupyter_server

        ws_url = self.server_url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
        ws = websocket.create_connection(ws_url, header=[f"Authorization: token {self.token}"], timeout=timeout)
        session = uuid.uuid4().hex
        runs = []
        try:
            for index, source in sources:
                t0 = time.monotonic()
                msg_id = uuid.uuid4().hex
                ws.send(json.dumps({
                    "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                               "username": self.name, "version": "5.3", "date": ""},
                    "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                    "content": {"code": source, "silent": False, "store_history": True,
                                "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                }))
                outputs, status, idle = [], None, False
                while status is None or not idle:
                    if time.monotonic() - t0 > timeout:
                        raise HubError(f"{self.name}: cell {index} did not finish within {timeout:g} s")
                    msg = json.loads(ws.recv())
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind, content = msg["msg_type"], msg["content"]
                    if msg["channel"] == "shell" and kind == "execute_reply":
                        status = content["status"]
                    elif kind == "status" and content["execution_state"] == "idle":
                        idle = True
                    elif kind == "stream":
                        outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
                    elif kind in ("execute_result", "display_data"):
                        outputs.append({"output_type": kind, "data": content["data"]})
                    elif kind == "error":
                        outputs.append({"output_type": "error", "ename": content["ename"],
                                        "evalue": content["evalue"]})
                runs.append(CellRun(index, status, outputs, time.monotonic() - t0))
                if on_first is not None and len(runs) == 1:
                    on_first()
                if status != "ok":
                    break
        finally:
            ws.close()
        return runs

    def run_notebook(self, path: str, on_first=None) -> tuple[list[CellRun], dict]:
        """Run every code cell of the student's notebook ``path`` in a new kernel, then stop it.

        Returns the runs and the notebook as read before running.
        """
        nb = self.read_notebook(path)
        session = self.start_kernel(path)
        try:
            return self.run_cells(session["kernel"]["id"], code_cells(nb), on_first=on_first), nb
        finally:
            self.stop_kernel(session)


def code_cells(nb: dict) -> list[tuple[int, str]]:
    """``(index, source)`` of every code cell of notebook ``nb``."""
    return [(i, c["source"] if isinstance(c["source"], str) else "".join(c["source"]))
            for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def sanitizer(path: os.PathLike = SANITIZE):
    """The nbval sanitize rules of the course (``regex:``/``replace:`` pairs) as one function."""
    rules, lines = [], pathlib.Path(path).read_text().splitlines()
    for k, line in enumerate(lines[:-1]):
        if line.startswith("regex:") and lines[k + 1].startswith("replace:"):
            rules.append((re.compile(line[len("regex:"):].strip()), lines[k + 1][len("replace:"):].strip()))

    def sanitize(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text
    return sanitize


def _stored_text(cell: dict) -> str:
    parts = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            parts.append(o["text"] if isinstance(o["text"], str) else "".join(o["text"]))
        elif o["output_type"] in ("execute_result", "display_data") and "text/plain" in o.get("data", {}):
            value = o["data"]["text/plain"]
            parts.append((value if isinstance(value, str) else "".join(value)) + "\n")
        elif o["output_type"] == "error":
            parts.append(f"{o['ename']}: {o['evalue']}\n")
    return "".join(parts)


def compare_outputs(nb: dict, runs, ignore_tags=("nbval-ignore-output",)) -> list[str]:
    """Compare fresh text outputs with the stored ones, as nbval does (sanitized; cells tagged
    ``nbval-ignore-output`` only need to run). Returns one message per difference."""
    sanitize = sanitizer()
    problems = []
    ran = {r.index: r for r in runs}
    for index, _ in code_cells(nb):
        run = ran.get(index)
        if run is None:
            problems.append(f"cell {index} was not run (an earlier cell failed)")
            continue
        if run.status != "ok":
            problems.append(f"cell {index} failed: {run.text()[-300:]!r}")
            continue
        if set(nb["cells"][index].get("metadata", {}).get("tags", [])) & set(ignore_tags):
            continue
        stored, fresh = sanitize(_stored_text(nb["cells"][index])), sanitize(run.text())
        if stored != fresh:
            problems.append(f"cell {index}: output differs from the stored one:\n  stored {stored[:300]!r}\n"
                            f"  fresh  {fresh[:300]!r}")
    return problems


# --------------------------------------------------------------------------- #
# The browser suite's check, through the hub
# --------------------------------------------------------------------------- #
class StudentLab(lab_harness.JupyterServer):
    """A student's JupyterLab behind the hub, in the shape :func:`check_notebook` expects.

    The REST calls of the browser harness go through the hub's proxy with the
    student's token; pages open at ``/user/<name>/lab`` (the browser must have
    logged in to the hub first, on its login page).
    """

    def __init__(self, student: Student):
        super().__init__(notebooks=())
        self.student = student
        self.url = student.server_url
        self.token = student.token
        self.port = student.hub.port

    def start(self) -> None:  # the hub starts the server
        raise NotImplementedError("a student's server is started by the hub: Student.start_server()")

    def stop(self, timeout: float = 10.0) -> None:
        """Delete the sessions this object created (the hub stops the server)."""
        for sid in list(self.sessions):
            self.delete_session(sid)

    def lab_url(self, path: str | None = None) -> str:
        tree = f"/tree/{urllib.parse.quote(path)}" if path else ""
        return f"{self.url}/lab{tree}?reset"

    def write_lab_setting(self, plugin: str, name: str, value: dict) -> None:
        """Write a JupyterLab user setting into the student's home, owned by the student
        (before JupyterLab loads: ``~/.jupyter/lab/user-settings/<plugin>/<name>.jupyterlab-settings``)."""
        entry = pwd.getpwnam(self.student.name)
        target = pathlib.Path(entry.pw_dir) / ".jupyter" / "lab" / "user-settings" / plugin
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{name}.jupyterlab-settings").write_text(json.dumps(value))
        for folder in [target, *target.relative_to(entry.pw_dir).parents]:
            path = pathlib.Path(entry.pw_dir) / folder
            if path != pathlib.Path(entry.pw_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chown(target / f"{name}.jupyterlab-settings", entry.pw_uid, entry.pw_gid)


def run_students(students, work, max_workers=None) -> dict:
    """Run ``work(student)`` for every student at once (threads); return ``{name: result or exception}``."""
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max_workers or len(students)) as pool:
        futures = {pool.submit(work, s): s.name for s in students}
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            try:
                results[name] = future.result()
            except Exception as exc:  # noqa: BLE001 - reported per student by the caller
                results[name] = exc
    return results

