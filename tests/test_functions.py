"""Tests for calclib.functions: every exact derivative agrees with numerical ones."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calclib import functions
from calclib.differentiate import central_difference, complex_step, gradient, hessian, richardson, second_derivative
from calclib.functions import (
    ACCURACY_CASES,
    DOUBLE_WELL,
    EXAMPLES,
    ROSENBROCK,
    Example,
    QuadraticBowl,
    double_well,
    quadratic_bowl,
    rosenbrock,
    rosenbrock_grad,
    rosenbrock_hessian,
)

FAST = settings(max_examples=25, deadline=None)
KINKS = {"relu", "abs"}


def sample_points(example):
    """Points inside the domain, away from the kink at 0."""
    lo, hi = example.domain
    xs = np.array([-2.5, -1.2, -0.4, 0.35, 0.8, 1.9, 3.1])
    return xs[(xs > lo) & (xs < hi)]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_derivatives_match_numerical_ones(name):
    ex = EXAMPLES[name]
    assert isinstance(ex, Example) and ex.name == name and ex.latex
    x = sample_points(ex)
    np.testing.assert_allclose(ex.df(x), richardson(ex.f, x).df, rtol=1e-10, atol=1e-12)
    if ex.d2f is not None:
        np.testing.assert_allclose(ex.d2f(x), second_derivative(ex.f, x), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ex.d2f(x), richardson(ex.df, x).df, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_are_vectorised(name):
    ex = EXAMPLES[name]
    x = sample_points(ex)
    grid = np.stack([x, x[::-1]])  # a 2-D array
    for fn in (ex.f, ex.df) + ((ex.d2f,) if ex.d2f else ()):
        values = fn(grid)
        assert np.shape(values) == grid.shape
        np.testing.assert_allclose(values[0], [fn(t) for t in x], rtol=1e-15)


def test_kinks_use_zero_as_the_derivative():
    for name in KINKS:
        assert EXAMPLES[name].df(0.0) == 0.0
        assert EXAMPLES[name].d2f is None
    assert EXAMPLES["relu"].df(2.0) == 1.0 and EXAMPLES["abs"].df(-2.0) == -1.0


def test_activations_are_quiet_and_right_in_the_tails():
    x = np.array([-1000.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(EXAMPLES["sigmoid"].f(x), [0.0, 1.0])
        np.testing.assert_allclose(EXAMPLES["sigmoid"].df(x), [0.0, 0.0])
        np.testing.assert_allclose(EXAMPLES["softplus"].f(x), [0.0, 1000.0])
    assert EXAMPLES["sigmoid"].df(0.0) == 0.25


def test_double_well():
    assert DOUBLE_WELL is EXAMPLES["double well"]
    np.testing.assert_allclose(DOUBLE_WELL.df(np.array([-1.0, 0.0, 1.0])), 0.0)
    tilted = double_well(0.3)
    # the tilt makes the left minimum the lower one
    left, right = -1.04, 0.96
    assert tilted.f(left) < tilted.f(right)
    np.testing.assert_allclose(tilted.df(np.array([-1.5, 0.2, 2.0])), central_difference(tilted.f, np.array([-1.5, 0.2, 2.0])), rtol=1e-9)
    assert "0.3x" in tilted.latex


# ---------------------------------------------------------------- quadratic bowls
def test_quadratic_bowl_from_a_diagonal():
    bowl = quadratic_bowl([1.0, 10.0])
    assert isinstance(bowl, QuadraticBowl)
    assert (bowl.L, bowl.mu) == (10.0, 1.0)
    np.testing.assert_array_equal(bowl.A, np.diag([1.0, 10.0]))
    np.testing.assert_array_equal(bowl.minimizer, [0.0, 0.0])
    x = np.array([1.0, 1.0])
    assert bowl.f(x) == 5.5
    np.testing.assert_array_equal(bowl.grad(x), [1.0, 10.0])
    np.testing.assert_array_equal(bowl.hessian(x), bowl.A)


@given(
    entries=st.lists(st.floats(-3, 3), min_size=4, max_size=4),
    x=st.lists(st.floats(-5, 5), min_size=2, max_size=2),
)
@FAST
def test_quadratic_bowl_matches_numerical_derivatives(entries, x):
    M = np.array(entries).reshape(2, 2)
    A = M @ M.T + 0.1 * np.eye(2)  # symmetric positive definite
    bowl = quadratic_bowl(A)
    x = np.array(x)
    np.testing.assert_allclose(bowl.grad(x), A @ x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gradient(bowl.f, x), A @ x, rtol=1e-6, atol=1e-6)
    eig = np.linalg.eigvalsh(A)
    assert bowl.L == pytest.approx(eig[-1]) and bowl.mu == pytest.approx(eig[0])


def test_quadratic_bowl_on_a_grid():
    bowl = quadratic_bowl([[2.0, 0.5], [0.5, 1.0]])
    X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 3))
    P = np.array([X, Y])
    Z = bowl.f(P)
    assert Z.shape == (3, 5)
    assert Z[1, 2] == 0.0
    assert Z[0, 0] == pytest.approx(bowl.f(np.array([-1.0, -2.0])))
    assert bowl.grad(P).shape == (2, 3, 5)
    assert bowl.hessian(P).shape == (2, 2, 3, 5)


def test_quadratic_bowl_validation():
    with pytest.raises(ValueError, match="`A` must be a square matrix"):
        quadratic_bowl(np.ones((2, 3)))
    with pytest.raises(ValueError, match="`A` must be symmetric"):
        quadratic_bowl([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="`A` must be 1-D or 2-D"):
        quadratic_bowl(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="`A` must be finite"):
        quadratic_bowl([1.0, np.inf])
    assert quadratic_bowl([1.0, -1.0]).minimizer is None  # a saddle has no minimizer


# ---------------------------------------------------------------- Rosenbrock
@given(x=st.lists(st.floats(-2, 2), min_size=2, max_size=2))
@FAST
def test_rosenbrock_gradient_and_hessian_match_numerical_ones(x):
    x = np.array(x)
    np.testing.assert_allclose(rosenbrock_grad(x), gradient(rosenbrock, x), rtol=1e-7, atol=1e-6)
    np.testing.assert_allclose(rosenbrock_hessian(x), hessian(rosenbrock, x), rtol=1e-5, atol=1e-4)


def test_rosenbrock_minimum_and_grid():
    assert ROSENBROCK.f(ROSENBROCK.minimizer) == 0.0
    np.testing.assert_array_equal(ROSENBROCK.grad(ROSENBROCK.minimizer), [0.0, 0.0])
    assert np.all(np.linalg.eigvalsh(ROSENBROCK.hessian(ROSENBROCK.minimizer)) > 0)
    X, Y = np.meshgrid(np.linspace(-2, 2, 4), np.linspace(-1, 3, 6))
    P = np.array([X, Y])
    assert rosenbrock(P).shape == (6, 4)
    assert rosenbrock_grad(P).shape == (2, 6, 4)
    assert rosenbrock_hessian(P).shape == (2, 2, 6, 4)
    np.testing.assert_allclose(rosenbrock_hessian(P)[:, :, 2, 1], rosenbrock_hessian(P[:, 2, 1]))
    # other shape parameters move the minimum to (a, a^2)
    assert rosenbrock([2.0, 4.0], a=2.0, b=5.0) == 0.0


# ---------------------------------------------------------------- accuracy cases
def test_accuracy_cases_are_the_ten_of_the_course():
    names = [c.name for c in ACCURACY_CASES]
    assert names == ["exp@1", "exp@10", "sin@1", "sin@100", "1/x@1", "1/x@0.1",
                     "x^2.5@1", "x^2.5@0.01", "log@1e-3", "atan@1e3"]
    assert [c.x_of_order_one for c in ACCURACY_CASES].count(True) == 6


@pytest.mark.parametrize("case", ACCURACY_CASES, ids=lambda c: c.name)
def test_accuracy_case_derivatives_are_right(case):
    # the exact derivative agrees with the complex step (the f are complex-safe)
    assert complex_step(case.f, case.x) == pytest.approx(case.df(case.x), rel=1e-14)


def test_all_lists_the_public_names():
    for name in functions.__all__:
        assert hasattr(functions, name)


# ---------------------------------------------------------------- hostile input (issue 9)
@pytest.mark.parametrize("fn", [functions.sigmoid, functions.softplus, functions.relu], ids=lambda f: f.__name__)
def test_activations_check_their_input(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=r"^`x` must be a real number or an array of real numbers, got str '1'$"):
            fn("1")
        with pytest.raises(TypeError, match="^`x` must be a real number"):
            fn(None)
        with pytest.raises(TypeError, match="^`x` must be real, got complex"):
            fn(1j)
        with pytest.raises(ValueError, match=r"^`x` must be finite, got nan at index 1$"):
            fn([0.0, np.nan])
        assert np.all(np.isfinite(fn(np.array([-1e308, 0.0, 1e308]))))


def test_rosenbrock_checks_its_arguments_and_never_overflows_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fn in (rosenbrock, rosenbrock_grad, rosenbrock_hessian):
            with pytest.raises(ValueError, match=r"^`x` must have shape \(2,\) or \(2, \.\.\.\) \(the coordinates x0, x1 "
                                                 r"first\), got shape \(3,\)$"):
                fn([1.0, 2.0, 3.0])
            with pytest.raises(ValueError, match=r"overflows float64 at this `x` and `a`, `b` \(largest \|coordinate\| 1e\+200\)"):
                fn([1e200, 1e200])
            with pytest.raises(TypeError, match="^`a` must be a real number, got str"):
                fn([1.0, 1.0], a="1")
            with pytest.raises(ValueError, match="^`b` must be finite, got inf$"):
                fn([1.0, 1.0], b=np.inf)


def test_double_well_and_quadratic_bowl_check_their_arguments():
    with pytest.raises(TypeError, match="^`tilt` must be a real number, got str"):
        double_well("0.5")
    with pytest.raises(ValueError, match="^`tilt` must be finite, got nan$"):
        double_well(np.nan)
    with pytest.raises(ValueError, match=r"^`A` must have at most 1000 rows \(the eigenvalues of a larger matrix take "
                                         r"seconds to minutes, uninterruptibly"):
        quadratic_bowl(np.ones(5000))
    with pytest.raises(ValueError, match="^`A` is too large: its eigenvalues overflow float64"):
        quadratic_bowl([[1e308, 1e308], [1e308, 1e308]])
    assert quadratic_bowl([1e308, 1.0]).L == 1e308  # large but representable
