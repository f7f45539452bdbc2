"""Tests for calclib.optimize: step counts on quadratics, divergence without
warnings, momentum, Rosenbrock, the result's shapes, callbacks and validation."""
import warnings

import numpy as np
import pytest

from calclib.optimize import gradient_descent, max_stable_lr

A = np.diag([1.0, 10.0])  # curvatures 1 and 10: L = 10, 2/L = 0.2


def bowl(x):
    return x @ A @ x / 2


def bowl_grad(x):
    return A @ x


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def rosenbrock_grad(x):
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])


# --------------------------------------------------------------------------
# Quadratic bowls
# --------------------------------------------------------------------------
def test_lr_one_over_L_on_diag_1_10_takes_175_steps():
    # x2 is solved in one step (1 - 0.1 * 10 = 0); x1 shrinks by 0.9 per step, so the
    # gradient norm after k steps is 0.9**k, below 1e-8 first at k = 175.
    res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.1)
    assert res.success
    assert res.nit == 175
    assert "converged" in res.message
    assert np.linalg.norm(res.grad) < 1e-8 <= np.linalg.norm(bowl_grad(res.path[-2]))
    assert res.path.shape == (176, 2)
    assert res.losses.shape == (176,)
    assert np.array_equal(res.path[0], [1.0, 1.0])
    assert np.array_equal(res.path[-1], res.x)
    assert res.fun == res.losses[-1] == bowl(res.x)
    assert np.allclose(res.losses, [bowl(p) for p in res.path], rtol=1e-15, atol=0)
    assert np.allclose(res.path[:, 0], 0.9 ** np.arange(176), rtol=1e-12)


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.15, 0.19, 0.199])
def test_losses_decrease_monotonically_below_2_over_L(lr):
    res = gradient_descent(bowl, [1.0, -2.0], grad=bowl_grad, lr=lr, maxiter=300, tol=0)
    assert np.all(np.diff(res.losses) <= 0)
    assert res.losses[-1] < res.losses[0]


@pytest.mark.parametrize("lr", [0.21, 0.25, 1.0, 100.0, 1e200])
def test_diverges_above_2_over_L_with_a_message_and_no_warnings(lr, recwarn, capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any numpy overflow RuntimeWarning would fail here
        res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=lr)
    assert not res.success
    assert res.message.startswith("diverged")
    assert f"the learning rate lr={lr:g} is too large for the curvature: try a smaller lr" in res.message
    assert res.nit < 1000  # stopped early
    assert res.path.shape == (res.nit + 1, 2) and res.losses.shape == (res.nit + 1,)
    assert len(recwarn) == 0
    assert capfd.readouterr().err == ""


def test_exactly_2_over_L_oscillates_forever():
    res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.2, maxiter=50)
    assert not res.success
    assert res.message.startswith("maxiter=50 reached")
    assert np.allclose(res.path[:, 1], (-1.0) ** np.arange(51))  # x2 flips sign every step, forever


def test_max_stable_lr_is_the_threshold():
    assert max_stable_lr(10.0) == 0.2
    assert max_stable_lr(A) == pytest.approx(0.2)
    lr_max = max_stable_lr(A)
    assert gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.97 * lr_max, maxiter=2000).success
    assert not gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=1.03 * lr_max).success


@pytest.mark.parametrize("momentum", [0.3, 0.5, 0.9])
def test_max_stable_lr_with_momentum(momentum):
    lr_max = max_stable_lr(A, momentum=momentum)
    assert lr_max == pytest.approx(2 * (1 + momentum) / 10)
    ok = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.95 * lr_max, momentum=momentum, maxiter=5000)
    assert ok.success
    bad = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=1.05 * lr_max, momentum=momentum, maxiter=5000)
    assert not bad.success and f"momentum={momentum:g}" in bad.message


def test_momentum_speeds_up_an_ill_conditioned_bowl():
    B = np.diag([1.0, 100.0])  # condition number 100
    f, g = (lambda x: x @ B @ x / 2), (lambda x: B @ x)
    plain = gradient_descent(f, [1.0, 1.0], grad=g, lr=0.01, maxiter=5000)
    heavy = gradient_descent(f, [1.0, 1.0], grad=g, lr=0.01, momentum=0.8, maxiter=5000)
    assert plain.success and heavy.success
    assert plain.nit > 1800  # 0.99**k < 1e-8 needs k ~ 1833
    assert heavy.nit < plain.nit / 5
    # momentum makes the losses non-monotone
    assert np.any(np.diff(heavy.losses) > 0)


