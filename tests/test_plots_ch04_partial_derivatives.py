"""calclib.plots.ch04_partial_derivatives: what the chapter 4 figures draw."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402


def bowl(w, b):
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    return w**2 + w * b + 2 * b**2 - w


def dbowl(w, b):
    return 2 * w + b - 1, w + 4 * b


RNG = np.random.default_rng(0)
X = RNG.normal(size=(15, 5))
Y = RNG.normal(size=15)
THETA = RNG.normal(size=5)


def mse(t):
    return np.mean((X @ t - Y) ** 2)


def mse_partials(t):
    return 2 * X.T @ (X @ t - Y) / len(Y)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


# ------------------------------------------------------------ two parameters
def test_loss_grid_holds_the_values_and_contours_lie_on_their_levels():
    g = plots.loss_grid(bowl, (-1, 2), (-1, 1), n=41, levels=6)
    W, B = np.meshgrid(g.w, g.b)
    assert np.allclose(g.values, bowl(W, B))
    assert g.zlim == pytest.approx((g.values.min(), g.values.max()))
    assert len(g.contours) == 6 and np.all(np.diff(g.levels) > 0)
    for level, lines in zip(g.levels, g.contours):
        pts = np.concatenate(lines)
        assert np.allclose(bowl(pts[:, 0], pts[:, 1]), level, atol=0.02 * np.ptp(g.values))


def test_loss_grid_refuses_a_function_that_is_not_vectorised():
    with pytest.raises(ValueError, match="`f` must return finite numbers of the grid's shape"):
        plots.loss_grid(lambda w, b: 1.0, (-1, 1), (-1, 1), n=5)


def test_the_slices_are_the_loss_along_one_parameter_with_the_partials_as_slopes():
    fig, (a, b_ax, c) = plt.subplots(1, 3)
    g = plots.loss_grid(bowl, (-1, 2), (-1, 1), n=41)
    r = plots.plot_slices(a, b_ax, c, bowl, dbowl, g, 0.5, -0.25)
    assert (r.dw, r.db) == pytest.approx(dbowl(0.5, -0.25))
    assert r.value == pytest.approx(bowl(0.5, -0.25))
    curve_w, tangent_w = b_ax.lines[:2]
    assert np.allclose(curve_w.get_ydata(), bowl(g.w, -0.25))
    t, y = tangent_w.get_data()
    assert np.allclose(y, r.value + r.dw * (t - 0.5))
    curve_b, tangent_b = c.lines[:2]
    assert np.allclose(curve_b.get_xdata(), g.b) and np.allclose(curve_b.get_ydata(), bowl(0.5, g.b))
    t, y = tangent_b.get_data()
    assert np.allclose(y, r.value + r.db * (t + 0.25))
    # on the map: the line along which only w moves is horizontal at b, the other vertical at w
    horizontal, vertical = a.lines[:2]
    assert np.allclose(horizontal.get_ydata(), -0.25) and np.allclose(vertical.get_xdata(), 0.5)
    assert "∂L/∂w" in b_ax.get_title() and "∂L/∂b" in c.get_title()
    plt.close(fig)


def test_the_slope_along_w_depends_on_b():
    g = plots.loss_grid(bowl, (-1, 2), (-1, 1), n=21)
    fig, axes = plt.subplots(1, 3)
    slopes = [plots.plot_slices(*axes, bowl, dbowl, g, 0.5, b).dw for b in (-1.0, 0.0, 1.0)]
    plt.close(fig)
    assert np.allclose(np.diff(slopes), 1.0)            # d/db of dL/dw = 1 for this bowl


def test_surface_with_slices():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    g = plots.loss_grid(bowl, (-1, 2), (-1, 1), n=31)
    value = plots.plot_surface_slices(ax, bowl, g, 0.5, 0.0)
    assert value == pytest.approx(bowl(0.5, 0.0))
    xs, ys, zs = ax.lines[0].get_data_3d()
    assert np.allclose(ys, 0.0) and np.allclose(zs, bowl(xs, 0.0))
    plt.close(fig)


def test_slice_explorer():
    ex = plots.slice_explorer(bowl, dbowl, w=0.5, b=0.0, wlim=(-1, 2), blim=(-1, 1))
    assert [s.name for s in ex.sliders] == ["w", "b"]
    fig, r = ex.render(w=1.0, b=0.5)
    assert (r.dw, r.db) == pytest.approx(dbowl(1.0, 0.5))
    plt.close(fig)


# ------------------------------------------------------------ many parameters
def test_parameter_nudge_is_a_forward_difference_of_order_one():
    exact = mse_partials(THETA)
    errors = []
    for h in (1e-2, 5e-3, 2.5e-3):
        r = plots.parameter_nudge(mse, mse_partials, THETA, 2, h)
        e = np.zeros(5)
        e[2] = h
        assert r.estimate == pytest.approx((mse(THETA + e) - mse(THETA)) / h)
        assert r.exact == pytest.approx(exact[2]) and r.evaluations == 2
        errors.append(abs(r.estimate - r.exact))
    assert errors[0] / errors[1] == pytest.approx(2, rel=0.02)
    assert errors[1] / errors[2] == pytest.approx(2, rel=0.02)


@pytest.mark.parametrize("i, h, match", [(5, 0.1, "`i` must be a parameter index in range\\(5\\)"),
                                         (-1, 0.1, "`i` must be a parameter index"),
                                         (0, -0.1, "`h` must be positive")])
def test_parameter_nudge_refuses_bad_index_and_step(i, h, match):
    with pytest.raises(ValueError, match=match):
        plots.parameter_nudge(mse, mse_partials, THETA, i, h)


def test_parameter_nudge_needs_one_partial_per_parameter():
    with pytest.raises(ValueError, match="`grad` must return one partial per parameter"):
        plots.parameter_nudge(mse, lambda t: np.zeros(3), THETA, 0, 0.1)


def test_plot_parameter_nudge_bars_diamond_and_secant():
    fig, (a, b) = plt.subplots(1, 2)
    r = plots.plot_parameter_nudge(a, b, mse, mse_partials, THETA, 3, 0.5)
    assert [p.get_height() for p in a.patches] == pytest.approx(list(mse_partials(THETA)))
    assert a.patches[3].get_facecolor() != a.patches[0].get_facecolor()     # the chosen one stands out
    diamond = next(ln for ln in a.lines if ln.get_marker() == "D")
    assert diamond.get_xdata()[0] == 3 and diamond.get_ydata()[0] == pytest.approx(r.estimate)
    assert not a.containers
    curve = b.lines[0]
    t, values = curve.get_data()
    e = np.zeros(5)
    e[3] = 1.0
    assert np.allclose(values, [mse(THETA + s * e) for s in t])
    secant = b.lines[2]
    (t0, t1), (y0, y1) = secant.get_data()
    assert (t0, t1) == (0, 0.5) and (y1 - y0) / 0.5 == pytest.approx(r.estimate)
    plt.close(fig)


def test_parameter_nudge_explorer_has_fixed_limits():
    ex = plots.parameter_nudge_explorer(mse, mse_partials, THETA)
    assert [s.name for s in ex.sliders] == ["i", "h"] and ex.sliders[1].log
    limits = set()
    for i in (1.0, 5.0):                     # the slider counts parameters from 1, as θ1 ... θ5
        fig, r = ex.render(i=i, h=0.01)
        assert r.i == int(i) - 1
        limits.add((fig.axes[0].get_ylim(), fig.axes[1].get_ylim()))
        plt.close(fig)
    assert len(limits) == 1


# ------------------------------------------------------------ cost
def test_partials_cost_draws_what_it_is_given():
    fig, (a, b) = plt.subplots(1, 2)
    ns, evals = [10, 100, 1000], [21, 201, 2001]
    plots.plot_partials_cost(a, b, ns, evals, [2, 2, 2], numerical_seconds=[1e-3, 1e-2, 1e-1],
                             autodiff_seconds=[1e-4, 1e-4, 2e-4], evaluation_seconds=[1e-5, 2e-5, 4e-5])
    assert np.allclose(a.lines[0].get_ydata(), evals) and np.allclose(a.lines[1].get_ydata(), 2)
    numerical, alone, autodiff, one = b.lines[:4]
    assert np.allclose(numerical.get_ydata(), [1, 10, 100])                    # milliseconds
    assert np.allclose(alone.get_ydata(), np.array(evals) * [1e-2, 2e-2, 4e-2])
    assert np.allclose(autodiff.get_ydata(), [0.1, 0.1, 0.2])
    assert "n = 1000" in b.get_title() and "400x" in b.get_title()              # 2001 * 0.04 / 0.2
    assert a.get_xscale() == "log" and b.get_yscale() == "log"
    plt.close(fig)
