"""Tests for calclib.integrate: closed forms, observed orders, exactness,
Monte Carlo statistics, the fundamental theorem, properties and validation."""
import math
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calclib.integrate import (
    convergence_order,
    cumulative_integral,
    expectation,
    gauss_legendre,
    monte_carlo,
    riemann_sum,
    romberg,
    simpson,
    trapezoid,
)

E1 = math.e - 1  # integral of exp over [0, 1]
NS = [8, 16, 32, 64, 128, 256]


def left(f, a, b, n=100):
    return riemann_sum(f, a, b, n, rule="left")


def right(f, a, b, n=100):
    return riemann_sum(f, a, b, n, rule="right")


def midpoint(f, a, b, n=100):
    return riemann_sum(f, a, b, n, rule="midpoint")


# (rule, relative tolerance at its default n=100 on smooth integrands of order 1)
RULES = [(left, 2e-2), (right, 2e-2), (midpoint, 1e-3), (trapezoid, 1e-3), (simpson, 1e-8),
         (gauss_legendre, 1e-6)]  # gauss_legendre's default is n=5 nodes
RULE_IDS = ["left", "right", "midpoint", "trapezoid", "simpson", "gauss"]


# --------------------------------------------------------------------------
# Closed forms
# --------------------------------------------------------------------------
@pytest.mark.parametrize("rule, rtol", RULES, ids=RULE_IDS)
@pytest.mark.parametrize(
    "f, a, b, exact",
    [
        (np.exp, 0.0, 1.0, E1),
        (np.sin, 0.0, np.pi, 2.0),
        (lambda x: 1 / (1 + x**2), 0.0, 1.0, np.pi / 4),
        (lambda x: 3 * x**2 - 2 * x, -1.0, 2.0, 6.0),
    ],
    ids=["exp", "sin", "atan'", "poly"],
)
def test_closed_forms(rule, rtol, f, a, b, exact):
    assert np.isclose(rule(f, a, b), exact, rtol=rtol, atol=0)


@pytest.mark.parametrize("rule", [left, right, midpoint, trapezoid, simpson, gauss_legendre], ids=RULE_IDS)
def test_constant_function_may_return_a_scalar(rule):
    assert np.isclose(rule(lambda x: 2.0, 1.0, 4.0), 6.0, rtol=1e-14)


def test_left_and_right_sums_by_hand():
    # f(x) = x on [0, 1], n = 4: heights 0, 1/4, 1/2, 3/4 (left) and 1/4 .. 1 (right)
    assert np.isclose(left(lambda x: x, 0, 1, 4), 0.375)
    assert np.isclose(right(lambda x: x, 0, 1, 4), 0.625)
    assert np.isclose(midpoint(lambda x: x, 0, 1, 4), 0.5)
    assert np.isclose(trapezoid(lambda x: x**2, 0, 1, 2), 0.375)


# --------------------------------------------------------------------------
# Observed orders of convergence
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "rule, order",
    [(left, 1), (right, 1), (midpoint, 2), (trapezoid, 2), (simpson, 4)],
    ids=["left", "right", "midpoint", "trapezoid", "simpson"],
)
def test_observed_order_on_asymmetric_integrand(rule, order):
    # exp on [0, 1]: f(0) = 1 != f(1) = e, so the first-order term of left/right sums is visible
    errors = [abs(rule(np.exp, 0.0, 1.0, n) - E1) for n in NS]
    assert convergence_order(NS, errors) == pytest.approx(order, abs=0.05)


def test_left_sum_looks_second_order_when_f_a_equals_f_b():
    # sin on [0, pi] has f(a) = f(b): the O(h) term h/2 (f(b) - f(a)) vanishes
    errors = [abs(left(np.sin, 0.0, np.pi, n) - 2.0) for n in NS]
    assert convergence_order(NS, errors) == pytest.approx(2, abs=0.05)


def test_midpoint_error_is_about_minus_half_the_trapezoid_error():
    n = 64
    err_mid = midpoint(np.exp, 0, 1, n) - E1
    err_trap = trapezoid(np.exp, 0, 1, n) - E1
    assert err_mid * err_trap < 0
    assert err_mid / err_trap == pytest.approx(-0.5, rel=1e-3)