def test_heavy_ball_update_rule():
    # two steps by hand on f(x) = x**2 / 2 (grad x) from x0 = 1, lr 0.1, beta 0.5
    res = gradient_descent(lambda x: x**2 / 2, 1.0, grad=lambda x: x, lr=0.1, momentum=0.5, maxiter=2, tol=0)
    v1 = -0.1 * 1.0
    x1 = 1.0 + v1
    v2 = 0.5 * v1 - 0.1 * x1
    assert np.allclose(res.path[:, 0], [1.0, x1, x1 + v2], rtol=1e-15)


# --------------------------------------------------------------------------
# Non-quadratic losses
# --------------------------------------------------------------------------
def test_rosenbrock_converges_with_a_small_lr():
    # the curvature near the minimum (1, 1) is about 1002, so lr must stay below ~2e-3;
    # the long flat valley makes plain gradient descent slow
    res = gradient_descent(rosenbrock, [-1.0, 1.0], grad=rosenbrock_grad, lr=1e-3, maxiter=20_000, tol=1e-3)
    assert res.success
    assert np.allclose(res.x, [1.0, 1.0], atol=1e-2)
    heavy = gradient_descent(rosenbrock, [-1.0, 1.0], grad=rosenbrock_grad, lr=1e-3, momentum=0.9, maxiter=20_000)
    assert heavy.success
    assert np.allclose(heavy.x, [1.0, 1.0], atol=1e-7)


def test_rosenbrock_diverges_with_a_large_lr():
    res = gradient_descent(rosenbrock, [-1.0, 1.0], grad=rosenbrock_grad, lr=0.01)
    assert not res.success and "too large for the curvature" in res.message


def test_leaving_the_domain_is_reported_without_warnings(recwarn):
    # f(x) = x - log(x) has its minimum at 1; a big step from 2 jumps to x = -0.5 where log is nan
    res = gradient_descent(lambda x: x - np.log(x), 2.0, grad=lambda x: 1 - 1 / x, lr=5.0)
    assert not res.success
    assert "non-finite at step 1 (overflow, or x left the domain of `f`)" in res.message
    assert "lr=5 is too large" in res.message
    assert np.isnan(res.losses[-1]) and res.x < 0
    assert len(recwarn) == 0


def test_non_finite_gradient_stops_the_iteration():
    grad = lambda x: np.where(np.abs(x) > 1.5, np.inf, 2 * x)
    res = gradient_descent(lambda x: x**2, 1.0, grad=grad, lr=1.2)
    assert not res.success and res.nit == 2
    assert "non-finite" in res.message


def test_unbounded_below_is_reported_as_such():
    res = gradient_descent(lambda x: -(x**2), 1.0, grad=lambda x: -2 * x, lr=0.1)
    assert not res.success
    assert "unbounded below" in res.message


def test_numerical_gradient_when_grad_is_none():
    res = gradient_descent(bowl, [1.0, 1.0], lr=0.1, tol=1e-6)
    exact = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.1, tol=1e-6)
    assert res.success
    assert abs(res.nit - exact.nit) <= 1
    assert np.allclose(res.x, [0.0, 0.0], atol=1e-5)
    assert np.allclose(res.path[:20], exact.path[:20], rtol=0, atol=1e-7)
    # divergence with a numerical gradient stops cleanly too
    bad = gradient_descent(bowl, [1.0, 1.0], lr=0.25)
    assert not bad.success and "lr=0.25 is too large for the curvature" in bad.message
    assert np.all(np.isfinite(bad.grad))


# --------------------------------------------------------------------------
# Shapes, stopping and callbacks
# --------------------------------------------------------------------------
def test_scalar_x0_gives_scalar_x_and_a_column_path():
    res = gradient_descent(lambda x: (x - 3) ** 2, 0.0, grad=lambda x: 2 * (x - 3), lr=0.5)
    assert np.shape(res.x) == () and np.shape(res.grad) == ()
    assert res.x == pytest.approx(3.0)
    assert res.nit == 1  # lr = 1/L with L = 2: one step lands on the minimum
    assert res.path.shape == (2, 1)
    assert res.losses.shape == (2,)


def test_x0_of_length_one_keeps_its_shape():
    res = gradient_descent(lambda x: np.sum(x**2), [2.0], grad=lambda x: 2 * x, lr=0.1)
    assert res.x.shape == (1,) and res.grad.shape == (1,)
    assert res.path.shape == (res.nit + 1, 1)


def test_x0_is_not_modified_and_ints_are_accepted():
    x0 = np.array([1.0, 1.0])
    gradient_descent(bowl, x0, grad=bowl_grad)
    assert np.array_equal(x0, [1.0, 1.0])
    assert gradient_descent(bowl, [1, 1], grad=bowl_grad).success


