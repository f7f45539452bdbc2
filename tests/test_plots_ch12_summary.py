"""calclib.plots.ch12_summary: the course map and the capstone's figures."""

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402
from calclib.nn import TensorMLP, make_moons, mse, sgd_step  # noqa: E402
from calclib.plots import ch12_summary as c  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(scope="module")
def data():
    return make_moons(60, noise=0.2, rng=0)


@pytest.fixture(scope="module")
def net():
    return TensorMLP(2, [5, 4, 1], activation="tanh", rng=3)


# ------------------------------------------------------------ the course map
def test_the_map_names_every_chapter_but_the_summary():
    chapters = sorted({ch for _, _, chs in c.COURSE_MAP for ch in chs})
    assert chapters == list(range(1, 12))


def test_the_map_draws_every_box_without_overlap():
    fig, ax = plt.subplots(figsize=(9.6, 5.0), layout="constrained")
    boxes = c.plot_course_map(ax)
    assert sorted(boxes) == list(range(1, 12)) and "chapter 7" in boxes[7]
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    drawn = [t.get_bbox_patch().get_window_extent(r) for t in ax.texts if t.get_bbox_patch() is not None]
    assert len(drawn) == len(c.COURSE_MAP)
    for a, b in itertools.combinations(drawn, 2):
        assert not a.overlaps(b)
    assert all(ax.bbox.contains(b.x0, b.y0) and ax.bbox.contains(b.x1, b.y1) for b in drawn)
    label = [t for t in ax.texts if t.get_text().startswith("what keeps")][0].get_window_extent(r)
    assert not any(label.overlaps(b) for b in drawn)
    arrows = [t for t in ax.texts if not t.get_text()]
    assert len(arrows) == 8                     # the loop of seven and the side branch to the check
    plt.close(fig)


# ------------------------------------------------------------ the capstone network
def test_flatten_and_unflatten_are_inverse(net):
    w = net.get_weights()
    theta = c.capstone_flatten(w)
    assert theta.shape == (sum(p.data.size for p in net.parameters()),)
    back = c.capstone_unflatten(theta, w)
    assert all(np.array_equal(W1, W2) and np.array_equal(b1, b2) for (W1, b1), (W2, b2) in zip(w, back))
    with pytest.raises(ValueError, match="`theta` must hold"):
        c.capstone_unflatten(theta[:-1], w)


def test_scores_match_the_tensor_network(net, data):
    X, _ = data
    assert np.allclose(c.capstone_scores(net.get_weights(), X), net(X).data[:, 0], rtol=1e-13, atol=1e-15)


def test_accuracy_counts_the_right_side_of_zero(data):
    X, y = data
    w = [(np.array([[0.0], [-1.0]]), np.array([0.25]))]          # class 1 below y = 0.25
    assert c.capstone_accuracy(w, X, y) == pytest.approx(np.mean((X[:, 1] < 0.25) == (y == 1)))


def test_field_boundary_is_where_the_score_is_zero(net):
    w = net.get_weights()
    f = c.capstone_field(w, n=60)
    pts = np.concatenate(f.boundary)
    assert len(pts) > 10
    assert np.allclose(c.capstone_scores(w, pts), 0.0, atol=0.02)
    assert {colour for _, colour in f.bands} <= {band[2] for band in c._BANDS}


def test_boundary_plot_draws_each_class_and_reports_accuracy(ax, net, data):
    X, y = data
    r = c.plot_capstone_boundary(ax, net.get_weights(), X, y)
    assert r.accuracy == pytest.approx(c.capstone_accuracy(net.get_weights(), X, y)) and r.n_points == 60
    zero, one = [ln for ln in ax.get_lines() if ln.get_label() in ("class 0", "class 1")]
    assert np.array_equal(zero.get_xydata(), X[y == 0]) and np.array_equal(one.get_xydata(), X[y == 1])
    assert f"{100 * r.accuracy:.1f} %" in ax.get_title()


def test_loss_plot_marks_the_step(ax):
    losses = np.array([0.7, 0.4, 0.3, 0.2])
    c.plot_capstone_loss(ax, losses, step=2)
    marker = [ln for ln in ax.get_lines() if ln.get_marker() == "o"][0]
    assert marker.get_xydata().tolist() == [[2.0, 0.3]]
    assert ax.get_yscale() == "log" and "0.700 to 0.200" in ax.get_title()


def test_training_explorer_snaps_to_the_snapshots(net, data):
    X, y = data
    model = TensorMLP(2, [5, 4, 1], activation="tanh", rng=3)
    snaps, losses = [model.get_weights()], []
    for step in range(40):
        loss = mse(model(X), 2.0 * y - 1.0)
        loss.backward()
        sgd_step(model.parameters(), 0.1)
        losses.append(loss.item())
        if (step + 1) % 10 == 0:
            snaps.append(model.get_weights())
    ex = c.capstone_training_explorer(snaps, 10, losses, X, y, step=20)
    assert ex.sliders[0].positions() == [0, 10, 20, 30, 40]
    fig, r = ex.render(step=30)
    assert r.accuracy == pytest.approx(c.capstone_accuracy(snaps[3], X, y))
    assert fig.axes[0].get_title().startswith("step 30")
    plt.close(fig)


# ------------------------------------------------------------ the gradient check's step
def _quartic():
    def loss(t):
        return float(np.sum(t ** 4) + np.sum(np.sin(t)))

    theta = np.linspace(-1.0, 1.2, 9)
    return loss, theta, 4 * theta ** 3 + np.cos(theta)


def test_gradient_check_curves_show_truncation_and_rounding():
    loss, theta, grad = _quartic()
    cur = c.gradient_check_curves(loss, theta, grad, n_coords=5)
    assert len(cur.coords) == 5 and np.array_equal(cur.analytic, grad[cur.coords])
    best = cur.hs[np.argmin(cur.worst)]
    assert 1e-7 < best < 1e-3                                     # near eps ** (1/3)
    assert cur.worst.min() < 1e-8
    assert cur.worst[0] > 1e3 * cur.worst.min()                    # rounding at h = 1e-12
    big = cur.hs > 1e-3
    slope = np.polyfit(np.log(cur.hs[big]), np.log(cur.worst[big]), 1)[0]
    assert slope == pytest.approx(2.0, abs=0.3)                    # truncation ~ h^2


def test_gradient_check_curves_refuse_a_wrong_gradient_shape():
    loss, theta, grad = _quartic()
    with pytest.raises(ValueError, match="`analytic` must have the shape"):
        c.gradient_check_curves(loss, theta, grad[:-1])


def test_gradient_check_plot_counts_the_agreeing_coordinates():
    loss, theta, grad = _quartic()
    cur = c.gradient_check_curves(loss, theta, grad, n_coords=9)
    fig, (a, b) = plt.subplots(1, 2)
    good = c.plot_gradient_check_step(a, b, cur, 1e-5)
    bad = c.plot_gradient_check_step(a, b, cur, 1e-12)
    assert good.agree == 9 and bad.agree < 9 and good.n == 9
    assert good.h == pytest.approx(1e-5) and good.worst == pytest.approx(cur.worst[np.argmin(abs(cur.hs - 1e-5))])
    plt.close(fig)
    ex = c.gradient_check_explorer(cur)
    assert ex.sliders[0].log and ex.defaults()["h"] == pytest.approx(1e-5)
    assert plots.gradient_check_explorer is c.gradient_check_explorer
