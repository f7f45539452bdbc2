"""calclib.plots.ch05_gradient: what the chapter 5 figures draw."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402

# A tilted, narrow bowl: L = (θ - m)ᵀ A (θ - m) / 2, minimum at m.
A = np.array([[3.0, 1.2], [1.2, 1.0]])
M = np.array([1.0, -0.5])


def bowl(theta):
    d = np.asarray(theta, dtype=float) - M.reshape((2,) + (1,) * (np.ndim(theta) - 1))
    return 0.5 * np.einsum("i...,ij,j...->...", d, A, d)


def bowl_grad(theta):
    d = np.asarray(theta, dtype=float) - M.reshape((2,) + (1,) * (np.ndim(theta) - 1))
    return np.einsum("ij,j...->i...", A, d)


@pytest.fixture(scope="module")
def lmap():
    return plots.loss_map(bowl, bowl_grad, (-2.0, 4.0), (-3.5, 2.5), n=101)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


# ------------------------------------------------------------------ the map
def test_loss_map_finds_the_minimum_and_draws_true_contours(lmap):
    assert np.allclose(lmap.minimum, M, atol=0.07)
    assert np.all(np.diff(lmap.levels) > 0)
    assert np.allclose(np.diff(lmap.levels), np.diff(lmap.levels)[0])           # equal steps of loss
    on_a_level = 0
    for seg in lmap.segments:
        values = bowl(seg.T)
        k = np.argmin(np.abs(lmap.levels - values.mean()))
        assert np.allclose(values, lmap.levels[k], rtol=0.02, atol=1e-3)     # a contour line holds one loss
        on_a_level += 1
    assert on_a_level >= len(lmap.levels) - 2
    assert np.allclose(lmap.field_grads, bowl_grad(lmap.field_points.T).T)


def test_loss_map_refuses_bad_input():
    with pytest.raises(ValueError, match="`wlim` must be a finite range"):
        plots.loss_map(bowl, bowl_grad, (1.0, -1.0), (-1.0, 1.0))
    with pytest.raises(ValueError, match="`f` must return finite values"):
        plots.loss_map(lambda t: 1.0, bowl_grad, (-1.0, 1.0), (-1.0, 1.0))
    with pytest.raises(TypeError, match="`grad`"):
        plots.loss_map(bowl, None, (-1.0, 1.0), (-1.0, 1.0))


def test_draw_loss_map_keeps_equal_aspect_and_limits(ax, lmap):
    plots.draw_loss_map(ax, lmap)
    assert ax.get_xlim() == lmap.wlim and ax.get_ylim() == lmap.blim
    assert ax.get_aspect() == 1.0
    q = next(c for c in ax.collections if type(c).__name__ == "Quiver")
    directions = np.c_[q.U, q.V]
    moving = np.linalg.norm(lmap.field_grads, axis=1) > 0
    assert np.allclose(directions[~moving], 0.0)
    d, g = directions[moving], lmap.field_grads[moving]
    cos = np.sum(d * g, axis=1) / (np.linalg.norm(d, axis=1) * np.linalg.norm(g, axis=1))
    assert np.allclose(cos, 1.0)                                           # the field arrows are the gradient


# ------------------------------------------------------------------ the gradient as an arrow
@pytest.mark.parametrize("point", [(0.0, 0.0), (2.5, 1.0), (1.2, -0.4)])
def test_gradient_arrow_points_uphill_across_the_contour(ax, lmap, point):
    r = plots.plot_gradient_at(ax, lmap, point)
    p = np.array(point)
    assert np.allclose(r.gradient, bowl_grad(p))
    assert r.norm == pytest.approx(np.linalg.norm(bowl_grad(p)))
    drawn = r.arrow_end - p
    if r.norm > 0:
        assert drawn @ r.gradient == pytest.approx(np.linalg.norm(drawn) * r.norm)   # same direction
    assert abs(r.tangent @ r.gradient) < 1e-12
    # the dotted segment runs along the contour: the loss is flat along it to first order
    eps = 1e-4
    assert abs(bowl(p + eps * r.tangent) - bowl(p)) < 10 * eps**2
    # the arrow stays inside the axes
    assert lmap.wlim[0] <= r.arrow_end[0] <= lmap.wlim[1]
    assert lmap.blim[0] <= r.arrow_end[1] <= lmap.blim[1]


def test_gradient_arrow_is_to_scale_unless_it_would_leave(ax, lmap):
    r = plots.plot_gradient_at(ax, lmap, (1.2, -0.4), scale=0.1)
    assert np.allclose(r.arrow_end - r.point, 0.1 * r.gradient)
    fig, ax2 = plt.subplots()
    far = plots.plot_gradient_at(ax2, lmap, (3.8, 2.3), scale=1.0)
    assert np.linalg.norm(far.arrow_end - far.point) < np.linalg.norm(far.gradient)
    assert "shortened" in "".join(t.get_text() for t in ax2.texts)
    plt.close(fig)


def test_gradient_arrow_title_says_it_vanishes_at_the_bottom(ax, lmap):
    plots.plot_gradient_at(ax, lmap, M)
    assert "vanishes" in ax.get_title()


def test_gradient_explorer_arrows_fit_for_most_positions():
    ex = plots.gradient_explorer(bowl, bowl_grad, wlim=(-2.0, 4.0), blim=(-3.5, 2.5), w=0.0, b=0.0)
    fitted = []
    for values in ex.grid(5):
        fig, r = ex.render(**values)
        fitted.append(np.allclose(r.arrow_end - r.point, r.scale * r.gradient))
        plt.close(fig)
    assert np.mean(fitted) >= 0.8


# ------------------------------------------------------------------ the slope in a direction
def test_unit_direction_has_length_one_and_the_asked_angle():
    g = np.array([2.0, -1.0])
    for angle in (-135.0, 0.0, 30.0, 90.0, 180.0):
        u = plots.unit_direction(g, angle)
        assert np.linalg.norm(u) == pytest.approx(1.0)
        assert u @ g / np.linalg.norm(g) == pytest.approx(np.cos(np.radians(angle)), abs=1e-12)
        assert (g[0] * u[1] - g[1] * u[0]) * np.sin(np.radians(angle)) >= -1e-12      # counter-clockwise
    with pytest.raises(ValueError, match="`g` must be nonzero"):
        plots.unit_direction([0.0, 0.0], 10.0)


@pytest.mark.parametrize("angle, sign", [(0.0, 1), (90.0, 0), (180.0, -1), (-60.0, 1), (120.0, -1)])
def test_directional_slope_is_norm_times_cosine(lmap, angle, sign):
    fig, axes = plt.subplots(1, 3)
    p = np.array([2.0, 0.5])
    g = bowl_grad(p)
    r = plots.plot_directional(*axes, lmap, p, angle)
    assert r.slope == pytest.approx(np.linalg.norm(g) * np.cos(np.radians(angle)), abs=1e-12)
    assert r.measured == pytest.approx(r.slope, abs=1e-6)
    assert np.sign(round(r.slope, 9)) == sign
    # the cosine curve on the right peaks at 0 degrees at |grad L|
    xd, yd = axes[2].lines[0].get_data()
    assert xd[np.argmax(yd)] == pytest.approx(0.0) and np.max(yd) == pytest.approx(np.linalg.norm(g))
    plt.close(fig)


def test_direction_slice_touches_with_the_directional_slope(ax, lmap):
    p = np.array([0.0, 1.0])
    r = plots.plot_direction_slice(ax, lmap, p, 30.0)
    curve, tangent = ax.lines[0], ax.lines[1]
    t, L = curve.get_data()
    _, line = tangent.get_data()
    k = np.argmin(np.abs(t))
    assert L[k] == pytest.approx(bowl(p)) and line[k] == pytest.approx(bowl(p))
    slope = (line[-1] - line[0]) / (t[-1] - t[0])
    assert slope == pytest.approx(r.slope) and r.measured == pytest.approx(r.slope, abs=1e-6)


def test_direction_slice_limits_hold_every_direction(lmap):
    p = np.array([0.0, 1.0])
    lo, hi = plots.direction_slice_limits(lmap, p)
    for angle in np.arange(0.0, 360.0, 7.0):
        u = plots.unit_direction(bowl_grad(p), angle)
        ts = np.linspace(-1.0, 1.0, 81)
        values = bowl(p[:, None] + u[:, None] * ts)
        assert lo < values.min() and values.max() < hi


def test_direction_explorer_measures_the_cosine():
    p = np.array([2.0, 0.5])
    ex = plots.direction_explorer(bowl, bowl_grad, p, angle=30.0)
    fig, r = ex.render(angle=135.0)
    dots = fig.axes[2].lines[2]                       # the measured slopes, every 30 degrees
    ang, measured = dots.get_data()
    assert np.allclose(measured, np.linalg.norm(bowl_grad(p)) * np.cos(np.radians(ang)), atol=1e-6)
    assert r.angle == 135.0
    plt.close(fig)


# ------------------------------------------------------------------ which parameters matter
def test_ranked_partials_sorts_by_size_and_keeps_signs(ax):
    g = np.array([0.5, -3.0, 1.2, -0.1])
    r = plots.plot_ranked_partials(ax, g, ["a", "b", "c", "d"])
    assert r.order.tolist() == [1, 2, 0, 3] and r.names == ["b", "c", "a", "d"]
    widths = [bar.get_width() for bar in ax.patches]
    assert np.allclose(widths, g[r.order])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("b") and labels[-1].startswith("d")        # largest on top
    with pytest.raises(ValueError, match="`names` must hold one name per partial"):
        plots.plot_ranked_partials(ax, g, ["a"])


def test_ranked_partials_on_a_log_axis_end_at_the_sizes(ax):
    g = np.array([0.02, -5.0, 0.4])
    plots.plot_ranked_partials(ax, g, ["a", "b", "c"], log=True, xlim=(1e-3, 10.0))
    assert ax.get_xscale() == "log"
    ends = sorted(bar.get_x() + bar.get_width() for bar in ax.patches)
    assert np.allclose(ends, sorted(np.abs(g)))


def test_nudges_fall_as_the_partials_predict():
    theta = np.array([0.3, -0.2, 1.0])

    def f(t):
        return t[0] ** 2 + 5 * t[1] ** 2 + np.sin(t[2])

    g = np.array([0.6, -2.0, np.cos(1.0)])
    eff = plots.nudge_effects(f, theta, g, 1e-3)
    assert np.allclose(eff.predicted, -1e-3 * np.abs(g))
    assert np.allclose(eff.actual, eff.predicted, rtol=0.02)
    assert np.all(eff.actual < 0)
    assert np.argmin(eff.actual) == np.argmax(np.abs(g))                   # the largest partial falls most


def test_ranking_path_follows_gradient_descent():
    path = plots.ranking_path(bowl, bowl_grad, [3.0, 2.0], lr=0.2, steps=30)
    assert path.steps == 30 and path.grads.shape == (31, 2)
    assert np.all(np.diff(path.losses) < 0)
    theta = np.array([3.0, 2.0])
    for k in range(3):
        assert np.allclose(path.grads[k], bowl_grad(theta))
        theta = theta - 0.2 * bowl_grad(theta)
    lo, hi = path.xlim
    assert lo <= np.min(np.abs(path.grads[path.grads != 0])) or lo >= 1e-4 * hi


def test_ranking_step_names_the_largest_partial(ax):
    path = plots.ranking_path(bowl, bowl_grad, [3.0, 2.0], lr=0.2, steps=30)
    r = plots.plot_ranking_step(ax, path, ["w", "b"], 5)
    assert r.names[0] == ["w", "b"][int(np.argmax(np.abs(path.grads[5])))]
    assert r.names[0] + " matters most" in ax.get_title()
    with pytest.raises(ValueError, match="`k` must be a step between 0 and 30"):
        plots.plot_ranking_step(ax, path, ["w", "b"], 31)
