"""Reverse-mode automatic differentiation: backpropagation on a computation graph.

One idea per module, each read on its own:

======================================  ===============================================
:mod:`calclib.autodiff.engine`          the scalar engine: ``Value``, the table of local
                                        derivatives, ``backward`` (micrograd's API)
:mod:`calclib.autodiff.tensor`          the same engine over numpy arrays: ``Tensor``
:mod:`calclib.autodiff.functional`      ``grad``, ``value_and_grad``, ``check_grad``
:mod:`calclib.autodiff.listing`         ``trace``, ``graph_table``, ``backward_steps``
:mod:`calclib.autodiff.node`            ``Node`` and ``topological_order``, shared by both
======================================  ===============================================

Every public name is importable from here: ``from calclib.autodiff import
Value, Tensor, grad, check_grad``.

Derivative rules (one line per primitive, ``out`` the result; the table
:data:`~calclib.autodiff.engine.LOCAL_DERIVATIVES` in code)::

    a + b        d/da = 1              d/db = 1
    a - b        d/da = 1              d/db = -1
    a * b        d/da = b              d/db = a
    a / b        d/da = 1/b            d/db = -out/b
    a ** p       d/da = p * a**(p-1)   (p a number, not a Value)
    -a           d/da = -1
    relu(a)      d/da = 1 if a > 0 else 0
    tanh(a)      d/da = 1 - out**2
    exp(a)       d/da = out
    log(a)       d/da = 1/a            (a > 0)
    sigmoid(a)   d/da = out * (1 - out)

Numbers: Values and Tensors hold finite floats; an operation whose result
would not be finite raises an error that names it (``ZeroDivisionError``,
``OverflowError``, or ``ValueError`` outside a domain), never a numpy
warning; gradients may be infinite (an infinite slope), never nan.

>>> from calclib.autodiff import Value, grad
>>> x = Value(3.0)
>>> (x * x).backward()
>>> x.grad, grad(lambda v: v * v)(3.0)
(6.0, 6.0)
"""
from .engine import LOCAL_DERIVATIVES, Value
from .functional import GradCheck, check_grad, grad, value_and_grad
from .listing import BackwardStep, Edge, Graph, backward_steps, graph_table, trace
from .node import Node, topological_order
from .tensor import Tensor

__all__ = [
    "Value",
    "Tensor",
    "Node",
    "LOCAL_DERIVATIVES",
    "topological_order",
    "trace",
    "graph_table",
    "backward_steps",
    "BackwardStep",
    "Graph",
    "Edge",
    "grad",
    "value_and_grad",
    "check_grad",
    "GradCheck",
]
