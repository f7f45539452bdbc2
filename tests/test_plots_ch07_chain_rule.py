"""calclib.plots.ch07_chain_rule: what the chapter 7 figures draw and what its helpers compute."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import plots  # noqa: E402
from calclib.autodiff import Value, topological_order, trace  # noqa: E402
from calclib.differentiate import central_difference  # noqa: E402
from calclib.plots import ch07_chain_rule as ch07  # noqa: E402


def g(x):
    return np.tanh(x)


def dg(x):
    return 1 - np.tanh(x) ** 2


def f(y):
    return (y - 0.5) ** 2


def df(y):
    return 2 * (y - 0.5)


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8814, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    s = x1w1 + x2w2
    s.label = "s"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b)


def diamond():
    x = Value(0.5, label="x")
    a = x * x
    a.label = "a"
    b = a.exp()
    b.label = "b"
    L = a * b
    L.label = "L"
    return L, x, a


@pytest.fixture
def axes3():
    fig, axes = plt.subplots(1, 3)
    yield axes
    plt.close(fig)


# ------------------------------------------------------------ the chain rule
@pytest.mark.parametrize("x", [-2.5, -1.0, 0.3, 1.7])
def test_chain_rule_slope_is_the_product(axes3, x):
    r = plots.plot_chain_rule(*axes3, g, dg, f, df, x)
    assert r.y == pytest.approx(np.tanh(x))
    assert r.dy_dx == pytest.approx(dg(x)) and r.dL_dy == pytest.approx(df(np.tanh(x)))
    assert r.dL_dx == pytest.approx(r.dL_dy * r.dy_dx)
    assert r.dL_dx == pytest.approx(central_difference(lambda t: f(g(t)), x), rel=1e-7, abs=1e-10)
    # each panel's green tangent passes through the point with the panel's slope
    for ax, (px, py), slope in ((axes3[0], (x, r.y), r.dy_dx), (axes3[1], (r.y, r.L), r.dL_dy),
                                (axes3[2], (x, r.L), r.dL_dx)):
        seg = next(ln for ln in ax.lines if len(ln.get_xdata()) == 2 and ln.get_linewidth() > 2)
        (x0, x1), (y0, y1) = seg.get_data()
        assert (y1 - y0) / (x1 - x0) == pytest.approx(slope)
        assert np.interp(px, [x0, x1], [y0, y1]) == pytest.approx(py)


def test_chain_rule_explorer_keeps_its_axes_still():
    ex = plots.chain_rule_explorer(g, dg, f, df, x=-1.0)
    limits = []
    for x in ex.sliders[0].values(3):
        fig, _ = ex.render(x=x)
        limits.append([ax.get_ylim() for ax in fig.axes])
    assert limits[0] == limits[1] == limits[2]


def test_chain_rule_refuses_non_callables(axes3):
    with pytest.raises(TypeError, match="`dg`"):
        plots.plot_chain_rule(*axes3, g, 3.0, f, df, 0.0)


# ------------------------------------------------------------ the backward pass drawing
def test_prepared_pass_matches_backward():
    o, leaves = neuron()
    prep = plots.prepare_backward_pass(o)
    assert prep.n_steps == len(trace(o).edges) == 9
    o.backward()
    last = prep.steps[-1]
    for node in prep.nodes:
        assert last.grads[node] == pytest.approx(node.grad)
        assert prep.status[-1][node] == "known"
    # at the seed only the root is known; every leaf reads "?"
    assert prep.status[0][o] == "known"
    assert all(prep.status[0][v] == "unknown" and prep.texts[0][v].endswith("grad ?") for v in leaves.values())


def test_arrows_run_from_parent_to_child_box_edges():
    o, _ = neuron()
    prep = plots.prepare_backward_pass(o)
    for e, path in zip(prep.edges, prep.arrow_paths):
        start, end = path.vertices[0], path.vertices[-1]
        (px, py), (pw, ph) = prep.centres[e.parent], prep.box_size[e.parent]
        (cx, cy), (cw, ch) = prep.centres[e.child], prep.box_size[e.child]
        assert start[0] == pytest.approx(px + pw / 2) and abs(start[1] - py) < ph / 2
        assert end[0] == pytest.approx(cx - cw / 2, abs=0.05) and abs(end[1] - cy) < ch / 2


def test_node_used_twice_gets_two_separate_arrows():
    x = Value(3.0, label="x")
    y = x * x
    prep = plots.prepare_backward_pass(y)
    (p0, p1) = prep.arrow_paths
    assert p0.vertices[0][1] != p1.vertices[0][1]          # apart, not drawn on top of each other
    assert prep.texts[1][x].endswith("grad 3 + ?") and prep.status[1][x] == "partial"
    assert prep.texts[2][x].endswith("grad 6") and prep.status[2][x] == "known"


def test_boxes_keep_their_size_over_the_steps():
    o, _ = neuron()
    prep = plots.prepare_backward_pass(o)
    for step_texts in prep.texts:
        for node, text in step_texts.items():
            chars = max(len(line) for line in text.splitlines())
            assert chars * 0.602 * prep.fontsize / 72 <= prep.box_size[node][0]


@pytest.mark.parametrize("step", [0, 4, 9])
def test_plot_backward_pass_highlights_the_step(step):
    o, _ = neuron()
    prep = plots.prepare_backward_pass(o)
    fig = plt.figure(figsize=prep.figsize)
    ax = fig.add_axes((0, 0, 1, prep.size[1] / prep.figsize[1]))
    r = plots.plot_backward_pass(ax, prep, step)
    hot = [i for i, a in enumerate(r.arrows) if a.get_linewidth() > 2]
    state = prep.steps[step]
    assert hot == ([] if step == 0 else [state.edge])
    assert len(r.boxes) == len(prep.nodes) and len(r.labels) == len(prep.edges)
    assert ax.get_title() == prep.captions[step] and f"step {step} of 9" in ax.get_title()
    assert r.grads == state.grads
    plt.close(fig)


def test_backward_slider_reuses_the_layout(monkeypatch):
    """The layout is computed once, in the factory: a slider move never lays the graph out again."""
    o, _ = neuron()
    ex = plots.backward_pass_explorer(o)

    def no_layout(*args):
        raise AssertionError("graph_layout called during a slider move")

    monkeypatch.setattr(ch07, "graph_layout", no_layout)
    for k in range(10):
        mime, data = ex.image(step=k)
        assert mime == "image/svg+xml" and f"step {k} of 9" in data


def test_backward_pass_refuses_bad_input():
    o, _ = neuron()
    prep = plots.prepare_backward_pass(o)
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="`step` must be an integer from 0 to 9"):
        plots.plot_backward_pass(ax, prep, 10)
    with pytest.raises(TypeError, match="`prep`"):
        plots.plot_backward_pass(ax, o, 0)
    with pytest.raises(TypeError, match="`root` must be a Value"):
        plots.prepare_backward_pass(3.0)
    with pytest.raises(ValueError, match="`max_nodes`"):
        plots.prepare_backward_pass(o, max_nodes=5)
    plt.close(fig)


def test_backward_pass_panels_stack_the_steps():
    L, _, _ = diamond()
    fig = plots.backward_pass_panels(plots.prepare_backward_pass(L), [1, 3, 5], suptitle="three steps")
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split(":")[0] for t in titles] == ["step 1 of 5", "step 3 of 5", "step 5 of 5"]
    plt.close(fig)


# ------------------------------------------------------------ node orders
def test_reverse_topological_order_gives_backward():
    L, x, a = diamond()
    grads = plots.backward_in_order(L)
    L.backward()
    assert grads[x] == pytest.approx(x.grad) and grads[a] == pytest.approx(a.grad)
    assert grads[x] == pytest.approx(central_difference(lambda t: t * t * np.exp(t * t), 0.5), rel=1e-8)


def test_breadth_first_order_passes_a_gradient_on_too_early():
    L, x, a = diamond()
    order = plots.breadth_first_order(L)
    assert [n.label for n in order] == ["L", "a", "b", "x"]
    early = plots.backward_in_order(L, order)
    right = plots.backward_in_order(L)
    # a's own gradient ends up right (both contributions arrive), but x got only the first
    assert early[a] == pytest.approx(right[a])
    assert early[x] == pytest.approx(2 * 0.5 * np.exp(0.25))     # 2x * b: the direct path only
    assert early[x] != pytest.approx(right[x])


def test_overwriting_keeps_only_the_last_contribution():
    L, x, a = diamond()
    right = plots.backward_in_order(L)
    overwrite = plots.backward_in_order(L, accumulate=False)
    assert right[a] == pytest.approx(np.exp(0.25) * (1 + 0.25))
    assert overwrite[a] == pytest.approx(0.25 * np.exp(0.25))     # only the path through b


def test_order_must_list_every_node():
    L, x, a = diamond()
    with pytest.raises(ValueError, match="`order`"):
        plots.backward_in_order(L, [L, a, x])


# ------------------------------------------------------------ the sigmoid chain
@pytest.mark.parametrize("k, w", [(1, 1.0), (5, 1.0), (12, 2.5), (20, 0.5)])
def test_sigmoid_chain_matches_backward_and_its_bound(k, w):
    c = plots.sigmoid_chain(0.5, k, w)
    x = Value(0.5)
    h = x
    for _ in range(k):
        h = (h * w).sigmoid()
    h.backward()
    assert c.grad == pytest.approx(x.grad, rel=1e-12)
    assert c.h[-1] == pytest.approx(h.data)
    assert np.all(c.local <= abs(w) / 4) and c.grad <= (abs(w) / 4) ** k


def test_sigmoid_chain_edge_cases():
    assert plots.sigmoid_chain(0.3, 0).grad == 1.0
    assert plots.sigmoid_chain(-800.0, 2).h[1] == 0.0                 # no overflow far in the tail
    with pytest.raises(ValueError, match="`k`"):
        plots.sigmoid_chain(0.5, -1)


def test_plot_sigmoid_chain_draws_the_cumulative_product():
    fig, (a, b) = plt.subplots(1, 2)
    r = plots.plot_sigmoid_chain(a, b, 7, 1.0, kmax=30)
    line = b.lines[0]
    assert np.allclose(line.get_ydata(), np.cumprod(plots.sigmoid_chain(0.5, 30).local))
    assert r.grad == pytest.approx(line.get_ydata()[6])
    assert len(a.collections[0].get_segments()) == 7                # one bar per layer
    with pytest.raises(ValueError, match="`k` must be at most"):
        plots.plot_sigmoid_chain(a, b, 31, 1.0, kmax=30)
    plt.close(fig)


# ------------------------------------------------------------ forward against reverse mode
def F(v):
    n = len(v)
    return sum((v[i] * v[(i + 1) % n] - 1.0) ** 2 for i in range(n))


def test_both_modes_give_the_gradient():
    x = np.array([0.3, -0.7, 1.1, 0.5])
    gf, passes = plots.forward_mode_gradient(F, x)
    gr, ops, edges = plots.reverse_mode_gradient(F, x)
    numeric = np.array([central_difference(lambda t, i=i: F(np.where(np.arange(4) == i, t, x)), x[i])
                        for i in range(4)])
    assert np.allclose(gf, gr, rtol=1e-14) and np.allclose(gr, numeric, rtol=1e-8)
    assert passes == 4 and ops == 16 and edges == 28


def test_mode_costs_count_exactly():
    c = plots.autodiff_mode_costs(F, [1, 3, 10])
    assert c.forward_passes.tolist() == [1, 3, 10]
    assert c.operations.tolist() == [4, 12, 40]
    assert c.forward_operations.tolist() == [4, 36, 400]
    assert c.reverse_operations.tolist() == [11, 33, 110]
    assert c.max_difference < 1e-12 and np.all(c.forward_seconds > 0) and np.all(c.reverse_seconds > 0)
    with pytest.raises(ValueError, match="`ns`"):
        plots.autodiff_mode_costs(F, [1000])


def test_plot_mode_costs_draws_the_counts():
    c = plots.autodiff_mode_costs(F, [1, 2, 4])
    fig, (a, b) = plt.subplots(1, 2)
    ratio = plots.plot_mode_costs(a, b, c)
    assert np.allclose(a.lines[0].get_ydata(), c.forward_operations)
    assert np.allclose(a.lines[1].get_ydata(), c.reverse_operations)
    assert ratio == pytest.approx(64 / 44)
    plt.close(fig)


# ------------------------------------------------------------ backprop against finite differences
def test_network_gradient_check_agrees_on_a_smooth_network():
    from calclib.nn import MLP, mse
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=5)
    model = MLP(2, [3, 1], activation="tanh", rng=1)
    before = [p.data for p in model.parameters()]
    r = plots.network_gradient_check(lambda: mse([model(x) for x in X], y), model.parameters())
    assert r.max_rel_error < 1e-8 and len(r.backprop) == 13
    assert [p.data for p in model.parameters()] == before        # every nudge is undone


def test_network_gradient_check_sees_a_kink():
    w = Value(0.0)
    r = plots.network_gradient_check(lambda: (w * 1.0).relu(), [w])
    assert r.backprop[0] == 0.0 and r.numeric[0] == pytest.approx(0.5) and r.max_rel_error == pytest.approx(1.0)
    with pytest.raises(TypeError, match="`parameters`"):
        plots.network_gradient_check(lambda: w, [1.0])
    with pytest.raises(ValueError, match="`h` must be positive"):
        plots.network_gradient_check(lambda: w, [w], h=-1e-6)


def test_topological_order_is_what_backward_walks():
    L, _, _ = diamond()
    assert [n.label for n in topological_order(L)] == ["x", "a", "b", "L"]
