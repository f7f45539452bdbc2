"""Tests for calclib.autodiff.functional: grad and value_and_grad against exact
gradients, check_grad's verdicts (including sides that are not finite), and
their argument checks."""
import math

import numpy as np
import pytest

from calclib.autodiff.engine import Value
from calclib.autodiff.functional import GradCheck, check_grad, grad, value_and_grad
from calclib.autodiff.tensor import Tensor


def close(actual, expected, rtol=1e-10):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


# ---------------------------------------------------------------------------
# grad, value_and_grad
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
    g3 = grad(lambda v: (v[0] * np.array([1.0, 2.0])).sum())   # a Value times an array
    close(g3(np.array([3.0, 4.0])), [3.0, 0.0])


def test_value_and_grad_and_constant_functions():
    val, g = value_and_grad(lambda x: x ** 3)(2.0)
    assert (val, g) == (8.0, 12.0)
    assert grad(lambda x, y: x * 2)(1.0, 5.0) == (2.0, 0.0)   # y unused: 0
    assert grad(lambda x: 7.0)(1.0) == 0.0                    # does not depend on x
    assert grad(lambda x: x[0] * 2)([1, 2]).tolist() == [2.0, 0.0]   # ints are numbers too


def test_grad_validates_its_inputs():
    with pytest.raises(TypeError, match="`f` must be callable"):
        grad(3.0)
    with pytest.raises(TypeError, match="must return a scalar, got an array of shape \\(2,\\)"):
        grad(lambda x: x * 2)(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="must return a Value"):
        grad(lambda x: "nope")(1.0)
    with pytest.raises(ValueError, match="`f` must return a finite number, got nan"):
        grad(lambda x: float("nan"))(1.0)
    with pytest.raises(TypeError, match="at least one argument"):
        grad(lambda: Value(1.0))()
    with pytest.raises(TypeError, match=r"`args\[0\]` must be real numbers"):
        grad(lambda x: x)("abc")
    with pytest.raises(ValueError, match=r"`args\[1\]` must be finite, got nan at index \(1,\)"):
        grad(lambda x, y: x)(1.0, [1.0, np.nan])


def test_grad_names_f_when_it_has_no_finite_value_or_gradient():
    with pytest.raises(ValueError, match=r"`f` has no finite value at `args` = \(1e\+300,\): OverflowError"):
        grad(lambda x: x * x)(1e300)
    with pytest.raises(ValueError, match="`f` has no finite value .* ZeroDivisionError"):
        grad(lambda x: 1 / x)(0.0)
    with pytest.raises(ValueError, match="`f` has no finite gradient at `args` = \\(0.0,\\): .* infinite slope"):
        grad(lambda x: x ** 0.5)(0.0)


def test_grad_bounds_the_number_of_values_it_makes():
    with pytest.raises(ValueError, match="the arguments hold 1000001 numbers; .* at most 1000000"):
        grad(lambda x: x[0])(np.broadcast_to(0.0, (1_000_001,)))


# ---------------------------------------------------------------------------
# check_grad
# ---------------------------------------------------------------------------

def test_check_grad_reports_analytic_vs_numeric(capsys):
    res = check_grad(lambda v: (v[0] * v[1]).tanh(), [0.5, 2.0], verbose=True)
    out = capsys.readouterr().out
    assert res.ok and res.max_rel_error < 1e-8 and res.failures == {}
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

    res = check_grad(f, [0.3, -0.7, 1.1], engine="tensor", order=4, rtol=1e-10, atol=1e-10)
    assert res.ok, res.report()
    assert check_grad(lambda w: Tensor(2.0) * 1.0, [1.0, 2.0], engine="tensor").ok   # no path to w: zeros


@pytest.mark.parametrize("x0", [1e-20, 1e-12, 1e-6, 0.0])
def test_check_grad_passes_correct_gradients_at_tiny_coordinates(x0):
    # a step relative to |x| alone would vanish at 1e-20 and report a correct gradient as wrong
    res = check_grad(lambda v: v[0].exp() * 3 + v[1] * v[1], np.array([x0, 1.0]))
    assert res.ok, res.report()


def test_check_grad_reports_a_numeric_side_that_is_not_finite_as_such():
    x = np.array([1.3407807e154, 0.5])         # x0 * x0 is finite, (x0 + h) ** 2 is not
    res = check_grad(lambda v: v[0] * v[0] * v[1], x)
    assert not res.ok and list(res.failures) == [(0,)]
    assert "f(x + h) raised OverflowError" in res.failures[(0,)]
    assert np.isnan(res.numeric[0]) and np.isnan(res.rel_error[0])
    assert res.rel_error[1] < 1e-8 and res.max_rel_error == res.rel_error[1]
    report = res.report()
    assert "x[0]: analytic  1.34" in report and "numeric not finite  -> not compared: f(x + h) raised" in report
    assert report.splitlines()[-1].startswith("1 of 2 coordinate(s) not compared (a side is not finite); "
                                              "max rel. error over the other 1: ")
    assert report.endswith("-> NOT CHECKED (rtol=1e-06, atol=1e-08)") and "MISMATCH" not in report


