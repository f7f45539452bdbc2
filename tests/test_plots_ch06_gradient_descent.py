"""calclib.plots.ch06_gradient_descent: what the chapter 6 figures draw."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402
from calclib.optimize import gradient_descent, max_stable_lr  # noqa: E402

A = np.array([[3.0, 1.2], [1.2, 1.0]])          # a tilted bowl, minimum 0.25 at M
M = np.array([1.0, -0.5])
L_MAX = float(np.linalg.eigvalsh(A)[-1])


def bowl(theta):
    d = np.asarray(theta, dtype=float) - M.reshape((2,) + (1,) * (np.ndim(theta) - 1))
    return 0.5 * np.einsum("i...,ij,j...->...", d, A, d) + 0.25


def bowl_grad(theta):
    d = np.asarray(theta, dtype=float) - M.reshape((2,) + (1,) * (np.ndim(theta) - 1))
    return np.einsum("ij,j...->i...", A, d)


@pytest.fixture(scope="module")
def lmap():
    return plots.loss_map(bowl, bowl_grad, (-2.0, 4.0), (-3.5, 2.5), n=81)


@pytest.fixture
def axes():
    fig, axes = plt.subplots(1, 2)
    yield axes
    plt.close(fig)


# ------------------------------------------------------------------ a run on the map
def test_lowest_loss_is_the_minimum():
    assert plots.lowest_loss(bowl, bowl_grad, [3.0, 2.0], lr=0.2) == pytest.approx(0.25, abs=1e-12)
    with pytest.raises(ValueError, match="did not reach the minimum"):
        plots.lowest_loss(bowl, bowl_grad, [3.0, 2.0], lr=1.0, maxiter=50)


@pytest.mark.parametrize("lr, ends", [(0.2, "converges"), (0.6, "diverges"), (0.01, "above L*")])
def test_descent_run_draws_the_path_and_the_gaps(axes, lmap, lr, ends):
    res = gradient_descent(bowl, [3.0, 2.0], grad=bowl_grad, lr=lr, maxiter=300, tol=1e-8)
    r = plots.plot_descent_run(*axes, lmap, res, lr=lr, fmin=0.25, limit=max_stable_lr(A))
    assert ends in r.status and ends in axes[0].get_title()
    xd, yd = r.path.get_data()
    shown = res.path[np.all(np.abs(res.path) < 1e6, axis=1)]
    assert np.allclose(xd, shown[:, 0]) and np.allclose(yd, shown[:, 1])
    assert np.allclose(r.gaps, np.maximum(res.losses - 0.25, 1e-12))
    curve = axes[1].lines[0]
    assert np.allclose(curve.get_ydata(), r.gaps)
    assert ("overshoot" in axes[1].get_title()) == (lr > 2 / L_MAX)


def test_descent_run_factor_per_step_matches_the_slowest_curvature(axes, lmap):
    lr = 0.2
    res = gradient_descent(bowl, [3.0, 2.0], grad=bowl_grad, lr=lr, maxiter=60, tol=0.0)
    plots.plot_descent_run(*axes, lmap, res, lr=lr, fmin=0.25)
    slowest = max(abs(1 - lr * lam) for lam in np.linalg.eigvalsh(A))
    shown = float(axes[1].get_title().split("\u00d7")[1].split()[0])
    assert shown == pytest.approx(slowest**2, abs=0.01)        # the loss gap shrinks by the factor squared


def test_descent_run_explorer_runs_gradient_descent():
    ex = plots.descent_run_explorer(bowl, bowl_grad, wlim=(-2.0, 4.0), blim=(-3.5, 2.5), lr=0.3, w=3.0, b=2.0,
                                    steps=40, limit=2 / L_MAX)
    fig, r = ex.render(lr=0.3, w=3.0, b=2.0)
    res = gradient_descent(bowl, [3.0, 2.0], grad=bowl_grad, lr=0.3, maxiter=40, tol=1e-8)
    assert r.nit == res.nit and np.allclose(r.gaps, np.maximum(res.losses - 0.25, 1e-12), atol=1e-10)
    plt.close(fig)


# ------------------------------------------------------------------ the forecast of one step
@pytest.mark.parametrize("lr", [0.001, 0.2, 0.9])
def test_step_forecast_predicts_eta_times_gradient_squared(axes, lmap, lr):
    p = np.array([2.5, 1.5])
    g = bowl_grad(p)
    r = plots.plot_step_forecast(*axes, lmap, p, lr)
    assert r.predicted == pytest.approx(lr * g @ g)
    assert r.actual == pytest.approx(bowl(p) - bowl(p - lr * g))
    # on a quadratic the gap is exactly the curvature term (lr^2 / 2) g'Ag
    assert r.predicted - r.actual == pytest.approx(0.5 * lr**2 * g @ A @ g)
    pred = axes[1].lines[0]
    etas, values = pred.get_data()
    assert np.allclose(values, etas * (g @ g))
    assert ("rises" in axes[1].get_title()) == (r.actual < 0)


def test_forecast_limits_hold_both_curves():
    p = np.array([2.5, 1.5])
    g = bowl_grad(p)
    lo, hi = plots.forecast_limits(bowl, g, p, 1.0)
    etas = np.linspace(0.0, 1.0, 50)
    actual = bowl(p) - bowl(p[:, None] - etas * g[:, None])
    assert lo < actual.min() and actual.max() < hi
    assert hi > 0.5 * (g @ g)


# ------------------------------------------------------------------ the threshold
@pytest.mark.parametrize("lr, factor, verdict", [(0.1, 0.6, "converges"), (0.4, -0.6, "jumping"),
                                                 (0.5, -1.0, "bounces"), (0.55, -1.2, "diverges")])
def test_quadratic_steps_multiply_by_one_minus_eta_c(axes, lr, factor, verdict):
    r = plots.plot_quadratic_steps(*axes, 4.0, lr, steps=10)
    assert r.factor == pytest.approx(factor)
    assert np.allclose(r.xs, factor ** np.arange(11))
    assert verdict in axes[1].get_title()
    assert np.allclose(axes[1].lines[0].get_ydata(), np.abs(r.xs))


def test_quadratic_steps_without_the_parabola():
    fig, ax = plt.subplots()
    plots.plot_quadratic_steps(None, ax, 2.0, 0.3, title="only sizes")
    assert ax.get_title() == "only sizes" and len(fig.axes) == 1
    plt.close(fig)
    with pytest.raises(ValueError, match="`curvature` must be positive"):
        plots.plot_quadratic_steps(None, ax, -1.0, 0.3)


@pytest.mark.parametrize("curv", [[4.0], [1.0, 10.0], [0.5, 2.0, 7.0]])
def test_divergence_threshold_is_two_over_the_largest_curvature(curv):
    c = np.array(curv)
    found = plots.divergence_threshold(lambda x: 0.5 * np.sum(c * x * x), lambda x: c * x, np.ones(c.size),
                                       0.01, 1.0)
    assert found == pytest.approx(2 / c.max(), rel=1e-5)


def test_divergence_threshold_refuses_a_bad_bracket():
    c = np.array([4.0])
    with pytest.raises(ValueError, match="already diverges at `lr_lo`"):
        plots.divergence_threshold(lambda x: 2 * x[0] ** 2, lambda x: c * x, [1.0], 0.6, 1.0)
    with pytest.raises(ValueError, match="still converges at `lr_hi`"):
        plots.divergence_threshold(lambda x: 2 * x[0] ** 2, lambda x: c * x, [1.0], 0.01, 0.4)
    with pytest.raises(ValueError, match="`lr_lo` must be smaller"):
        plots.divergence_threshold(lambda x: 2 * x[0] ** 2, lambda x: c * x, [1.0], 0.4, 0.1)


# ------------------------------------------------------------------ the valley
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_heavy_ball_path_is_gradient_descent_with_momentum(beta):
    c = np.array([1.0, 30.0])
    ref = gradient_descent(lambda x: 0.5 * np.sum(c * x * x), [-9.0, 1.8], grad=lambda x: c * x,
                           lr=2 / 31, momentum=beta, maxiter=50, tol=0.0)
    assert np.allclose(plots.heavy_ball_path(c, [-9.0, 1.8], 2 / 31, beta, 50), ref.path)


def test_valley_counts_steps_as_gradient_descent_does(axes):
    kappa, beta = 30.0, 0.6
    r = plots.plot_valley(*axes, kappa, beta)
    c = np.array([1.0, kappa])
    for b, counted in ((0.0, r.steps_plain), (beta, r.steps_momentum)):
        ref = gradient_descent(lambda x: 0.5 * np.sum(c * x * x), [-9.0, 1.8], grad=lambda x: c * x,
                               lr=2 / (kappa + 1), momentum=b, maxiter=2000, tol=1e-6)
        assert counted == ref.nit
    assert r.steps_momentum < r.steps_plain / 2
    assert f"{r.steps_plain} plain" in axes[1].get_title()


def test_valley_plain_descent_zig_zags_across(axes):
    plots.plot_valley(*axes, 50.0, 0.0)
    plain = axes[0].lines[0].get_ydata()
    signs = np.sign(plain[1:20])
    assert np.all(signs[1:] == -signs[:-1])                    # y changes sign every step
    assert axes[0].lines[0].get_xdata()[19] < -3               # while x has crawled only part of the way


def test_valley_refuses_bad_values(axes):
    with pytest.raises(ValueError, match="`kappa`"):
        plots.plot_valley(*axes, 0.5, 0.0)
    with pytest.raises(ValueError, match="`momentum` must be in"):
        plots.plot_valley(*axes, 10.0, 1.0)


# ------------------------------------------------------------------ small models
def test_line_fit_draws_the_line(axes):
    x = np.linspace(0, 2, 5)
    plots.plot_line_fit(axes[0], x, 2 * x + 1, 2.0, 1.0)
    fit = axes[0].lines[1]
    xd, yd = fit.get_data()
    assert np.allclose(yd, 2 * np.asarray(xd) + 1)


def test_logistic_fit_boundary_is_where_p_is_one_half(axes):
    X = np.array([[-1.0, -1.0], [-2.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    theta = np.array([1.0, 2.0, -0.5])
    acc = plots.plot_logistic_fit(axes[0], X, y, theta)
    assert acc == 1.0
    boundary = axes[0].lines[2]
    xd, yd = boundary.get_data()
    assert np.allclose(theta[0] * np.asarray(xd) + theta[1] * np.asarray(yd) + theta[2], 0.0)


def test_training_explorer_marks_the_step():
    X = np.array([[-1.0, -1.0], [-2.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    path = np.array([[0.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1.0, 1.0, 0.0]])
    losses = np.array([0.69, 0.4, 0.3])
    ex = plots.training_explorer(X, y, path, losses)
    fig, acc = ex.render(k=2)
    assert acc == 1.0
    marker = fig.axes[1].lines[1]
    assert marker.get_xdata()[0] == 2 and marker.get_ydata()[0] == pytest.approx(0.3)
    plt.close(fig)