def test_trapezoid_converges_geometrically_on_a_periodic_integrand():
    # integral of exp(sin x) over one period is 2 pi I0(1)
    exact = 2 * np.pi * np.i0(1.0)
    f = lambda x: np.exp(np.sin(x))
    errors = {n: abs(trapezoid(f, 0, 2 * np.pi, n) - exact) for n in (4, 8, 16)}
    assert errors[4] > 1e-2
    assert errors[8] < 1e-5
    assert errors[16] < 1e-13  # doubling n squares the error, far beyond O(h**2)
    # the same integrand over a non-period is only second order
    errs = [abs(trapezoid(f, 0, 1, n) - gauss_legendre(f, 0, 1, 30)) for n in NS]
    assert convergence_order(NS, errs) == pytest.approx(2, abs=0.05)


# --------------------------------------------------------------------------
# Exactness
# --------------------------------------------------------------------------
def test_simpson_is_exact_on_cubics_but_not_quartics():
    cubic = lambda x: 4 * x**3 - 3 * x**2 + 2 * x - 1  # antiderivative x^4 - x^3 + x^2 - x
    F = lambda x: x**4 - x**3 + x**2 - x
    for n in (2, 4, 10):
        assert simpson(cubic, -1.5, 2.5, n) == pytest.approx(F(2.5) - F(-1.5), rel=1e-14)
    assert abs(simpson(lambda x: x**4, 0, 1, 2) - 0.2) > 1e-3


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 8])
def test_gauss_legendre_is_exact_to_degree_2n_minus_1_not_2n(n):
    a, b = -0.5, 1.5
    d = 2 * n - 1
    exact = (b ** (d + 1) - a ** (d + 1)) / (d + 1)
    assert gauss_legendre(lambda x: x**d, a, b, n) == pytest.approx(exact, rel=1e-13)
    # a full polynomial of degree 2n - 1
    coeffs = np.arange(1.0, d + 2)  # 1 + 2x + 3x^2 + ...
    poly = np.polynomial.Polynomial(coeffs)
    exact_poly = poly.integ()(b) - poly.integ()(a)
    assert gauss_legendre(poly, a, b, n) == pytest.approx(exact_poly, rel=1e-13)
    # degree 2n is not integrated exactly
    exact_2n = (b ** (2 * n + 1) - a ** (2 * n + 1)) / (2 * n + 1)
    assert abs(gauss_legendre(lambda x: x ** (2 * n), a, b, n) - exact_2n) > 1e-6


def test_gauss_legendre_converges_geometrically_on_analytic_integrand():
    errors = [abs(gauss_legendre(np.exp, 0, 1, n) - E1) for n in (1, 2, 3, 4, 5)]
    assert all(e2 < e1 / 50 for e1, e2 in zip(errors, errors[1:]))
    assert gauss_legendre(np.exp, 0, 1, 8) == pytest.approx(E1, rel=1e-15)


# --------------------------------------------------------------------------
# Romberg
# --------------------------------------------------------------------------
def test_romberg_result_fields():
    res = romberg(np.exp, 0, 1)
    assert res.success
    assert res.integral == pytest.approx(E1, rel=1e-13)
    assert abs(res.integral - E1) <= res.error  # the error estimate is pessimistic
    assert res.nfev == 17  # 2**4 + 1 points: 4 halvings
    k = res.table.shape[0] - 1
    assert res.table.shape == (k + 1, k + 1)
    assert np.all(np.isnan(res.table[np.triu_indices(k + 1, 1)]))
    assert res.table[k, k] == res.integral
    # column 0 holds trapezoid estimates, column 1 Simpson estimates
    for i in range(k + 1):
        assert res.table[i, 0] == pytest.approx(trapezoid(np.exp, 0, 1, 2**i), rel=1e-14)
    for i in range(1, k + 1):
        assert res.table[i, 1] == pytest.approx(simpson(np.exp, 0, 1, 2**i), rel=1e-14)


def test_romberg_reports_failure_when_divmax_is_too_small():
    res = romberg(np.sqrt, 0, 1, divmax=3)  # sqrt has an infinite slope at 0
    assert not res.success
    assert res.nfev == 2**3 + 1
    assert res.error > 1.48e-8


