"""Tests for calclib.autodiff.tensor: Tensor against PyTorch (float64) and
central differences, broadcasting, backward semantics, and the numbers policy
(finite or a named error, never a numpy warning)."""
import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from calclib.autodiff.functional import check_grad
from calclib.autodiff.tensor import Tensor
from conftest import requires

RTOL = 1e-10


def close(actual, expected, rtol=RTOL):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


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
    return u.mean() + (h ** 2).sum() * 0.01 + ((h * h + 1) ** 0.5).mean()


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
    assert Tensor([-40.0]).sigmoid().item() == pytest.approx(np.exp(-40.0), rel=1e-15)   # no cancellation
    assert Tensor([[2.5]]).item() == 2.5
    assert repr(Tensor([1.0, 2.0])) == "Tensor(data=[1., 2.], grad=None)"
    assert Tensor(3).data.dtype == np.float64


def _freed_by_refcount(build):
    was = gc.isenabled()
    gc.disable()
    try:
        refs, root = build()
        del root
        return [r() is None for r in refs]
    finally:
        if was:
            gc.enable()


def test_tensor_graphs_hold_no_reference_cycles():
    def build():
        W = Tensor(np.ones((3, 2)))
        x = Tensor(np.arange(6.0).reshape(2, 3))
        h = (x @ W).tanh()
        root = (h * h + 1.0).log().mean()
        root.backward()
        return [weakref.ref(W), weakref.ref(x), weakref.ref(h), weakref.ref(root)], root

    assert all(_freed_by_refcount(build))


def test_a_tensor_chain_of_100000_operations_backpropagates():
    was = gc.isenabled()
    gc.disable()
    try:
        x = Tensor([1.0, 2.0])
        y = x
        for _ in range(100_000):
            y = -y
        y.sum().backward()
        np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    finally:
        if was:
            gc.enable()


# ---------------------------------------------------------------------------
# errors, and the numbers policy
# ---------------------------------------------------------------------------

def test_tensor_errors_say_what_went_wrong():
    m = Tensor(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"backward\(\) on a Tensor of shape \(3, 2\) needs a seed `gradient`"):
        (m * 2).backward()
    with pytest.raises(ValueError, match=r"`gradient` must have the shape of the Tensor, \(3, 2\), got \(2,\)"):
        m.backward(np.ones(2))
    with pytest.raises(ValueError, match=r"`gradient` must be finite, got nan at index \(0, 1\)"):
        m.backward([[1.0, np.nan], [1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match=r"matmul shape mismatch: \(3, 2\) @ \(3, 4\) "
                                         r"\(inner dimensions 2 and 3 differ\)"):
        m @ Tensor(np.ones((3, 4)))
    with pytest.raises(ValueError, match="batch dimensions do not broadcast"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 4, 2)))
    with pytest.raises(ValueError, match="at least 1 dimension"):
        m @ Tensor(2.0)
    with pytest.raises(ValueError, match="log is defined only for positive numbers, got an entry -1.0"):
        Tensor([1.0, -1.0, 2.0]).log()
    with pytest.raises(ValueError, match="non-integer power is not real"):
        Tensor([-1.0, 2.0]) ** 0.5
    with pytest.raises(TypeError, match="exponent must be a number .* got Tensor"):
        m ** Tensor(2.0)
    with pytest.raises(ValueError, match=r"item\(\) needs a one-element Tensor, got shape \(3, 2\)"):
        m.item()


@pytest.mark.parametrize("data, error, text", [
    ([1.0, np.nan], ValueError, r"`data` must be finite, got nan at index \(1,\)"),
    ([[np.inf]], ValueError, r"`data` must be finite, got inf at index \(0, 0\)"),
    (-np.inf, ValueError, "`data` must be finite, got -inf"),
    ("1.5", TypeError, "`data` must be real numbers"),
    ([1 + 2j], TypeError, "`data` must be real numbers .* got complex numbers"),
    (None, TypeError, "`data` must be real numbers"),
    ([[1.0], [1.0, 2.0]], ValueError, r"`data` must be a number or a \(rectangular\) array"),
])
def test_a_tensor_refuses_data_that_is_not_finite_real_numbers(data, error, text):
    with pytest.raises(error, match=text):
        Tensor(data)


def test_operands_are_checked_like_data():
    t = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="`other` must be finite, got nan"):
        t + np.nan
    with pytest.raises(TypeError, match="`other` must be real numbers"):
        t * "2"
    with pytest.raises(TypeError, match="`other` must be real numbers"):
        "2" * t


