"""Hostile input for calclib.autodiff (and its modules), calclib.nn and calclib.graph.

The package's rule: a calclib call either returns a number it stands behind
or raises an error that names the argument and what was expected; it never
prints a numpy warning (every call below runs under warnings-as-errors and
must finish within a second).

* Functions and constructors go through ``assert_clean_call`` (tests/_hostile.py):
  a finite result, or ``ValueError`` / ``TypeError`` naming an argument in
  backticks.
* Operations on Values and Tensors (``x / y``, ``t.exp()``, ``x.backward()``)
  follow Python's float arithmetic: a finite result, or ``TypeError`` /
  ``ValueError`` / ``ZeroDivisionError`` / ``OverflowError`` whose message
  names the operation (``1.0 / 0`` and ``math.exp(1000)`` raise the same).

Every public name of the modules, read from their ``__all__``, must have an
entry in ``HOSTILE`` (or be a record type or a data table): a new public name
without one fails ``test_every_public_name_has_hostile_calls``.
"""
import itertools
import math
import operator
import re
import time
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from _hostile import JUNK, CALL_SECONDS, any_floats, assert_clean_call, counts, junk, rngs  # noqa: E402
from calclib import autodiff, graph, nn  # noqa: E402
from calclib.autodiff import engine, functional, listing, node, tensor  # noqa: E402
from calclib.autodiff import Tensor, Value  # noqa: E402

MODULES = [autodiff, engine, tensor, functional, listing, node, nn, graph]

NAN, INF = math.nan, math.inf
#: Numbers a hostile user passes: ordinary, signed zero, subnormal, huge, non-finite.
FLOATS = [0.0, -0.0, 1.0, -2.5, 0.5, 5e-324, 1e-300, 1e300, 1.7976931348623157e308, -1e308, NAN, INF, -INF]
FINITE = [v for v in FLOATS if math.isfinite(v)]
ARRAYS = [np.array(2.0), np.zeros(0), np.array([1.0, -2.0, 0.0]), np.array([[1.0, 2.0], [3.0, 0.5]]),
          np.array([1.0, NAN, 2.0]), np.array([INF]), np.array([1e300, -1e300]), np.zeros((0, 2))]
HOSTILE_VALUES = FLOATS + ARRAYS + list(JUNK)


# ---------------------------------------------------------------------------
# checking one call
# ---------------------------------------------------------------------------

def assert_finite_node(result, where):
    """Values and Tensors (and containers of them) hold finite numbers."""
    if isinstance(result, Value):
        assert math.isfinite(result.data) and math.isfinite(result.grad), f"{where} is {result!r}"
    elif isinstance(result, Tensor):
        assert np.isfinite(result.data).all(), f"{where} is {result!r}"
        assert result.grad is None or np.isfinite(result.grad).all(), f"{where} has gradient {result.grad!r}"
    elif isinstance(result, (list, tuple)) or (isinstance(result, np.ndarray) and result.dtype == object):
        for k, item in enumerate(np.ravel(np.asarray(result, dtype=object)) if isinstance(result, np.ndarray)
                                 else result):
            assert_finite_node(item, f"{where}[{k}]")


def clean(fn, *args, allowed_names=(), **kwargs):
    """assert_clean_call, plus finiteness of the Values and Tensors it returns."""
    result = assert_clean_call(fn, *args, allowed_names=allowed_names, **kwargs)
    if not isinstance(result, Exception):
        assert_finite_node(result, f"{getattr(fn, '__qualname__', fn)} returned")
    return result


OPERATION_ERRORS = (TypeError, ValueError, ZeroDivisionError, OverflowError)


