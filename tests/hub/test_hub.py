"""A class on the course's JupyterHub, for real, on 127.0.0.1 (issue 15).

The hub runs with the deployment's own configuration
(``deploy/jupyterhub/jupyterhub_config.py``): the roster, first-use passwords,
one Linux user per student created by the hub with ``adduser``,
``LocalProcessSpawner``, the idle culler and configurable-http-proxy from
``deploy/jupyterhub/node_modules``. The test adds only a service token for
itself, free ports and a temporary state folder.

``CALC_HUB_TEST_STUDENTS`` students (default 10) log in through the REST API,
start their servers and pull the course (a git repository built from
``notebooks/``, served by ``git daemon`` on 127.0.0.1) through nbgitpuller, all
at once. Then:

* every student runs chapter 1's cells through the kernel API (websocket
  through the hub's proxy) and gets the stored outputs (as nbval compares them);
* one student opens the class link (``deploy/class_link.py``) in Chromium, logs
  in on the hub's page, lands in chapter 1, and the browser suite's check
  (``check_notebook``: Run All, no error, no dialog, every slider moves its
  figure) passes through the proxy (figure readability stays the browser
  suite's check, on plain JupyterLab);
* a student's edit survives a second pull of a changed course (nbgitpuller's merge);
* a student's token is refused (403) by another student's server;
* each student's files are their own: homes 0700, files and processes owned by
  the student, and a student's kernel cannot read or write another's home;
* login needs a roster name and that student's password.

At the end every server, kernel, the proxy, the culler and the hub are
stopped by PID, and the Linux users are deleted with their homes (also when a
test failed); the teardown fails if any process or user is left.

The students' servers run this environment's Python as other users. On the
course's machines that Python lives under ``/root`` (mode 0700), so the hub is
started in a private mount namespace where ``/root`` shows only the way to it
(``hub_harness.closed_folders``; the real ``/root`` is not changed). A
deployment uses a Python every user can read (``/usr/bin/python3``, README).

Needs root (it creates Linux users named ``hubt<random>-sNN``), the ``hub``
extra, the proxy (``npm ci --prefix deploy/jupyterhub``), git and, for the
browser part, Chromium: without them it skips locally and fails in CI.
"""
from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import pwd
import re
import secrets
import shutil
import stat

import psutil
import pytest
import requests

from . import hub_harness as hh
from .conftest import need

class_link = hh.load_class_link()

ROOT = hh.ROOT
NOTEBOOKS = ROOT / "notebooks"
CHAPTER_1 = class_link.chapter_notebook(1)
FOLDER = "calculus-course"
BRANCH = "main"
#: How many students (at least 4: the browser, the merge and two for isolation are distinct).
STUDENTS_SETTING = "CALC_HUB_TEST_STUDENTS"
ARTIFACTS = ROOT / "artifacts" / "hub"
#: check_notebook's figure-readability failures (see test_class_link_and_slider_check_through_the_proxy).
FIGURE_SIZE = re.compile(r", figure \d+: tick labels [\d.]+ px high, below")


def student_count() -> int:
    raw = os.environ.get(STUDENTS_SETTING, "10")
    try:
        n = int(raw)
    except ValueError:
        raise ValueError(f"`{STUDENTS_SETTING}` must be an integer, got {raw!r}") from None
    if n < 4:
        raise ValueError(f"`{STUDENTS_SETTING}` must be at least 4, got {n}")
    return n


@dataclasses.dataclass
class Classroom:
    hub: hh.Hub
    course: hh.CourseRemote
    students: list

    def student(self, k: int) -> hh.Student:
        return self.students[k]


