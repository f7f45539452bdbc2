"""calclib.plots.ch02_derivative: what the chapter 2 figures draw."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402




def cubic(x):
    return x**3 - 2 * x


def dcubic(x):
    return 3 * x**2 - 2


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def line_height(line, t):
    """Height of a drawn straight line at t, read back from the artist's data."""
    xd, yd = (np.asarray(a, dtype=float) for a in line.get_data())
    return np.interp(t, xd, yd)


# ------------------------------------------------------------ chapter 2
@pytest.mark.parametrize("h", [1.0, 0.1, 1e-3])
def test_tangent_touches_the_curve_at_x_with_slope_df(ax, h):
    x = 0.5
    r = plots.plot_secant_to_tangent(ax, np.sin, np.cos, x, h)
    assert line_height(r.tangent, x) == pytest.approx(np.sin(x), abs=1e-9)
    t1 = x + 0.7
    assert (line_height(r.tangent, t1) - np.sin(x)) / 0.7 == pytest.approx(np.cos(x), rel=1e-6)
    assert line_height(r.secant, x + h) == pytest.approx(np.sin(x + h), abs=1e-9)
    assert r.gap == pytest.approx(abs((np.sin(x + h) - np.sin(x)) / h - np.cos(x)))


def test_gap_between_secant_and_tangent_shrinks_like_h(ax):
    gaps = [plots.plot_secant_to_tangent(ax, np.sin, np.cos, 0.5, h).gap for h in (1e-1, 1e-2, 1e-3)]
    assert gaps[0] / gaps[1] == pytest.approx(10, rel=0.1)
    assert gaps[1] / gaps[2] == pytest.approx(10, rel=0.1)


def test_tangent_prediction_and_its_error(ax):
    r = plots.plot_tangent_prediction(ax, np.exp, np.exp, 0.0, 0.5)
    assert r.predicted == pytest.approx(1.5)
    assert r.actual == pytest.approx(np.exp(0.5))
    assert r.error == pytest.approx(np.exp(0.5) - 1.5)


def test_linear_approximation_error_has_order_two():
    for f, df, x in [(np.exp, np.exp, 0.0), (np.sin, np.cos, 0.5), (cubic, dcubic, 1.0)]:
        c = plots.linear_approximation_curves(f, df, x)
        assert c.order == pytest.approx(2.0, abs=0.15)


def test_linear_approximation_draws_both_panels():
    fig, (a, b) = plt.subplots(1, 2)
    c = plots.linear_approximation_curves(np.exp, np.exp, 0.0)
    r = plots.plot_linear_approximation(a, b, np.exp, np.exp, c, 0.2)
    assert b.get_xscale() == "log" and b.get_yscale() == "log"
    assert r.order == c.order
    xd, yd = b.lines[0].get_data()
    assert np.allclose(xd, c.hs) and np.allclose(yd, c.errors)
    plt.close(fig)


def test_difference_error_curves_show_truncation_and_round_off():
    c = plots.difference_error_curves(np.exp, np.exp, 1.0)
    # best steps near sqrt(eps) and eps**(1/3)
    assert 1e-9 < c.best_h["forward"] < 1e-7
    assert 1e-6 < c.best_h["central"] < 1e-4
    assert c.best_error["forward"] < 1e-7 and c.best_error["central"] < 1e-9
    # truncation side: slopes 1 and 2; round-off side: error grows as h shrinks
    big = (c.hs > 1e-4) & (c.hs < 1e-2)
    for name, order in (("forward", 1), ("central", 2)):
        p = np.polyfit(np.log(c.hs[big]), np.log(c.errors[name][big]), 1)[0]
        assert p == pytest.approx(order, abs=0.15)
        assert c.errors[name][0] > 100 * c.best_error[name]


def test_difference_error_plot_marks_the_step(ax):
    c = plots.difference_error_curves(np.sin, np.cos, 1.0)
    r = plots.plot_difference_errors(ax, c, 1e-4)
    k = np.argmin(np.abs(np.log(c.hs) - np.log(1e-4)))
    assert r.error_at_h == {m: pytest.approx(c.errors[m][k]) for m in ("forward", "central")}
    assert r.h == pytest.approx(1e-4)
    assert np.allclose(r.lines["central"].get_ydata(), c.errors["central"])
    with pytest.raises(ValueError, match="`h` must be positive"):
        plots.plot_difference_errors(ax, c, -1.0)


def test_tangent_prediction_zooms_until_the_error_shows(ax):
    big = plots.plot_tangent_prediction(ax, np.exp, np.exp, 0.0, 1.0)
    assert big.zoom == 1.0                                   # the bar is long enough by itself
    fig, ax2 = plt.subplots()
    small = plots.plot_tangent_prediction(ax2, np.exp, np.exp, 0.0, 1e-3)
    inset = ax2.child_axes[0]
    lo, hi = inset.get_ylim()
    assert (small.error / (hi - lo)) > 0.3                   # the bar fills a good part of the inset
    assert small.zoom > 1e5 and "zoom" in inset.get_title()
    plt.close(fig)


def test_function_and_derivative_slopes_are_the_tangents():
    fig, (a, b) = plt.subplots(2, 1)
    pts = np.array([-1.5, 0.0, 1.2])
    slopes = plots.plot_function_and_derivative(a, b, cubic, dcubic, pts)
    assert np.allclose(slopes, dcubic(pts))
    segments = [ln for ln in a.lines if len(ln.get_xdata()) == 2 and np.ptp(ln.get_xdata()) > 0]
    for seg, s in zip(segments, slopes):
        (x0, x1), (y0, y1) = seg.get_data()
        assert (y1 - y0) / (x1 - x0) == pytest.approx(s)
    plt.close(fig)


def loss(w):
    return (np.asarray(w) - 1.0) ** 2


def dloss(w):
    return 2 * (np.asarray(w) - 1.0)


@pytest.mark.parametrize("lr, falls", [(0.05, True), (0.5, True), (1.2, False)])
def test_loss_step_forecast_and_truth(ax, lr, falls):
    r = plots.plot_loss_step(ax, loss, dloss, 0.0, lr)
    assert r.step == pytest.approx(-lr * dloss(0.0))
    assert r.predicted_change == pytest.approx(dloss(0.0) * r.step) and r.predicted_change < 0
    assert r.actual_change == pytest.approx(loss(r.step) - loss(0.0))
    assert (r.actual_change < 0) == falls
    assert ("overshoot" in ax.get_title()) == (not falls)


def test_loss_step_refuses_a_bad_step(ax):
    with pytest.raises(ValueError, match="`lr`"):
        plots.plot_loss_step(ax, loss, dloss, 0.0, -0.1)
