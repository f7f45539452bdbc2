"""The deployment's files: deploy/jupyterhub/jupyterhub_config.py read as JupyterHub reads it
(fast: no hub is started), and deploy/z2jh/values.yaml kept in step with it."""
from __future__ import annotations

import json
import os
import pathlib
import re
import sys

import pytest
import yaml
from traitlets.config import Config

from .conftest import need

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
VALUES = ROOT / "deploy" / "z2jh" / "values.yaml"
PACKAGE = ROOT / "deploy" / "jupyterhub" / "package.json"


@pytest.fixture
def hub_env(tmp_path, monkeypatch):
    """A state folder, a roster and a stand-in proxy executable; returns the roster's path."""
    try:
        import firstuseauthenticator  # noqa: F401
    except ImportError as exc:
        need(False, f"the `hub` extra is not installed ({exc}); pip install -c requirements/lock.txt -e '.[hub]'")
    proxy = tmp_path / "chp"
    proxy.write_text("#!/bin/sh\n")
    proxy.chmod(0o755)
    roster = tmp_path / "students.txt"
    roster.write_text("# class of 2026\nAda\n\nbrook  # second row\n")
    for key in [k for k in os.environ if k.startswith("CALC_HUB_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("CALC_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("CALC_HUB_STUDENTS", str(roster))
    monkeypatch.setenv("CALC_HUB_PROXY", str(proxy))
    return roster


def load(**_):
    """Run the config file as JupyterHub does (``get_config`` provided) and return the Config."""
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(CONFIG), "__name__": "jupyterhub_config"}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), namespace)
    return config, namespace


def test_roster_students_and_defaults(hub_env, tmp_path):
    c, ns = load()
    assert c.Authenticator.allowed_users == {"ada", "brook"}
    assert c.Authenticator.admin_users == set()
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert c.JupyterHub.spawner_class == "jupyterhub.spawner.LocalProcessSpawner"
    assert c.LocalAuthenticator.create_system_users is True
    assert c.FirstUseAuthenticator.create_users is False
    assert c.Spawner.cmd == [str(pathlib.Path(sys.executable).parent / "jupyterhub-singleuser")]
    assert c.JupyterHub.db_url == f"sqlite:///{tmp_path / 'state' / 'jupyterhub.sqlite'}"
    (culler,) = c.JupyterHub.services
    assert culler["command"][1:] == ["-m", "jupyterhub_idle_culler", "--timeout=3600", "--cull-every=300"]
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]
    # the authenticator is both: first-use passwords and Linux users
    from firstuseauthenticator import FirstUseAuthenticator
    from jupyterhub.auth import LocalAuthenticator
    assert issubclass(c.JupyterHub.authenticator_class, FirstUseAuthenticator)
    assert issubclass(c.JupyterHub.authenticator_class, LocalAuthenticator)
    assert (tmp_path / "state").stat().st_mode & 0o077 == 0


def test_settings_from_the_environment(hub_env, monkeypatch):
    monkeypatch.setenv("CALC_HUB_ADMINS", "Teacher, ta2")
    monkeypatch.setenv("CALC_HUB_IP", "0.0.0.0")
    monkeypatch.setenv("CALC_HUB_PORT", "9000")
    monkeypatch.setenv("CALC_HUB_CULL_TIMEOUT", "600")
    monkeypatch.setenv("CALC_HUB_MAX_SERVERS", "24")
    monkeypatch.setenv("CALC_HUB_MEM_LIMIT", "768M")
    c, _ = load()
    assert c.Authenticator.admin_users == {"teacher", "ta2"}
    assert c.JupyterHub.bind_url == "http://0.0.0.0:9000"
    assert "--timeout=600" in c.JupyterHub.services[0]["command"]
    assert c.JupyterHub.active_server_limit == 24
    assert c.Spawner.mem_limit == "768M"


@pytest.mark.parametrize("roster,match", [
    ("ada\nbad name\n", r"students\.txt line 2: username 'bad name' must match"),
    ("ada\n-rf\n", r"line 2: username '-rf' must match"),
    ("root\n", r"line 1: 'root' is a system account \(uid 0\)"),
])
def test_bad_roster_is_refused_with_its_line(hub_env, roster, match):
    hub_env.write_text(roster)
    with pytest.raises(ValueError, match=match):
        load()


@pytest.mark.parametrize("name,value,match", [
    ("CALC_HUB_PORT", "eighty", r"`CALC_HUB_PORT` must be an integer, got 'eighty'"),
    ("CALC_HUB_PORT", "0", r"`CALC_HUB_PORT` must be at least 1, got 0"),
    ("CALC_HUB_MAX_SERVERS", "-1", r"`CALC_HUB_MAX_SERVERS` must be at least 0, got -1"),
    ("CALC_HUB_ADMINS", "te acher", r"`CALC_HUB_ADMINS`: username 'te acher' must match"),
])
def test_bad_settings_are_named(hub_env, monkeypatch, name, value, match):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=match):
        load()


def test_missing_roster_and_proxy_are_named(hub_env, monkeypatch, tmp_path):
    monkeypatch.setenv("CALC_HUB_STUDENTS", str(tmp_path / "none.txt"))
    with pytest.raises(FileNotFoundError, match=r"`CALC_HUB_STUDENTS`: no roster at .*none\.txt"):
        load()
    monkeypatch.setenv("CALC_HUB_STUDENTS", str(hub_env))
    monkeypatch.setenv("CALC_HUB_PROXY", str(tmp_path / "missing-chp"))
    with pytest.raises(FileNotFoundError, match=r"`CALC_HUB_PROXY`: configurable-http-proxy not found .*npm ci"):
        load()


def test_cluster_values_match_the_one_machine_hub(hub_env):
    """deploy/z2jh/values.yaml: same authenticator rules and culling as the one-machine hub;
    resources present, the limit at least the guarantee."""
    c, ns = load()
    values = yaml.safe_load(VALUES.read_text())
    hub = values["hub"]["config"]
    assert hub["JupyterHub"]["authenticator_class"] == "firstuseauthenticator"
    assert hub["FirstUseAuthenticator"]["create_users"] is c.FirstUseAuthenticator.create_users
    assert hub["FirstUseAuthenticator"]["min_password_length"] == c.FirstUseAuthenticator.min_password_length
    assert hub["Authenticator"]["username_pattern"].strip("^$") == ns["USERNAME"]
    assert values["cull"]["enabled"] is True
    assert f"--timeout={values['cull']['timeout']}" in c.JupyterHub.services[0]["command"]
    single = values["singleuser"]
    assert single["defaultUrl"] == c.Spawner.default_url

    def mib(text):
        number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([MG])", str(text)).groups()
        return float(number) * (1024 if unit == "G" else 1)
    assert mib(single["memory"]["limit"]) >= mib(single["memory"]["guarantee"]) > 0
    assert float(single["cpu"]["limit"]) >= float(single["cpu"]["guarantee"]) > 0


def test_proxy_is_pinned_for_npm_ci():
    package = json.loads(PACKAGE.read_text())
    lock = json.loads((PACKAGE.parent / "package-lock.json").read_text())
    version = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin an exact version"
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == version
