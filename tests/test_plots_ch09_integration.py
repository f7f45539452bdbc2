"""calclib.plots.ch09_integration: what the chapter 9 figures draw."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import integrate, plots  # noqa: E402


def f(x):
    return 2 + np.sin(3 * x) + x / 2


EXACT = 5 + (1 - np.cos(6)) / 3          # integral of f over [0, 2]


def phi(x):
    return np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)


def normal(gen, n):
    return gen.standard_normal(n)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def shoelace(poly):
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


# ------------------------------------------------------------ the pieces of each rule
@pytest.mark.parametrize("rule", ["left", "right", "midpoint", "trapezoid"])
@pytest.mark.parametrize("n", [1, 2, 7])
def test_pieces_add_up_to_the_rule(rule, n):
    polys, nodes = plots.rule_pieces(f, 0.0, 2.0, n, rule)
    assert len(polys) == n
    assert sum(shoelace(p) for p in polys) == pytest.approx(plots.rule_estimate(f, 0.0, 2.0, n, rule), rel=1e-12)
    assert np.allclose(nodes[:, 1], f(nodes[:, 0]))                  # the heights are values of f
    width = 2.0 / n
    where = {"left": 0.0, "right": 1.0, "midpoint": 0.5}
    if rule in where:
        assert np.allclose(nodes[:, 0], width * (np.arange(n) + where[rule]))


def test_simpson_pieces_are_parabolas_through_three_points():
    polys, nodes = plots.rule_pieces(f, 0.0, 2.0, 4, "simpson", points_per_parabola=401)
    assert len(polys) == 2 and len(nodes) == 5
    for j, poly in enumerate(polys):
        top = poly[1:-1]
        x3, y3 = nodes[2 * j:2 * j + 3].T
        assert np.allclose(top[:, 1], np.polyval(np.polyfit(x3, y3, 2), top[:, 0]))
    area = sum(shoelace(p) for p in polys)
    assert area == pytest.approx(integrate.simpson(f, 0.0, 2.0, 4), rel=1e-5)


def test_rule_estimate_is_calclib_and_refuses_bad_input():
    assert plots.rule_estimate(f, 0, 2, 8, "left") == integrate.riemann_sum(f, 0, 2, 8, rule="left")
    assert plots.rule_estimate(f, 0, 2, 8, "trapezoid") == integrate.trapezoid(f, 0, 2, 8)
    assert plots.rule_estimate(f, 0, 2, 8, "simpson") == integrate.simpson(f, 0, 2, 8)
    with pytest.raises(ValueError, match="`rule` must be one of"):
        plots.rule_estimate(f, 0, 2, 8, "gauss")
    with pytest.raises(ValueError, match="`n` must be even"):
        plots.rule_pieces(f, 0, 2, 3, "simpson")
    with pytest.raises(ValueError, match="`n`"):
        plots.rule_pieces(f, 0, 2, 0, "left")


def test_plot_rule_draws_n_pieces_and_reports_the_error(ax):
    r = plots.plot_rule(ax, f, 0.0, 2.0, 6, "midpoint", exact=EXACT)
    assert len(r.pieces.get_paths()) == 6
    assert r.error == pytest.approx(abs(integrate.riemann_sum(f, 0, 2, 6, rule="midpoint") - EXACT))
    assert f"{r.error:.1e}" in ax.get_title()


# ------------------------------------------------------------ orders
def test_observed_orders_on_a_lopsided_integrand():
    c = plots.rule_error_curves(f, 0.0, 2.0, EXACT)
    expected = {"left": 1, "right": 1, "midpoint": 2, "trapezoid": 2, "simpson": 4}
    for rule, p in expected.items():
        assert c.orders[rule] == pytest.approx(p, abs=0.1), rule


def test_left_sum_looks_like_order_two_when_the_ends_agree():
    c = plots.rule_error_curves(np.sin, 0.0, np.pi, 2.0)
    assert c.orders["left"] == pytest.approx(2.0, abs=0.1)


def test_error_plot_marks_n_and_draws_the_errors(ax):
    c = plots.rule_error_curves(f, 0.0, 2.0, EXACT)
    at = plots.plot_rule_errors(ax, c, 16)
    k = list(c.ns).index(16)
    assert at == {r: pytest.approx(c.errors[r][k]) for r in plots.RULES}
    for line, rule in zip(ax.get_lines(), plots.RULES):
        assert np.allclose(line.get_ydata(), c.errors[rule])
        assert f"{c.orders[rule]:.2f}" in line.get_label()
    dots = ax.collections[0].get_offsets()
    assert np.allclose(dots, [[16, c.errors[r][k]] for r in plots.RULES])
    lo, hi = ax.get_ylim()
    assert lo <= min(e.min() for e in c.errors.values()) and hi > max(e.max() for e in c.errors.values())


@pytest.mark.parametrize("make, name, ends", [(plots.riemann_explorer, "n", (1, 32)),
                                              (plots.rules_error_explorer, "n", (2, 32))])
def test_rule_explorers_at_both_ends(make, name, ends):
    ex = make(f, 0.0, 2.0, EXACT)
    assert [s.name for s in ex.sliders] == [name]
    assert (ex.sliders[0].min, ex.sliders[0].max) == ends
    for n in ends:
        fig, found = ex.render(n=n)
        for rule, r in found.items():
            assert r.n == n
            assert r.error == pytest.approx(abs(plots.rule_estimate(f, 0, 2, n, rule) - EXACT))
        assert fig.axes[0].get_ylim() == fig.axes[1].get_ylim()        # fixed, shared frame
        plt.close(fig)


# ------------------------------------------------------------ Monte Carlo
def test_monte_carlo_stream_is_a_seeded_running_mean():
    s = plots.monte_carlo_stream(np.abs, normal, np.sqrt(2 / np.pi), n_max=5000, rng=3)
    again = plots.monte_carlo_stream(np.abs, normal, np.sqrt(2 / np.pi), n_max=5000, rng=3)
    assert np.array_equal(s.samples, again.samples)
    assert s.estimate(1234) == pytest.approx(np.mean(np.abs(s.samples[:1234])))
    assert np.allclose(s.errors, np.abs(s.running[s.ns - 1] - s.exact))
    assert s.sigma == pytest.approx(np.sqrt(1 - 2 / np.pi), rel=0.05)
    big = s.ns >= 1000
    assert np.all(s.errors[big] < 5 * s.sigma / np.sqrt(s.ns[big]))


def test_monte_carlo_error_shrinks_like_one_over_root_n():
    """Over 40 seeds, the root-mean-square error falls tenfold for 100 times the samples."""
    rms = []
    for n in (100, 10_000):
        errs = [plots.monte_carlo_stream(np.abs, normal, np.sqrt(2 / np.pi), n_max=n, rng=s).estimate(n)
                - np.sqrt(2 / np.pi) for s in range(40)]
        rms.append(np.sqrt(np.mean(np.square(errs))))
    assert rms[0] / rms[1] == pytest.approx(10, rel=0.35)


def test_monte_carlo_panels(ax):
    s = plots.monte_carlo_stream(np.abs, normal, np.sqrt(2 / np.pi), n_max=20_000, rng=1)
    est = plots.plot_monte_carlo_samples(ax, s, 5000, phi)
    assert est == s.estimate(5000)
    (hist,) = ax.patches
    heights, edges = hist.get_data()[:2]
    inside = np.mean(np.abs(s.samples[:5000]) <= 4)
    assert np.sum(heights * np.diff(edges)) == pytest.approx(inside)           # a density: area ~ 1
    fig, ax2 = plt.subplots()
    err = plots.plot_monte_carlo_error(ax2, s, 5000)
    assert err == pytest.approx(abs(s.estimate(5000) - s.exact))
    guide = ax2.get_lines()[1]
    assert np.allclose(guide.get_ydata(), s.sigma / np.sqrt(guide.get_xdata()))
    plt.close(fig)


def test_monte_carlo_explorer_reads_one_stream():
    ex = plots.monte_carlo_explorer(np.abs, phi, normal, np.sqrt(2 / np.pi), n_max=10_000)
    values = [int(round(v)) for v in ex.sliders[0].values(3)]
    assert values == [10, 316, 10_000]
    estimates = [ex.render(n=v)[1] for v in values]
    plt.close("all")
    s = plots.monte_carlo_stream(np.abs, normal, np.sqrt(2 / np.pi), n_max=10_000, rng=0)
    assert estimates == [s.estimate(v) for v in values]


# ------------------------------------------------------------ a density and its running area
def test_density_and_cdf():
    fig, (a, b) = plt.subplots(2, 1)
    r = plots.plot_density_and_cdf(a, b, phi, 1.0, xlim=(-4, 4), lower=-10, upper=10)
    assert r.total == pytest.approx(1.0, abs=1e-10)
    assert r.cdf_at_x == pytest.approx(0.841344746, abs=1e-8)         # P(X <= 1) for a standard normal
    cdf = b.get_lines()[0].get_ydata()
    assert np.all(np.diff(cdf) >= 0) and cdf[0] < 1e-4 and cdf[-1] > 1 - 1e-4
    plt.close(fig)


# ------------------------------------------------------------ the loss over the data
@pytest.fixture
def data():
    rng = np.random.default_rng(5)
    x = rng.normal(1.0, 0.5, 400)
    return plots.minibatch_data(x, 1.5 * x + rng.normal(0.0, 0.4, 400))


def test_losses_are_means_of_squared_errors(data):
    w = np.array([0.0, 0.5, 2.0])
    assert np.allclose(data.loss(w), [np.mean((v * data.x - data.y) ** 2) for v in w])
    batches = plots.minibatch_losses(data, 16, w, k=5, rng=11)
    idx = np.random.default_rng(11).integers(0, data.size, size=(5, 16))
    for row, i in zip(batches, idx):
        assert np.allclose(row, [np.mean((v * data.x[i] - data.y[i]) ** 2) for v in w])


def test_minibatch_loss_is_unbiased_with_spread_sigma_over_root_b(data):
    w0 = 0.5
    per_example = (w0 * data.x - data.y) ** 2
    many = plots.minibatch_losses(data, 25, [w0], k=20_000, rng=2)[:, 0]
    assert many.mean() == pytest.approx(data.loss(w0), rel=0.01)
    assert many.std() == pytest.approx(per_example.std() / 5, rel=0.05)
    s = plots.minibatch_spread(data, w0, [1, 4, 64])
    assert np.allclose(s.spread, s.sigma / np.sqrt([1, 4, 64]), rtol=0.15)


def test_minibatch_panels_and_explorer(data, ax):
    small = plots.plot_minibatches(ax, data, 2, 0.5)
    big = plots.plot_minibatches(ax, data, 200, 0.5)
    assert small.spread > 3 * big.spread
    assert small.full_loss == pytest.approx(data.loss(0.5))
    ex = plots.minibatch_explorer(data, 0.5)
    ends = [int(round(v)) for v in (ex.sliders[0].values(2))]
    assert ends == [1, 316]                  # the slider's grid: powers 10**(k/4) up to the data size
    for B in ends:
        fig, r = ex.render(B=B)
        assert r.batch_size == B
        plt.close(fig)
    with pytest.raises(ValueError, match="`x` and `y` must have the same length"):
        plots.minibatch_data([1.0, 2.0], [1.0])
