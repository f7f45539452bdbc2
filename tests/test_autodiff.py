"""Tests for calclib.autodiff: Value and Tensor against PyTorch (float64) and
central differences, deep graphs, backward-twice semantics, memory, errors."""
import gc
import math
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from calclib.autodiff import (
    Tensor,
    Value,
    backward_steps,
    check_grad,
    grad,
    graph_table,
    topological_order,
    trace,
    value_and_grad,
)
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


@pytest.mark.parametrize("point", POINTS)
def test_value_matches_central_differences(point):
    res = check_grad(lambda v: expr(v[0], v[1], v[2]), np.array(point), order=4,
                     rtol=RTOL, atol=RTOL)
    assert res.ok, res.report()
    # the default second-order check passes at its own (looser) default tolerance
    assert check_grad(lambda v: expr(v[0], v[1], v[2]), np.array(point)).ok


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


def test_sigmoid_does_not_overflow_and_is_symmetric():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0
    assert Value(-3.0).sigmoid().data == pytest.approx(1 - Value(3.0).sigmoid().data, rel=1e-15)


def test_reflected_forms_and_numbers_on_the_left():
    x = Value(4.0)
    assert (2 * x).data == 8.0 and (1 + x).data == 5.0
    assert (1 - x).data == -3.0 and (10 / x).data == 2.5
    assert (np.float64(2.0) * x).data == 8.0
    y = 10 / x
    y.backward()
    assert x.grad == pytest.approx(-10 / 16, rel=1e-15)


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


def test_a_tensor_chain_of_100000_operations_backpropagates(cyclic_gc_paused):
    x = Tensor([1.0, 2.0])
    y = x
    for _ in range(100_000):
        y = -y
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


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


def test_tensor_graphs_hold_no_reference_cycles():
    def build():
        W = Tensor(np.ones((3, 2)))
        x = Tensor(np.arange(6.0).reshape(2, 3))
        h = (x @ W).tanh()
        root = (h * h + 1.0).log().mean()
        root.backward()
        return [weakref.ref(W), weakref.ref(x), weakref.ref(h), weakref.ref(root)], root

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
# graph helpers
# ---------------------------------------------------------------------------

def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, n=n)


def test_topological_order_puts_every_node_after_its_parents():
    o, leaves = neuron()
    order = topological_order(o)
    assert order[-1] is o and len(order) == len(set(map(id, order))) == 10
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent, _ in node._parents:
            assert position[id(parent)] < position[id(node)]


def test_trace_lists_every_edge_with_its_local_derivative():
    o, v = neuron()
    g = trace(o)
    assert len(g.nodes) == 10 and len(g.edges) == 9
    locals_into = {(e.parent.label, e.child.label or e.child._op): e.local for e in g.edges}
    assert locals_into[("x1", "*")] == -3.0 and locals_into[("w1", "*")] == 2.0
    assert locals_into[("n", "o")] == pytest.approx(0.5, rel=1e-12)


def test_graph_table_lists_nodes_values_gradients_and_local_derivatives():
    o, v = neuron()
    o.backward()
    table = graph_table(o)
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["name", "computed"]
    assert len(lines) == 11
    row_w1 = next(line for line in lines if line.startswith("w1 "))
    assert row_w1.split() == ["w1", "(leaf)", "-3", "1"]
    row_o = next(line for line in lines if line.startswith("o "))
    assert "tanh(n)" in row_o and "d/dn=0.5" in row_o


def test_backward_steps_walk_to_the_same_gradients_as_backward():
    o, v = neuron()
    steps = list(backward_steps(o))
    assert len(steps) == len(trace(o).edges) + 1
    assert [s.index for s in steps] == list(range(len(steps)))
    assert steps[0].grads == {o: 1.0} and steps[0].parent is None and steps[0].edge is None
    assert o.grad == 0.0                       # the walk does not touch .grad
    o.backward()
    final = steps[-1]
    assert set(final.complete) == set(trace(o).nodes)
    for node in trace(o).nodes:
        assert final.grads[node] == node.grad
    # each step adds local * node.grad to its parent, and gradients only grow in coverage
    for before, after in zip(steps, steps[1:]):
        assert after.contribution == after.local * before.grads[after.node]
        assert set(before.grads) <= set(after.grads)
        assert before.complete <= after.complete
        assert trace(o).edges[after.edge].parent is after.parent


