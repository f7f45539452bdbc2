"""JupyterHub for a class on one machine: "Calculus for Deep Learning".

What it sets up (README, "A class on JupyterHub", gives the commands):

* **Who may log in**: the class roster, one username per line in
  ``$CALC_HUB_STATE/students.txt`` (``#`` starts a comment). Each student sets
  their own password at their first login (``FirstUseAuthenticator``, the
  authenticator of The Littlest JupyterHub); a name that is not on the roster
  cannot log in. Teachers listed in ``CALC_HUB_ADMINS`` get the admin page.
* **One JupyterLab per student, as their own Linux user**: the hub (run as
  root) creates a system user for every name on the roster with Debian's
  ``adduser`` (home folder ``/home/<name>``, mode 0700) and starts each
  student's server as that user (``LocalProcessSpawner``): students cannot
  read or change each other's files. Servers run this environment's Python,
  the course's pinned environment (``make hub-setup``).
* **The course**: an nbgitpuller link (``python deploy/class_link.py``) clones
  the course into the student's home at the first click and merges later
  changes without overwriting the student's edits.
* **Idle servers are culled**: ``jupyterhub-idle-culler`` stops a server after
  ``CALC_HUB_CULL_TIMEOUT`` seconds without activity (files stay).
* **Limits**: ``CALC_HUB_MAX_SERVERS`` caps the running servers (use the number
  ``benchmarks/classroom.py`` gives for the machine). ``CALC_HUB_MEM_LIMIT`` is
  passed to each server as ``MEM_LIMIT``; ``LocalProcessSpawner`` does not
  enforce it (systemd or Kubernetes does: see ``deploy/z2jh/values.yaml``).

The hub listens on ``CALC_HUB_IP:CALC_HUB_PORT`` (default 127.0.0.1:8000);
put an HTTPS reverse proxy in front of it (README: Caddy, one command).

Settings, all optional (environment variables):

=========================  =============================================  =================
variable                   meaning                                        default
=========================  =============================================  =================
CALC_HUB_STATE             folder for the database, cookie secret,        /srv/calc-hub
                           passwords and ``students.txt``
CALC_HUB_STUDENTS          the roster file                                $STATE/students.txt
CALC_HUB_ADMINS            teachers' usernames, comma separated           (none)
CALC_HUB_IP, _PORT         where students connect (behind HTTPS)          127.0.0.1, 8000
CALC_HUB_HUB_PORT          the hub's internal API port                    8081
CALC_HUB_PROXY_API_PORT    the proxy's internal API port                  8001
CALC_HUB_PROXY             configurable-http-proxy executable             node_modules here
CALC_HUB_CULL_TIMEOUT      seconds idle before a server is stopped        3600
CALC_HUB_CULL_EVERY        seconds between culler runs                    300
CALC_HUB_MAX_SERVERS       running servers at most (0: no limit)          0
CALC_HUB_MEM_LIMIT         memory per student (shown, not enforced here)  1G
=========================  =============================================  =================

Run as root: ``sudo CALC_HUB_ADMINS=teacher .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py``.
"""
import os
import pathlib
import pwd
import re
import sys

from firstuseauthenticator import FirstUseAuthenticator
from jupyterhub.auth import LocalAuthenticator

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

HERE = pathlib.Path(__file__).resolve().parent
#: The environment that runs the hub also runs every student's server and kernel.
BIN = pathlib.Path(sys.executable).parent
#: Usernames that Debian's adduser accepts (and nothing that could name a path or an option).
USERNAME = r"[a-z][a-z0-9_-]{0,31}"


def _setting(name, default):
    value = os.environ.get(name, "").strip()
    return value if value else default


def _int_setting(name, default, minimum=0):
    raw = _setting(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"`{name}` must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}, got {value}")
    return value


def read_roster(path):
    """Usernames in a roster file: one per line, ``#`` comments, blank lines ignored."""
    names = []
    for number, raw in enumerate(pathlib.Path(path).read_text().splitlines(), start=1):
        name = raw.split("#", 1)[0].strip().lower()
        if not name:
            continue
        if not re.fullmatch(USERNAME, name):
            raise ValueError(f"{path} line {number}: username {name!r} must match {USERNAME}")
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            uid = None
        if uid is not None and uid < 1000:
            raise ValueError(f"{path} line {number}: {name!r} is a system account (uid {uid}); "
                             "students must have their own names")
        names.append(name)
    return names


STATE = pathlib.Path(_setting("CALC_HUB_STATE", "/srv/calc-hub"))
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
ROSTER = pathlib.Path(_setting("CALC_HUB_STUDENTS", str(STATE / "students.txt")))
if not ROSTER.exists():
    raise FileNotFoundError(f"`CALC_HUB_STUDENTS`: no roster at {ROSTER}; write one username per line")
STUDENTS = read_roster(ROSTER)
ADMINS = [a.strip().lower() for a in _setting("CALC_HUB_ADMINS", "").split(",") if a.strip()]
for admin in ADMINS:
    if not re.fullmatch(USERNAME, admin):
        raise ValueError(f"`CALC_HUB_ADMINS`: username {admin!r} must match {USERNAME}")

IP = _setting("CALC_HUB_IP", "127.0.0.1")
PORT = _int_setting("CALC_HUB_PORT", 8000, 1)
PROXY = _setting("CALC_HUB_PROXY", str(HERE / "node_modules" / ".bin" / "configurable-http-proxy"))
if not os.access(PROXY, os.X_OK):
    raise FileNotFoundError(f"`CALC_HUB_PROXY`: configurable-http-proxy not found at {PROXY}; "
                            "install it with `npm ci --prefix deploy/jupyterhub` (make hub-setup)")


class ClassAuthenticator(FirstUseAuthenticator, LocalAuthenticator):
    """The roster's students, each with the password they chose at their first login,
    each with their own Linux user (created by ``adduser`` when the hub starts)."""


# --- the hub and its proxy --------------------------------------------------------------
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = _int_setting("CALC_HUB_HUB_PORT", 8081, 1)
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_int_setting('CALC_HUB_PROXY_API_PORT', 8001, 1)}"
c.ConfigurableHTTPProxy.command = [PROXY]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.active_server_limit = _int_setting("CALC_HUB_MAX_SERVERS", 0)
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server

# --- who may log in -------------------------------------------------------------------------
c.JupyterHub.authenticator_class = ClassAuthenticator
c.Authenticator.allowed_users = set(STUDENTS)
c.Authenticator.admin_users = set(ADMINS)
c.Authenticator.username_pattern = USERNAME
c.FirstUseAuthenticator.create_users = False  # only names on the roster (or added by a teacher)
c.FirstUseAuthenticator.dbm_path = str(STATE / "passwords.dbm")
c.FirstUseAuthenticator.min_password_length = 8
c.LocalAuthenticator.create_system_users = True

# --- one JupyterLab per student, as that student ------------------------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.mem_limit = _setting("CALC_HUB_MEM_LIMIT", "1G")
c.Spawner.environment = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin"}  # git for nbgitpuller
c.Spawner.start_timeout = 120  # many students logging in at once on a small machine
c.Spawner.http_timeout = 90

# --- idle servers are stopped (files stay) ----------------------------------------------------
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={_int_setting('CALC_HUB_CULL_TIMEOUT', 3600, 1)}",
                f"--cull-every={_int_setting('CALC_HUB_CULL_EVERY', 300, 1)}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