def test_check_grad_with_the_tensor_engine_reports_a_numeric_side_that_is_not_finite():
    res = check_grad(lambda t: (t * t).sum(), [1.3407807e154], engine="tensor")
    assert not res.ok and "f(x + h) raised OverflowError: Tensor * Tensor" in res.failures[(0,)]
    assert "NOT CHECKED" in res.report()


def test_check_grad_reports_a_step_that_leaves_the_domain():
    res = check_grad(lambda v: v.log(), 0.5, h=1.0)          # x - h = -0.5
    assert not res.ok and "f(x - h) raised ValueError: log is defined only for positive" in res.failures[()]
    assert math.isnan(res.max_rel_error) and "0 of" not in res.report()
    assert res.report().splitlines()[-1].startswith("1 of 1 coordinate(s) not compared")


def test_check_grad_refuses_a_point_where_f_has_no_finite_value_or_gradient():
    with pytest.raises(ValueError, match=r"`f` must have a finite value and gradient at `x` to be checked; "
                                         r"at x = 1e\+300 .*OverflowError"):
        check_grad(lambda x: x * x, 1e300)
    with pytest.raises(ValueError, match="at x = 0.0 .* infinite slope"):
        check_grad(lambda x: x ** 0.5, 0.0)
    with pytest.raises(ValueError, match="`f` must have a finite value and gradient at `x`.*Tensor.exp"):
        check_grad(lambda t: t.exp().sum(), [1000.0], engine="tensor")


def test_check_grad_validates_its_inputs():
    with pytest.raises(ValueError, match='`engine` must be "value" or "tensor"'):
        check_grad(lambda v: v, 1.0, engine="torch")
    with pytest.raises(ValueError, match="`order` must be 2 or 4"):
        check_grad(lambda v: v, 1.0, order=3)
    with pytest.raises(ValueError, match="`order` must be 2 or 4"):
        check_grad(lambda v: v, 1.0, order=True)
    with pytest.raises(ValueError, match="`h` must be positive and finite"):
        check_grad(lambda v: v, 1.0, h=-0.1)
    with pytest.raises(ValueError, match="`h` must be finite"):
        check_grad(lambda v: v, 1.0, h=np.inf)
    with pytest.raises(ValueError, match=r"`h` must be a number or an array of the shape of `x`, \(2,\), "
                                         r"got shape \(3,\)"):
        check_grad(lambda v: v[0], [1.0, 2.0], h=[0.1, 0.1, 0.1])
    with pytest.raises(ValueError, match=r"`h` is too small at x = 1.0: x \+ h == x in float64"):
        check_grad(lambda v: v, 1.0, h=1e-300)
    with pytest.raises(TypeError, match="`f` must be callable"):
        check_grad(None, 1.0)
    with pytest.raises(ValueError, match="`x` must be finite, got nan"):
        check_grad(lambda v: v, np.nan)
    with pytest.raises(ValueError, match="`rtol` must be >= 0"):
        check_grad(lambda v: v, 1.0, rtol=-1.0)
    with pytest.raises(ValueError, match="`atol` must be finite"):
        check_grad(lambda v: v, 1.0, atol=np.nan)
    with pytest.raises(ValueError, match="`x` has 10001 coordinates; check_grad checks at most 10000"):
        check_grad(lambda v: v[0], np.zeros(10_001))
    with pytest.raises(TypeError, match="`f` must return a one-element Tensor, got shape \\(2,\\)"):
        check_grad(lambda t: t * 2, [1.0, 2.0], engine="tensor")
    with pytest.raises(TypeError, match="`f` must return a Tensor, got float"):
        check_grad(lambda t: 1.0, [1.0], engine="tensor")
    with pytest.raises(ValueError, match="`digits` must be an integer from 1 to 17"):
        check_grad(lambda v: v, 1.0).report(digits=0)


def test_grad_check_records_are_dataclasses_with_defaults():
    res = GradCheck(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1), 0.0, 0.0, True, 1e-6, 1e-8, np.ones(1))
    assert res.failures == {} and res.report().endswith("-> OK (rtol=1e-06, atol=1e-08)")


def test_no_numpy_warning_from_object_array_loops():
    # numpy runs Value arithmetic inside its object-array loops and then reports the
    # processor's overflow flag: a slope beyond float64 (1 / 1e-310) must not set it
    v = np.array([1e-310, 2.0])
    with pytest.raises(ValueError, match="`f` has no finite gradient"):
        grad(lambda x: np.sum(x / x))(v)           # d/dx (x / x) = 1/x - x/x**2: inf - inf
    with pytest.raises(ValueError, match="`f` has no finite gradient"):
        grad(lambda x: np.sum(np.log(x)))(v)       # numpy calls Value.log; 1/x is beyond float64
    assert grad(lambda x: np.sum(x / 2.0))(v).tolist() == [0.5, 0.5]
