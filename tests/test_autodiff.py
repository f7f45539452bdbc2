"""Tests for the calclib.autodiff package as a whole: every public name of the
former single module still imports from ``calclib.autodiff``; the modules have
``__all__``, import no private names from each other, form no import cycle,
and each imports alone in a fresh interpreter. The engines themselves are
tested in test_autodiff_engine/tensor/functional/listing/node.py."""
import ast
import pathlib
import subprocess
import sys

import pytest

import calclib
from calclib import autodiff

ROOT = pathlib.Path(calclib.__file__).parent
PACKAGE = ROOT / "autodiff"
# The modules this test watches: the autodiff package and its two users.
FILES = sorted(PACKAGE.glob("*.py")) + [ROOT / "nn.py", ROOT / "graph.py"]

# Public names of calclib.autodiff before it became a package (issue 8): all must stay.
FORMER_NAMES = ["Value", "Tensor", "topological_order", "trace", "graph_table", "backward_steps",
                "BackwardStep", "Graph", "Edge", "grad", "value_and_grad", "check_grad", "GradCheck"]


def module_name(path):
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def test_every_former_public_name_still_imports_from_calclib_autodiff():
    namespace = {}
    exec(f"from calclib.autodiff import {', '.join(FORMER_NAMES)}", namespace)
    assert set(FORMER_NAMES) <= set(autodiff.__all__)
    for name in autodiff.__all__:
        assert hasattr(autodiff, name), name


def test_the_package_reexports_the_same_objects_as_its_modules():
    from calclib.autodiff import engine, functional, listing, node, tensor

    owners = {}
    for module in (engine, tensor, functional, listing, node):
        assert module.__all__, module.__name__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.__all__ names a missing {name}"
            assert name not in owners, f"{name} is public in both {owners.get(name)} and {module.__name__}"
            owners[name] = module.__name__
            if name in autodiff.__all__:
                assert getattr(autodiff, name) is getattr(module, name)


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_every_module_has_all_and_imports_no_private_names(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
             if isinstance(t, ast.Name)}
    assert "__all__" in names, f"{path.name} has no __all__"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:     # a relative import: calclib's own
            private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
            assert not private, f"{path.name}:{node.lineno} imports private names {private} from {node.module}"


def local_imports(path):
    """The calclib modules `path` imports (relative imports), as dotted names."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            out.add(target)
    return out


def test_the_modules_import_each_other_without_cycles():
    graph = {module_name(p): {m for m in local_imports(p)} for p in FILES}
    # a module's package __init__ runs first; count only edges between watched modules
    graph = {m: {t for t in targets if t in graph and t != m} for m, targets in graph.items()}
    state = {}

    def visit(m, path):
        if state.get(m) == "done":
            return
        assert state.get(m) != "active", f"import cycle: {' -> '.join(path + [m])}"
        state[m] = "active"
        for t in sorted(graph[m]):
            visit(t, path + [m])
        state[m] = "done"

    for m in sorted(graph):
        visit(m, [])
    # the engine reads alone: it needs no other engine module but the shared node and checks
    assert graph["calclib.autodiff.engine"] <= {"calclib.autodiff.node", "calclib.autodiff._checks"}


def test_each_module_imports_alone_in_a_fresh_interpreter():
    modules = [module_name(p) for p in FILES]
    procs = {m: subprocess.Popen([sys.executable, "-W", "error", "-c", f"import {m}"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for m in modules}
    for m, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"import {m} failed alone:\n{err}"
        assert not err, f"import {m} printed on stderr:\n{err}"