def test_maxiter_reached():
    res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.1, maxiter=10)
    assert not res.success
    assert res.nit == 10
    assert res.message.startswith("maxiter=10 reached with gradient norm")
    assert "increase maxiter" in res.message
    assert res.path.shape == (11, 2)


def test_maxiter_zero_and_start_at_the_minimum():
    res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, maxiter=0)
    assert res.nit == 0 and not res.success and res.path.shape == (1, 2)
    at_min = gradient_descent(bowl, [0.0, 0.0], grad=bowl_grad)
    assert at_min.success and at_min.nit == 0


def test_tol_zero_runs_exactly_maxiter_steps():
    res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.05, maxiter=37, tol=0)
    assert res.nit == 37 and res.path.shape == (38, 2)


def test_callback_sees_every_iterate_and_can_stop():
    seen = []

    def callback(xk):
        seen.append(xk)
        xk[:] = 99.0  # a copy: changing it must not disturb the iteration
        return len(seen) == 5

    res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.1, callback=callback)
    assert res.nit == 5
    assert not res.success
    assert res.message == "stopped by callback after 5 steps"
    assert res.path.shape == (6, 2)
    assert np.allclose(res.path[1:, 0], 0.9 ** np.arange(1, 6))


def test_callback_returning_none_does_not_stop():
    calls = []
    res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.1, callback=calls.append)
    assert res.success and len(calls) == res.nit == 175
    stop_np = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, callback=lambda xk: np.abs(xk[0]) < 0.5)
    assert stop_np.message.startswith("stopped by callback")


def test_result_repr_is_short():
    text = repr(gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad))
    assert "path" not in text and "losses" not in text and len(text) < 400


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"lr": 0}, ValueError, "`lr` must be positive and finite, got 0"),
        ({"lr": -0.1}, ValueError, r"`lr` must be positive and finite, got -0\.1"),
        ({"lr": np.inf}, ValueError, "`lr` must be positive and finite, got inf"),
        ({"lr": "big"}, TypeError, "`lr` must be a positive real number"),
        ({"momentum": 1.0}, ValueError, r"`momentum` must be in \[0, 1\), got 1\.0"),
        ({"momentum": -0.1}, ValueError, r"`momentum` must be in \[0, 1\), got -0\.1"),
        ({"momentum": np.nan}, ValueError, "`momentum` must be finite"),
        ({"maxiter": -1}, ValueError, "`maxiter` must be an integer >= 0, got -1"),
        ({"maxiter": 10.5}, TypeError, "`maxiter` must be an integer"),
        ({"tol": -1e-8}, ValueError, "`tol` must be non-negative and finite"),
        ({"tol": None}, TypeError, "`tol` must be a real number"),
        ({"grad": "A @ x"}, TypeError, "`grad` must be callable, got str"),
        ({"callback": 3}, TypeError, "`callback` must be callable, got int"),
    ],
)
def test_argument_validation(kwargs, exc, match):
    kwargs.setdefault("grad", bowl_grad)
    with pytest.raises(exc, match=match):
        gradient_descent(bowl, [1.0, 1.0], **kwargs)


def test_f_and_x0_validation():
    with pytest.raises(TypeError, match="`f` must be callable, got ndarray"):
        gradient_descent(A, [1.0, 1.0], grad=bowl_grad)
    with pytest.raises(ValueError, match=r"`x0` must be 0-D or 1-D, got an array of shape \(1, 2\)"):
        gradient_descent(bowl, [[1.0, 1.0]], grad=bowl_grad)
    with pytest.raises(ValueError, match="`x0` must be a finite number or a non-empty 1-D array"):
        gradient_descent(bowl, [1.0, np.nan], grad=bowl_grad)
    with pytest.raises(ValueError, match="`x0` must be a finite number or a non-empty 1-D array"):
        gradient_descent(bowl, [], grad=bowl_grad)
    with pytest.raises(TypeError, match="`x0` must be a real number or an array of real numbers"):
        gradient_descent(bowl, "origin", grad=bowl_grad)


def test_wrong_outputs_of_f_and_grad():
    with pytest.raises(ValueError, match=r"`f` must return a scalar loss, got an array of shape \(2,\)"):
        gradient_descent(lambda x: x**2, [1.0, 1.0], grad=bowl_grad)
    with pytest.raises(ValueError, match=r"`grad` must return an array shaped like `x0` \(2,\), got shape \(3,\)"):
        gradient_descent(bowl, [1.0, 1.0], grad=lambda x: np.ones(3))
    with pytest.raises(TypeError, match="`f` must return real numbers, got complex"):
        gradient_descent(lambda x: x + 1j, 1.0, grad=lambda x: 1.0)
    with pytest.raises(ValueError, match="is x0 inside the domain of `f`"):
        gradient_descent(lambda x: np.log(x), -1.0, grad=lambda x: 1 / x)