@pytest.fixture(scope="module")
def classroom():
    """The hub with every student logged in, served and holding the course; torn down and checked."""
    need(hasattr(os, "geteuid") and os.geteuid() == 0,
         "the hub test needs root: the deployment runs each student as their own Linux user")
    try:
        import jupyterhub  # noqa: F401
        import nbgitpuller  # noqa: F401
    except ImportError as exc:
        need(False, f"the `hub` extra is not installed ({exc}); pip install -c requirements/lock.txt -e '.[hub]'")
    need(os.access(hh.PROXY, os.X_OK), f"configurable-http-proxy not found at {hh.PROXY}; {hh.PROXY_HINT}")
    need(shutil.which("git") is not None and shutil.which("adduser") is not None
         and shutil.which("unshare") is not None,
         "the hub test needs git, adduser (Debian's package `adduser`) and unshare (util-linux)")
    n = student_count()
    prefix = "hubt" + secrets.token_hex(3)
    names = [f"{prefix}-s{k:02d}" for k in range(n)]
    course = hh.CourseRemote(sorted(NOTEBOOKS.glob("*.ipynb")), name=FOLDER, branch=BRANCH)
    hub = hh.Hub(names)
    try:
        course.start()
        hub.start()
        students = [hh.Student(hub, name, "pw-" + secrets.token_hex(8)) for name in names]

        def arrive(student):
            student.login()
            student.start_server()
            student.pull(course.url, BRANCH, FOLDER)

        results = hh.run_students(students, arrive)
        failed = {k: v for k, v in results.items() if isinstance(v, Exception)}
        assert not failed, "students could not start:\n" + "\n".join(f"{k}: {v}" for k, v in failed.items())
        yield Classroom(hub, course, students)
    finally:
        _teardown(hub, course, names)


def _teardown(hub: hh.Hub, course: hh.CourseRemote, names) -> None:
    """Stop everything by PID and delete the users, whatever failed; then say what is left."""
    problems = []
    try:
        try:
            hub.stop()
        finally:
            course.stop()
    except Exception as exc:  # noqa: BLE001 - reported below, after the users are removed
        problems.append(f"stopping: {type(exc).__name__}: {exc}")
    left = hub.leftovers() + course.leftovers()
    problems += [f"still running after the hub stopped (ended by PID): {p}" for p in hub.forced]
    problems += hh.remove_system_users(names)
    users = [n for n in names if hh.system_user_exists(n)]
    homes = [f"/home/{n}" for n in names if os.path.exists(f"/home/{n}")]
    if hub.log_path is not None and hub.log_path.exists():
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(hub.log_path, ARTIFACTS / "jupyterhub.log")
    hub.cleanup()
    if left or problems or users or homes:
        pytest.fail("the hub test left things behind:\n" + "\n".join(
            [f"process {p}" for p in left] + problems + [f"user {u}" for u in users] + [f"home {h}" for h in homes]),
            pytrace=False)


# --------------------------------------------------------------------------- #
def test_every_student_runs_chapter_1_through_the_kernel_api(classroom):
    """All students at once: chapter 1's cells in a kernel each, outputs as stored (nbval's rules)."""
    path = f"{FOLDER}/{CHAPTER_1}"

    def work(student):
        runs, nb = student.run_notebook(path)
        return runs, hh.compare_outputs(nb, runs)

    results = hh.run_students(classroom.students, work)
    problems = []
    for name, result in sorted(results.items()):
        if isinstance(result, Exception):
            problems.append(f"{name}: {type(result).__name__}: {result}")
            continue
        runs, diffs = result
        problems += [f"{name}: {d}" for d in diffs]
        assert len(runs) == len(hh.code_cells(classroom.student(0).read_notebook(path))), name
    assert not problems, "\n".join(problems)