def test_romberg_reversed_and_empty_interval():
    assert romberg(np.exp, 1, 0).integral == -romberg(np.exp, 0, 1).integral
    assert romberg(np.exp, 1, 0).table[0, 0] < 0
    empty = romberg(np.exp, 2, 2)
    assert (empty.integral, empty.error, empty.nfev, empty.success) == (0.0, 0.0, 0, True)


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------
def test_monte_carlo_is_reproducible_with_a_seed():
    r1 = monte_carlo(np.exp, 0, 1, 1000, rng=42)
    r2 = monte_carlo(np.exp, 0, 1, 1000, rng=42)
    r3 = monte_carlo(np.exp, 0, 1, 1000, rng=np.random.default_rng(42))
    assert r1 == r2 == r3
    assert monte_carlo(np.exp, 0, 1, 1000, rng=43).integral != r1.integral
    assert r1.n == 1000


@pytest.mark.parametrize("seed", range(5))
def test_monte_carlo_error_is_within_a_few_stderr(seed):
    res = monte_carlo(np.exp, 0, 1, 20_000, rng=seed)
    assert abs(res.integral - E1) < 4 * res.stderr
    # std of exp(U) for U uniform on [0, 1]
    sd = math.sqrt((math.e**2 - 1) / 2 - E1**2)
    assert res.stderr == pytest.approx(sd / math.sqrt(20_000), rel=0.05)


def test_monte_carlo_stderr_shrinks_like_inverse_sqrt_n():
    ns = [100, 1_000, 10_000, 100_000]
    stderrs = [monte_carlo(np.exp, 0, 1, n, rng=1).stderr for n in ns]
    assert convergence_order(ns, stderrs) == pytest.approx(0.5, abs=0.05)


def test_monte_carlo_scales_with_the_interval_and_flips_sign():
    res = monte_carlo(lambda x: x, 2, 4, 50_000, rng=0)
    assert abs(res.integral - 6.0) < 4 * res.stderr
    rev = monte_carlo(lambda x: x, 4, 2, 50_000, rng=0)
    assert rev.integral == -res.integral
    assert rev.stderr == res.stderr > 0
    assert monte_carlo(np.exp, 1, 1, rng=0).integral == 0.0


def test_expectation_scalar_and_vector_samples():
    normal = lambda rng, n: rng.standard_normal(n)
    res = expectation(lambda x: x**2, normal, 50_000, rng=3)
    assert abs(res.value - 1.0) < 4 * res.stderr
    assert res.stderr == pytest.approx(math.sqrt(2 / 50_000), rel=0.05)  # Var[X^2] = 2
    assert res.n == 50_000
    # X uniform on the unit square: E[|X|^2] = 2/3
    square = lambda rng, n: rng.uniform(size=(n, 2))
    res2 = expectation(lambda x: np.sum(x**2, axis=1), square, 50_000, rng=4)
    assert abs(res2.value - 2 / 3) < 4 * res2.stderr
    # reproducible
    assert expectation(lambda x: x, normal, 100, rng=5) == expectation(lambda x: x, normal, 100, rng=5)


def test_expectation_of_uniform_matches_monte_carlo_integral():
    uniform = lambda rng, n: rng.uniform(0.0, 1.0, size=n)
    assert expectation(np.exp, uniform, 1000, rng=7).value == pytest.approx(
        monte_carlo(np.exp, 0, 1, 1000, rng=7).integral, rel=1e-14
    )


# --------------------------------------------------------------------------
# cumulative_integral and the fundamental theorem
# --------------------------------------------------------------------------
def test_cumulative_integral_closed_forms_and_shapes():
    x = np.linspace(-2.0, 3.0, 11)
    assert np.allclose(cumulative_integral(np.cos, 0.0, x), np.sin(x), rtol=0, atol=1e-14)
    assert np.allclose(cumulative_integral(np.exp, 1.0, x), np.exp(x) - np.e, rtol=0, atol=1e-13)
    # the default n=64 nodes resolve a dozen oscillations
    assert cumulative_integral(np.sin, 0.0, 80.0) == pytest.approx(1 - np.cos(80.0), abs=1e-12)
    grid = x.reshape(1, 11, 1)
    assert cumulative_integral(np.cos, 0.0, grid).shape == (1, 11, 1)
    scalar = cumulative_integral(np.cos, 0.0, 1.0)
    assert isinstance(scalar, float) and scalar == pytest.approx(np.sin(1.0), rel=1e-15)


