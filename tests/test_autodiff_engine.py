"""Tests for calclib.autodiff.engine: Value against PyTorch (float64), its local
derivatives against the table and calclib.rules, backward-twice semantics,
deep graphs, memory, and the numbers policy (finite or a named error)."""
import gc
import math
import operator
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calclib import rules
from calclib.autodiff.engine import LOCAL_DERIVATIVES, Value
from calclib.autodiff.node import topological_order
from conftest import requires

RTOL = 1e-10


def close(actual, expected, rtol=RTOL):
    """Agreement to `rtol`, relative to the size of the expected values."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


# ---------------------------------------------------------------------------
# One expression using every Value operation, with reused nodes. It is
# written once and runs on Values and on torch tensors alike.
# ---------------------------------------------------------------------------

def expr(x, y, z):
    a = x * y + z                              # a is reused below
    b = a / (1 + y * y) - 2 * x                # reflected +, *, then /, -
    c = (-a).relu() + b.tanh() ** 2            # neg, relu, tanh, ** 2
    d = (z * 0.5).exp() + (x * x + 1).log() + (a - 3).sigmoid()
    e = 10 / (d + 1) - (1 - c)                 # reflected / and -
    e = e + a * b                              # reuse a and b again
    e += x                                     # += builds a new node
    return e * c + d / 2 + (y * y) ** 0.5 + (x * x + 1) ** -1.5


POINTS = [(0.3, -1.2, 0.5), (1.5, 0.7, -2.0), (-0.8, 2.0, 1.0), (2.0, -0.5, -3.0)]


def torch_value_and_grad(fn, *args):
    torch = requires("torch", "independent reference for autodiff")
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in args]
    out = fn(*ts)
    out.backward()
    return out.item(), [t.grad.numpy().copy() if t.grad is not None else np.zeros(np.shape(a))
                        for t, a in zip(ts, args)]


def assert_value_matches_torch(point):
    vs = [Value(p) for p in point]
    out = expr(*vs)
    out.backward()
    ref_value, ref_grads = torch_value_and_grad(expr, *point)
    close(out.data, ref_value)
    close([v.grad for v in vs], np.array(ref_grads))


@pytest.mark.parametrize("point", POINTS)
def test_value_matches_torch_on_every_operation(point):
    assert_value_matches_torch(point)


@settings(max_examples=40, deadline=None)
@given(st.tuples(st.floats(-2.5, 2.5), st.floats(0.1, 2.5) | st.floats(-2.5, -0.1), st.floats(-2.5, 2.5)))
def test_value_matches_torch_on_random_points(point):
    x, y, z = point
    # |y| >= 0.1 keeps sqrt(y*y) away from its kink; skip the relu kink (x*y + z = 0)
    if abs(x * y + z) < 1e-6:
        return
    assert_value_matches_torch(point)


def test_every_primitive_has_the_right_local_derivative():
    a, b = 1.7, -0.6
    cases = {
        "+": (lambda x, y: x + y, (1.0, 1.0)),
        "-": (lambda x, y: x - y, (1.0, -1.0)),
        "*": (lambda x, y: x * y, (b, a)),
        "/": (lambda x, y: x / y, (1 / b, -a / b**2)),
    }
    for op, (fn, want) in cases.items():
        x, y = Value(a), Value(b)
        out = fn(x, y)
        assert out._op == op
        assert [local for _, local in out._parents] == pytest.approx(want, rel=1e-15)
    unary = {
        "relu": (1.0, a), "tanh": (1 - math.tanh(a) ** 2, math.tanh(a)), "exp": (math.exp(a), math.exp(a)),
        "log": (1 / a, math.log(a)), "sigmoid": (math.exp(-a) / (1 + math.exp(-a)) ** 2, 1 / (1 + math.exp(-a))),
    }
    for name, (local, value) in unary.items():
        out = getattr(Value(a), name)()
        assert out._op == name
        assert out.data == pytest.approx(value, rel=1e-15)
        assert out._parents[0][1] == pytest.approx(local, rel=1e-14)
    out = Value(a) ** 3
    assert out._op == "**3" and out._parents[0][1] == pytest.approx(3 * a**2, rel=1e-15)
    assert (-Value(a))._parents[0][1] == -1.0
    assert Value(-a).relu().data == 0.0 and Value(-a).relu()._parents[0][1] == 0.0
    assert Value(0.0).relu()._parents[0][1] == 0.0            # relu'(0) = 0, as in PyTorch


def test_local_derivatives_and_gradients_are_python_floats():
    x = Value(0.7)
    out = ((x * 2).tanh() + x.sigmoid() + x.relu() + x.exp() + x.log() + (-x) / x + x ** 2.5)
    out.backward()
    for node in topological_order(out):
        assert type(node.data) is float and type(node.grad) is float
        assert all(type(local) is float for _, local in node._parents)


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu"])
def test_the_table_agrees_with_calclib_rules(name):
    # the engine's table gives d out/d a from the output; calclib.rules.RULES from x
    xs = np.array([-3.0, -0.4, 0.3, 1.0, 2.5])
    if name == "log":
        xs = np.abs(xs)
    function, derivative, _ = rules.RULES[name]
    out = function(xs)
    (from_table,) = LOCAL_DERIVATIVES[name](xs, None, out)
    np.testing.assert_allclose(from_table, derivative(xs), rtol=1e-12, atol=1e-15)
    for x in xs:                                     # and the scalar engine uses the table
        node = getattr(Value(float(x)), name)()
        assert node._parents[0][1] == pytest.approx(float(derivative(x)), rel=1e-12, abs=1e-15)


def test_the_table_covers_every_operation_of_value():
    x, y = Value(1.5), Value(-0.5)
    made = {(x + y)._op, (x - y)._op, (x * y)._op, (x / y)._op, (-x)._op, x.relu()._op, x.tanh()._op,
            x.exp()._op, x.log()._op, x.sigmoid()._op, "**"}
    assert made == set(LOCAL_DERIVATIVES)


def test_sigmoid_does_not_overflow_and_is_symmetric():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0
    assert Value(-3.0).sigmoid().data == pytest.approx(1 - Value(3.0).sigmoid().data, rel=1e-15)
    assert Value(-40.0).sigmoid().data == pytest.approx(math.exp(-40.0), rel=1e-15)   # no cancellation


def test_reflected_forms_and_numbers_on_the_left():
    x = Value(4.0)
    assert (2 * x).data == 8.0 and (1 + x).data == 5.0
    assert (1 - x).data == -3.0 and (10 / x).data == 2.5
    assert (np.float64(2.0) * x).data == 8.0
    assert sum([x, x, 1]).data == 9.0
    y = 10 / x
    y.backward()
    assert x.grad == pytest.approx(-10 / 16, rel=1e-15)


def test_a_value_times_an_array_is_an_array_of_values():
    x = Value(2.0)
    for out in (x * np.array([1.0, 3.0]), np.array([1.0, 3.0]) * x):
        assert isinstance(out, np.ndarray) and out.dtype == object
        assert [v.data for v in out] == [2.0, 6.0]


def test_plus_equals_builds_a_new_node():
    x = Value(1.0, label="x")
    y = x
    y += 2
    assert y is not x and x.data == 1.0 and y.data == 3.0
    assert [p for p, _ in y._parents][0] is x
    y *= y                                     # x + 2, squared
    y.backward()
    assert x.grad == 6.0


def test_a_node_used_twice_accumulates_both_contributions():
    x = Value(3.0)
    y = x * x                                  # both operands are x
    y.backward()
    assert x.grad == 6.0
    a = Value(2.0)
    b = a + 1
    c = b * a + b.exp()                        # a and b both used twice
    c.backward()
    assert a.grad == pytest.approx(b.data + a.data + math.exp(3.0), rel=1e-15)
    assert b.grad == pytest.approx(a.data + math.exp(3.0), rel=1e-15)


# ---------------------------------------------------------------------------
# backward() semantics, deep graphs, memory
# ---------------------------------------------------------------------------

def test_backward_twice_gives_the_same_gradients_not_double():
    x, y = Value(1.5), Value(-0.5)
    h = (x * y).tanh()
    out = h * x + y
    out.backward()
    first = [x.grad, y.grad, h.grad, out.grad]
    out.backward()
    assert [x.grad, y.grad, h.grad, out.grad] == first
    # stale gradients from another graph are reset too
    (x * 100).backward()
    out.backward()
    assert [x.grad, y.grad, h.grad, out.grad] == first


def test_backward_on_a_subgraph_resets_only_that_subgraph():
    x = Value(2.0)
    h = x * 3
    out = h * h
    out.backward()
    assert (x.grad, h.grad) == (36.0, 12.0)
    h.backward()                               # out is not in h's graph
    assert (x.grad, h.grad, out.grad) == (3.0, 1.0, 1.0)


@pytest.fixture
def cyclic_gc_paused():
    """Build big graphs with the cyclic collector paused, as calclib.nn does:
    otherwise its full collections (slow with torch's objects in memory) dominate.
    backward() runs as usual, and reference counting frees the graph."""
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


def test_a_chain_of_100000_operations_backpropagates(cyclic_gc_paused):
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.backward()                               # no RecursionError
    assert len(topological_order(y)) == 200_001    # x, each constant and each product
    assert x.grad == pytest.approx(1.00001 ** 100_000, rel=1e-9)
    del y                                      # freeing a deep chain does not crash either


def _freed_by_refcount(build):
    """Build a graph with the cyclic collector off; drop it; are its nodes gone?"""
    was = gc.isenabled()
    gc.disable()
    try:
        refs, root = build()
        del root
        return [r() is None for r in refs]
    finally:
        if was:
            gc.enable()


def test_value_graphs_hold_no_reference_cycles():
    def build():
        x, w = Value(2.0), Value(-1.0)
        mid = (x * w + 1).tanh()
        root = mid * mid + x.exp() / w
        root.backward()
        return [weakref.ref(x), weakref.ref(w), weakref.ref(mid), weakref.ref(root)], root

    assert all(_freed_by_refcount(build))


def test_backward_leaves_the_garbage_collector_as_it_found_it():
    x = Value(1.0)
    (x * x).backward()
    assert gc.isenabled()
    gc.disable()
    try:
        (x * x).backward()
        assert not gc.isenabled()
    finally:
        gc.enable()


# ---------------------------------------------------------------------------
# Numbers: a Value is finite, or the operation raises and names itself
# ---------------------------------------------------------------------------

def test_value_errors_say_what_went_wrong():
    x = Value(2.0)
    with pytest.raises(TypeError, match="exponent must be a number .* got Value"):
        x ** Value(2.0)
    with pytest.raises(TypeError, match="exponent must be a number"):
        x ** "2"
    with pytest.raises(ValueError, match="exponent must be a finite number, got nan"):
        x ** float("nan")
    with pytest.raises(ValueError, match=r"log is defined only for positive numbers, got log\(-1.0\)"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="log is defined only for positive numbers"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="non-integer power is not real"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        x / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        1 / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="negative power"):
        Value(0.0) ** -1
    with pytest.raises(OverflowError, match=r"exp\(1000.0\) is beyond the largest float64"):
        Value(1000.0).exp()


@pytest.mark.parametrize("data", [float("nan"), float("inf"), -float("inf"), np.float64("nan"), 10**400])
def test_a_value_refuses_data_that_is_not_finite(data):
    with pytest.raises(ValueError, match="`data` must be (a )?finite"):
        Value(data)


@pytest.mark.parametrize("data", ["1.5", None, 1j, [1.0], np.array([1.0, 2.0]), Value(1.0)])
def test_a_value_refuses_data_that_is_not_a_real_number(data):
    with pytest.raises(TypeError, match="`data` must be a real number"):
        Value(data)


def test_a_value_accepts_every_kind_of_real_number():
    for data in (2, 2.0, np.float32(2.0), np.int64(2), np.array(2.0), True):
        assert type(Value(data).data) is float
    with pytest.raises(TypeError, match="`label` must be a str"):
        Value(1.0, label=3)


@pytest.mark.parametrize("make, text", [
    (lambda: Value(1e200) * Value(1e200), r"1e\+200 \* 1e\+200 is beyond the largest float64"),
    (lambda: Value(1.5e308) + 1.5e308, r"\+ 1.5e\+308 is beyond the largest float64"),
    (lambda: Value(-1.5e308) - 1.5e308, "beyond the largest float64"),
    (lambda: Value(1e300) / 1e-300, r"1e\+300 / 1e-300 is beyond"),
    (lambda: Value(1e200) ** 2, r"\(1e\+200\) \*\* 2 is beyond"),
])
def test_an_overflow_raises_and_names_the_operation(make, text):
    with pytest.raises(OverflowError, match=text):
        make()


def test_operations_with_junk_raise_pythons_type_error():
    x = Value(1.0)
    for op in (operator.add, operator.sub, operator.mul, operator.truediv):
        for junk in ("a", None, [1.0], {}):
            with pytest.raises(TypeError, match="Value"):     # Python's message, naming both types
                op(x, junk)
            with pytest.raises(TypeError, match="Value"):
                op(junk, x)
    with pytest.raises(ValueError, match="`other` must be finite, got nan"):
        x + float("nan")


def test_powers_at_zero_and_of_negative_numbers():
    assert (Value(-2.0) ** 3).data == -8.0
    y = Value(-2.0) ** 2.0                      # an integral float exponent is fine
    y.backward()
    z0 = Value(0.0)
    (z0 ** 0).backward()
    assert z0.grad == 0.0
    z1 = Value(0.0)
    (z1 ** 2).backward()
    assert z1.grad == 0.0
    z2 = Value(0.0)
    (z2 ** 1).backward()
    assert z2.grad == 1.0
    s = Value(0.0) ** 0.5                       # sqrt at 0: value 0, local derivative inf
    assert s.data == 0.0 and s._parents[0][1] == math.inf


def test_an_infinite_gradient_raises_in_backward():
    z = Value(0.0, label="z")
    with pytest.raises(ValueError, match="the gradient of z is inf: an infinite slope"):
        (z ** 0.5).backward()
    w = Value(0.0, label="w")
    with pytest.raises(ValueError, match="the gradient of w is nan"):
        ((w ** 0.5) * 0.0).backward()           # inf * 0
    tiny = Value(5e-324, label="tiny")           # a slope beyond float64, not an infinite one
    out = tiny ** 0.01
    assert out._parents[0][1] == math.inf
    with pytest.raises(ValueError, match="the gradient of tiny is inf"):
        out.backward()


def test_repr_shows_data_grad_and_label():
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(1, label="w")) == "Value(data=1.0, grad=0.0, label='w')"