def test_backward_steps_mark_a_reused_node_complete_only_after_its_last_use():
    x = Value(3.0, label="x")
    y = x * x + x
    steps = list(backward_steps(y))
    became_complete = next(s.index for s in steps if x in s.complete)
    uses = [s.index for s in steps if s.parent is x]
    assert len(uses) == 3 and became_complete == uses[-1]
    assert steps[-1].grads[x] == 7.0


# ---------------------------------------------------------------------------
# grad, value_and_grad, check_grad
# ---------------------------------------------------------------------------

def test_grad_of_several_scalar_arguments_returns_a_tuple_of_floats():
    g = grad(lambda x, y: x * x * y + (x / y).exp())
    gx, gy = g(1.0, 2.0)
    assert isinstance(gx, float) and isinstance(gy, float)
    close([gx, gy], [2 * 1 * 2 + math.exp(0.5) / 2, 1 - math.exp(0.5) / 4])


def test_grad_of_an_array_argument_returns_an_array_of_its_shape():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    g = grad(lambda x: 0.5 * x @ A @ x + np.sum(np.tanh(x)))
    x = np.array([0.5, -1.0])
    out = g(x)
    assert isinstance(out, np.ndarray) and out.shape == (2,)
    close(out, A @ x + 1 - np.tanh(x) ** 2)
    g2 = grad(lambda m: (m * m).sum())        # object arrays have .sum()
    close(g2(np.arange(6.0).reshape(2, 3)), 2 * np.arange(6.0).reshape(2, 3))


def test_value_and_grad_and_constant_functions():
    val, g = value_and_grad(lambda x: x ** 3)(2.0)
    assert (val, g) == (8.0, 12.0)
    assert grad(lambda x, y: x * 2)(1.0, 5.0) == (2.0, 0.0)   # y unused: 0
    assert grad(lambda x: 7.0)(1.0) == 0.0                    # does not depend on x


def test_grad_validates_its_inputs():
    with pytest.raises(TypeError, match="`f` must be callable"):
        grad(3.0)
    with pytest.raises(TypeError, match="must return a scalar, got an array of shape \\(2,\\)"):
        grad(lambda x: x * 2)(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="must return a Value"):
        grad(lambda x: "nope")(1.0)
    with pytest.raises(TypeError, match="at least one argument"):
        grad(lambda: Value(1.0))()
    with pytest.raises(TypeError, match="argument 0"):
        grad(lambda x: x)("abc")


def test_check_grad_reports_analytic_vs_numeric(capsys):
    res = check_grad(lambda v: (v[0] * v[1]).tanh(), [0.5, 2.0], verbose=True)
    out = capsys.readouterr().out
    assert res.ok and res.max_rel_error < 1e-8
    lines = out.splitlines()
    assert lines[0].startswith("x[0]: analytic") and "numeric" in lines[0]
    assert lines[1].startswith("x[1]: analytic")
    assert lines[-1].startswith("max rel. error") and "OK" in lines[-1]
    np.testing.assert_allclose(res.analytic, res.numeric, rtol=1e-8)
    assert str(res) == res.report()


def test_check_grad_catches_a_wrong_derivative():
    def broken_tanh(v):                        # forgets the local derivative 1 - t**2
        return Value(math.tanh(v.data), ((v, 1.0),), "tanh")

    res = check_grad(lambda v: broken_tanh(v) * v, 0.7)
    assert not res.ok and res.max_rel_error > 0.1
    assert "MISMATCH" in res.report()


def test_check_grad_at_a_relu_kink_disagrees_as_documented():
    res = check_grad(lambda v: v.relu(), 0.0)
    assert not res.ok
    assert float(res.analytic) == 0.0 and float(res.numeric) == pytest.approx(0.5)
    assert check_grad(lambda v: v.relu(), 0.1).ok          # away from the kink


def test_check_grad_with_the_tensor_engine():
    A = np.array([[1.0, 2.0, -1.0], [0.5, -0.3, 2.0]])

    def f(w):
        return ((A @ w).tanh() ** 2).sum() + (w * w + 1).log().mean()

    res = check_grad(f, [0.3, -0.7, 1.1], engine="tensor", order=4, rtol=RTOL, atol=RTOL)
    assert res.ok, res.report()