def test_cumulative_integral_starts_at_zero_and_flips_sign_below_a():
    assert cumulative_integral(np.exp, 0.7, 0.7) == 0.0
    assert cumulative_integral(np.exp, 0.7, 0.2) == pytest.approx(-(np.exp(0.7) - np.exp(0.2)), rel=1e-14)


def test_fundamental_theorem_derivative_of_F_is_f():
    f = lambda t: np.exp(-(t**2)) * np.cos(3 * t)
    x = np.linspace(-1.5, 2.0, 15)
    h = 1e-5
    dF = (cumulative_integral(f, -1.0, x + h) - cumulative_integral(f, -1.0, x - h)) / (2 * h)
    assert np.allclose(dF, f(x), rtol=0, atol=1e-9)


def test_cumulative_integral_with_a_kink_needs_more_nodes():
    x = np.array([1.0])
    exact = 0.5 + 0.5  # integral of |t| from -1 to 1
    coarse = abs(cumulative_integral(np.abs, -1.0, x, n=8)[0] - exact)
    fine = abs(cumulative_integral(np.abs, -1.0, x, n=128)[0] - exact)
    assert fine < coarse / 50


# --------------------------------------------------------------------------
# Properties (hypothesis)
# --------------------------------------------------------------------------
limits = st.floats(-5, 5, allow_nan=False, allow_infinity=False)
coefs = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
ALL_RULES = [left, right, midpoint, trapezoid, simpson, gauss_legendre]


@settings(max_examples=40, deadline=None)
@given(a=limits, b=limits, rule=st.sampled_from(ALL_RULES))
def test_reversing_the_limits_flips_the_sign(a, b, rule):
    f = lambda x: np.exp(np.sin(x)) + x
    assert rule(f, b, a, 20) == -rule(f, a, b, 20)
    assert rule(f, a, a, 20) == 0.0


@settings(max_examples=40, deadline=None)
@given(alpha=coefs, beta=coefs, a=limits, b=limits, rule=st.sampled_from(ALL_RULES))
def test_linearity(alpha, beta, a, b, rule):
    f, g = np.exp, np.cos
    lhs = rule(lambda x: alpha * f(x) + beta * g(x), a, b, 20)
    rhs = alpha * rule(f, a, b, 20) + beta * rule(g, a, b, 20)
    scale = (abs(alpha) + abs(beta) + 1) * max(1.0, abs(b - a)) * np.exp(5)
    assert abs(lhs - rhs) <= 1e-13 * scale


@settings(max_examples=40, deadline=None)
@given(a=limits, b=limits, c=limits, p=st.lists(coefs, min_size=1, max_size=8))
def test_additivity_over_adjacent_intervals(a, b, c, p):
    # Gauss with 4 nodes is exact on polynomials of degree <= 7, so additivity holds to rounding
    poly = np.polynomial.Polynomial(p)
    whole = gauss_legendre(poly, a, b, 4)
    parts = gauss_legendre(poly, a, c, 4) + gauss_legendre(poly, c, b, 4)
    scale = sum(abs(q) for q in p) * 5.0 ** len(p) * 10
    assert abs(whole - parts) <= 1e-13 * scale


@settings(max_examples=30, deadline=None)
@given(a=limits, b=limits, n=st.integers(1, 40))
def test_rules_agree_on_linear_functions(a, b, n):
    # every rule except left/right sums is exact for a straight line
    f = lambda x: 2 * x - 1
    exact = (b**2 - b) - (a**2 - a)
    for rule in (midpoint, trapezoid, gauss_legendre):
        assert rule(f, a, b, n) == pytest.approx(exact, abs=1e-12)
    assert simpson(f, a, b, 2 * n) == pytest.approx(exact, abs=1e-12)


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------
@pytest.mark.parametrize("rule", ALL_RULES + [romberg, monte_carlo], ids=RULE_IDS + ["romberg", "mc"])
def test_non_callable_f_is_a_type_error(rule):
    with pytest.raises(TypeError, match="`f` must be callable, got float"):
        rule(1.0, 0, 1)


@pytest.mark.parametrize("rule", ALL_RULES, ids=RULE_IDS)
@pytest.mark.parametrize("n", [0, -3])
def test_n_below_one_is_a_value_error(rule, n):
    with pytest.raises(ValueError, match=r"`n` must be an integer >= 1, got -?\d"):
        rule(np.exp, 0, 1, n)


