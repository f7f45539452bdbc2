"""Tests for calclib.graph, on the artists drawn: one box per node with its
value and gradient, one arrow per edge, layered layout, backward steps."""
import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from calclib import graph as cg  # noqa: E402
from calclib.autodiff import Value, backward_steps, trace  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _minus(text):
    """The graph writes negative numbers with a typographic minus sign (U+2212)."""
    return text.replace("-", "\u2212")


def neuron():
    """o = tanh(x1*w1 + x2*w2 + b), the classic 10-node example."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    s = x1w1 + x2w2
    s.label = "x1w1x2w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def test_every_node_is_drawn_once_with_its_value_and_gradient():
    o = neuron()
    o.backward()
    d = cg.draw_graph(o)
    nodes = trace(o).nodes
    assert len(d.boxes) == len(nodes) == 10
    assert set(d.boxes) == set(nodes)
    assert len({id(t) for t in d.boxes.values()}) == 10
    texts = [t.get_text() for t in d.ax.texts]
    for node in nodes:
        box = d.boxes[node]
        assert box in d.ax.texts and box.get_bbox_patch() is not None
        lines = [line.rstrip() for line in box.get_text().splitlines()]   # padded to the layer's width
        assert lines[1] == _minus(f"data {node.data:.4g}") and lines[2] == _minus(f"grad {node.grad:.4g}")
        assert lines == d.texts[node].splitlines()
        assert texts.count(box.get_text()) == 1
    assert d.texts[o].splitlines() == ["o = tanh(n)", "data 0.7071", "grad 1"]
    assert d.texts[nodes[0]].splitlines()[0] == d.names[nodes[0]]      # a leaf: just its name
    box_x1w1 = next(t for n, t in d.texts.items() if n.label == "x1w1")
    assert box_x1w1.splitlines() == ["x1w1 = x1 * w1", "data \u22126", "grad 0.5"]


def test_one_arrow_per_edge_from_operand_to_result_left_to_right():
    o = neuron()
    d = cg.draw_graph(o)
    edges = trace(o).edges
    assert len(d.arrows) == len(edges) == 9
    assert all(not tail for tail in d.tails)                 # the neuron needs no way points
    assert len(d.ax.patches) == len(edges)                   # nothing else is a patch
    for arrow, edge in zip(d.arrows, edges):
        assert arrow.patchA is d.boxes[edge.parent].get_bbox_patch()
        assert arrow.patchB is d.boxes[edge.child].get_bbox_patch()
        assert arrow.get_arrowstyle().__class__.__name__ == "CurveFilledB"   # "-|>": a head at the result
        (xa, _), (xb, _) = arrow._posA_posB
        assert xa < xb                                       # layered, left to right
    # each arrow is labelled with its local derivative
    assert [t.get_text() for t in d.edge_labels] == [_minus(f"×{e.local:.4g}") for e in edges]
    assert not cg.draw_graph(o, show_local=False).edge_labels


def mixed():
    """x reused at several depths: edges that span several layers."""
    x = Value(0.5, label="x")
    y = (x.exp() * x + x.sigmoid()) / (1 + x * x) * x      # the last x skips every layer
    y.label = "y"
    y.backward()
    return y


def test_long_edges_run_through_way_points_and_cross_no_box():
    y = mixed()
    d = cg.draw_graph(y)
    edges = trace(y).edges
    assert len(d.arrows) == len(edges) and any(d.tails)
    heads = [p for p in d.ax.patches if p.get_arrowstyle().__class__.__name__ == "CurveFilledB"]
    assert len(heads) == len(edges)                          # exactly one head per edge
    assert len(d.ax.patches) == len(edges) + sum(len(t) for t in d.tails)
    for edge, arrow, tail in zip(edges, d.arrows, d.tails):
        segments = tail + [arrow]
        assert segments[0].patchA is d.boxes[edge.parent].get_bbox_patch()
        assert arrow.patchB is d.boxes[edge.child].get_bbox_patch()
        xs = [seg._posA_posB[0][0] for seg in segments] + [arrow._posA_posB[1][0]]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)      # strictly left to right
    fig = d.ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for edge, arrow, tail in zip(edges, d.arrows, d.tails):
        for seg in tail + [arrow]:
            for point in _points_along(seg):
                for node, box in d.boxes.items():
                    if node not in (edge.parent, edge.child):
                        bb = box.get_bbox_patch().get_window_extent(renderer)
                        assert not bb.contains(*point), (d.names[edge.parent], d.names[edge.child], d.names[node])


def _points_along(arrow, spacing=2.0):
    """Points every `spacing` pixels along an arrow (curve and head), in display coordinates."""
    path = arrow.get_transform().transform_path(arrow.get_path())
    points = []
    for poly in path.to_polygons(closed_only=False):
        for p0, p1 in zip(poly, poly[1:]):
            n = max(2, int(np.hypot(*(p1 - p0)) / spacing))
            points.extend(p0 + (p1 - p0) * t for t in np.linspace(0, 1, n))
    return points


def test_layout_puts_leaves_next_to_their_first_use():
    o = neuron()
    layout = cg.graph_layout(o)
    pos = layout.positions
    by_label = {n.label: p for n, p in pos.items()}
    assert by_label["x1"][0] == by_label["w1"][0] == 0
    assert by_label["b"][0] == by_label["x1w1x2w2"][0] == 2      # b waits until it is needed
    assert by_label["o"][0] == max(p[0] for p in pos.values())
    assert layout.routes == [[] for _ in trace(o).edges]
    for layer in {p[0] for p in pos.values()}:
        rows = sorted(p[1] for p in pos.values() if p[0] == layer)
        assert np.allclose(np.diff(rows), 1.0) and np.isclose(np.mean(rows), 0.0)
    # a long edge gets one way point per layer it crosses
    y = mixed()
    layout = cg.graph_layout(y)
    for edge, route in zip(trace(y).edges, layout.routes):
        gap = layout.positions[edge.child][0] - layout.positions[edge.parent][0]
        assert [L for L, _ in route] == list(range(layout.positions[edge.parent][0] + 1,
                                                    layout.positions[edge.child][0]))
        assert len(route) == gap - 1


def test_nothing_is_clipped_or_overlapping():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    small = (x * w).tanh()                                   # a narrow graph, a long caption
    for root, step in [(neuron(), None), (neuron(), 0), (neuron(), 5), (neuron(), 9), (mixed(), None),
                       (mixed(), 7), (small, 1), (small, 3)]:
        d = cg.draw_graph(root, step=step)
        fig = d.ax.figure
        assert tuple(fig.get_size_inches()) == pytest.approx(d.figsize)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        fig_box = fig.bbox
        boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in d.boxes.values()]
        others = [t.get_window_extent(renderer) for t in d.edge_labels]
        if d.caption is not None:
            others.append(d.caption.get_window_extent(renderer))
        for bb in boxes + others:
            assert fig_box.x0 <= bb.x0 and bb.x1 <= fig_box.x1 and fig_box.y0 <= bb.y0 and bb.y1 <= fig_box.y1
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b)
        if d.caption is not None:
            assert not any(d.caption.get_window_extent(renderer).overlaps(b) for b in boxes)


def test_step_zero_shows_only_the_seed():
    o = neuron()
    d = cg.draw_graph(o, step=0)
    assert d.n_steps == 9 and d.step.index == 0
    for node, text in d.texts.items():
        grad_line = text.splitlines()[2]
        assert grad_line == ("grad 1" if node is o else "grad ?")
    assert d.caption.get_text() == "step 0 of 9: seed o.grad = 1"
    assert all(mcolors.to_hex(a.get_edgecolor()) != cg.HIGHLIGHT.lower() for a in d.arrows)


def test_each_step_fills_in_gradients_and_highlights_its_edge():
    o = neuron()
    steps = list(backward_steps(o))
    o.backward()
    for k, state in enumerate(steps):
        d = cg.draw_graph(o, step=k, steps=steps)
        for node, text in d.texts.items():
            grad_line = text.splitlines()[2]
            if node in state.complete:
                assert grad_line == _minus(f"grad {node.grad:.4g}")
            elif node in state.grads:
                assert grad_line.endswith(" + ?")
            else:
                assert grad_line == "grad ?"
                assert d.boxes[node].get_bbox_patch().get_linestyle() == "--"   # not colour alone
        hot = [i for i, a in enumerate(d.arrows) if mcolors.to_hex(a.get_edgecolor()) == cg.HIGHLIGHT.lower()]
        assert hot == ([] if k == 0 else [state.edge])
        if k:
            assert d.caption.get_text().startswith(f"step {k} of 9: {d.names[state.parent]}.grad += ")
        plt.close(d.ax.figure)
    # the last step shows the same as the finished backward pass
    last = cg.draw_graph(o, step=len(steps) - 1)
    assert last.texts == cg.draw_graph(o).texts


def test_a_reused_node_shows_a_partial_sum_and_two_separate_arrows():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    d = cg.draw_graph(y, step=1)
    assert d.texts[x].splitlines()[2] == "grad 3 + ?"
    assert d.boxes[x].get_bbox_patch().get_linestyle() == "--"
    assert len(d.arrows) == 2
    assert d.arrows[0].get_connectionstyle().rad != d.arrows[1].get_connectionstyle().rad
    hot = [mcolors.to_hex(a.get_edgecolor()) == cg.HIGHLIGHT.lower() for a in d.arrows]
    assert hot == [True, False]
    d2 = cg.draw_graph(y, step=2)
    assert d2.texts[x].splitlines()[2] == "grad 6"
    assert [mcolors.to_hex(a.get_edgecolor()) == cg.HIGHLIGHT.lower() for a in d2.arrows] == [False, True]


def test_colours_mark_leaves_operations_and_the_output():
    o = neuron()
    d = cg.draw_graph(o)
    for node, box in d.boxes.items():
        fill = mcolors.to_hex(box.get_bbox_patch().get_facecolor())
        want = cg.ROOT_FILL if node is o else (cg.OP_FILL if node._op else cg.LEAF_FILL)
        assert fill == want.lower()


def test_drawing_on_a_given_axes_and_unlabelled_nodes():
    fig, ax = plt.subplots(figsize=(6, 3))
    x = Value(2.0)
    y = (x * 3).exp()
    d = cg.draw_graph(y, ax=ax)
    assert d.ax is ax and len(fig.axes) == 1
    assert set(d.names.values()) == {"n0", "n1", "n2", "n3"}
    assert d.texts[y].splitlines()[0] == "n3 = exp(n2)"


def test_errors():
    o = neuron()
    with pytest.raises(ValueError, match="`step` must be an integer from 0 to 9 \\(the number of edges\\), got 10"):
        cg.draw_graph(o, step=10)
    with pytest.raises(ValueError, match="`step` must be an integer"):
        cg.draw_graph(o, step=1.5)
    with pytest.raises(TypeError, match="`root` must be a Value"):
        cg.draw_graph(3.0)
    big = Value(1.0)
    for _ in range(40):
        big = big * 2
    with pytest.raises(ValueError, match="this graph has 81 nodes; draw_graph draws up to `max_nodes`=60"):
        cg.draw_graph(big)
    with pytest.raises(ValueError, match="`steps` must be list\\(backward_steps\\(root\\)\\)"):
        cg.draw_graph(o, step=1, steps=list(backward_steps(Value(1.0) * 2)))


@pytest.mark.parametrize("kwargs, error, text", [
    (dict(ax="axes"), TypeError, "`ax` must be a matplotlib Axes or None, got str"),
    (dict(show_local="yes"), TypeError, "`show_local` must be True or False"),
    (dict(digits=0), ValueError, "`digits` must be an integer from 1 to 17, got 0"),
    (dict(digits=3.5), ValueError, "`digits` must be an integer from 1 to 17"),
    (dict(fontsize=np.nan), ValueError, "`fontsize` must be finite, got nan"),
    (dict(fontsize=1e6), ValueError, r"`fontsize` must be from 2 to 72 \(points\)"),
    (dict(fontsize="9"), TypeError, "`fontsize` must be a real number"),
    (dict(max_nodes=0), ValueError, "`max_nodes` must be an integer >= 1"),
    (dict(max_nodes=10**6), ValueError, r"`max_nodes` must be at most 500 \(a drawing is for teaching-sized"),
    (dict(step=1, steps="all"), ValueError, r"`steps` must be list\(backward_steps\(root\)\)"),
    (dict(step=1, steps=[None] * 10), ValueError, r"`steps` must be list\(backward_steps\(root\)\)"),
])
def test_draw_graph_checks_its_arguments(kwargs, error, text):
    with pytest.raises(error, match=text):
        cg.draw_graph(neuron(), **kwargs)


def test_a_global_layout_engine_does_not_make_draw_graph_warn():
    # use_course_style (or a learner's rcParams) may turn constrained layout on for
    # every figure; the graph is placed by hand and must draw without a warning
    with matplotlib.rc_context({"figure.constrained_layout.use": True}):
        d = cg.draw_graph(neuron())
        d.ax.figure.canvas.draw()                           # filterwarnings = error: a warning fails
        assert d.ax.figure.get_layout_engine() is None