def test_check_grad_validates_its_inputs():
    with pytest.raises(ValueError, match='`engine` must be "value" or "tensor"'):
        check_grad(lambda v: v, 1.0, engine="torch")
    with pytest.raises(ValueError, match="`order` must be 2 or 4"):
        check_grad(lambda v: v, 1.0, order=3)
    with pytest.raises(ValueError, match="`h` must be positive and finite"):
        check_grad(lambda v: v, 1.0, h=-0.1)
    with pytest.raises(TypeError, match="`f` must be callable"):
        check_grad(None, 1.0)


# ---------------------------------------------------------------------------
# Value errors
# ---------------------------------------------------------------------------

def test_value_errors_say_what_went_wrong():
    x = Value(2.0)
    with pytest.raises(TypeError, match="exponent must be a number .* not a Value"):
        x ** Value(2.0)
    with pytest.raises(TypeError, match="exponent must be a number"):
        x ** "2"
    with pytest.raises(ValueError, match=r"log is defined only for positive numbers, got log\(-1.0\)"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="log is defined only for positive numbers"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="non-integer power is not real"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        x / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="negative power"):
        Value(0.0) ** -1
    with pytest.raises(OverflowError, match="too large"):
        Value(1000.0).exp()
    with pytest.raises(TypeError, match="Value or a Tensor"):
        topological_order(3.0)


def test_powers_at_zero_and_of_negative_numbers():
    assert (Value(-2.0) ** 3).data == -8.0
    y = Value(-2.0) ** 2.0                      # an integral float exponent is fine
    y.backward()
    z = Value(0.0)
    s = z ** 0.5
    s.backward()
    assert s.data == 0.0 and z.grad == math.inf       # sqrt has an infinite slope at 0
    z0 = Value(0.0)
    (z0 ** 0).backward()
    assert z0.grad == 0.0


def test_repr_shows_data_grad_and_label():
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(1, label="w")) == "Value(data=1.0, grad=0.0, label='w')"


# ---------------------------------------------------------------------------
# Tensor against PyTorch
# ---------------------------------------------------------------------------

def torch_grads(fn, arrays, seed=None):
    torch = requires("torch", "independent reference for autodiff")
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = fn(*ts)
    if seed is None:
        out.backward()
    else:
        out.backward(torch.tensor(seed, dtype=torch.float64))
    return out.detach().numpy(), [t.grad.numpy() for t in ts]


def tensor_expr(W, x, b, c):
    h = x @ W + b                              # (5, 3) @ (3, 4) + (4,)
    a = h.tanh() * c + h.relu() / (1 + c * c)  # c (5, 1) broadcasts over columns
    s = (a - 0.5).sigmoid() + (h * h + 1).log() + (-a).exp() * 0.1
    t = s ** 3 - 2 / (s + 1) + (1 - h) * a     # reflected forms, reuse of h and a
    u = t.sum(axis=0) * b + t.mean(axis=1, keepdims=True).sum()   # reductions and broadcasting
    return u.mean() + (h ** 2).sum() * 0.01


def test_tensor_matches_torch_on_every_operation_with_broadcasting():
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=(5, 3)), rng.normal(size=4), rng.normal(size=(5, 1))]
    ts = [Tensor(a) for a in arrays]
    out = tensor_expr(*ts)
    out.backward()
    ref, ref_grads = torch_grads(tensor_expr, arrays)
    close(out.data, ref)
    for t, g in zip(ts, ref_grads):
        assert t.grad.shape == t.data.shape
        close(t.grad, g)


def test_tensor_matches_central_differences():
    rng = np.random.default_rng(1)
    x, b, c = rng.normal(size=(5, 3)), rng.normal(size=4), rng.normal(size=(5, 1))
    res = check_grad(lambda W: tensor_expr(W, Tensor(x), Tensor(b), Tensor(c)), rng.normal(size=(3, 4)),
                     engine="tensor", order=4, rtol=RTOL, atol=RTOL)
    assert res.ok, res.report()


@pytest.mark.parametrize("shapes", [
    ((3,), (3,)), ((4, 3), (3,)), ((3,), (3, 2)), ((2, 4, 3), (3, 5)), ((4, 3), (2, 3, 5)), ((2, 4, 3), (3,)),
    ((3,), (2, 3, 4)),
])
def test_matmul_gradients_for_all_ranks_match_torch(shapes):
    rng = np.random.default_rng(2)
    arrays = [rng.normal(size=s) for s in shapes]
    ts = [Tensor(a) for a in arrays]

    def f(a, b):
        return ((a @ b) ** 2).sum()

    out = f(*ts)
    out.backward()
    ref, ref_grads = torch_grads(f, arrays)
    close(out.data, ref)
    for t, g in zip(ts, ref_grads):
        close(t.grad, g)


