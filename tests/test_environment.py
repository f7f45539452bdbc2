"""environment.yml (conda) stays in step with pyproject.toml and requirements/lock.txt.

Every dependency named in pyproject's ``dependencies`` and in the ``notebook``,
``test``, ``bench``, ``book`` and ``hub`` extras must be pinned in the lock, the lock's version
must satisfy pyproject's range, and environment.yml must pin the same version.
environment.yml installs the rest through the lock (``-c requirements/lock.txt``)
and the package itself editable; its Python satisfies ``requires-python``.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ("notebook", "test", "bench", "classroom", "book", "hub")


def _pyproject():
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]


def _lock():
    pins = {}
    for number, raw in enumerate((ROOT / "requirements" / "lock.txt").read_text().splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"requirements/lock.txt line {number}: {raw!r} is not an exact pin name==version"
        pins[canonicalize_name(name)] = version.strip()
    return pins


def _environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _env_parts():
    deps = _environment()["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    pip_lists = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert len(pip_lists) == 1, "environment.yml needs exactly one `pip:` section"
    return conda, [str(x).strip() for x in pip_lists[0]]


def _env_pins():
    pins = {}
    for line in _env_parts()[1]:
        if line.startswith("-"):
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"environment.yml: {line!r} must be an exact pin (==)"
        pins[canonicalize_name(req.name)] = specs[0].version
    return pins


def _declared():
    """(name, specifier, where) for every direct dependency the environment must carry."""
    project = _pyproject()
    declared = [(r, "dependencies") for r in project["dependencies"]]
    for extra in EXTRAS:
        declared += [(r, f"extra {extra!r}") for r in project["optional-dependencies"][extra]]
    return [(canonicalize_name(Requirement(r).name), Requirement(r).specifier, where) for r, where in declared]


DECLARED = _declared()


@pytest.mark.parametrize("name,spec,where", DECLARED, ids=[d[0] for d in DECLARED])
def test_dependency_is_pinned_in_lock_and_environment(name, spec, where):
    lock, env = _lock(), _env_pins()
    assert name in lock, f"{name} ({where} in pyproject.toml) is not pinned in requirements/lock.txt; run `make lock`"
    assert Version(lock[name]) in spec, f"lock pins {name}=={lock[name]}, outside pyproject's {name}{spec}"
    assert name in env, f"{name} ({where}) is missing from environment.yml; add `{name}=={lock[name]}`"
    assert env[name] == lock[name], f"environment.yml pins {name}=={env[name]} but the lock has {lock[name]}"


def test_environment_pins_nothing_the_lock_disagrees_with():
    lock = _lock()
    for name, version in _env_pins().items():
        assert lock.get(name) == version, f"environment.yml pins {name}=={version}, the lock has {lock.get(name)}"


def test_environment_installs_through_the_lock_and_the_package():
    _, pip = _env_parts()
    constraint = [line for line in pip if re.fullmatch(r"-[cr]\s+requirements/lock\.txt", line)]
    assert constraint, "environment.yml's pip section must use the lock: `-c requirements/lock.txt`"
    editable = [line for line in pip if line.startswith("-e ")]
    assert editable, "environment.yml must install the package itself: `-e .[notebook,test,bench,classroom,book,hub]`"
    target = editable[0][3:].strip()
    match = re.fullmatch(r"\.(?:\[([\w,\s-]+)\])?", target)
    assert match, f"unexpected editable target {target!r}"
    extras = {e.strip() for e in (match.group(1) or "").split(",") if e.strip()}
    assert extras in (set(), set(EXTRAS)), f"editable install extras {extras} must be {set(EXTRAS)} (or none)"


def test_python_version_is_consistent():
    conda, _ = _env_parts()
    pythons = [d for d in conda if re.match(r"python\b(?!-)", d)]
    assert len(pythons) == 1, f"environment.yml must name python once, got {pythons}"
    match = re.fullmatch(r"python\s*=+\s*(\d+\.\d+)(?:\.\*)?", pythons[0])
    assert match, f"pin Python to a minor version, like `python=3.11`; got {pythons[0]!r}"
    requires = SpecifierSet(_pyproject()["requires-python"])
    assert Version(match.group(1)) in requires, f"python={match.group(1)} does not satisfy requires-python {requires}"
    # the Makefile checks the same minimum
    makefile = (ROOT / "Makefile").read_text()
    minimum = re.search(r"sys\.version_info >= \((\d+), (\d+)\)", makefile)
    if minimum:
        assert Version(".".join(minimum.groups())) in requires


def test_yaml_parser_is_pinned():
    """This test reads environment.yml with PyYAML, which comes with jupyter; it must be in the lock."""
    assert canonicalize_name("PyYAML") in _lock()
    assert canonicalize_name("packaging") in _lock()
