"""Tests for calclib.autodiff.listing: trace, graph_table, backward_steps and
the node names and expressions that calclib.graph draws."""
import pytest

from calclib.autodiff.engine import Value
from calclib.autodiff.listing import backward_steps, expression, graph_table, node_names, trace
from calclib.autodiff.tensor import Tensor


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, n=n)


def test_trace_lists_every_edge_with_its_local_derivative():
    o, v = neuron()
    g = trace(o)
    assert len(g.nodes) == 10 and len(g.edges) == 9
    locals_into = {(e.parent.label, e.child.label or e.child._op): e.local for e in g.edges}
    assert locals_into[("x1", "*")] == -3.0 and locals_into[("w1", "*")] == 2.0
    assert locals_into[("n", "o")] == pytest.approx(0.5, rel=1e-12)


def test_trace_of_a_tensor_graph_has_no_local_derivatives():
    W, x = Tensor([[1.0], [2.0]], label="W"), Tensor([3.0, 4.0], label="x")
    g = trace((x @ W).sum())
    assert [n.label or n._op for n in g.nodes] == ["x", "W", "@", "sum"]
    assert all(e.local is None for e in g.edges) and len(g.edges) == 3


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
    assert graph_table(o, digits=2).splitlines()[-1].split()[2] == "0.71"


def test_names_and_expressions():
    x = Value(2.0, label="x")
    y = (-(x * 3) / x) ** 2
    names = node_names(trace(y).nodes)
    assert list(names.values()) == ["x", "n1", "n2", "n3", "n4", "n5"]
    assert [expression(n, names) for n in trace(y).nodes] == ["", "", "x * n1", "-n2", "n3 / x", "n4 ** 2"]
    twins = [Value(1.0, label="a"), Value(2.0, label="a")]
    assert list(node_names(twins).values()) == ["a", "a#1"]
    t = Tensor([1.0, 2.0], label="t")
    s = t ** 3
    assert expression(s, node_names(trace(s).nodes)) == "t ** 3"


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


def test_listing_functions_check_their_arguments():
    with pytest.raises(TypeError, match="`root` must be a Value, got Tensor"):
        graph_table(Tensor([1.0]))
    with pytest.raises(TypeError, match="`root` must be a Value, got float"):
        backward_steps(1.0)                    # at the call, not at the first step
    with pytest.raises(TypeError, match="`root` must be a Value or a Tensor, got str"):
        trace("x")
    with pytest.raises(ValueError, match="`digits` must be an integer from 1 to 17, got 0"):
        graph_table(Value(1.0), digits=0)
    with pytest.raises(ValueError, match="`digits` must be an integer from 1 to 17, got 2.5"):
        graph_table(Value(1.0), digits=2.5)


def test_backward_steps_is_bounded_to_teaching_sized_graphs():
    x = Value(1.0)
    y = x
    for _ in range(1000):
        y = y * 1.0                            # two edges per product
    assert len(trace(y).edges) == 2000         # the largest graph allowed
    z = y * 1.0
    with pytest.raises(ValueError, match="`root`'s graph has 2002 edges; backward_steps walks at most 2000"):
        backward_steps(z)
    assert len(list(backward_steps(y))) == 2001
