"""calclib.plots: tested on what it draws, and every slider moved end to end."""
import json
import pathlib
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


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


# ------------------------------------------------------------ chapter 1
@pytest.mark.parametrize("x, h", [(0.5, 0.6), (-1.5, 0.2), (1.0, -0.4)])
def test_secant_passes_through_both_points_with_the_difference_quotient_slope(ax, x, h):
    r = plots.plot_secant(ax, cubic, x, h)
    assert line_height(r.secant, x) == pytest.approx(cubic(x), abs=1e-9)
    assert line_height(r.secant, x + h) == pytest.approx(cubic(x + h), abs=1e-9)
    assert r.slope == pytest.approx((cubic(x + h) - cubic(x)) / h, rel=1e-12)
    px, py = r.points.get_data()
    assert np.allclose(px, [x, x + h]) and np.allclose(py, [cubic(x), cubic(x + h)])
    assert f"{r.slope:.3f}" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()


def test_secant_refuses_zero_step(ax):
    with pytest.raises(ValueError, match="`h` must be a nonzero finite number"):
        plots.plot_secant(ax, cubic, 0.0, 0.0)
    with pytest.raises(TypeError, match="`f` must be callable"):
        plots.plot_secant(ax, 3.0, 0.0, 0.1)


def test_rate_curve_is_the_difference_quotient_at_every_start(ax):
    r = plots.plot_rate_curve(ax, cubic, 0.3, 0.25)
    assert np.allclose(r.rates, (cubic(r.grid + 0.25) - cubic(r.grid)) / 0.25)
    assert r.rate == pytest.approx((cubic(0.55) - cubic(0.3)) / 0.25)
    with pytest.raises(ValueError, match="`h`"):
        plots.plot_rate_curve(ax, cubic, 0.3, np.inf)


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


def test_power_of_ten_tick_labels():
    assert plots._power_of_ten(1e-5) == "10\u207b\u2075"
    assert plots._power_of_ten(10.0) == "10\u00b9"


def test_small_multiples_and_style():
    plots.use_course_style()
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][1] == plots.PALETTE["vermillion"]
    fig, res = plots.small_multiples(lambda ax, h: plots.plot_secant(ax, np.sin, 0.0, h),
                                     [{"h": h} for h in (1.0, 0.5, 0.2, 0.1, 0.05)], ncols=3)
    assert len(res) == 5
    assert sum(a.get_visible() for a in fig.axes) == 5
    plt.close(fig)
    with pytest.raises(ValueError, match="`params`"):
        plots.small_multiples(lambda ax: None, [])


# ------------------------------------------------------------ sliders
# The explorers the notebooks use, built as the notebooks build them.
EXPLORERS = {
    "secant_explorer": lambda: plots.secant_explorer(cubic, x=-1.0, h=1.0),
    "rate_explorer": lambda: plots.rate_explorer(cubic, x=-1.0, h=0.3),
    "tangent_explorer": lambda: plots.tangent_explorer(np.sin, np.cos, x=0.5, h=1.0),
    "linear_approx_explorer": lambda: plots.linear_approx_explorer(np.exp, np.exp, 0.0, h=0.316),
    "difference_error_explorer": lambda: plots.difference_error_explorer(np.exp, np.exp, 1.0, h=1e-4),
}


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_slider_callback_runs_over_its_whole_range(name):
    ex = EXPLORERS[name]()
    n = 0
    for values in ex.grid(5):           # both ends of every slider included
        fig, result = ex.render(**values)
        assert fig.axes and all(a.get_title() for a in fig.axes)
        plt.close(fig)
        n += 1
    assert n == 5 ** len(ex.sliders)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_slider_widgets_match_their_specs(name):
    ex = EXPLORERS[name]()
    widgets = ex.widgets()
    for s in ex.sliders:
        w = widgets[s.name]
        assert w.min == s.min and w.max == s.max
        assert w.value == pytest.approx(s.value)
        assert (type(w).__name__ == "FloatLogSlider") == s.log
        assert (10**s.min if s.log else s.min) <= s.value <= (10**s.max if s.log else s.max)


def test_explorer_refuses_unknown_slider():
    with pytest.raises(TypeError, match="unknown slider"):
        plots.secant_explorer(cubic).render(y=1.0)


def test_notebooks_only_use_tested_explorers():
    used = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                used |= set(re.findall(r"plots\.(\w+_explorer)\(", "".join(cell["source"])))
    assert used, "no notebook uses a calclib explorer"
    assert used <= set(EXPLORERS), f"explorers used in notebooks but not tested here: {used - set(EXPLORERS)}"
