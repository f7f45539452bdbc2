"""calclib.plots.ch01_change: what the chapter 1 figures draw."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402


def cubic(x):
    return x**3 - 2 * x


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
    r = plots.plot_secant(ax, cubic, x, h, show_numbers=True)
    box = "\n".join(t.get_text() for t in ax.texts)
    assert f"slope = rise / run = {r.slope:.3f}" in box and f"run   h = {h:.3f}" in box
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




def test_rate_explorer_panels_share_the_point_and_the_slope():
    fig, (a, b) = plt.subplots(2, 1)
    r = plots.plot_rate_explorer(a, b, cubic, 0.4, 0.5)
    top_points = [ln for ln in a.lines if ln.get_marker() == "o"][0].get_data()
    assert np.allclose(top_points[0], [0.4, 0.9])
    assert r.rate == pytest.approx((cubic(0.9) - cubic(0.4)) / 0.5)
    dot = [ln for ln in b.lines if ln.get_marker() == "o"][0]
    assert np.allclose(dot.get_data(), ([0.4], [r.rate]))
    assert f"{r.rate:.3f}" in a.get_title()
    plt.close(fig)


def test_rate_explorer_keeps_its_axes_still_while_h_moves():
    ex = plots.rate_explorer(cubic)
    limits = set()
    for h in ex.sliders[1].values(5):
        fig, _ = ex.render(h=h)
        limits.add(tuple(np.round(fig.axes[1].get_ylim(), 9)))
        plt.close(fig)
    assert len(limits) == 1