# Each case is one of issue 9's: it raises a Python error naming the operation
# (as the scalar engine and Python floats do), and numpy prints no warning
# (pytest runs with filterwarnings = error, so a warning would fail the test).
@pytest.mark.parametrize("make, error, text", [
    (lambda: Tensor([1.0]) / Tensor([0.0]), ZeroDivisionError,
     r"Tensor / Tensor: division by zero \(the divisor is 0 at index \(0,\)\)"),
    (lambda: Tensor([0.0]) / 0.0, ZeroDivisionError, "division by zero"),
    (lambda: 1.0 / Tensor([2.0, 0.0]), ZeroDivisionError, r"index \(1,\)"),
    (lambda: Tensor([1.0, 1000.0]).exp(), OverflowError,
     r"Tensor.exp\(\): an entry of the result is beyond the largest float64"),
    (lambda: Tensor([1e200]) * Tensor([1e200]), OverflowError, r"Tensor \* Tensor: .* beyond the largest float64"),
    (lambda: Tensor([1.5e308]) + 1.5e308, OverflowError, r"Tensor \+ Tensor: .* beyond"),
    (lambda: Tensor([1e200]) ** 2, OverflowError, r"Tensor \*\* 2: .* beyond"),
    (lambda: Tensor(np.full((2, 2), 1e200)) @ Tensor(np.full((2, 2), 1e200)), OverflowError, "Tensor @ Tensor"),
    (lambda: Tensor([1.5e308, 1.5e308]).sum(), OverflowError, r"Tensor.sum\(\): .* beyond"),
    (lambda: Tensor([0.0, 1.0]) ** -1, ZeroDivisionError, "0.0 cannot be raised to a negative power"),
    (lambda: Tensor(np.zeros((0, 2))).mean(), ValueError, r"Tensor.mean\(\): the mean of no entries is undefined"),
    (lambda: Tensor(np.zeros((3, 0))).mean(axis=1), ValueError, "the mean of no entries"),
])
def test_operations_beyond_float64_raise_and_name_themselves(make, error, text):
    with pytest.raises(error, match=text):
        make()


def test_powers_at_zero():
    t = Tensor([0.0, 4.0])
    s = t ** 0.5                                   # the forward value is fine ...
    np.testing.assert_array_equal(s.data, [0.0, 2.0])
    with pytest.raises(ValueError, match=r"backward through '\*\*': a gradient is infinite \(an infinite slope"):
        s.sum().backward()                         # ... its slope at 0 is infinite: an error, as for Value
    z = Tensor([0.0, 2.0])
    (z ** 0).sum().backward()
    np.testing.assert_array_equal(z.grad, [0.0, 0.0])
    (z ** 1).sum().backward()
    np.testing.assert_array_equal(z.grad, [1.0, 1.0])
    (z ** 2).sum().backward()
    np.testing.assert_array_equal(z.grad, [0.0, 4.0])


def test_a_gradient_beyond_float64_raises_in_backward():
    x = Tensor([1e-10])
    out = x * 1e300                                # the value is 1e290: fine
    with pytest.raises(OverflowError, match=r"backward through '\*': an entry of the result is beyond"):
        out.backward(gradient=[1e300])             # d/dx = 1e300 * 1e300


@pytest.mark.parametrize("axis, keepdims, error, text", [
    ("0", False, TypeError, "`axis` must be None, an int or a tuple of ints"),
    (1.5, False, TypeError, "`axis` must be None"),
    (2, False, ValueError, r"`axis` 2 is out of range for a Tensor of 2 dimension\(s\)"),
    (-3, False, ValueError, "out of range"),
    ((0, -2), False, ValueError, r"`axis` \(0, -2\) names an axis twice"),
    (None, "yes", TypeError, "`keepdims` must be True or False"),
])
def test_reductions_check_axis_and_keepdims(axis, keepdims, error, text):
    t = Tensor(np.ones((2, 3)))
    for reduce in (t.sum, t.mean):
        with pytest.raises(error, match=text):
            reduce(axis=axis, keepdims=keepdims)


def test_reductions_over_axes_match_numpy_and_torch():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(2, 3, 4))
    for axis in (None, 0, -1, (0, 2), [1]):
        for keepdims in (False, True):
            t = Tensor(a)
            out = t.mean(axis=axis, keepdims=keepdims) * 2 + t.sum(axis=axis, keepdims=keepdims)
            np.testing.assert_allclose(out.data, 2 * a.mean(axis=None if axis is None else tuple(np.atleast_1d(axis)),
                                                            keepdims=keepdims)
                                       + a.sum(axis=None if axis is None else tuple(np.atleast_1d(axis)),
                                               keepdims=keepdims))
            (out * out).sum().backward()
            dims = None if axis is None else tuple(np.atleast_1d(axis))

            def f(x, dims=dims, keepdims=keepdims):
                o = (x.mean(dim=dims, keepdim=keepdims) * 2 + x.sum(dim=dims, keepdim=keepdims)
                     if dims is not None else x.mean() * 2 + x.sum())
                return (o * o).sum()

            _, (ref,) = torch_grads(f, [a])
            close(t.grad, ref)