def test_class_link_and_slider_check_through_the_proxy(classroom):
    """The class link in Chromium: hub login page, nbgitpuller, chapter 1 open in JupyterLab;
    then the browser suite's check (Run All, every slider changes its figure) through the proxy."""
    chromium = hh.lab_harness.find_chromium()
    need(chromium is not None, f"Chromium not found; {hh.lab_harness.INSTALL_HINT}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        need(False, "Playwright for Python is not installed (pip install -e '.[test]')")
    student = classroom.student(0)
    lab = hh.StudentLab(student)
    lab.write_lab_setting("@jupyterlab/apputils-extension", "notification",
                          {"fetchNews": "false", "checkForUpdates": False})
    link = class_link.class_link(classroom.hub.url, classroom.course.url, BRANCH, CHAPTER_1)
    browser = hh.lab_harness.Browser(chromium)
    browser.start()
    try:
        page = browser.new_page()
        page.goto(link)
        page.wait_for_selector("#username_input")
        assert "/hub/login" in page.url, f"the class link did not ask for a login: {page.url}"
        page.fill("#username_input", student.name)
        page.fill("#password_input", student.password)
        page.click("#login_submit")
        target = f"/user/{student.name}/lab/tree/{FOLDER}/{CHAPTER_1}"
        page.wait_for_url(f"**{target}*", timeout=hh.lab_harness.WAIT * 1000)
        page.wait_for_function(hh.lab_harness._LAB_READY_JS, timeout=hh.lab_harness.WAIT * 1000)
        page.wait_for_function(hh.lab_harness._NOTEBOOK_READY_JS, arg=f"{FOLDER}/{CHAPTER_1}",
                               timeout=hh.lab_harness.WAIT * 1000)
        page.close()
        report = hh.lab_harness.check_notebook(lab, browser, f"{FOLDER}/{CHAPTER_1}", ROOT / CHAPTER_1,
                                               artifacts=ARTIFACTS)
        print(report.summary())
        # Readable figures (tick label size) are the browser suite's own check, on plain JupyterLab
        # (tests/browser); here the question is whether the class works through the hub.
        failures = [f for f in report.failures if not FIGURE_SIZE.search(f)]
        assert not failures, "\n".join(failures)
        assert report.sliders and all(s.changed for s in report.sliders), report.summary()
    finally:
        lab.stop()
        browser.stop()
    assert not browser.leftovers()


def test_a_students_edit_survives_a_changed_course(classroom):
    """The student edits chapter 1, the teacher changes chapter 1 elsewhere and adds a file;
    the second pull brings the teacher's changes and keeps the student's (nbgitpuller's merge)."""
    student, course = classroom.student(1), classroom.course
    path = f"{FOLDER}/{CHAPTER_1}"
    nb = student.read_notebook(path)
    first_md = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown")
    nb["cells"][first_md]["source"] += "\n\nMy own note: the secant is a zoomed-out tangent."
    student.write_notebook(path, nb)

    teacher_nb = json.loads((course.work / CHAPTER_1).read_text())
    last_md = max(i for i, c in enumerate(teacher_nb["cells"]) if c["cell_type"] == "markdown")
    assert last_md > first_md + 5, "the two edits must be apart for a clean merge"
    source = teacher_nb["cells"][last_md]["source"]
    teacher_nb["cells"][last_md]["source"] = (source if isinstance(source, str) else "".join(source)) \
        + "\n\nErratum from the teacher: see also chapter 2."
    (course.work / CHAPTER_1).write_text(json.dumps(teacher_nb, indent=1, ensure_ascii=False) + "\n")
    (course.work / "notebooks" / "ANNOUNCEMENT.md").write_text("Office hours moved to Friday.\n")
    course.commit("Erratum in chapter 1; an announcement")

    log = student.pull(course.url, BRANCH, FOLDER)
    merged = student.read_notebook(path)
    text = lambda cell: cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])  # noqa: E731
    assert "My own note: the secant is a zoomed-out tangent." in text(merged["cells"][first_md]), log
    assert "Erratum from the teacher: see also chapter 2." in text(merged["cells"][last_md]), log
    assert student.exists(f"{FOLDER}/notebooks/ANNOUNCEMENT.md"), log
    assert len(merged["cells"]) == len(nb["cells"])


