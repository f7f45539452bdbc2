"""Tests for calclib.rules: dual numbers, the rules table, dual_derivative."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calclib import rules
from calclib.differentiate import central_difference, complex_step
from calclib.rules import (
    OPERATOR_RULES,
    RULES,
    Dual,
    cos,
    dual_derivative,
    dual_partials,
    exp,
    log,
    relu,
    rules_table,
    sigmoid,
    sin,
    sqrt,
    tanh,
)

FAST = settings(max_examples=30, deadline=None)
PRIMITIVES = {"sin": sin, "cos": cos, "exp": exp, "log": log, "tanh": tanh, "sigmoid": sigmoid, "relu": relu, "sqrt": sqrt}
POINTS = np.array([0.3, 0.9, 1.7, 4.0])  # inside every domain, away from relu's kink


# ---------------------------------------------------------------- the rules table
def test_rules_table_has_one_rule_per_primitive():
    assert set(RULES) == set(PRIMITIVES)
    for name, rule in RULES.items():
        function, derivative, formula = rule  # a plain 3-tuple
        assert callable(function) and callable(derivative)
        assert formula.startswith(f"d/dx {name}(x) = ")
        assert rule.formula == formula


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_rule_derivative_is_right(name):
    function, derivative, _ = RULES[name]
    np.testing.assert_allclose(derivative(POINTS), central_difference(function, POINTS), rtol=1e-9)


@pytest.mark.parametrize("name", sorted(RULES))
def test_public_function_applies_the_rule(name):
    function, derivative, _ = RULES[name]
    public = PRIMITIVES[name]
    # floats and arrays: just the function
    assert public(1.3) == pytest.approx(function(1.3), rel=1e-15)
    assert type(public(1.3)) is float
    np.testing.assert_allclose(public(POINTS), function(POINTS), rtol=1e-15)
    np.testing.assert_allclose(public(list(POINTS)), function(POINTS), rtol=1e-15)
    # duals: the chain rule f(u)' = f'(u) u'
    y = public(Dual(POINTS, 2.0))
    np.testing.assert_allclose(y.value, function(POINTS), rtol=1e-15)
    np.testing.assert_allclose(y.deriv, 2.0 * derivative(POINTS), rtol=1e-15)


def test_rules_table_prints_every_rule():
    text = rules_table()
    for rule in RULES.values():
        assert rule.formula in text
    for formula in OPERATOR_RULES.values():
        assert formula in text
    assert "product" in OPERATOR_RULES and "chain" in OPERATOR_RULES


def test_all_lists_the_public_names():
    for name in rules.__all__:
        assert hasattr(rules, name)


# ---------------------------------------------------------------- dual arithmetic
def test_operator_rules():
    u, v = Dual(3.0, 2.0), Dual(5.0, -1.0)  # u' = 2, v' = -1
    cases = [
        (u + v, 8.0, 1.0),
        (u - v, -2.0, 3.0),
        (u * v, 15.0, 2 * 5 + 3 * -1),  # product rule
        (u / v, 0.6, (2 * 5 - 3 * -1) / 25),  # quotient rule
        (u**2, 9.0, 2 * 3 * 2),  # power rule
        (2**u, 8.0, 8 * np.log(2) * 2),  # exponential rule
        (-u, -3.0, -2.0),
        (+u, 3.0, 2.0),
        (abs(Dual(-3.0, 2.0)), 3.0, -2.0),
    ]
    for result, value, deriv in cases:
        assert result.value == pytest.approx(value, rel=1e-15)
        assert result.deriv == pytest.approx(deriv, rel=1e-15)


def test_reflected_operators_with_numbers():
    u = Dual(2.0, 1.0)
    for result, value, deriv in [
        (3 + u, 5.0, 1.0),
        (3 - u, 1.0, -1.0),
        (3 * u, 6.0, 3.0),
        (3 / u, 1.5, -3 / 4),
        (u + 3, 5.0, 1.0),
        (u - 3, -1.0, 1.0),
        (u * 3, 6.0, 3.0),
        (u / 4, 0.5, 0.25),
        (np.float64(3.0) * u, 6.0, 3.0),
    ]:
        assert isinstance(result, Dual)
        assert (result.value, result.deriv) == pytest.approx((value, deriv), rel=1e-15)


def test_numpy_arrays_mix_with_duals():
    u = Dual(np.array([1.0, 2.0]), 1.0)
    a = np.array([10.0, 20.0])
    for result in (a * u, u * a, a + u, a - u, a / u):
        assert isinstance(result, Dual)  # not an object array of Duals
    np.testing.assert_allclose((a * u).deriv, a)
    np.testing.assert_allclose((a / u).deriv, -a / np.array([1.0, 4.0]))


def test_dual_to_a_dual_power():
    u, w = Dual(2.0, 1.0), Dual(3.0, 0.5)
    y = u**w  # (u^w)' = u^w (w' log u + w u'/u)
    assert y.value == pytest.approx(8.0)
    assert y.deriv == pytest.approx(8.0 * (0.5 * np.log(2.0) + 3.0 * 1.0 / 2.0))
    # a constant exponent held in a Dual works where log(u) does not exist
    z = Dual(-2.0, 1.0) ** Dual(2.0, 0.0)
    assert (z.value, z.deriv) == (4.0, -4.0)
    x = Dual(1.5, 1.0)
    assert (x**x).deriv == pytest.approx(1.5**1.5 * (np.log(1.5) + 1))


def test_power_edge_cases():
    assert (Dual(0.0, 1.0) ** 0).deriv == 0.0  # x^0 = 1 has derivative 0, even at 0
    assert (Dual(0.0, 1.0) ** 2).deriv == 0.0
    assert (Dual(4.0, 1.0) ** 0.5).deriv == pytest.approx(0.25)
    assert (Dual(2.0, 1.0) ** -1).deriv == pytest.approx(-0.25)


def test_comparisons_look_at_values():
    u = Dual(2.0, 100.0)
    assert u > 1 and u >= 2 and u < 3 and u <= 2 and u > Dual(1.0, -5.0)
    piecewise = lambda x: x * x if x > 0 else -x
    assert dual_derivative(piecewise, 3.0) == 6.0
    assert dual_derivative(piecewise, -3.0) == -1.0


def test_dual_repr_and_type_errors():
    assert repr(Dual(1.0, 2.0)) == "Dual(value=1.0, deriv=2.0)"
    with pytest.raises(TypeError):
        Dual(1.0, 1.0) + "a"
    with pytest.raises(TypeError, match="numpy's arctan has no derivative rule for Dual numbers"):
        np.arctan(Dual(1.0, 1.0))  # only the ufuncs with a rule in RULES are accepted
    with pytest.raises(TypeError, match="must be numbers or arrays"):
        Dual(Dual(1.0), 1.0)


def test_sigmoid_and_exp_are_quiet_in_the_tails():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = sigmoid(Dual(np.array([-1000.0, 0.0, 1000.0]), 1.0))
    np.testing.assert_allclose(y.value, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(y.deriv, [0.0, 0.25, 0.0])


def test_relu_derivative_is_zero_at_the_kink():
    np.testing.assert_array_equal(dual_derivative(relu, np.array([-1.0, 0.0, 1.0])), [0.0, 0.0, 1.0])


# ---------------------------------------------------------------- dual_derivative
def test_dual_derivative_of_polynomials_is_exact():
    p = lambda x: 3 * x**3 - 2 * x**2 + x - 5
    dp = lambda x: 9 * x**2 - 4 * x + 1
    for x in [0.0, 1.5, -2.25, 1024.0]:
        assert dual_derivative(p, x) == dp(x)  # exact: these values are all representable


@given(
    coefficients=st.lists(st.integers(-9, 9), min_size=1, max_size=6),
    x=st.floats(-4, 4, allow_nan=False),
)
@FAST
def test_dual_derivative_of_random_polynomials(coefficients, x):
    def p(t):
        total = 0 * t
        for c in coefficients:
            total = total * t + c  # Horner's rule, using Dual arithmetic
        return total

    n = len(coefficients) - 1
    dp = sum(c * (n - k) * x ** (n - k - 1) for k, c in enumerate(coefficients) if n - k > 0)
    scale = sum(abs(c) * (n - k) * abs(x) ** max(n - k - 1, 0) for k, c in enumerate(coefficients)) + 1
    assert abs(dual_derivative(p, x) - dp) <= 8 * np.finfo(float).eps * scale * (n + 1)


@given(x=st.floats(-3, 3))
@FAST
def test_product_rule_agrees_with_numerical_derivative(x):
    f = lambda t: sin(t) * exp(t)
    numeric = central_difference(lambda t: np.sin(t) * np.exp(t), x)
    assert dual_derivative(f, x) == pytest.approx(numeric, rel=1e-8, abs=1e-8)  # |f| ~ 20: rounding 1e-9


@given(x=st.floats(0.1, 5))
@FAST
def test_chain_and_quotient_rules_agree_with_complex_step(x):
    dual_f = lambda t: tanh(sqrt(t)) / (1 + log(t) ** 2) + cos(t * t)
    numpy_f = lambda t: np.tanh(np.sqrt(t)) / (1 + np.log(t) ** 2) + np.cos(t * t)
    assert dual_derivative(dual_f, x) == pytest.approx(complex_step(numpy_f, x), rel=1e-12, abs=1e-13)


def test_dual_derivative_on_arrays_and_constants():
    x = np.linspace(-2, 2, 5)
    np.testing.assert_allclose(dual_derivative(lambda t: t**2, x), 2 * x)
    np.testing.assert_array_equal(dual_derivative(lambda t: 7.0, x), np.zeros(5))
    assert dual_derivative(lambda t: 7.0, 1.0) == 0.0
    np.testing.assert_array_equal(dual_derivative(lambda t: 0 * t + 3, x), np.zeros(5))


def test_dual_derivative_validation():
    with pytest.raises(TypeError, match="`f` must be callable"):
        dual_derivative(2.0, 1.0)
    with pytest.raises(TypeError, match="`f` must be callable"):
        dual_partials(None, 1.0)
    with pytest.raises(ValueError, match="`args` must hold at least one number"):
        dual_partials(lambda: 1.0)


def test_dual_partials():
    f = lambda x, y: x**2 * y + sin(y)
    dx, dy = dual_partials(f, 3.0, 0.5)
    assert dx == pytest.approx(2 * 3.0 * 0.5)
    assert dy == pytest.approx(9.0 + np.cos(0.5))
    # arrays work elementwise too
    dx, dy = dual_partials(lambda x, y: x * y, np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_array_equal(dx, [3.0, 4.0])
    np.testing.assert_array_equal(dy, [1.0, 2.0])


def test_numpy_ufuncs_with_a_rule_apply_it():
    assert dual_derivative(np.sin, 1.0) == pytest.approx(np.cos(1.0), rel=1e-15)
    f = lambda t: np.exp(np.sqrt(t)) * np.log(t) - np.tanh(t) / np.cos(t)
    numeric = central_difference(lambda t: np.exp(np.sqrt(t)) * np.log(t) - np.tanh(t) / np.cos(t), 1.3)
    assert dual_derivative(f, 1.3) == pytest.approx(numeric, rel=1e-8)
    x = Dual(2.0, 1.0)
    for y in (np.array(3.0) * x, np.multiply(3.0, x), np.subtract(1.0, x), np.true_divide(6.0, x),
              np.power(x, 2.0), np.negative(x)):
        assert isinstance(y, Dual)
    assert np.multiply(3.0, x).deriv == 3.0 and np.true_divide(6.0, x).deriv == pytest.approx(-1.5)


@pytest.mark.parametrize("f, x, name", [
    (log, -1.0, "log"), (sqrt, -4.0, "sqrt"), (sqrt, 0.0, "sqrt"), (lambda t: t**0.5, 0.0, "x\\*\\*0.5"),
    (lambda t: np.log(t), np.array([1.0, -2.0]), "log")])
def test_outside_the_domain_is_a_clear_error_not_a_warning(f, x, name, recwarn):
    with pytest.raises(ValueError, match=f"{name} has no finite derivative at"):
        dual_derivative(f, x)
    assert len(recwarn) == 0


# ---------------------------------------------------------------- hostile input (issue 9)
def test_the_functions_raise_outside_their_domain_as_documented():
    # issue 9: rules.log(-1.0) returned nan (with a RuntimeWarning) although the docs say it raises
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^`x`=-1\.0 is outside the domain of log$"):
            log(-1.0)
        with pytest.raises(ValueError, match=r"^`x`=-4\.0 is outside the domain of sqrt$"):
            sqrt(np.array([4.0, -4.0]))
        with pytest.raises(ValueError, match=r"^log\(`x`\) is infinite at x=0\.0 \(it overflows float64, or x is the "
                                             r"edge of its domain\)$"):
            log(0.0)
        with pytest.raises(ValueError, match=r"^exp\(`x`\) is infinite at x=1000\.0"):
            exp(1000.0)
        with pytest.raises(ValueError, match=r"^`x` must be finite, got inf$"):
            sin(np.inf)
        with pytest.raises(TypeError, match=r"^`x` must be a real number or an array of real numbers, got str '4'$"):
            sqrt("4")


def test_dual_derivative_refuses_what_is_not_a_number():
    # issue 9: dual_derivative(lambda x: None, 1.0) returned 0.0
    with pytest.raises(TypeError, match=r"^`f` must return a real number or an array of real numbers, got None "
                                        r"\(is a `return` missing\?\)$"):
        dual_derivative(lambda x: None, 1.0)
    # issue 9: dual_partials(lambda x, y: "x", 1.0, 2.0) returned (0, 0)
    with pytest.raises(TypeError, match=r"^`f` must return a real number or an array of real numbers, got str 'x'$"):
        dual_partials(lambda x, y: "x", 1.0, 2.0)
    with pytest.raises(TypeError, match="`f` must return real numbers, got complex"):
        dual_derivative(lambda x: 1j, 1.0)
    with pytest.raises(TypeError, match=r"`f` must return .*got list \[Dual"):
        dual_derivative(lambda x: [x, x], 1.0)  # a list of duals is not a number
    with pytest.raises(ValueError, match=r"`f` must return a number or an array shaped like its input \(2,\)"):
        dual_derivative(lambda x: np.ones(3), [1.0, 2.0])
    assert dual_derivative(lambda x: 7, 1.0) == 0.0 and dual_derivative(lambda x: True, 1.0) == 0.0  # constants


def test_division_by_zero_raises_instead_of_warning():
    # issue 9: dual_derivative(lambda x: 1 / x, 0.0) warned "divide by zero" and returned -inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^`f` has no derivative at `x`=0\.0: the quotient u / v has no value where "
                                             r"v = 0 \(a division by zero\)$"):
            dual_derivative(lambda x: 1 / x, 0.0)
        with pytest.raises(ValueError, match="division by zero"):
            Dual(1.0, 1.0) / 0
        with pytest.raises(ValueError, match="division by zero"):
            Dual(np.array([1.0, 2.0]), 1.0) / np.array([1.0, 0.0])
        with pytest.raises(ValueError, match=r"`f` has no derivative at `args\[0\]`=1\.0, `args\[1\]`=0\.0"):
            dual_partials(lambda x, y: x / y, 1.0, 0.0)


def test_overflow_raises_instead_of_returning_inf():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"`f` has no derivative at `x`=1e\+200: the product u \* v overflows float64"):
            dual_derivative(lambda x: x * x, 1e200)
        with pytest.raises(ValueError, match="the exponential a\\*\\*u overflows float64"):
            dual_derivative(lambda x: 2**x, 2000.0)
        with pytest.raises(ValueError, match="the exponential a\\*\\*u overflows float64 or is undefined"):
            dual_derivative(lambda x: (-2.0) ** x, 1.0)  # log(-2) in the rule
        with pytest.raises(ValueError, match=r"exp has no finite derivative at 1000\.0; is `x` inside the domain"):
            exp(Dual(1000.0, 1.0))


def test_dual_parts_are_checked_numbers():
    with pytest.raises(TypeError, match=r"^`value` must be a real number or an array of real numbers, got str 'a'$"):
        Dual("a")
    with pytest.raises(TypeError, match="^`deriv` must be a real number"):
        Dual(1.0, None)
    with pytest.raises(ValueError, match=r"^`value` must be finite, got nan$"):
        Dual(np.nan)
    with pytest.raises(ValueError, match=r"^`deriv` \(shape \(3,\)\) must broadcast against `value` \(shape \(2,\)\)$"):
        Dual([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"^`value` must be real, got complex"):
        Dual(1j)


def test_an_exception_inside_f_names_f_and_the_point():
    with pytest.raises(TypeError, match=r"^calling `f` on dual numbers at `x`=1\.0 raised TypeError: numpy's arctan"):
        dual_derivative(np.arctan, 1.0)
    with pytest.raises(TypeError, match=r"calling `f` on dual numbers at `x`=1\.0 raised TypeError: 'Dual' object is not "
                                        r"subscriptable; write `f` with \+ - \* / \*\* and the functions of calclib\.rules"):
        dual_derivative(lambda x: x[0], 1.0)
    with pytest.raises(KeyboardInterrupt):
        dual_derivative(lambda x: (_ for _ in ()).throw(KeyboardInterrupt), 1.0)
