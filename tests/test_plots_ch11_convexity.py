"""calclib.plots.ch11_convexity: what the chapter 11 figures draw, and the helpers behind them."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402
from calclib.differentiate import gradient, hessian, second_derivative  # noqa: E402
from calclib.functions import Example, double_well  # noqa: E402
from calclib.nn import make_moons  # noqa: E402
from calclib.plots import ch11_convexity as c  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(scope="module")
def moons():
    return make_moons(60, noise=0.15, rng=3)


@pytest.fixture(scope="module")
def two_runs(moons):
    X, y = moons
    return [c.train_tanh_classifier(X, y, hidden=(6,), seed=s, steps=400, lr=1.0) for s in (1, 2)]


def line_of(artists, n):
    """The drawn lines with exactly `n` points."""
    return [ln for ln in artists if len(ln.get_xdata()) == n]


# ------------------------------------------------------------ the example functions
def test_convex_example_has_its_minimum_at_omega():
    ex = c.convex_example()
    assert ex.df(c.OMEGA) == pytest.approx(0.0, abs=1e-15)
    assert c.OMEGA == pytest.approx(np.exp(-c.OMEGA), abs=1e-15)          # x = e^-x
    xs = np.linspace(-4, 4, 81)
    assert np.allclose(second_derivative(ex.f, xs), ex.d2f(xs), rtol=1e-6)
    assert np.all(ex.d2f(xs) > 0)


def test_saddle_example_gradient_and_hessian_match_finite_differences():
    s = c.saddle_example()
    for p in ([0.3, -0.7], [1.2, 0.4], [-0.5, 1.5]):
        p = np.array(p)
        assert np.allclose(s.grad(p), gradient(s.f, p), rtol=1e-8, atol=1e-9)
        assert np.allclose(s.hessian(p), hessian(s.f, p), rtol=1e-5, atol=1e-6)
    assert np.linalg.eigvalsh(s.hessian(np.zeros(2))).tolist() == [-4.0, 2.0]
    assert np.all(np.linalg.eigvalsh(s.hessian(np.array([1.0, 0.0]))) > 0)
    assert not np.signbit(s.grad(np.zeros(2))).any()                       # prints as 0., never -0.


# ------------------------------------------------------------ chords
def test_chord_profile_joins_the_two_ends():
    x, fx, chord = c.chord_profile(np.exp, -1.0, 2.0, n=11)
    assert x[0] == -1.0 and x[-1] == 2.0
    assert chord[0] == pytest.approx(np.exp(-1.0)) and chord[-1] == pytest.approx(np.exp(2.0))
    assert np.allclose(np.diff(chord, 2), 0.0, atol=1e-12)                 # a straight line
    assert np.all(fx <= chord + 1e-12)


def test_no_chord_of_a_convex_function_dips_below_its_graph(ax):
    rng = np.random.default_rng(0)
    bowl = c.convex_example()
    for a, b in rng.uniform(-1.8, 1.8, size=(30, 2)):
        assert c.plot_chord(ax, bowl.f, a, b).convex_here


def test_the_double_well_rises_above_the_chord_across_its_hump(ax):
    r = c.plot_chord(ax, double_well().f, -1.0, 1.0)
    assert not r.convex_here
    assert r.max_gap == pytest.approx(1.0, abs=1e-3) and r.x_at_max == pytest.approx(0.0, abs=0.02)
    assert "rises 1.00 above" in ax.get_title()
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"][0]
    assert np.allclose(dashed.get_xydata(), [[-1.0, 0.0], [1.0, 0.0]])      # the chord's two ends
    # one side of the hump only: the chord stays above
    assert c.plot_chord(ax, double_well().f, -1.6, -0.6).convex_here


def test_chord_explorer_draws_both_curves_with_the_same_ends():
    ex = c.chord_explorer(c.convex_example(), double_well(), a=-1.0, b=1.0)
    fig, (left, right) = ex.render()
    assert (left.a, left.b) == (right.a, right.b) == (-1.0, 1.0)
    assert left.convex_here and not right.convex_here
    assert [s.name for s in ex.sliders] == ["a", "b"]
    plt.close(fig)


def test_chord_profile_refuses_bad_input():
    with pytest.raises(TypeError, match="`f`"):
        c.chord_profile(3.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="`a` must be finite"):
        c.chord_profile(np.exp, np.inf, 1.0)
    with pytest.raises(ValueError, match="`n`"):
        c.chord_profile(np.exp, 0.0, 1.0, n=1)


# ------------------------------------------------------------ tangents and curvature
def test_tangents_stay_below_a_convex_graph_and_cross_a_concave_part(ax):
    r = c.plot_tangents_below(ax, c.convex_example(), [-1.3, 0.0, 1.4])
    assert not r.crosses.any() and ax.get_title() == "every tangent stays below the graph"
    r = c.plot_tangents_below(ax, double_well(), [-1.3, 0.2, 0.9])
    # 0.2 lies where the well bends down; the tangent at 0.9 bends the right way locally but still
    # passes above the other well's bottom: convexity is a global property
    assert r.crosses.tolist() == [False, True, True]
    assert ax.get_title().startswith("2 of 3 tangents rise above")


def test_curvature_shows_where_the_double_well_bends_down(ax):
    r = c.plot_curvature_sign(ax, double_well())
    (lo, hi), = r.negative
    assert lo == pytest.approx(-1 / np.sqrt(3), abs=0.01) and hi == pytest.approx(1 / np.sqrt(3), abs=0.01)
    assert r.min_d2f == pytest.approx(-4.0)
    r = c.plot_curvature_sign(ax, c.convex_example())
    assert r.negative == [] and r.min_d2f > 1 and "convex" in ax.get_title()


def test_curvature_needs_a_second_derivative(ax):
    with pytest.raises(ValueError, match="`ex` must have a second derivative"):
        c.plot_curvature_sign(ax, Example("no d2f", np.sin, np.cos, "sin"))


# ------------------------------------------------------------ descent from a start
def test_local_minima_of_the_tilted_double_well():
    w = double_well(tilt=0.3)
    m = c.curve_minima(w)
    assert len(m) == 2 and np.allclose(w.df(m), 0.0, atol=1e-9)
    assert np.all(w.d2f(m) > 0)
    assert w.f(m[0]) < w.f(m[1])                                   # the left one is the global minimum


@pytest.mark.parametrize("x0, side", [(-1.5, -1), (0.05, -1), (0.1, 1), (1.5, 1)])
def test_descent_ends_in_the_basin_of_its_start(ax, x0, side):
    w = double_well(tilt=0.3)
    r = c.plot_descent_from_start(ax, w, x0)
    assert np.sign(r.x_end) == side and r.is_global == (side < 0)
    assert abs(w.df(r.x_end)) < 1e-7
    assert np.all(np.diff(w.f(r.path)) <= 1e-15)                  # small steps: the loss never rises
    assert ("the global" in ax.get_title()) == (side < 0)


def test_descent_shades_the_two_basins_split_at_the_hilltop(ax):
    w = double_well(tilt=0.3)
    c.plot_descent_from_start(ax, w, 0.3)
    spans = sorted(p.get_x() for p in ax.patches)
    edges = sorted({round(x, 3) for p in ax.patches for x in (p.get_x(), p.get_x() + p.get_width())})
    hilltop = [x for x in edges if -1.5 < x < 1.5][0]
    assert w.df(hilltop) == pytest.approx(0.0, abs=0.01) and w.d2f(hilltop) < 0
    assert len(spans) == 2


# ------------------------------------------------------------ the saddle
def test_saddle_grid_traces_the_level_set_through_the_saddle():
    s = c.saddle_example()
    g = c.saddle_grid(s, n=80, levels=(1.0, 2.5))
    for level, lines in zip(g.levels, g.lines):
        pts = np.concatenate(lines)
        assert np.allclose(s.f(pts.T), level, atol=0.02)
    assert np.min(np.hypot(*np.concatenate(g.lines[0]).T)) < 0.05     # it passes through (0, 0)


def test_the_plateau_at_the_saddle_grows_like_log_one_over_eps():
    s = c.saddle_example()
    g = c.saddle_grid(s, n=20)
    near = []
    for eps in (1e-4, 1e-6, 1e-8):
        fig, (a, b) = plt.subplots(1, 2)
        r = c.plot_saddle_descent(a, b, s, g, [eps, 1.6], maxiter=200)
        assert np.allclose(np.abs(r.end), [1.0, 0.0], atol=1e-4)
        near.append(r.near_saddle)
        plt.close(fig)
    # each factor 100 closer adds about ln(100) / ln(1 + 4 * 0.05) = 25 steps
    assert np.diff(near) == pytest.approx([25, 25], abs=2)


def test_descent_started_on_the_ridge_stops_at_the_saddle():
    s = c.saddle_example()
    g = c.saddle_grid(s, n=20)
    fig, (a, b) = plt.subplots(1, 2)
    r = c.plot_saddle_descent(a, b, s, g, [0.0, 1.6], maxiter=400)
    assert np.allclose(r.end, [0.0, 0.0], atol=1e-9) and r.near_saddle > 200   # it stays there
    assert r.losses[-1] == pytest.approx(1.0)
    plt.close(fig)


# ------------------------------------------------------------ the network
def test_moons_loss_is_the_logistic_loss(moons):
    X, y = moons
    rng = np.random.default_rng(1)
    w = [(rng.normal(size=(2, 4)), rng.normal(size=4)), (rng.normal(size=(4, 1)), rng.normal(size=1))]
    z = np.tanh(X @ w[0][0] + w[0][1]) @ w[1][0][:, 0] + w[1][1][0]
    s = 2 * y - 1
    assert c.moons_loss(w, X, y) == pytest.approx(np.mean(np.log(1 + np.exp(-s * z))), rel=1e-12)


def test_training_lowers_the_loss_at_every_step(moons, two_runs):
    X, y = moons
    for run in two_runs:
        assert len(run.losses) == 401 and len(run.grad_sq) == 400
        assert np.all(np.diff(run.losses) < 0)
        assert run.losses[-1] == pytest.approx(c.moons_loss(run.weights, X, y), rel=1e-12)
        # the first-order forecast -lr |g|^2 of each step's change, close where steps are small
        late = slice(200, 400)
        change = np.diff(run.losses)[late]
        assert np.allclose(change, -run.lr * run.grad_sq[late], rtol=0.2)


def test_gradient_of_training_matches_finite_differences(moons):
    """grad_sq is |grad L|^2 of the loss moons_loss computes (checked on the first step)."""
    X, y = moons
    run = c.train_tanh_classifier(X, y, hidden=(3,), seed=5, steps=1, lr=1e-12)
    theta = np.concatenate([np.r_[W.ravel(), b] for W, b in run.weights])

    def loss(v):
        out, k = [], 0
        for W, b in run.weights:
            n = W.size
            out.append((v[k:k + n].reshape(W.shape), v[k + n:k + n + b.size]))
            k += n + b.size
        return c.moons_loss(out, X, y)

    assert run.grad_sq[0] == pytest.approx(np.sum(gradient(loss, theta) ** 2), rel=1e-6)


def test_swapping_hidden_units_keeps_the_loss_and_changes_the_parameters(moons, two_runs):
    X, y = moons
    w = two_runs[0].weights
    perm = np.array([5, 4, 3, 2, 1, 0])
    p = c.permute_hidden_units(w, perm)
    assert c.moons_loss(p, X, y) == pytest.approx(c.moons_loss(w, X, y), rel=1e-12)
    assert not np.allclose(p[0][0], w[0][0])
    assert np.array_equal(p[0][0][:, 0], w[0][0][:, 5]) and np.array_equal(p[1][0][0], w[1][0][5])
    assert c.loss_along_line(w, p, X, y, [0.5])[0] > c.moons_loss(w, X, y) + 0.05     # not convex
    with pytest.raises(ValueError, match="`perm` must be a permutation"):
        c.permute_hidden_units(w, [0, 0, 1, 2, 3, 4])


def test_loss_along_line_starts_and_ends_at_the_two_solutions(moons, two_runs):
    X, y = moons
    wa, wb = two_runs[0].weights, two_runs[1].weights
    line = c.loss_along_line(wa, wb, X, y, [0.0, 1.0])
    assert line == pytest.approx([c.moons_loss(wa, X, y), c.moons_loss(wb, X, y)], rel=1e-12)


def test_plot_loss_along_line_measures_the_hill_above_the_chord(ax):
    ts = np.linspace(-0.25, 1.25, 61)
    losses = 0.1 + 0.2 * ts + np.sin(np.pi * np.clip(ts, 0, 1))
    r = c.plot_loss_along_line(ax, ts, losses)
    assert r.max_above_chord == pytest.approx(1.0, abs=1e-3) and r.t_at_max == pytest.approx(0.5, abs=0.03)
    chord = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"][0]
    assert np.allclose(chord.get_xydata(), [[0, 0.1], [1, 0.3]])


def test_training_curves_draw_every_run(ax, two_runs):
    lines = c.plot_seed_loss_curves(ax, two_runs)
    assert [np.array_equal(ln.get_ydata(), r.losses) for ln, r in zip(lines, two_runs)] == [True, True]
    assert ax.get_yscale() == "log"


def test_training_refuses_bad_arguments(moons):
    X, y = moons
    with pytest.raises(ValueError, match="`lr`"):
        c.train_tanh_classifier(X, y, lr=-1.0)
    with pytest.raises(ValueError, match="`X` must be 2-D"):
        c.train_tanh_classifier(X[:, 0], y)


# ------------------------------------------------------------ explorers
def test_explorers_render_at_their_defaults():
    for ex in (c.descent_start_explorer(double_well(tilt=0.3)), c.saddle_explorer(c.saddle_example())):
        fig, r = ex.render()
        assert r is not None
        plt.close(fig)
    assert plots.descent_start_explorer is c.descent_start_explorer