def clean_operation(fn, *args, mentions):
    """An operation on Values or Tensors: a finite result, or one of Python's
    arithmetic errors whose message matches `mentions` (it names the operation
    or the operand); never a warning; under a second."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = fn(*args)
        except OPERATION_ERRORS as exc:
            result = exc
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"{fn.__name__}{args!r:.120} raised {type(exc).__name__}: {exc}") from exc
    assert time.perf_counter() - start < CALL_SECONDS
    if isinstance(result, Exception):
        assert re.search(mentions, str(result)), (
            f"{fn.__name__}{args!r:.120} raised {type(result).__name__} not naming the operation: {result}")
    else:
        assert_finite_node(result, f"{fn.__name__}{args!r:.120}")
    return result


def backprop(t):
    """Sum a Tensor and backpropagate, each step a clean operation; the gradients are finite."""
    total = clean_operation(t.sum, mentions=ARITHMETIC)
    if isinstance(total, Tensor):
        clean_operation(total.backward, mentions="backward")


def small_graph():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = (x * w + 1).tanh()
    y.label = "y"
    return y


def tensor_graph():
    return (Tensor([[1.0, 2.0]], label="x") @ Tensor([[0.5], [-1.0]], label="W")).tanh().sum()


# ---------------------------------------------------------------------------
# hostile calls, one entry per public name
# ---------------------------------------------------------------------------

VALUE_OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv]
VALUE_FUNCTIONS = ["relu", "tanh", "exp", "log", "sigmoid"]
ARITHMETIC = r"Value|Tensor|operand|other|division|beyond|exponent|power|log|exp|float64|finite"


def hostile_value():
    for v in HOSTILE_VALUES:
        clean(Value, v)
        clean(Value, 1.0, label=v)
    for a in FINITE:
        x = Value(a, label="x")
        for b in HOSTILE_VALUES:
            for op in VALUE_OPERATORS:
                clean_operation(op, x, b, mentions=ARITHMETIC)
                clean_operation(op, b, x, mentions=ARITHMETIC)
            clean_operation(operator.pow, x, b, mentions=ARITHMETIC)
        for name in VALUE_FUNCTIONS:
            out = clean_operation(getattr(x, name), mentions=ARITHMETIC)
            if isinstance(out, Value):
                clean_operation(out.backward, mentions="gradient")
                assert_finite_node(x, "x after backward")
        for p in (0, 0.5, -1, 2, 3.5):
            out = clean_operation(operator.pow, x, p, mentions=ARITHMETIC)
            if isinstance(out, Value):
                clean_operation(out.backward, mentions=r"gradient of x is (inf|-inf|nan)")


TENSOR_BINARY = [operator.add, operator.sub, operator.mul, operator.truediv, operator.matmul]
TENSOR_UNARY = ["relu", "tanh", "exp", "log", "sigmoid", "__neg__", "item"]


def hostile_tensor():
    for v in HOSTILE_VALUES:
        clean(Tensor, v)
        clean(Tensor, [1.0], label=v)
    for a in ARRAYS[:4] + [np.array([1e300, -1e300]), np.array([1e-300, 5e-324]), np.array([0.0, 1000.0])]:
        t = Tensor(a)
        for b in HOSTILE_VALUES:
            for op in TENSOR_BINARY:
                clean_operation(op, t, b, mentions=ARITHMETIC + "|matmul")
                clean_operation(op, b, t, mentions=ARITHMETIC + "|matmul")
            clean_operation(operator.pow, t, b, mentions=ARITHMETIC)
            clean(t.sum, axis=b)
            clean(t.mean, axis=None, keepdims=b)
            clean(t.backward, gradient=b)
        for name in TENSOR_UNARY:
            out = clean_operation(getattr(t, name), mentions=ARITHMETIC + r"|item\(\)")
            if isinstance(out, Tensor):
                backprop(out)
        for p in (0, 0.5, -1, 2, 3.5):
            out = clean_operation(operator.pow, t, p, mentions=ARITHMETIC)
            if isinstance(out, Tensor):
                backprop(out)
        for axis in (None, 0, -1, (0,), 5, "0", 1.5, [0, 0]):
            for reduce in (t.sum, t.mean):
                out = clean(reduce, axis=axis)
                if isinstance(out, Tensor) and out.data.size == 1:
                    clean_operation(out.backward, mentions="backward")


def hostile_node():
    n = node.Node()
    assert n._parents == () and listing.trace(n).nodes == [n]


def hostile_topological_order():
    for v in HOSTILE_VALUES + [small_graph(), tensor_graph()]:
        clean(node.topological_order, v)


def hostile_gc_paused():
    with node.gc_paused():
        clean(Value, 1.0)


def hostile_trace():
    for v in HOSTILE_VALUES + [small_graph(), tensor_graph()]:
        clean(listing.trace, v)


def hostile_graph_table():
    for root in HOSTILE_VALUES + [small_graph(), tensor_graph()]:
        clean(listing.graph_table, root)
    for digits in HOSTILE_VALUES + [0, 1, 17, 18, 10**100]:
        clean(listing.graph_table, small_graph(), digits=digits)


def hostile_backward_steps():
    for root in HOSTILE_VALUES + [small_graph(), tensor_graph()]:
        out = clean(listing.backward_steps, root)
        if not isinstance(out, Exception):
            steps = list(out)
            assert len(steps) == len(listing.trace(root).edges) + 1
            assert all(math.isfinite(s.contribution) for s in steps)


def hostile_node_names():
    y = small_graph()
    for nodes in HOSTILE_VALUES + [listing.trace(y).nodes, [y, 3.0], y]:
        clean(listing.node_names, nodes)


def hostile_expression():
    y = small_graph()
    names = listing.node_names(listing.trace(y).nodes)
    for v in HOSTILE_VALUES + [y]:
        clean(listing.expression, v, names)
        clean(listing.expression, y, v)


def total(v):
    """The sum of a Value or of an array of Values (of any shape, empty too), as a Value."""
    return sum(np.ravel(np.asarray(v, dtype=object)).tolist(), Value(0.0))


#: Functions of a Value or of an array of Values, well-behaved and hostile ones.
F_VALUE = [lambda v: total(v) * total(v), lambda v: total(v).exp(), lambda v: total(v).log(),
           lambda v: total(v) ** 0.5, lambda v: 1 / total(v), lambda v: v * v, lambda v: None,
           lambda v: "x", lambda v: float("nan")]


def hostile_grad():
    for f in list(JUNK) + F_VALUE:
        g = clean(functional.grad, f)
        if callable(g):                                 # its errors may name `f`, grad's argument
            for x in HOSTILE_VALUES:
                clean(g, x, allowed_names=("f",))


def hostile_value_and_grad():
    for f in list(JUNK) + F_VALUE:
        g = clean(functional.value_and_grad, f)
        if callable(g):
            for x in HOSTILE_VALUES:
                clean(g, x, allowed_names=("f",))
            clean(g, allowed_names=("f",))


def hostile_check_grad():
    square = F_VALUE[0]
    for f in list(JUNK) + F_VALUE:
        for x in FLOATS + ARRAYS:
            clean(functional.check_grad, f, x)
    for name, values in dict(h=HOSTILE_VALUES, order=[2, 4, 3, 2.0, True, "2", NAN], rtol=HOSTILE_VALUES,
                             atol=HOSTILE_VALUES, engine=["value", "tensor", "torch", None, 1.0]).items():
        for v in values:
            clean(functional.check_grad, square if name != "engine" or v != "tensor" else
                  (lambda t: (t * t).sum()), np.array([1.0, 2.0]), **{name: v})


def hostile_report():
    res = functional.check_grad(lambda v: v * v, 1.3407807e154)       # a side not finite
    for digits in HOSTILE_VALUES + [1, 17]:
        clean(res.report, digits)


SIZES = [1, 3, 0, -1, 2.0, 2.5, NAN, INF, 10**9, 10**100, "3", None, True, [3], np.int64(2)]


def hostile_network(cls):
    for nin in SIZES:
        clean(cls, nin, [3, 1])
    for nouts in SIZES + [[], [3, 0], [3, "1"], [10**6, 10**6], [1] * 1001, "31", np.array([3, 1])]:
        clean(cls, 2, nouts)
    for activation in ["relu", "tanh", "sigmoid", None, "linear", "softmax", 1, np.array(["relu"]), ["relu"]]:
        clean(cls, 2, [3, 1], activation=activation)
    for rng in [None, 0, -1, 2**70, 1.5, "0", np.random.default_rng(0), [1, 2]]:
        clean(cls, 2, [3, 1], rng=rng)
    model = cls(2, [3, 1], rng=0)
    for x in HOSTILE_VALUES + [[1.0, NAN], [1.0, 2.0], [[1.0, 2.0]], [1.0, "2"], np.ones((3, 2)), np.ones((3, 3))]:
        clean(model, x)
    for weights in HOSTILE_VALUES + [model.get_weights(), model.get_weights()[:1], [(1, 2), (3, 4)],
                                     [(np.full((2, 3), NAN), np.zeros(3)), (np.zeros((3, 1)), np.zeros(1))]]:
        clean(model.set_weights, weights)
    clean(model.parameters)
    clean(model.zero_grad)
    clean(model.get_weights)


def hostile_neuron():
    for nin in SIZES:
        clean(nn.Neuron, nin)
    n = nn.Neuron(2, rng=0)
    for x in HOSTILE_VALUES + [[1.0, NAN], [1.0, 2.0]]:
        clean(n, x)


def hostile_layer():
    for nin, nout in itertools.product(SIZES[:6] + [10**5], [1, 0, 10**5]):
        clean(nn.Layer, nin, nout)
    layer = nn.Layer(2, 3, rng=0)
    for x in HOSTILE_VALUES + [[1.0, NAN], [1.0, 2.0]]:
        clean(layer, x)


def hostile_linear():
    for nin, nout in itertools.product(SIZES[:6] + [10**9], [1, 0, 10**9]):
        clean(nn.Linear, nin, nout)
    layer = nn.Linear(2, 3, rng=0)
    for x in HOSTILE_VALUES + [[1.0, NAN], [1.0, 2.0], np.ones((4, 2))]:
        clean(layer, x)


def hostile_module():
    m = nn.Module()
    assert clean(m.parameters) == []
    clean(m.zero_grad)


def hostile_mse():
    preds = HOSTILE_VALUES + [[], [Value(1.0)], [Value(1.0), "a"], Tensor([[1.0], [2.0]]), Value(2.0), [1.0, 2.0]]
    for pred in preds:
        for target in HOSTILE_VALUES + [[], [1.0], [1.0, 2.0], Tensor([1.0, 2.0])]:
            clean(nn.mse, pred, target)


def hostile_sgd_step():
    for lr in HOSTILE_VALUES + [0.1, 1e300]:
        w, t = Value(2.0), Tensor([1.0, 2.0])
        (w * w + (t * t).sum().item()).backward()
        (t * t).sum().backward()
        clean(nn.sgd_step, [w, t], lr)
    for parameters in HOSTILE_VALUES + [[1.0], [Value(1.0)], Value(1.0), [Tensor([1.0])]]:
        clean(nn.sgd_step, parameters, 0.1)
    bad = Tensor([1.0])
    for g in (np.array([INF]), np.array([NAN]), np.ones(2), "g"):
        bad.grad = g
        clean(nn.sgd_step, [bad], 0.1)


def hostile_make_moons():
    for n in SIZES + [10**6 + 1]:
        clean(nn.make_moons, n)
    for noise in HOSTILE_VALUES + [0.1, 1e300]:
        clean(nn.make_moons, 10, noise=noise)
    for rng in [None, 0, -1, 1.5, "0", np.random.default_rng(0)]:
        clean(nn.make_moons, 10, rng=rng)


def hostile_draw_graph():
    y = small_graph()
    steps = list(listing.backward_steps(y))
    cases = [dict(root=v) for v in [3.0, None, "y", tensor_graph()]]
    cases += [dict(root=y, ax=v) for v in [3.0, "ax", None]]
    cases += [dict(root=y, step=v) for v in [0, 5, 6, -1, 2.0, NAN, True, "1", None]]
    cases += [dict(root=y, step=1, steps=v) for v in [steps, steps[:2], "steps", [None] * 6]]
    cases += [dict(root=y, digits=v) for v in [0, 3, 18, 2.5, NAN, "4"]]
    cases += [dict(root=y, fontsize=v) for v in [9, 0, -1, 1e6, NAN, INF, "9"]]
    cases += [dict(root=y, max_nodes=v) for v in [1, 0, 10**6, 2.5, NAN, "60"]]
    cases += [dict(root=y, show_local=v) for v in [True, "no", 0, None]]
    for kwargs in cases:
        root = kwargs.pop("root")
        out = clean(graph.draw_graph, root, **kwargs)
        if isinstance(out, graph.GraphDrawing):
            plt.close(out.ax.figure)


def hostile_graph_layout():
    for root in HOSTILE_VALUES + [small_graph(), tensor_graph()]:
        clean(graph.graph_layout, root)


HOSTILE = {
    "Value": hostile_value,
    "Tensor": hostile_tensor,
    "Node": hostile_node,
    "topological_order": hostile_topological_order,
    "gc_paused": hostile_gc_paused,
    "trace": hostile_trace,
    "graph_table": hostile_graph_table,
    "backward_steps": hostile_backward_steps,
    "node_names": hostile_node_names,
    "expression": hostile_expression,
    "grad": hostile_grad,
    "value_and_grad": hostile_value_and_grad,
    "check_grad": hostile_check_grad,
    "GradCheck": hostile_report,
    "Module": hostile_module,
    "Neuron": hostile_neuron,
    "Layer": hostile_layer,
    "MLP": lambda: hostile_network(nn.MLP),
    "Linear": hostile_linear,
    "TensorMLP": lambda: hostile_network(nn.TensorMLP),
    "mse": hostile_mse,
    "sgd_step": hostile_sgd_step,
    "make_moons": hostile_make_moons,
    "draw_graph": hostile_draw_graph,
    "graph_layout": hostile_graph_layout,
}
#: Record types: they hold what a function returned (their methods have entries above).
RECORDS = {"Edge", "Graph", "BackwardStep", "GradCheck", "GraphDrawing", "Layout"}
#: Data, not callables.
DATA = {"LOCAL_DERIVATIVES"}


def public_names():
    names = {}
    for module in MODULES:
        for name in module.__all__:
            names.setdefault(name, getattr(module, name))
    return names


def test_every_public_name_has_hostile_calls():
    names = public_names()
    missing = set(names) - set(HOSTILE) - RECORDS - DATA
    assert not missing, f"public names without hostile calls in this file: {sorted(missing)}"
    assert not (set(HOSTILE) | RECORDS | DATA) - set(names), "entries for names that are not public"
    for name in RECORDS:
        assert hasattr(names[name], "_fields") or hasattr(names[name], "__dataclass_fields__"), name
    for name in DATA:
        assert not callable(names[name]), name


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_calls(name):
    try:
        HOSTILE[name]()
    finally:
        plt.close("all")


# ---------------------------------------------------------------------------
# property tests: arbitrary floats, shapes and types
# ---------------------------------------------------------------------------

arrays_any = st.sampled_from([(), (0,), (1,), (3,), (2, 2)]).flatmap(
    lambda shape: hnp.arrays(np.float64, shape, elements=any_floats))
operands = st.one_of(any_floats, st.integers(-10**20, 10**20), arrays_any, junk)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(operands, operands, st.sampled_from(VALUE_OPERATORS + [operator.pow]), st.sampled_from(VALUE_FUNCTIONS))
def test_value_operations_on_arbitrary_input(a, b, op, name):
    x = clean(Value, a)
    if isinstance(x, Value):
        out = clean_operation(op, x, b, mentions=ARITHMETIC)
        out = out if isinstance(out, Value) else x
        out = clean_operation(getattr(out, name), mentions=ARITHMETIC)
        if isinstance(out, Value):
            clean_operation(out.backward, mentions="gradient")


@PROPERTY
@given(operands, operands, st.sampled_from(TENSOR_BINARY + [operator.pow]),
       st.sampled_from(TENSOR_UNARY[:-1] + ["sum", "mean"]))
def test_tensor_operations_on_arbitrary_input(a, b, op, name):
    t = clean(Tensor, a)
    if isinstance(t, Tensor):
        out = clean_operation(op, t, b, mentions=ARITHMETIC + "|matmul")
        out = out if isinstance(out, Tensor) else t
        out = clean_operation(getattr(out, name), mentions=ARITHMETIC)
        if isinstance(out, Tensor):
            backprop(out)


@PROPERTY
@given(st.sampled_from(F_VALUE), operands, st.one_of(st.none(), any_floats, arrays_any, junk),
       st.sampled_from([2, 4]))
def test_grad_and_check_grad_on_arbitrary_input(f, x, h, order):
    clean(functional.grad(f), x, allowed_names=("f",))
    clean(functional.check_grad, f, x, h=h, order=order)


@PROPERTY
@given(st.lists(st.one_of(any_floats, junk), min_size=0, max_size=3), st.one_of(any_floats, junk),
       st.one_of(any_floats, arrays_any, junk), st.one_of(counts, rngs))
def test_networks_on_arbitrary_input(x, lr, target, size):
    model = nn.MLP(2, [3, 1], rng=0)
    out = clean(model, x)
    clean(nn.TensorMLP(2, [3, 1], rng=0), np.array(x, dtype=object) if x else x)
    clean(nn.TensorMLP, 2, [size])
    if isinstance(out, Value):
        loss = clean(nn.mse, [out], target)
        if isinstance(loss, Value):
            loss.backward()
            clean(nn.sgd_step, model.parameters(), lr)
            assert_finite_node(model.parameters(), "parameters after the step")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(counts, any_floats, junk), st.one_of(counts, any_floats, junk), st.one_of(counts, junk))
def test_drawing_and_listing_on_arbitrary_input(digits, fontsize, step):
    y = small_graph()
    clean(listing.graph_table, y, digits=digits)
    out = clean(graph.draw_graph, y, digits=digits, fontsize=fontsize, step=step)
    plt.close("all")
    if isinstance(out, graph.GraphDrawing):
        assert 0 <= out.n_steps == 5
