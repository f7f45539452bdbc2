"""Tests for calclib.differentiate: closed forms, error orders, the ten
accuracy cases, default steps, several variables, and input validation."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calclib.differentiate import (
    EPS,
    METHODS,
    RichardsonResult,
    backward_difference,
    central_difference,
    complex_step,
    default_step,
    derivative,
    difference_quotient,
    directional_derivative,
    forward_difference,
    gradient,
    hessian,
    jacobian,
    partial,
    richardson,
    second_derivative,
)
from calclib.functions import ACCURACY_CASES, ROSENBROCK

FAST = settings(max_examples=30, deadline=None)


def rel_err(approx, exact):
    return np.abs(np.asarray(approx) - exact) / np.abs(exact)


def observed_order(hs, errors):
    """Slope of log(error) against log(h): the error order."""
    return np.polyfit(np.log(hs), np.log(errors), 1)[0]


# ---------------------------------------------------------------- closed forms
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "f, df, x",
    [
        (np.sin, np.cos, 0.7),
        (np.exp, np.exp, -1.5),
        (lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2, 2.0),
        (np.tanh, lambda x: 1 - np.tanh(x) ** 2, 0.3),
    ],
)
def test_derivative_closed_forms(method, f, df, x):
    tol = {"forward": 1e-7, "backward": 1e-7, "central": 1e-10, "complex": 1e-15, "richardson": 1e-13}[method]
    assert rel_err(derivative(f, x, method=method), df(x)) <= tol


def test_difference_quotient_is_the_secant_slope():
    f = lambda x: x**2
    assert difference_quotient(f, 1.0, 0.5) == pytest.approx(2.5, rel=1e-15)
    # a negative h gives the slope over [x + h, x]
    assert difference_quotient(f, 1.0, -0.5) == pytest.approx(1.5, rel=1e-15)
    hs = np.array([1e-1, 1e-2, 1e-3])
    np.testing.assert_allclose(difference_quotient(f, 1.0, hs), 2 + hs, rtol=1e-10)


def test_forward_backward_errors_have_opposite_signs():
    # for x**2 the error is exactly +h (forward) and -h (backward)
    assert forward_difference(lambda x: x**2, 3.0, h=0.25) == 6.25
    assert backward_difference(lambda x: x**2, 3.0, h=0.25) == 5.75
    assert central_difference(lambda x: x**2, 3.0, h=0.25) == 6.0


def test_second_derivative_closed_forms():
    assert rel_err(second_derivative(np.sin, 1.0), -np.sin(1.0)) < 1e-6
    assert rel_err(second_derivative(np.exp, 2.0), np.exp(2.0)) < 1e-6
    np.testing.assert_allclose(second_derivative(lambda x: x**3, np.array([-1.0, 0.5, 2.0])), [-6.0, 3.0, 12.0], rtol=1e-6)


def test_scalar_in_float_out_and_array_in_array_out():
    for method in METHODS:
        assert type(derivative(np.sin, 1.0, method=method)) is float
    assert type(second_derivative(np.sin, 1.0)) is float
    x = np.linspace(-2, 2, 9)
    for method in METHODS:
        d = derivative(np.sin, x, method=method)
        assert isinstance(d, np.ndarray) and d.shape == x.shape
        np.testing.assert_allclose(d, np.cos(x), rtol=1e-6, atol=1e-8)
    x2 = x.reshape(3, 3)
    assert central_difference(np.sin, x2).shape == (3, 3)


def test_array_x_matches_scalar_x_elementwise():
    xs = np.array([1e-3, 0.5, 7.0, 300.0])
    np.testing.assert_array_equal(central_difference(np.log, xs), [central_difference(np.log, x) for x in xs])
    res = richardson(np.log, xs)
    np.testing.assert_array_equal(res.df, [richardson(np.log, x).df for x in xs])
    np.testing.assert_array_equal(res.nfev, [richardson(np.log, x).nfev for x in xs])


def test_vector_valued_function_of_a_scalar():
    curve = lambda t: np.array([np.cos(t), np.sin(t)])  # a point moving on the unit circle
    np.testing.assert_allclose(central_difference(curve, 0.5), [-np.sin(0.5), np.cos(0.5)], rtol=1e-9)


# ---------------------------------------------------------------- error orders
@pytest.mark.parametrize(
    "method, order, hs",
    [
        (forward_difference, 1, np.logspace(-1, -4, 7)),
        (backward_difference, 1, np.logspace(-1, -4, 7)),
        (central_difference, 2, np.logspace(-1, -3, 7)),
        (second_derivative, 2, np.logspace(-1, -2.5, 7)),
        (complex_step, 2, np.logspace(-0.5, -3, 7)),
    ],
)
def test_observed_error_orders(method, order, hs):
    exact = np.exp(1.0)  # every derivative of exp is exp
    errors = [abs(method(np.exp, 1.0, h) - exact) for h in hs]
    assert observed_order(hs, errors) == pytest.approx(order, abs=0.1)


def test_richardson_beats_central_at_the_same_step():
    h = 0.1
    central_err = rel_err(central_difference(np.exp, 1.0, h), np.e)
    rich_err = rel_err(richardson(np.exp, 1.0, h0=h).df, np.e)
    assert central_err > 1e-4 and rich_err < 1e-13


def test_rounding_makes_tiny_steps_worse():
    # the V shape of the total error: below the optimum, error grows like eps/h
    e_opt = rel_err(forward_difference(np.exp, 1.0), np.e)
    e_tiny = rel_err(forward_difference(np.exp, 1.0, h=1e-13), np.e)
    assert e_opt < 1e-7 < e_tiny


# ---------------------------------------------------------------- exactness
@given(a=st.floats(-5, 5), b=st.floats(-5, 5), c=st.floats(-5, 5), x=st.floats(-10, 10))
@FAST
def test_central_difference_is_exact_on_quadratics(a, b, c, x):
    f = lambda t: a * t**2 + b * t + c
    h = default_step(x)
    scale = abs(a) * (abs(x) + h) ** 2 + abs(b) * (abs(x) + h) + abs(c)
    assert abs(central_difference(f, x) - (2 * a * x + b)) <= 8 * EPS * scale / h + 1e-12


@given(x=st.floats(0.1, 10))
@FAST
def test_complex_step_is_exact_to_rounding(x):
    f = lambda t: np.exp(t) * np.sin(t) / t
    df = np.exp(x) * (np.sin(x) + np.cos(x)) / x - np.exp(x) * np.sin(x) / x**2
    assert abs(complex_step(f, x) - df) <= 1e-13 * (abs(df) + np.exp(x) / x)


# ---------------------------------------------------------------- hypothesis
@given(a=st.floats(-3, 3), b=st.floats(-3, 3), x=st.floats(-3, 3))
@FAST
def test_derivative_is_linear(a, b, x):
    combo = lambda t: a * np.sin(t) + b * np.exp(t)
    lhs = derivative(combo, x, method="richardson")
    rhs = a * np.cos(x) + b * np.exp(x)
    assert abs(lhs - rhs) <= 1e-11 * (abs(a) + abs(b) * np.exp(x) + 1)


@given(
    A=st.lists(st.floats(-5, 5), min_size=9, max_size=9),
    x=st.lists(st.floats(-10, 10), min_size=3, max_size=3),
)
@FAST
def test_gradient_of_random_quadratic_is_Ax(A, x):
    A = np.array(A).reshape(3, 3)
    A = A + A.T
    x = np.array(x)
    f = lambda v: 0.5 * v @ A @ v
    h = default_step(x, floor=1.0)  # the steps gradient uses
    # central differences are exact on quadratics: only rounding, ~eps |f| / h, remains
    bound = 8 * EPS * (abs(f(x)) + np.abs(A).sum() * (np.abs(x).max() + h.max()) ** 2) / h + 1e-12
    assert np.all(np.abs(gradient(f, x) - A @ x) <= bound)


# ---------------------------------------------------------------- ten accuracy cases
@pytest.mark.parametrize("case", ACCURACY_CASES, ids=lambda c: c.name)
def test_accuracy_richardson(case):
    assert rel_err(derivative(case.f, case.x, method="richardson"), case.df(case.x)) <= 1e-12


@pytest.mark.parametrize("case", ACCURACY_CASES, ids=lambda c: c.name)
def test_accuracy_complex_step(case):
    assert rel_err(complex_step(case.f, case.x), case.df(case.x)) <= 1e-14


@pytest.mark.parametrize("case", [c for c in ACCURACY_CASES if c.x_of_order_one], ids=lambda c: c.name)
def test_accuracy_central_where_x_is_of_order_one(case):
    assert rel_err(central_difference(case.f, case.x), case.df(case.x)) <= 1e-8


def test_accuracy_cases_vectorised():
    # the same cases as one array call each for the methods that allow it
    for case in ACCURACY_CASES:
        xs = np.full(3, case.x)
        assert np.all(rel_err(richardson(case.f, xs).df, case.df(case.x)) <= 1e-12)
        assert np.all(rel_err(complex_step(case.f, xs), case.df(case.x)) <= 1e-14)


# ---------------------------------------------------------------- default steps
def test_default_steps_follow_the_rules():
    assert default_step(2.0, "forward") == pytest.approx(2 * EPS**0.5)
    assert default_step(2.0, "backward") == pytest.approx(2 * EPS**0.5)
    assert default_step(2.0, "central") == pytest.approx(2 * EPS ** (1 / 3))
    assert default_step(2.0, "second") == pytest.approx(2 * EPS**0.25)
    assert default_step(2.0, "richardson") == pytest.approx(1.0)
    assert default_step(2.0, "complex") == 1e-20
    # relative to |x| (also for negative x), floored for tiny x, absolute at 0
    np.testing.assert_allclose(default_step([-1e3, 1e-3, 1e-12, 0.0]), EPS ** (1 / 3) * np.array([1e3, 1e-3, 1e-3, 1.0]))
    assert default_step(1e-12, "second") == pytest.approx(1e-2 * EPS**0.25)


@pytest.mark.parametrize("method", ["forward", "backward", "central", "richardson", "complex"])
def test_default_steps_stay_inside_the_domain(method):
    for f, df, x in [(np.log, lambda t: 1 / t, 1e-3), (lambda t: t**2.5, lambda t: 2.5 * t**1.5, 0.01)]:
        assert rel_err(derivative(f, x, method=method), df(x)) < 1e-6
    assert rel_err(second_derivative(np.log, 1e-3), -1e6) < 1e-5


def test_default_steps_are_sensible_near_zero():
    sigmoid = lambda t: 0.5 * (1 + np.tanh(t / 2))
    for x in [0.0, 1e-16, -1e-9, 1e-5]:
        # below the floor |x| < 1e-3 the step stops shrinking: error about 1e-8
        assert abs(central_difference(sigmoid, x) - 0.25) < 5e-8
        assert abs(central_difference(np.exp, x) - np.exp(x)) < 5e-8
        assert abs(richardson(np.exp, x).df - np.exp(x)) < 1e-12
        assert abs(second_derivative(np.exp, x) - np.exp(x)) < 1e-3
    assert abs(second_derivative(np.exp, 0.0) - 1.0) < 1e-7


def test_richardson_halves_a_first_step_that_leaves_the_domain():
    # default h0 = 5e-4 > x: f(x - h0) is nan at first, so h0 is halved
    res = richardson(np.log, 1e-5)
    assert rel_err(res.df, 1e5) < 1e-12 and res.success
    np.testing.assert_allclose(richardson(np.sqrt, [1e-9, 1.0]).df, 0.5 / np.sqrt([1e-9, 1.0]), rtol=1e-12)


def test_richardson_result_fields():
    res = richardson(np.exp, 1.0)
    assert isinstance(res, RichardsonResult)
    assert res.x == 1.0 and res.success is True
    assert 0 <= res.error < 1e-12
    assert res.nfev == 2 * res.nit and 4 <= res.nfev <= 60
    assert 0 < res.h <= 0.5
    arr = richardson(np.exp, [0.0, 1.0])
    assert arr.df.shape == arr.error.shape == arr.nfev.shape == (2,)
    with pytest.raises(Exception):
        res.df = 0.0  # results are frozen


def test_richardson_respects_maxiter_and_step_factor():
    res = richardson(np.exp, 1.0, maxiter=3)
    assert res.nit == 3 and res.nfev == 6
    res2 = richardson(np.exp, 1.0, step_factor=2.0)
    assert rel_err(res2.df, np.e) < 1e-12


def test_richardson_with_zero_derivative():
    res = richardson(np.cos, 0.0)
    assert abs(res.df) < 1e-15


# ---------------------------------------------------------------- several variables
ROSEN_POINTS = [np.array(p) for p in ([-1.2, 1.0], [0.0, 0.0], [1.0, 1.0], [0.5, -0.3], [2.0, 3.0])]


@pytest.mark.parametrize("x", ROSEN_POINTS, ids=str)
def test_gradient_jacobian_hessian_on_rosenbrock(x):
    g = ROSENBROCK.grad(x)
    np.testing.assert_allclose(gradient(ROSENBROCK.f, x), g, rtol=1e-8, atol=1e-7)
    np.testing.assert_allclose(jacobian(ROSENBROCK.grad, x), ROSENBROCK.hessian(x), rtol=1e-8, atol=1e-6)
    np.testing.assert_allclose(jacobian(ROSENBROCK.f, x), g[None, :], rtol=1e-8, atol=1e-7)
    H = hessian(ROSENBROCK.f, x)
    np.testing.assert_allclose(H, ROSENBROCK.hessian(x), rtol=1e-6, atol=1e-5)
    assert np.array_equal(H, H.T)
    for i in range(2):
        assert partial(ROSENBROCK.f, x, i) == pytest.approx(g[i], rel=1e-8, abs=1e-7)


def test_jacobian_shape_is_outputs_by_inputs():
    f = lambda x: np.array([x[0] + 2 * x[1] + 3 * x[2], x[0] * x[1]])
    J = jacobian(f, [1.0, 2.0, 3.0])
    assert J.shape == (2, 3)
    np.testing.assert_allclose(J, [[1, 2, 3], [2, 1, 0]], atol=1e-9)


def test_partial_keeps_the_other_inputs_fixed():
    f = lambda x: x[0] * np.exp(x[1]) + x[2] ** 2
    x = [2.0, 0.5, -1.0]
    np.testing.assert_allclose([partial(f, x, i) for i in range(3)], [np.exp(0.5), 2 * np.exp(0.5), -2.0], rtol=1e-9)


def test_several_variables_use_a_floor_of_one():
    # f's size is set by all inputs, so a tiny input gets an absolute step:
    # here x[1] = 1e-6 would otherwise get h ~ 6e-12 and lose 5 digits to rounding.
    f = lambda x: 100 * (x[1] - x[0] ** 2) ** 2
    x = np.array([1.0, 1e-6])
    exact = np.array([-400 * (x[1] - 1), 200 * (x[1] - 1)])
    np.testing.assert_allclose(gradient(f, x), exact, rtol=1e-9)
    np.testing.assert_allclose(hessian(f, x)[1, 1], 200.0, rtol=1e-7)
    assert default_step(1e-6, floor=1.0) == pytest.approx(EPS ** (1 / 3))


def test_gradient_with_explicit_steps():
    f = lambda x: np.sum(x**3)
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(gradient(f, x, h=0.1), 3 * x**2 + 0.01, rtol=1e-12)
    np.testing.assert_allclose(gradient(f, x, h=[0.1, 0.2]), 3 * x**2 + [0.01, 0.04], rtol=1e-12)


@given(x=st.lists(st.floats(-2, 2), min_size=2, max_size=2), v=st.lists(st.floats(-2, 2), min_size=2, max_size=2))
@FAST
def test_directional_derivative_is_gradient_dot_v(x, v):
    x, v = np.array(x), np.array(v)
    expected = ROSENBROCK.grad(x) @ v
    scale = np.abs(ROSENBROCK.grad(x)) @ np.abs(v) + 1
    assert abs(directional_derivative(ROSENBROCK.f, x, v) - expected) <= 1e-7 * scale


def test_directional_derivative_zero_tiny_and_huge_directions():
    x = np.array([1.0, 2.0])
    assert directional_derivative(ROSENBROCK.f, x, [0.0, 0.0]) == 0.0
    g = ROSENBROCK.grad(x)
    for scale in (1e-300, 1e-20, 1e20):
        v = scale * np.array([0.6, -0.8])
        assert directional_derivative(ROSENBROCK.f, x, v) == pytest.approx(g @ v, rel=1e-8)
    assert directional_derivative(ROSENBROCK.f, x, [1.0, 0.0], h=0.1) == pytest.approx(
        (ROSENBROCK.f(x + [0.1, 0]) - ROSENBROCK.f(x - [0.1, 0])) / 0.2, rel=1e-12)


# ---------------------------------------------------------------- validation
def test_f_must_be_callable():
    for func, args in [
        (central_difference, (1.0,)),
        (difference_quotient, (1.0, 0.1)),
        (complex_step, (1.0,)),
        (richardson, (1.0,)),
        (gradient, ([1.0],)),
        (hessian, ([1.0],)),
    ]:
        with pytest.raises(TypeError, match="`f` must be callable"):
            func(3.0, *args)


@pytest.mark.parametrize("h", [-0.1, 0.0, np.nan, np.inf])
@pytest.mark.parametrize("func", [forward_difference, backward_difference, central_difference, second_derivative, complex_step])
def test_h_must_be_positive_and_finite(func, h):
    with pytest.raises(ValueError, match="`h` must be positive and finite"):
        func(np.sin, 1.0, h)


def test_h_message_shows_the_value():
    with pytest.raises(ValueError, match=r"^`h` must be positive and finite, got -0\.1$"):
        central_difference(np.sin, 1.0, -0.1)
    with pytest.raises(ValueError, match="`h0` must be positive and finite"):
        richardson(np.sin, 1.0, h0=-1.0)
    with pytest.raises(ValueError, match="`h` must be positive and finite"):
        gradient(ROSENBROCK.f, [1.0, 1.0], h=[0.1, -0.1])
    with pytest.raises(TypeError, match="`h` must be a positive real number"):
        central_difference(np.sin, 1.0, "small")


@pytest.mark.parametrize("h", [0.0, np.nan, -np.inf])
def test_difference_quotient_needs_nonzero_finite_h(h):
    with pytest.raises(ValueError, match="`h` must be nonzero and finite"):
        difference_quotient(np.sin, 1.0, h)


def test_h_too_small_for_x():
    with pytest.raises(ValueError, match="`h` is too small"):
        central_difference(np.sin, 1.0, h=1e-20)


def test_nan_from_f_inside_the_domain_names_f_and_x():
    broken = lambda x: np.where(x > 1.5, np.nan, x**2)
    with pytest.raises(ValueError, match=r"`f` returned nan at x=2\.0"):
        central_difference(broken, 2.0)
    with pytest.raises(ValueError, match="`f` returned nan"):
        richardson(broken, 2.0)
    with pytest.raises(ValueError, match="`f` returned nan"):
        gradient(lambda v: np.nan * v[0], [1.0])


def test_nan_near_the_edge_of_the_domain_suggests_a_smaller_h():
    with pytest.raises(ValueError, match="pass a smaller `h`"):
        central_difference(np.log, 1e-10)  # the default step 6e-9 crosses 0
    assert rel_err(central_difference(np.log, 1e-10, h=1e-15), 1e10) < 1e-8


def test_function_outside_its_domain():
    with pytest.raises(ValueError, match=r"`f` returned nan at x=-1\.0"):
        forward_difference(np.log, -1.0)


def test_bad_method_lists_the_valid_ones():
    with pytest.raises(ValueError, match="`method` must be one of 'forward', 'backward', 'central', 'complex', 'richardson'; got 'centre'"):
        derivative(np.sin, 1.0, method="centre")
    with pytest.raises(ValueError, match="`method` must be one of"):
        default_step(1.0, "midpoint")


@pytest.mark.parametrize("func", [gradient, jacobian, hessian])
@pytest.mark.parametrize("x", [1.0, [[1.0, 2.0]], []])
def test_multivariable_x_must_be_1d(func, x):
    with pytest.raises(ValueError, match="`x` must"):
        func(lambda v: np.sum(v), x)


def test_gradient_needs_a_scalar_f():
    with pytest.raises(ValueError, match="`f` must return a scalar for `gradient`.*use `jacobian`"):
        gradient(lambda v: v**2, [1.0, 2.0])
    with pytest.raises(ValueError, match="`f` must return a scalar for `hessian`"):
        hessian(lambda v: v**2, [1.0, 2.0])


def test_jacobian_needs_a_scalar_or_vector_f():
    with pytest.raises(ValueError, match="`f` must return a scalar or a 1-D array for `jacobian`"):
        jacobian(lambda v: np.outer(v, v), [1.0, 2.0])


def test_step_array_must_match_x():
    with pytest.raises(ValueError, match=r"`h` must be a number or an array of shape \(2,\)"):
        gradient(ROSENBROCK.f, [1.0, 1.0], h=[0.1, 0.1, 0.1])


@pytest.mark.parametrize("i, exc, msg", [(2, ValueError, r"`i` must be an index in range\(2\)"),
                                         (-1, ValueError, "`i` must be an integer >= 0"),
                                         (0.5, TypeError, "`i` must be an integer")])
def test_partial_index(i, exc, msg):
    with pytest.raises(exc, match=msg):
        partial(ROSENBROCK.f, [1.0, 1.0], i)


def test_directional_derivative_direction_shape():
    with pytest.raises(ValueError, match=r"`v` must have the same shape as `x`"):
        directional_derivative(ROSENBROCK.f, [1.0, 1.0], [1.0, 0.0, 0.0])


def test_one_variable_f_must_be_elementwise():
    with pytest.raises(ValueError, match="`f` must work elementwise"):
        central_difference(np.sum, np.array([1.0, 2.0]))


def test_complex_step_refuses_code_that_drops_the_imaginary_part():
    with pytest.raises(TypeError, match="returned real values for complex input"):
        complex_step(np.abs, 1.0)
    with pytest.raises(TypeError, match="must accept complex input"):
        complex_step(math.sin, 1.0)


def test_richardson_parameters_are_checked():
    with pytest.raises(ValueError, match="`step_factor` must be a number > 1"):
        richardson(np.sin, 1.0, step_factor=1.0)
    with pytest.raises(ValueError, match="`maxiter` must be an integer >= 2"):
        richardson(np.sin, 1.0, maxiter=1)


def test_richardson_survives_overflow_of_the_first_step(recwarn):
    # the first step h0 = |x|/2 overflows exp at x = 700; the step is shrunk instead
    r = richardson(np.exp, 700.0)
    assert r.success and np.isfinite(r.df)
    assert r.df == pytest.approx(np.exp(700.0), rel=1e-12)
    assert len(recwarn) == 0


def test_directional_derivative_refuses_an_array_step():
    with pytest.raises(ValueError, match="`h` must be a positive finite number"):
        directional_derivative(lambda x: x @ x, [1.0, 2.0], [1.0, 1.0], h=[0.1, 0.2])


# ---------------------------------------------------------------- hostile input (issue 9)
ONE_VARIABLE = [difference_quotient, forward_difference, backward_difference, central_difference, complex_step,
                richardson, derivative, second_derivative]


def _call_one_variable(func, f, x=1.0):
    return func(f, x, 0.1) if func is difference_quotient else func(f, x)


@pytest.mark.parametrize("func", ONE_VARIABLE, ids=lambda fn: fn.__name__)
@pytest.mark.parametrize("f, exc, msg", [
    (lambda x: None, TypeError, r"`f` must return a (real )?number or an array of (real )?numbers, got None \(is a `return` "
                                r"missing\?\)"),
    (lambda x: "x", TypeError, r"`f` must return .*got str 'x'"),
    (lambda x: [1.0, None], TypeError, r"`f` must return .*got list"),
], ids=["None", "str", "list with None"])
def test_what_f_returns_is_checked_and_f_is_named(func, f, exc, msg):
    with pytest.raises(exc, match=msg):
        _call_one_variable(func, f)


@pytest.mark.parametrize("func", [fn for fn in ONE_VARIABLE if fn is not complex_step], ids=lambda fn: fn.__name__)
def test_complex_values_where_real_ones_are_expected_name_f(func):
    with pytest.raises(TypeError, match="`f` must return real numbers, got complex"):
        _call_one_variable(func, lambda x: x + 1j)


@pytest.mark.parametrize("func", [gradient, jacobian, hessian], ids=lambda fn: fn.__name__)
def test_what_f_returns_is_checked_for_several_variables(func):
    with pytest.raises(TypeError, match=r"`f` must return .*got None"):
        func(lambda v: None, [1.0, 2.0])
    with pytest.raises(TypeError, match="`f` must return real numbers, got complex"):
        func(lambda v: v[0] + 1j, [1.0, 2.0])


def test_an_exception_inside_f_is_reported_naming_f():
    with pytest.raises(TypeError, match=r"calling `f` at \[1\.0\d*\] raised TypeError: .*`f` must take a number"):
        central_difference(math.sin, np.array([1.0]))
    with pytest.raises(ValueError, match=r"calling `f` at 1\.0\d* raised ValueError: math domain error; is the point "
                                         r"inside the domain of `f`\?"):
        forward_difference(lambda x: math.log(1.0 - float(x)), 1.0 - 1e-9, h=1e-8)


def test_inf_from_f_is_an_error_not_a_nan_with_a_warning():
    # issue 9: central_difference(lambda x: 0 * x + np.inf, 1.0) printed "invalid value in subtract"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^`f` returned inf at x=1\.0; a derivative needs finite values of `f`"):
            central_difference(lambda x: 0 * x + np.inf, 1.0)
        # gradient(lambda x: x[0]**2 * x[1], [1e300, 1.0]) printed two RuntimeWarnings and returned [nan, nan]
        with pytest.raises(ValueError, match=r"^`f` returned inf at x=\[1e\+300, 1\.0\]"):
            gradient(lambda x: x[0] ** 2 * x[1], [1e300, 1.0])


def test_a_non_finite_point_is_named_x_not_h():
    # issue 9: gradient(f, [np.inf, 1.0]) blamed `h`, which was not passed
    for func, x in [(gradient, [np.inf, 1.0]), (hessian, [1.0, np.nan]), (jacobian, [-np.inf])]:
        with pytest.raises(ValueError, match=r"^`x` must be finite, got (inf|nan|-inf) at index \d$"):
            func(lambda v: np.sum(v), x)
    for func in ONE_VARIABLE:
        with pytest.raises(ValueError, match=r"^`x` must be finite, got inf$"):
            _call_one_variable(func, np.sin, np.inf)
    with pytest.raises(ValueError, match=r"^`x` must be finite, got nan at index 1$"):
        central_difference(np.sin, [0.0, np.nan])


@pytest.mark.parametrize("h", ["0.1", True, None, b"1", [0.1, "a"]])
def test_difference_quotient_refuses_a_step_that_is_not_a_number(h):
    # issue 9: h="0.1" was accepted (numpy turned it into 0.1)
    with pytest.raises(TypeError, match="`h` must be"):
        difference_quotient(np.sin, 1.0, h)


def test_richardson_h0_array_with_a_scalar_x_broadcasts():
    # issue 9: richardson(h0=array) with a scalar x gave numpy's broadcasting error
    res = richardson(np.sin, 1.0, h0=[0.5, 0.1])
    assert res.df.shape == res.x.shape == (2,)
    np.testing.assert_allclose(res.df, np.cos(1.0), rtol=1e-12)
    with pytest.raises(ValueError, match=r"`h0` must be a number or an array that broadcasts against `x` \(shape \(3,\)\), "
                                         r"got shape \(2,\)"):
        richardson(np.sin, [1.0, 2.0, 3.0], h0=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"`h` \(shape \(2,\)\) must broadcast against `x` \(shape \(3,\)\)"):
        central_difference(np.sin, [1.0, 2.0, 3.0], h=[0.1, 0.2])


def test_complex_step_refuses_f_with_an_imaginary_part_on_the_real_axis():
    # issue 9: complex_step(lambda x: x**2 + 1j, 1.0) returned 1e+20
    with pytest.raises(TypeError, match=r"`f` must return real values for real input .* at x=1\.0 it returned 1\+1j"):
        complex_step(lambda x: x**2 + 1j, 1.0)
    assert complex_step(lambda x: x**2 + 0j, 1.0) == pytest.approx(2.0, rel=1e-15)  # complex dtype, real values


def test_derivative_raises_where_richardson_did_not_converge():
    # issue 9: derivative(np.sin, 1e6, method="richardson") returned 1.34e-06 (true 0.937)
    with pytest.raises(ValueError, match=r"^Richardson extrapolation did not converge at x=1000000\.0: its error estimate "
                                         r".* h0=5e\+05 \(pass a smaller first step `h`, e\.g\. h=5e\+03\)"):
        derivative(np.sin, 1e6, method="richardson")
    assert richardson(np.sin, 1e6).success is False  # the formula reports it in its result
    assert derivative(np.sin, 1e6, method="richardson", h=1.0) == pytest.approx(np.cos(1e6), rel=1e-10)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("f, x", [(np.abs, 0.0), (lambda t: np.maximum(t, 0.0), 0.0), (np.floor, 1.0),
                                  (lambda t: np.maximum(t, 0.0), np.array([-1.0, 0.0, 1.0]))],
                         ids=["abs at 0", "relu at 0", "floor at 1", "relu on an array"])
def test_derivative_raises_at_a_kink_or_a_jump(method, f, x):
    if method == "complex" and f in (np.abs, np.floor):
        with pytest.raises(TypeError, match="`f`"):  # refused before: not analytic
            derivative(f, x, method=method)
        return
    with pytest.raises(ValueError, match=r"`f` has no derivative at x=(0|1)\.0 that a difference can trust|"
                                         r"Richardson extrapolation did not converge at x=(0|1)\.0"):
        derivative(f, x, method=method)


def test_derivative_kink_message_says_what_to_do():
    with pytest.raises(ValueError, match=r"slope from the right \(1\) and from the left \(-1\) .* kink or a jump .*"
                                         r"forward_difference and backward_difference give the one-sided slopes"):
        derivative(np.abs, 0.0)
    relu = lambda t: np.maximum(t, 0.0)
    with pytest.raises(ValueError, match="pass a smaller `h`"):
        derivative(relu, 1e-12)  # the kink at 0 lies inside the default step 6e-9
    assert derivative(relu, 1e-12, h=1e-13) == pytest.approx(1.0)
    assert forward_difference(np.abs, 0.0) == 1.0 and backward_difference(np.abs, 0.0) == -1.0
    assert central_difference(np.abs, 0.0) == 0.0  # the formula itself does not judge


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("f, df, x", [
    (lambda t: t**2, lambda t: 2 * t, 0.0), (lambda t: t**3, lambda t: 3 * t**2, 0.0),
    (lambda t: t**4, lambda t: 4 * t**3, 0.0), (lambda t: t**6 - t**4, lambda t: 6 * t**5 - 4 * t**3, 0.0),
    (np.cos, lambda t: -np.sin(t), 0.0), (np.sin, np.cos, 0.0), (lambda t: 0 * t + 3.0, lambda t: 0 * t, 2.0),
    (np.exp, np.exp, -600.0), (np.tanh, lambda t: 1 / np.cosh(t) ** 2, 20.0), (np.sin, np.cos, 10.0),
    (np.log, lambda t: 1 / t, 1e-5), (lambda t: t**2.5, lambda t: 2.5 * t**1.5, 0.01),
], ids=["x^2@0", "x^3@0", "x^4@0", "x^6-x^4@0", "cos@0", "sin@0", "const", "exp@-600", "tanh@20", "sin@10",
        "log@1e-5", "x^2.5@0.01"])
def test_derivative_check_does_not_refuse_smooth_functions(method, f, df, x):
    # below the step floor (log at 1e-5) and in the tails (exp at -600) the differences are only good to ~1e-5
    rtol, atol = (1e-4, 1e-7) if method in ("forward", "backward", "central") else (1e-10, 1e-15)  # forward: error h
    assert abs(derivative(f, x, method=method) - df(x)) <= rtol * abs(df(x)) + atol


def test_derivative_check_at_the_edge_of_the_domain():
    with pytest.raises(ValueError, match="finite only on the right of x, and its slope from the right changes"):
        derivative(np.sqrt, 0.0, method="forward")  # f'(0) is infinite
    assert derivative(np.log, 1e-10, method="complex") == pytest.approx(1e10, rel=1e-14)
    assert derivative(np.sqrt, 1e-9, method="richardson") == pytest.approx(0.5 / np.sqrt(1e-9), rel=1e-10)


def test_derivative_cross_checks_richardson_and_the_complex_step():
    # exp(-700) * sin(1e-20) = 1e-324 underflows: the complex step returns 0, silently
    assert complex_step(np.exp, -700.0) == 0.0
    with pytest.raises(ValueError, match=r"the complex estimate 0 disagrees with a central difference"):
        derivative(np.exp, -700.0, method="complex")
    bumpy = lambda t: np.sin(3 * t) + 0.25 * t**2  # varies on a scale of 1, while the first step is |x|/2
    assert richardson(bumpy, 1e4).success  # converged to the wrong value: its rows agree by accident
    with pytest.raises(ValueError, match=r"the richardson estimate 4999\.99\d* disagrees with a central difference"):
        derivative(bumpy, 1e4, method="richardson")
    with pytest.raises(ValueError, match=r"the complex estimate 1\.57\d*e\+20 disagrees"):
        derivative(np.log, 1e-300, method="complex")  # the step 1e-20 is far larger than x


def test_no_numpy_warning_from_huge_points():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # issue 9: second_derivative(np.sin, 1e300) warned "overflow in scalar power" and returned 0.0
        with pytest.raises(ValueError, match=r"^`h`=1\.2\d*e\+296 \(at x=1e\+300\) does not fit a second difference: "
                                             r"h\*\*2 = inf over- or underflows float64"):
            second_derivative(np.sin, 1e300)
        with pytest.raises(ValueError, match="does not fit a second difference"):
            hessian(lambda v: np.sum(v**2), [1e300, 1.0])
        with pytest.raises(ValueError, match=r"`x`=1\.79769313486e\+308 is too close to the largest float64"):
            central_difference(np.sin, np.finfo(float).max)
        with pytest.raises(ValueError, match="the difference quotient overflows float64"):
            central_difference(lambda t: 1e308 * np.sign(t), 0.0, h=1e-300)
        # issue 9: richardson(np.log, 5e-4) warned "divide by zero in log" (its first step reached 0)
        res = richardson(np.log, 5e-4)
        assert res.success and res.df == pytest.approx(2000.0, rel=1e-12)


def test_work_is_bounded():
    with pytest.raises(ValueError, match=r"^`maxiter` must be at most 100 \(a larger value would only add steps lost "
                                         r"to rounding"):
        richardson(np.sin, 1.0, maxiter=101)
    with pytest.raises(ValueError, match=r"`maxiter` must be at most 10 \(a larger value would need an extrapolation "
                                         r"table of 30 x 1000000 numbers"):
        richardson(np.sin, np.zeros(10**6))
    with pytest.raises(ValueError, match=r"`x` must hold at most 1000 inputs for `hessian`"):
        hessian(lambda v: np.sum(v), np.zeros(1001))
    with pytest.raises(ValueError, match="`h0` is too small for x"):
        richardson(np.sin, 1.0, h0=1e-17)


def test_keyboard_interrupt_is_not_swallowed():
    def interrupted(x):
        raise KeyboardInterrupt

    for func in ONE_VARIABLE:
        with pytest.raises(KeyboardInterrupt):
            _call_one_variable(func, interrupted)