def test_a_student_cannot_reach_another_students_server(classroom):
    """Student A's token opens A's server and is refused (403) by B's, for files, kernels and the hub."""
    a, b = classroom.student(2), classroom.student(3)
    assert a.server_api("GET", "/status").status_code == 200
    for path in ["/api/status", "/api/contents", "/api/kernels", f"/api/contents/{FOLDER}/{CHAPTER_1}"]:
        r = a.http.get(f"{b.server_url}{path}", timeout=30)
        assert r.status_code == 403, f"A's token on B's {path}: HTTP {r.status_code}"
    r = a.http.post(f"{classroom.hub.url}/hub/api/users/{b.name}/tokens", json={}, timeout=30)
    assert r.status_code == 403, f"A asked for a token of B: HTTP {r.status_code}"
    r = a.http.delete(f"{classroom.hub.url}/hub/api/users/{b.name}/server", timeout=30)
    assert r.status_code in (403, 404), f"A stopped B's server: HTTP {r.status_code}"
    assert b.server_api("GET", "/status").status_code == 200, "B's server must still run"


def test_each_students_files_are_their_own(classroom):
    """Homes 0700 owned by each student; the course files and the server run as the student;
    A's kernel cannot list, read or write B's home."""
    a, b = classroom.student(2), classroom.student(3)
    for s in (a, b):
        entry = pwd.getpwnam(s.name)
        home = pathlib.Path(entry.pw_dir)
        st = os.stat(home)
        assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (entry.pw_uid, 0o700), f"{home}: {oct(st.st_mode)}"
        assert os.stat(home / FOLDER / CHAPTER_1).st_uid == entry.pw_uid
        pid = classroom.hub.server_pid(s.name)
        assert psutil.Process(pid).uids().real == entry.pw_uid, f"{s.name}'s server runs as another user"
    b_home = pwd.getpwnam(b.name).pw_dir
    probe = f"""
import os, pwd
results = {{}}
for what, act in [("list", lambda: os.listdir({b_home!r})),
                  ("read", lambda: open(os.path.join({b_home!r}, {FOLDER!r}, {CHAPTER_1!r})).read()),
                  ("write", lambda: open(os.path.join({b_home!r}, "from-a.txt"), "w").write("x"))]:
    try:
        act()
        results[what] = "allowed"
    except PermissionError:
        results[what] = "denied"
print(pwd.getpwuid(os.getuid()).pw_name, sorted(results.items()))
"""
    session = a.start_kernel(f"{FOLDER}/{CHAPTER_1}")
    try:
        (run,) = a.run_cells(session["kernel"]["id"], [(0, probe)])
    finally:
        a.stop_kernel(session)
    assert run.status == "ok", run.text()
    assert run.text().strip() == f"{a.name} [('list', 'denied'), ('read', 'denied'), ('write', 'denied')]"
    assert not os.path.exists(os.path.join(b_home, "from-a.txt"))


def test_login_needs_the_roster_and_the_password(classroom):
    """A roster student with a wrong password, and a name not on the roster, are refused."""
    hub, s = classroom.hub, classroom.student(4 % len(classroom.students))
    def token(name, password):
        return requests.post(f"{hub.url}/hub/api/users/{name}/tokens", timeout=30,
                             json={"auth": {"username": name, "password": password}}).status_code
    assert token(s.name, s.password) == 201
    assert token(s.name, s.password + "x") == 403
    assert token("not-on-roster", "a-long-password") == 403
    assert not hh.system_user_exists("not-on-roster")


def test_idle_culler_runs_as_a_hub_service(classroom):
    """The culler is a service the hub started, with the deployment's timeout."""
    hub = classroom.hub
    pid = hub.service_pid("idle-culler")
    assert pid is not None, "no idle-culler process under the hub"
    assert "--timeout=3600" in psutil.Process(pid).cmdline()
    services = hub.api("GET", "/services").json()
    assert "idle-culler" in services, sorted(services)