def test_n_must_be_an_integer():
    with pytest.raises(TypeError, match="`n` must be an integer"):
        trapezoid(np.exp, 0, 1, 2.5)
    assert trapezoid(np.exp, 0, 1, 10.0) == trapezoid(np.exp, 0, 1, 10)


@pytest.mark.parametrize("n", [1, 3, 101])
def test_simpson_needs_even_n(n):
    with pytest.raises(ValueError, match=f"`n` must be even for Simpson's rule, got {n}"):
        simpson(np.exp, 0, 1, n)


def test_unknown_riemann_rule():
    with pytest.raises(ValueError, match="`rule` must be one of 'left', 'right', 'midpoint', got 'center'"):
        riemann_sum(np.exp, 0, 1, rule="center")


@pytest.mark.parametrize("rule", ALL_RULES + [romberg, monte_carlo], ids=RULE_IDS + ["romberg", "mc"])
def test_nan_inside_the_interval_names_f(rule):
    f = lambda x: np.where(x > 0.3, np.nan, x)
    with pytest.raises(ValueError, match=r"`f` returned nan at x=.*is x inside the domain of `f`\?"):
        rule(f, 0, 1)


def test_nan_from_a_numpy_domain_error_gives_one_clear_error_and_no_warning():
    # np.log(-x) would warn "invalid value"; the warning is replaced by the ValueError
    with pytest.raises(ValueError, match="`f` returned nan"):
        trapezoid(np.log, -1, 1, 10)


def test_inf_at_an_endpoint_is_reported_as_improper():
    with pytest.raises(ValueError, match=r"`f` returned inf at x=0; .*improper integral"):
        riemann_sum(lambda x: 1 / x, 0, 1, 10, rule="left")
    # the midpoint rule never touches the endpoint
    assert np.isfinite(midpoint(lambda x: 1 / np.sqrt(x), 0, 1, 10))


def test_scalar_only_f_gets_a_helpful_type_error():
    with pytest.raises(TypeError, match=r"`f` must work elementwise on numpy arrays: use np\.sin rather than math\.sin"):
        trapezoid(math.sin, 0, 1)
    with pytest.raises(ValueError, match=r"np\.where\(x > 0, \.\.\.\) rather than `if x > 0:`"):
        trapezoid(lambda x: x if x > 0 else -x, -1, 1)


def test_f_returning_the_wrong_shape():
    with pytest.raises(ValueError, match=r"`f` must return one value per point: called on an array of shape \(11,\) it returned shape \(2,\)"):
        trapezoid(lambda x: np.array([1.0, 2.0]), 0, 1, 10)


def test_f_returning_complex_values():
    with pytest.raises(TypeError, match="`f` must return real numbers"):
        trapezoid(lambda x: x + 1j, 0, 1)


@pytest.mark.parametrize("a, b, match", [(np.inf, 1, "`a` must be finite"), (0, np.nan, "`b` must be finite"),
                                         ("zero", 1, "`a` must be a real number")])
def test_bad_limits(a, b, match):
    with pytest.raises((ValueError, TypeError), match=match):
        simpson(np.exp, a, b)


def test_monte_carlo_validation():
    with pytest.raises(ValueError, match="`n` must be an integer >= 2, got 1"):
        monte_carlo(np.exp, 0, 1, 1)
    with pytest.raises(TypeError, match="`rng` must be None, an int seed or a numpy.random.Generator, got float"):
        monte_carlo(np.exp, 0, 1, rng=1.5)
    with pytest.raises(TypeError, match="`rng` must be None"):
        monte_carlo(np.exp, 0, 1, rng=np.random.RandomState(0))


def test_expectation_validation():
    normal = lambda rng, n: rng.standard_normal(n)
    with pytest.raises(TypeError, match="`sampler` must be callable"):
        expectation(np.exp, "normal", 10)
    with pytest.raises(ValueError, match=r"`sampler\(rng, n\)` must return n=10 samples.*got an array of shape \(5,\)"):
        expectation(np.exp, lambda rng, n: rng.standard_normal(5), 10)
    with pytest.raises(ValueError, match=r"`f` must return one value per sample, shape \(10,\)"):
        expectation(lambda x: x.sum(), normal, 10)
    with pytest.raises(ValueError, match="`f` returned nan"):
        expectation(np.log, normal, 100, rng=0)
    with pytest.raises(ValueError, match="`n` must be an integer >= 2"):
        expectation(np.exp, normal, 1)


