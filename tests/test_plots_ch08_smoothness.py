"""calclib.plots.ch08_smoothness: what the chapter 8 figures draw and what its helpers compute."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402
from calclib.functions import relu, sigmoid, softplus  # noqa: E402


def drelu(x):
    return 1.0 * (np.asarray(x) > 0)


def logcosh(x):
    return np.log(np.cosh(x))


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture
def axes2():
    fig, axes = plt.subplots(1, 2)
    yield axes
    plt.close(fig)


# ------------------------------------------------------------ zooming in
def test_a_smooth_curve_straightens_and_a_kink_does_not():
    gaps = [plots.zoom_gap(softplus, sigmoid, 0.0, 2 / z) for z in (1, 10, 100, 1000)]
    assert all(a / b == pytest.approx(10, rel=0.15) for a, b in zip(gaps, gaps[1:]))
    assert gaps[-1] == pytest.approx(0.25 * 0.002 / 4, rel=1e-3)          # f''(0) w / 4 with f''(0) = 1/4
    assert [plots.zoom_gap(relu, drelu, 0.0, 2 / z) for z in (1, 10, 1000)] == [0.5, 0.5, 0.5]
    assert plots.zoom_gap(np.abs, np.sign, 0.0, 1e-3) == 0.5
    # away from the kink, a window that misses it is exactly straight
    assert plots.zoom_gap(relu, drelu, 0.3, 0.1) == 0.0


def test_plot_zoom_shows_a_square_window_with_the_tangent(ax):
    r = plots.plot_zoom(ax, softplus, sigmoid, 0.5, 100)
    assert r.halfwidth == pytest.approx(0.02)
    assert ax.get_xlim() == pytest.approx((0.48, 0.52))
    lo, hi = ax.get_ylim()
    assert hi - lo == pytest.approx(0.04) and (lo + hi) / 2 == pytest.approx(float(softplus(0.5)))
    tangent = ax.lines[1]
    (x0, x1), (y0, y1) = tangent.get_xdata()[[0, -1]], tangent.get_ydata()[[0, -1]]
    assert (y1 - y0) / (x1 - x0) == pytest.approx(float(sigmoid(0.5)))
    assert r.gap == pytest.approx(plots.zoom_gap(softplus, sigmoid, 0.5, 0.02))
    with pytest.raises(ValueError, match="`zoom` must be positive"):
        plots.plot_zoom(ax, softplus, sigmoid, 0.0, 0.0)


def test_zoom_explorer_draws_both_functions_at_the_same_point():
    ex = plots.zoom_explorer(softplus, sigmoid, relu, drelu)
    fig, (a, b) = ex.render(zoom=1000.0, x0=0.0)
    assert a.halfwidth == b.halfwidth == pytest.approx(0.002)
    assert a.gap < 1e-3 and b.gap == 0.5


# ------------------------------------------------------------ the (L/2) h^2 bound
@pytest.mark.parametrize("f, df, L", [(np.sin, np.cos, 1.0), (softplus, sigmoid, 0.25), (logcosh, np.tanh, 1.0)])
def test_prediction_error_never_exceeds_the_bound(f, df, L):
    hs = np.concatenate([-np.logspace(-4, 0.5, 40), np.logspace(-4, 0.5, 40)])
    for x0 in np.linspace(-3, 3, 13):
        errors = plots.prediction_errors(f, df, x0, hs)
        assert np.all(errors <= L / 2 * hs**2 * (1 + 1e-9) + 1e-15)


def test_prediction_bound_plot_reports_an_escape(axes2):
    a, b = axes2
    ok = plots.plot_prediction_bound(a, b, np.sin, np.cos, 1.0, 1.0)
    assert ok.worst_ratio <= 1 and np.isnan(ok.escape) and "stays in the band" in a.get_title()
    a.cla()
    b.cla()
    bad = plots.plot_prediction_bound(a, b, np.sin, np.cos, 1.0, 0.5)
    assert bad.worst_ratio > 1 and bad.escape > 0 and "too small" in a.get_title()
    # the band drawn is f(x0) + f'(x0) h +- (L/2) h^2
    upper = a.lines[0]
    t, yu = upper.get_data()
    assert np.allclose(yu, np.sin(1.0) + np.cos(1.0) * (t - 1.0) + 0.25 * (t - 1.0) ** 2)


# ------------------------------------------------------------ a step activation
def test_step_loss_is_flat_almost_everywhere_and_the_smooth_one_is_not():
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-2, 2, 15))
    y = (x > 0.3).astype(float)
    w = rng.uniform(-2.5, 2.5, 500)
    r = plots.threshold_losses(x, y, w, T=0.3)
    assert np.all(r.step_slope == 0)
    assert np.all(r.smooth_slope != 0)
    # the smooth slope is the derivative of the smooth loss
    h = 1e-6
    up = plots.threshold_losses(x, y, w + h, T=0.3).smooth
    down = plots.threshold_losses(x, y, w - h, T=0.3).smooth
    assert np.allclose(r.smooth_slope, (up - down) / (2 * h), rtol=1e-5, atol=1e-9)
    # the step loss counts mistakes
    assert plots.threshold_losses(x, y, np.array([0.3])).step[0] == 0.0


def test_threshold_losses_refuse_bad_labels():
    with pytest.raises(ValueError, match="`y` must hold labels 0 and 1"):
        plots.threshold_losses([0.0, 1.0], [0.0, 2.0], [0.5])
    with pytest.raises(ValueError, match="same length"):
        plots.threshold_losses([0.0, 1.0], [0.0], [0.5])


def test_plot_threshold_losses_draws_both_losses(axes2):
    x = np.array([-1.0, -0.2, 0.5, 1.5])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    r = plots.plot_threshold_losses(*axes2, x, y, 0.3)
    assert np.allclose(axes2[0].lines[1].get_ydata(), r.smooth)
    assert "slope 0 at 99.5% of the thresholds" in axes2[1].get_title()     # 4 of the 801 straddle a point
    zero_line = axes2[1].lines[0].get_ydata()
    assert np.all((zero_line == 0) | np.isnan(zero_line)) and np.isnan(zero_line).sum() == 4


# ------------------------------------------------------------ differences across a kink
def test_differences_that_straddle_the_kink_drift():
    r = plots.kink_differences(relu, 0.01, [0.1, 0.001])
    assert np.allclose(r.forward, 1.0)
    assert r.central[0] == pytest.approx(0.55) and r.backward[0] == pytest.approx(0.1)
    assert r.central[1] == pytest.approx(1.0) and r.backward[1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="`hs` must hold positive steps"):
        plots.kink_differences(relu, 0.0, [0.1, -0.1])


def test_plot_kink_differences_marks_where_h_reaches_the_kink(ax):
    r = plots.plot_kink_differences(ax, relu, 0.02, 1.0)
    assert ax.lines[0].get_xdata()[0] == pytest.approx(0.02)               # the vertical line at h = |x|
    straddle = r.hs > 0.02
    assert np.all(r.central[straddle] < 1) and np.allclose(r.central[~straddle], 1)


# ------------------------------------------------------------ one gradient step and 2/L
@pytest.mark.parametrize("L", [0.5, 1.0, 4.0])
def test_largest_safe_learning_rate_is_two_over_L_on_a_quadratic(L):
    xs = np.linspace(-2, 2, 41)
    lrs = np.round(np.arange(0.01, 6.0, 0.01), 2)
    safe = plots.largest_safe_lr(lambda x: L / 2 * x**2, lambda x: L * x, xs, lrs)
    assert safe == pytest.approx(2 / L, abs=0.011)


def test_largest_safe_learning_rate_on_log_cosh():
    xs = np.linspace(-3, 3, 601)
    lrs = np.round(np.arange(0.01, 3.0, 0.01), 2)
    assert plots.largest_safe_lr(logcosh, np.tanh, xs, lrs) == pytest.approx(2.0, abs=0.011)


def test_every_step_respects_the_descent_guarantee():
    xs = np.linspace(-3, 3, 301)
    g = np.tanh(xs)
    for lr in (0.3, 1.0, 1.9, 2.5):
        change = plots.one_step_changes(logcosh, np.tanh, xs, lr)
        assert np.all(change <= -lr * (1 - lr / 2) * g**2 + 1e-12)


def test_step_change_plot_and_explorer(axes2):
    r = plots.plot_step_changes(*axes2, logcosh, np.tanh, 1.0, 2.5)
    assert r.worst_change > 0 and not r.guaranteed and "some steps raise" in axes2[0].get_title()
    ex = plots.step_change_explorer(logcosh, np.tanh, 1.0)
    fig, res = ex.render(lr=1.5)
    assert res.guaranteed and res.worst_change <= 1e-15
    lrs, worst = plots.worst_step_changes(logcosh, np.tanh)
    assert np.all(worst[lrs < 1.98] <= 1e-12) and np.all(worst[lrs > 2.02] > 0)


def test_paired_panels_draw_one_row_per_case():
    fig, res = plots.paired_panels(lambda a, b, lr: plots.plot_step_changes(a, b, logcosh, np.tanh, 1.0, lr),
                                   [{"lr": 1.0}, {"lr": 2.5}], suptitle="two rates")
    assert len(fig.axes) == 4 and [r.guaranteed for r in res] == [True, False]
    plt.close(fig)
    with pytest.raises(ValueError, match="`cases`"):
        plots.paired_panels(lambda a, b: None, [])
