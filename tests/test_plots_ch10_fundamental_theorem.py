"""calclib.plots.ch10_fundamental_theorem: what the chapter 10 figures draw."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402


def f(t):
    return np.cos(2 * t) + t / 3


def F_exact(x):
    return np.sin(2 * x) / 2 + x**2 / 6


A = np.diag([1.0, 4.0])


def quad(theta):
    return theta @ A @ theta / 2


def dquad(theta):
    return A @ theta


def polygon_area(path):
    """Signed area of a closed path (shoelace), taken positive."""
    x, y = path.vertices[:, 0], path.vertices[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


# ------------------------------------------------------------ the accumulation function
def test_accumulation_curve_is_the_antiderivative_and_its_slope_is_f():
    c = plots.accumulation_curve(f, 0.0, (0.0, 4.0))
    assert np.allclose(c.F, F_exact(c.t), atol=1e-12)
    for x in (0.3, 1.5, 3.7):
        assert c.value(x) == pytest.approx(F_exact(x), abs=1e-12)
        assert c.slope(x) == pytest.approx(f(x), abs=1e-8)


@pytest.mark.parametrize("x", [0.8, 1.6, 3.2])
def test_shaded_area_is_F_and_the_tangent_has_slope_f(x):
    fig, (a, b) = plt.subplots(2, 1)
    c = plots.accumulation_curve(f, 0.0, (0.0, 4.0))
    r = plots.plot_accumulation(a, b, c, x)
    pos, neg = a.collections[:2]
    signed = sum(polygon_area(p) for p in pos.get_paths()) - sum(polygon_area(p) for p in neg.get_paths())
    assert signed == pytest.approx(F_exact(x), abs=2e-3)            # the shaded area is F(x)
    assert (r.F, r.f) == (pytest.approx(F_exact(x), abs=1e-12), pytest.approx(f(x)))
    assert r.slope == pytest.approx(f(x), abs=1e-8)
    tangent = next(ln for ln in b.get_lines() if len(ln.get_xdata()) == 2 and np.ptp(ln.get_xdata()) > 0)
    (x0, x1), (y0, y1) = tangent.get_data()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(f(x))
    assert np.interp(x, [x0, x1], [y0, y1]) == pytest.approx(F_exact(x), abs=1e-12)
    assert f"{r.F:.3f}" in a.get_title() and f"{r.slope:.4f}" in b.get_title()
    plt.close(fig)


def test_accumulation_explorer_and_multiples():
    ex = plots.accumulation_explorer(f, 0.0, (0.0, 4.0))
    for x in (0.0, 4.0):
        fig, r = ex.render(x=x)
        assert r.slope == pytest.approx(f(x), abs=1e-7) and r.F == pytest.approx(F_exact(x), abs=1e-12)
        assert fig.axes[1].get_ylim() == ex.render(x=2.0)[0].axes[1].get_ylim()     # a fixed frame
        plt.close("all")
    fig, res = plots.accumulation_multiples(f, 0.0, [0.5, 2.5], (0.0, 4.0))
    assert len(fig.axes) == 4 and [r.x for r in res] == [0.5, 2.5]
    plt.close(fig)


# ------------------------------------------------------------ many small steps
def test_descent_run_is_gradient_descent_for_time_T():
    r = plots.flow_run(quad, dquad, [1.0, 1.0], 0.1, 2.0)
    assert len(r.losses) == 21 and np.allclose(r.times, 0.1 * np.arange(21))
    theta = np.array([1.0, 1.0])
    for k in range(20):                                               # the same steps by hand
        theta = theta - 0.1 * dquad(theta)
    assert np.allclose(r.path[-1], theta)
    assert np.sum(r.changes) == pytest.approx(r.losses[-1] - r.losses[0])   # telescoping
    g = np.array([dquad(th) for th in r.path[:-1]])
    assert np.allclose(r.forecasts, -0.1 * np.sum(g * g, axis=1))
    assert np.all(r.forecasts <= r.changes + 1e-15)                  # convex loss: the tangent over-promises


def test_gradient_flow_matches_the_exact_solution_and_the_theorem():
    fl = plots.gradient_flow(quad, dquad, [1.0, 1.0], 1.5)
    exact = np.exp(-np.outer(fl.t, [1.0, 4.0]))
    assert np.allclose(fl.theta, exact, atol=1e-10)
    assert np.allclose(fl.grad_sq, np.sum((exact * [1.0, 4.0]) ** 2, axis=1))
    assert fl.rate_integral() == pytest.approx(fl.losses[-1] - fl.losses[0], abs=1e-10)
    with pytest.raises(ValueError, match="`n` must be even"):
        plots.gradient_flow(quad, dquad, [1.0, 1.0], 1.0, n=3)


def test_small_steps_approach_the_flow():
    fl = plots.gradient_flow(quad, dquad, [1.0, 1.0], 1.5)
    flow_change = fl.losses[-1] - fl.losses[0]
    gaps = []
    for lr in (0.15, 0.05, 0.015):
        r = plots.flow_run(quad, dquad, [1.0, 1.0], lr, 1.5)
        gaps.append((abs(np.sum(r.forecasts) - flow_change), abs(np.sum(r.changes) - flow_change)))
    gaps = np.array(gaps)
    assert np.all(np.diff(gaps, axis=0) < 0)                          # both shrink with the step
    assert gaps[-1, 0] < 0.15 * gaps[0, 0]                           # about in proportion to η


def test_rate_panel_bars_have_the_steps_changes_as_areas(tmp_path):
    fig, (a, b) = plt.subplots(1, 2)
    run = plots.flow_run(quad, dquad, [1.0, 1.0], 0.1, 1.0)
    fl = plots.gradient_flow(quad, dquad, [1.0, 1.0], 1.0)
    r = plots.plot_flow_run(a, b, run, fl)
    (bars,) = [p for p in b.patches if hasattr(p, "get_data")]
    heights, edges = bars.get_data()[:2]
    assert np.allclose(heights * np.diff(edges), run.changes)        # area of each bar = the change
    dots = b.get_lines()[1]
    assert np.allclose(dots.get_ydata(), -run.grad_sq[:-1])
    assert r.steps == 10 and r.sum_of_changes == pytest.approx(r.total_change)
    assert r.flow_change == pytest.approx(fl.losses[-1] - fl.losses[0])
    assert f"{r.sum_of_forecasts:.3f}" in b.get_title()
    plt.close(fig)


def test_descent_explorer_ends_and_multiples():
    ex = plots.flow_run_explorer(quad, dquad, [1.0, 1.0], 2.0)
    assert (ex.sliders[0].min, ex.sliders[0].max) == (0.01, 0.3)
    results = []
    for lr in (0.01, 0.3):
        fig, r = ex.render(lr=lr)
        results.append(r)
        plt.close(fig)
    assert results[0].steps == 200 and results[1].steps == 7
    assert abs(results[0].sum_of_forecasts - results[0].flow_change) < \
        abs(results[1].sum_of_forecasts - results[1].flow_change)
    fig, res = plots.flow_run_multiples(quad, dquad, [1.0, 1.0], 2.0, [0.2, 0.02])
    assert [r.lr for r in res] == [0.2, 0.02] and len(fig.axes) == 2
    plt.close(fig)