def test_romberg_validation():
    with pytest.raises(ValueError, match="`tol` must be non-negative and finite, got -1.0"):
        romberg(np.exp, 0, 1, tol=-1)
    with pytest.raises(ValueError, match="`divmax` must be an integer >= 1, got 0"):
        romberg(np.exp, 0, 1, divmax=0)


def test_cumulative_integral_validation():
    with pytest.raises(ValueError, match="`x` must be finite"):
        cumulative_integral(np.exp, 0, [0.0, np.inf])
    with pytest.raises(TypeError, match="`x` must be a real number or an array"):
        cumulative_integral(np.exp, 0, "one")
    with pytest.raises(ValueError, match="`n` must be an integer >= 1, got 0"):
        cumulative_integral(np.exp, 0, 1.0, n=0)


def test_convergence_order_validation():
    with pytest.raises(ValueError, match="`ns` and `errors` must have the same length, got 3 and 2"):
        convergence_order([1, 2, 4], [1.0, 0.5])
    with pytest.raises(ValueError, match="need at least 2 points to fit a slope, got 1"):
        convergence_order([4], [0.5])
    with pytest.raises(ValueError, match="`errors` must be positive and finite.*leave those points out"):
        convergence_order([1, 2, 4], [1.0, 0.0, 0.5])
    with pytest.raises(ValueError, match="`ns` must be positive and finite"):
        convergence_order([0, 2, 4], [1.0, 0.5, 0.25])
    with pytest.raises(ValueError, match="`ns` must hold at least 2 distinct values"):
        convergence_order([4, 4], [1.0, 0.5])
    with pytest.raises(ValueError, match="`errors` must be 1-D"):
        convergence_order([1, 2], [[1.0, 0.5]])


def test_convergence_order_of_exact_power_laws():
    ns = np.array([10, 20, 40, 80])
    assert convergence_order(ns, 3.0 * ns**-2.0) == pytest.approx(2.0, abs=1e-12)
    assert convergence_order(ns, 0.1 * ns**-0.5) == pytest.approx(0.5, abs=1e-12)


# --------------------------------------------------------------------------
# Hostile input (issue 9): no silent wrong number, no numpy warning, bounded work
# --------------------------------------------------------------------------
WIDE = (-1e308, 1e308)  # b - a overflows float64


@pytest.mark.parametrize("rule", ALL_RULES + [romberg, monte_carlo], ids=RULE_IDS + ["romberg", "mc"])
def test_an_interval_wider_than_the_largest_float(rule):
    # issue 9: trapezoid(np.zeros_like, -1e308, 1e308) warned twice and returned nan (true 0)
    def value(*args):
        res = rule(*args) if rule is not monte_carlo else rule(*args, rng=0)
        return getattr(res, "integral", res)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert value(np.zeros_like, *WIDE) == 0.0
        assert value(lambda x: 0 * x + 1e-10, *WIDE) == pytest.approx(2e298, rel=1e-12)
        assert value(lambda x: 0 * x + 1e-10, *WIDE[::-1]) == pytest.approx(-2e298, rel=1e-12)
        with pytest.raises(ValueError, match=r"the integral of `f` over \[`a`, `b`\] overflows float64"):
            value(np.ones_like, *WIDE)  # 2e308 is not a float64


def test_cumulative_integral_over_the_widest_interval():
    np.testing.assert_array_equal(cumulative_integral(np.zeros_like, -1e308, [1e308, 0.0]), [0.0, 0.0])
    assert cumulative_integral(lambda x: 0 * x + 1e-10, -1e308, 1e308) == pytest.approx(2e298, rel=1e-12)


@pytest.mark.parametrize("rule", ALL_RULES + [romberg, monte_carlo], ids=RULE_IDS + ["romberg", "mc"])
def test_large_values_whose_sum_overflows_but_whose_integral_does_not(rule):
    res = rule(lambda x: 0 * x + 1e307, 0, 1)
    assert getattr(res, "integral", res) == pytest.approx(1e307, rel=1e-12)
    res = expectation(lambda x: 0 * x + 1e307, lambda rng, n: rng.uniform(size=n), 1000, rng=0)
    assert res.value == pytest.approx(1e307, rel=1e-12) and res.stderr == 0.0


