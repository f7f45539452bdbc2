"""calclib.plots.ch03_simple_operations: what the chapter 3 figures draw."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def f3(a, b, c):
    return a**2 + b**3 - c


def partials3(a, b, c):
    return (2 * a, 3 * b**2, -1.0)


def polygon_area(xy):
    x, y = np.asarray(xy, dtype=float).T
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


# ------------------------------------------------------------ the product x y
@pytest.mark.parametrize("x, y, dx, dy", [(3.0, 2.0, 0.5, 0.25), (1.0, 0.5, 1.0, 1.0), (2.5, 1.5, 0.05, 0.3)])
def test_the_pieces_add_up_to_the_new_area(x, y, dx, dy):
    r = plots.product_area(x, y, dx, dy)
    assert (r.strip_x, r.strip_y, r.corner) == pytest.approx((y * dx, x * dy, dx * dy))
    assert r.change == pytest.approx((x + dx) * (y + dy) - x * y)
    assert r.corner_share == pytest.approx(100 * dx * dy / r.change)


def test_the_corner_share_halves_with_the_nudges_and_vanishes_for_one_nudge():
    shares = [plots.product_area(3.0, 2.0, d, d).corner_share for d in (1e-2, 5e-3, 2.5e-3)]
    assert shares[0] / shares[1] == pytest.approx(2, rel=0.01)
    assert shares[1] / shares[2] == pytest.approx(2, rel=0.01)
    only_x = plots.product_area(3.0, 2.0, 0.4, 0.0)
    assert only_x.corner == 0 and only_x.corner_share == 0 and only_x.change == pytest.approx(2.0 * 0.4)
    assert plots.product_area(3.0, 2.0, 0.0, 0.0).change == 0


def test_plot_product_area_draws_each_piece_with_its_size(ax):
    plots.plot_product_area(ax, 3.0, 2.0, 0.5, 0.25)
    sizes = [(p.get_x(), p.get_y(), p.get_width(), p.get_height()) for p in ax.patches]
    assert sizes == [(0, 0, 3.0, 2.0), (3.0, 0, 0.5, 2.0), (0, 2.0, 3.0, 0.25), (3.0, 2.0, 0.5, 0.25)]
    assert ax.get_xlim() == (0, 4.2) and ax.get_ylim() == (0, 3.2)
    assert "corner" in ax.get_title()


def test_plot_product_area_says_when_one_side_alone_moves(ax):
    plots.plot_product_area(ax, 3.0, 2.0, 0.0, 0.5)
    assert "only y nudged" in ax.get_title() and "x·dy" in ax.get_title()


def test_shares_bars_are_percentages_of_the_change(ax):
    r = plots.plot_product_shares(ax, plots.product_area(3.0, 2.0, 0.5, 0.5))
    heights = [b.get_height() for b in ax.patches]
    assert sum(heights) == pytest.approx(100)
    assert heights == pytest.approx([100 * v / r.change for v in (r.strip_x, r.strip_y, r.corner)])
    assert not ax.containers                       # nothing kept that a reused axes would show again


@pytest.mark.parametrize("call, match", [
    (lambda: plots.product_area(-1.0, 2.0, 0.1, 0.1), "`x` must be a positive side length"),
    (lambda: plots.product_area(1.0, 2.0, -0.1, 0.1), "`dx` must be >= 0"),
    (lambda: plots.product_area(1.0, np.nan, 0.1, 0.1), "`y` must be finite"),
    (lambda: plots.square_nudge(1.0, 0.0), "`d` must be a positive side length"),
    (lambda: plots.cube_nudge(0.0, 0.1), "`b` must be a positive side length"),
])
def test_bad_sides_and_nudges_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_product_rule_explorer_sliders_and_defaults():
    ex = plots.product_rule_explorer()
    assert [s.name for s in ex.sliders] == ["x", "y", "dx", "dy"]
    fig, r = ex.render(dx=0.1, dy=0.2)
    assert (r.x, r.y, r.dx, r.dy) == (3.0, 2.0, 0.1, 0.2)
    assert len(fig.axes) == 2
    plt.close(fig)


# ------------------------------------------------------------ powers
@pytest.mark.parametrize("a, d", [(1.5, 0.5), (0.5, 0.01), (2.0, 1.0)])
def test_square_nudge_pieces(a, d):
    r = plots.square_nudge(a, d)
    assert r.change == pytest.approx((a + d) ** 2 - a**2)
    assert (r.predicted, r.rest, r.slope) == pytest.approx((2 * a * d, d**2, 2 * a))


@pytest.mark.parametrize("b, d", [(1.0, 0.5), (0.5, 0.01), (1.5, 1.0)])
def test_cube_nudge_pieces(b, d):
    r = plots.cube_nudge(b, d)
    assert r.change == pytest.approx((b + d) ** 3 - b**3)
    assert (r.predicted, r.rest, r.slope) == pytest.approx((3 * b**2 * d, 3 * b * d**2 + d**3, 3 * b**2))


@pytest.mark.parametrize("nudge, slope", [(plots.square_nudge, 3.0), (plots.cube_nudge, 3 * 1.5**2)])
def test_change_over_d_tends_to_the_derivative_with_error_of_order_one(nudge, slope):
    ds = np.array([0.1, 0.05, 0.025, 0.0125])
    errors = np.array([nudge(1.5, d).ratio - slope for d in ds])
    assert np.all(errors > 0)
    order = np.polyfit(np.log(ds), np.log(errors), 1)[0]
    assert order == pytest.approx(1.0, abs=0.1)


def test_square_picture_pieces(ax):
    plots.plot_square_nudge(ax, 1.5, 0.5)
    sizes = [(p.get_width(), p.get_height()) for p in ax.patches]
    assert sizes == [(1.5, 1.5), (0.5, 1.5), (1.5, 0.5), (0.5, 0.5)]


def test_cube_picture_faces_are_the_square_picture_projected(ax):
    b, d = 1.0, 0.5
    plots.plot_cube_nudge(ax, b, d)
    paths = ax.collections[0].get_paths()
    assert len(paths) == 12                                   # 3 faces x (square, 2 strips, corner)
    # an isometric projection maps every face's areas by the same factor cos(30°)
    areas = np.array([polygon_area(p.vertices[:4]) for p in paths]) / np.cos(np.pi / 6)
    assert areas == pytest.approx([b * b, b * d, b * d, d * d] * 3)
    assert "3b²" in ax.get_title()


def test_power_rule_explorer():
    ex = plots.power_rule_explorer()
    assert [s.name for s in ex.sliders] == ["a", "b", "d"] and ex.sliders[2].log
    fig, (sq, cu) = ex.render(a=2.0, b=0.5, d=0.01)
    assert (sq.side, cu.side) == (2.0, 0.5) and sq.d == pytest.approx(0.01)
    plt.close(fig)


# ------------------------------------------------------------ one input at a time
def test_input_nudges_compare_the_change_with_the_partials():
    r = plots.input_nudges(f3, partials3, [1.5, 0.8, 2.0], [0.2, -0.3, 0.4])
    assert r.predicted == pytest.approx([3.0 * 0.2, 1.92 * -0.3, -0.4])
    assert r.actual == pytest.approx([1.7**2 - 1.5**2, 0.5**3 - 0.8**3, -0.4])
    miss = r.actual - r.predicted
    assert miss[0] == pytest.approx(0.2**2) and miss[2] == pytest.approx(0.0, abs=1e-15)
    assert r.actual_all == pytest.approx(r.actual.sum())          # the terms do not interact
    assert r.predicted_all == pytest.approx(r.predicted.sum())


def test_the_miss_quarters_when_the_nudge_halves():
    misses = []
    for d in (0.02, 0.01):
        r = plots.input_nudges(f3, partials3, [1.5, 0.8, 2.0], [0.0, d, 0.0])
        misses.append(r.actual[1] - r.predicted[1])
    assert misses[0] / misses[1] == pytest.approx(4, rel=0.02)


def test_plot_input_nudges_bars_show_both(ax):
    r = plots.plot_input_nudges(ax, f3, partials3, [1.5, 0.8, 2.0], [0.2, 0.0, -0.1])
    heights = np.array([p.get_height() for p in ax.patches])
    assert heights[:4] == pytest.approx(np.r_[r.actual, r.actual_all])
    assert heights[4:] == pytest.approx(np.r_[r.predicted, r.predicted_all])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["actual change of f", "prediction: partial × nudge"]


def test_input_nudges_refuse_mismatched_inputs():
    with pytest.raises(ValueError, match="`nudges` must hold one nudge per input"):
        plots.input_nudges(f3, partials3, [1.5, 0.8, 2.0], [0.1, 0.2])
    with pytest.raises(ValueError, match="`partials` must return one partial per input"):
        plots.input_nudges(f3, lambda a, b, c: (1.0, 2.0), [1.5, 0.8, 2.0], [0.1, 0.2, 0.0])
    with pytest.raises(TypeError, match="`f`"):
        plots.input_nudges(None, partials3, [1.5, 0.8, 2.0], [0.1, 0.2, 0.0])
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="`names` must name each of the 3 inputs"):
        plots.plot_input_nudges(ax, f3, partials3, [1.5, 0.8, 2.0], [0.1, 0.2, 0.0], names=("a", "b"))
    plt.close(fig)


def test_a_reused_nudge_explorer_shows_one_legend_entry_per_kind():
    ex = plots.input_nudge_explorer(f3, partials3, [1.5, 0.8, 2.0])
    assert [s.name for s in ex.sliders] == ["da", "db", "dc"]
    for v in (0.1, 0.3, -0.2):
        ex.image(da=v)
    fig, axes = ex._figure
    assert len(axes[0].get_legend().get_texts()) == 2
    plt.close(fig)