@settings(max_examples=25, deadline=None)
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3), st.integers(0, 2**32 - 1))
def test_broadcast_gradients_are_summed_back_to_each_shape(shapes, seed):
    rng = np.random.default_rng(seed)
    a, b = (rng.uniform(0.5, 2.0, size=s) for s in shapes.input_shapes)
    ta, tb = Tensor(a), Tensor(b)

    def f(x, y):
        return (x * y + x / y - y).sum()

    out = f(ta, tb)
    out.backward()
    ref, (ga, gb) = torch_grads(f, [a, b])
    assert ta.grad.shape == a.shape and tb.grad.shape == b.shape
    close(ta.grad, ga)
    close(tb.grad, gb)


def test_tensor_backward_with_a_seed_gradient_is_a_vector_jacobian_product():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3))
    seed = rng.normal(size=(2, 3))
    t = Tensor(x)
    out = (t * t).tanh()
    out.backward(seed)
    _, (ref,) = torch_grads(lambda a: (a * a).tanh(), [x], seed=seed)
    close(t.grad, ref)


def test_tensor_backward_twice_and_gradients_are_not_shared_arrays():
    a, b = Tensor([1.0, 2.0]), Tensor([3.0, 4.0])
    out = (a + b).sum()
    out.backward()
    first = a.grad.copy()
    out.backward()
    np.testing.assert_array_equal(a.grad, first)            # not doubled
    assert not np.shares_memory(a.grad, b.grad)
    a.grad += 1                                            # editing one leaves the other alone
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_tensor_with_numpy_arrays_on_the_left_stays_a_tensor():
    t = Tensor([1.0, 2.0])
    for out in (np.array([1.0, 1.0]) + t, np.array([2.0, 2.0]) * t, np.ones(2) - t, np.ones(2) / t,
                np.ones((3, 2)) @ t, 2.0 ** 1 * t):
        assert isinstance(out, Tensor)
    out = (np.array([2.0, 3.0]) * t).sum()
    out.backward()
    np.testing.assert_array_equal(t.grad, [2.0, 3.0])


def test_tensor_sigmoid_is_stable_and_item_and_repr_work():
    s = Tensor([-800.0, 0.0, 800.0]).sigmoid()
    np.testing.assert_array_equal(s.data, [0.0, 0.5, 1.0])
    assert Tensor([[2.5]]).item() == 2.5
    assert repr(Tensor([1.0, 2.0])) == "Tensor(data=[1., 2.], grad=None)"
    assert Tensor(3).data.dtype == np.float64


def test_tensor_errors_say_what_went_wrong():
    m = Tensor(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"backward\(\) on a Tensor of shape \(3, 2\) needs a seed `gradient`"):
        (m * 2).backward()
    with pytest.raises(ValueError, match=r"`gradient` must have the shape of the Tensor, \(3, 2\), got \(2,\)"):
        m.backward(np.ones(2))
    with pytest.raises(ValueError, match=r"matmul shape mismatch: \(3, 2\) @ \(3, 4\) "
                                         r"\(inner dimensions 2 and 3 differ\)"):
        m @ Tensor(np.ones((3, 4)))
    with pytest.raises(ValueError, match="at least 1 dimension"):
        m @ Tensor(2.0)
    with pytest.raises(ValueError, match="log is defined only for positive numbers, got an entry -1.0"):
        Tensor([1.0, -1.0, 2.0]).log()
    with pytest.raises(ValueError, match="non-integer power is not real"):
        Tensor([-1.0, 2.0]) ** 0.5
    with pytest.raises(TypeError, match="exponent must be a number .* not a Tensor"):
        m ** Tensor(2.0)
    with pytest.raises(ValueError, match=r"item\(\) needs a one-element Tensor, got shape \(3, 2\)"):
        m.item()


@pytest.mark.parametrize("x0", [1e-20, 1e-12, 1e-6, 0.0])
def test_check_grad_passes_correct_gradients_at_tiny_coordinates(x0):
    # a step relative to |x| alone would vanish at 1e-20 and report a correct gradient as wrong
    res = check_grad(lambda v: v[0].exp() * 3 + v[1] * v[1], np.array([x0, 1.0]))
    assert res.ok, res.report()