def test_max_stable_lr_validation():
    with pytest.raises(ValueError, match="the largest curvature `L` must be positive and finite, got -1.0"):
        max_stable_lr(-1.0)
    with pytest.raises(ValueError, match="`L` must be positive and finite, got 0.0"):
        max_stable_lr(np.diag([0.0, -2.0]))
    with pytest.raises(ValueError, match="`L` as a Hessian must be symmetric"):
        max_stable_lr([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"`L` as a Hessian must be a square matrix, got shape \(2, 3\)"):
        max_stable_lr(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"`L` must be 0-D or 2-D"):
        max_stable_lr([1.0, 10.0])
    with pytest.raises(ValueError, match=r"`momentum` must be in \[0, 1\)"):
        max_stable_lr(10.0, momentum=1.5)


# --------------------------------------------------------------------------
# Hostile input (issue 9)
# --------------------------------------------------------------------------
def test_complex_gradient_is_refused_not_truncated():
    # issue 9: a grad returning complex values lost its imaginary part (184 ComplexWarnings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=r"^`grad` must return real numbers, got complex"):
            gradient_descent(lambda x: x**2, 1.0, grad=lambda x: 2 * x + 0j)


@pytest.mark.parametrize("bad, name", [(lambda x: None, "f"), (lambda x: "1.0", "f"), (lambda x: [1.0, None], "f")])
def test_what_f_returns_is_checked(bad, name):
    with pytest.raises(TypeError, match=rf"^`{name}` must return a real number or an array of real numbers, got"):
        gradient_descent(bad, [1.0, 1.0])
    with pytest.raises(TypeError, match=r"^`grad` must return a real number"):
        gradient_descent(bowl, [1.0, 1.0], grad=bad)


def test_an_exception_inside_grad_names_grad():
    with pytest.raises(TypeError, match=r"^calling `grad` at x=\[1\. 1\.\] raised IndexError"):
        gradient_descent(bowl, [1.0, 1.0], grad=lambda x: x[5])


def test_lr_exactly_2_over_L_gets_advice_that_can_help():
    # issue 9: at lr = 2/L the iterates bounce forever and the message said "increase maxiter (or lr)"
    res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=max_stable_lr(A))
    assert not res.success and res.nit == 1000
    assert "zig-zag" in res.message and "try a smaller lr (about half)" in res.message
    assert "increase maxiter" not in res.message
    assert gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=max_stable_lr(A) / 2).success  # the advice works
    with_momentum = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.3, momentum=0.5, maxiter=50)
    assert "stability limit 2 (1 + momentum) / L" in with_momentum.message
    assert "try a smaller lr (about half) or a smaller momentum=0.5" in with_momentum.message


def test_slow_but_steady_progress_still_suggests_more_steps():
    res = gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, lr=0.01)
    assert not res.success
    assert "still move steadily downhill: increase maxiter (or lr, keeping it below 2/L)" in res.message


def test_maxiter_is_bounded_by_the_memory_of_the_path():
    with pytest.raises(ValueError, match=r"^`maxiter` must be at most 4999999 \(a larger value would keep more than "
                                         r"10000000 numbers in `path` for an `x0` of 2 inputs"):
        gradient_descent(bowl, [1.0, 1.0], grad=bowl_grad, maxiter=10**9)


def test_max_stable_lr_refuses_what_it_cannot_compute():
    with pytest.raises(ValueError, match="2/L overflows float64"):
        max_stable_lr(1e-320)
    with pytest.raises(ValueError, match="`L` as a Hessian must have at most 1000 rows"):
        max_stable_lr(np.eye(1001))
    with pytest.raises(TypeError, match="`L` must be a real number or an array of real numbers, got str"):
        max_stable_lr("10")


@pytest.mark.parametrize("where", ["f", "grad", "callback"])
def test_keyboard_interrupt_stops_the_loop(where):
    calls = []

    def interrupt_at_step_3(x):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return bowl(x) if where == "f" else (bowl_grad(x) if where == "grad" else None)

    kwargs = {"f": bowl, "grad": bowl_grad, where: interrupt_at_step_3}
    with pytest.raises(KeyboardInterrupt):
        gradient_descent(kwargs.pop("f"), [1.0, 1.0], lr=0.01, **kwargs)
    assert len(calls) == 3
