"""Tests for calclib.autodiff.node: the graph walk both engines share."""
import gc

import pytest

from calclib.autodiff.engine import Value
from calclib.autodiff.node import Node, gc_paused, topological_order
from calclib.autodiff.tensor import Tensor


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.88, label="b")
    return (x1 * w1 + x2 * w2 + b).tanh()


@pytest.mark.parametrize("make", [neuron, lambda: ((Tensor([1.0, 2.0]) * 3).tanh() + Tensor(1.0)).sum()])
def test_topological_order_puts_every_node_after_its_parents(make):
    root = make()
    order = topological_order(root)
    assert order[-1] is root and len(order) == len(set(map(id, order)))
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        assert isinstance(node, Node)
        for parent, _ in node._parents:
            assert position[id(parent)] < position[id(node)]


def test_topological_order_lists_a_reused_node_once():
    x = Value(2.0, label="x")
    z = x * x + x
    assert [n.label or n._op for n in topological_order(z)] == ["x", "*", "+"]


def test_topological_order_refuses_what_is_not_a_node():
    with pytest.raises(TypeError, match="`root` must be a Value or a Tensor, got float"):
        topological_order(3.0)


def test_gc_paused_restores_the_collector_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with gc_paused():
            assert not gc.isenabled()
            raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()              # it was off: it stays off
    finally:
        gc.enable()