@pytest.mark.parametrize("rule", ALL_RULES + [romberg, monte_carlo, cumulative_integral],
                         ids=RULE_IDS + ["romberg", "mc", "cumulative"])
@pytest.mark.parametrize("f, exc, match", [
    (lambda x: None, TypeError, r"^`f` must return a real number or an array of real numbers, got None \(is a `return` missing\?\)$"),
    (lambda x: "1.5", TypeError, r"^`f` must return a real number or an array of real numbers, got str '1\.5'$"),
    (lambda x: x + 1j, TypeError, "^`f` must return real numbers, got complex"),
    (lambda x: x + "a", TypeError, r"calling `f` on an array of \d+ points failed \(UFuncTypeError"),
], ids=["None", "str", "complex", "ufunc error"])
def test_what_f_returns_is_checked(rule, f, exc, match):
    with pytest.raises(exc, match=match):
        rule(f, 0, 1) if rule is not cumulative_integral else rule(f, 0, 1.0)


def _limits():
    return [
        (lambda: riemann_sum(np.sin, 0, 1, n=1e9), r"^`n` must be at most 10000000 \(a larger value would evaluate `f` "
                                                   r"at 1e\+09 points: 7\.45 GiB per array\), got 1000000000$"),
        (lambda: trapezoid(np.sin, 0, 1, n=10**9), r"^`n` must be at most 10000000 "),
        (lambda: simpson(np.sin, 0, 1, n=10**9), r"^`n` must be at most 10000000 "),
        (lambda: monte_carlo(np.sin, 0, 1, n=10**9), r"^`n` must be at most 10000000 "),
        (lambda: expectation(np.sin, lambda rng, n: rng.uniform(size=n), 10**9), r"^`n` must be at most 10000000 "),
        # issue 9: ran 135 s inside C code and could not be interrupted
        (lambda: gauss_legendre(np.exp, 0, 1, n=10000), r"^`n` must be at most 1000 \(a larger value would take minutes "
                                                        r"to compute its nodes, in C code that Ctrl-C cannot stop"),
        (lambda: cumulative_integral(np.exp, 0, 1.0, n=10000), r"^`n` must be at most 1000 "),
        (lambda: cumulative_integral(np.exp, 0, np.zeros(10**5), n=200), r"^`n` must be at most 100 \(a larger value "
                                                                          r"would evaluate `f` at 200 nodes for each of "
                                                                          r"the 100000 points of `x`"),
        # issue 9: exhausted memory (divmax=1e7 asked for a 728 TiB table)
        (lambda: romberg(np.sqrt, 0, 1, divmax=40, tol=0, rtol=0), r"^`divmax` must be at most 23 \(a larger value "
                                                                   r"would evaluate `f` at 2\*\*40 \+ 1 points, more than "
                                                                   r"10000000 \(8\.19e\+03 GiB per array\)\), got 40$"),
        (lambda: romberg(np.sqrt, 0, 1, divmax=10**7), r"^`divmax` must be at most 23 "),
    ]


@pytest.mark.parametrize("call, match", _limits())
def test_work_is_bounded_and_checked_before_allocating(call, match):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**23  # refused before any large array (80 MB and more) exists


def test_the_limits_themselves_are_allowed():
    assert gauss_legendre(np.exp, 0, 1, n=1000) == pytest.approx(np.e - 1, rel=1e-13)
    res = romberg(np.exp, 0, 1, divmax=23)
    assert res.success and res.integral == pytest.approx(np.e - 1, rel=1e-14)


def test_expectation_checks_what_the_sampler_returns():
    with pytest.raises(TypeError, match=r"^`sampler` must return .*got None"):
        expectation(np.exp, lambda rng, n: None, 10)
    with pytest.raises(ValueError, match=r"^`sampler\(rng, n\)` must return finite samples, got nan at index 3$"):
        expectation(np.exp, lambda rng, n: np.where(np.arange(n) == 3, np.nan, 0.0), 10)
    with pytest.raises(TypeError, match=r"calling `sampler\(rng, n\)` with n=10 raised TypeError"):
        expectation(np.exp, lambda rng: rng.uniform(), 10)


@pytest.mark.parametrize("rule", ALL_RULES + [romberg, monte_carlo], ids=RULE_IDS + ["romberg", "mc"])
def test_keyboard_interrupt_inside_f_is_not_swallowed(rule):
    def interrupted(x):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rule(interrupted, 0, 1)
