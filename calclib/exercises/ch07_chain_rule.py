"""Chapter 7 exercises: the chain rule and backpropagation.

7.1 ``chain_rule(df, g, dg, x)``: dL/dx for L = f(g(x)), from f', g and g'.
7.2 ``div_backward(a, b, grad_out)``: the backward rule of ``out = a / b``.
7.3 ``backprop(root)``: a whole backward pass over a graph, from ``trace(root)``.
7.4 ``sigmoid_chain_grad(x, k)``: the gradient through ``k`` sigmoids, a product of ``k`` factors.
"""
from __future__ import annotations

import math
import sys

import numpy as np

from ..autodiff.engine import Value
from ..autodiff.listing import trace
from ..autodiff.node import topological_order
from .checker import (FLOAT_ON_ARRAY_HINT, Exercise, Mistake, Wrong, array, close, diagnose, fmt, function, number,
                      rng_for)

__all__ = ["EXERCISES", "HINTS"]

HINTS = {
    # 7.1
    "outer_at_x": "The outer derivative is taken at the inner value: f' at y = g(x), so df(g(x)), not df(x).",
    "no_inner": "You left out the inner derivative: multiply by dy/dx = dg(x).",
    "only_inner": "That is only dy/dx; multiply it by dL/dy = df(g(x)).",
    "added": "The chain rule multiplies the two sensitivities: dL/dy times dy/dx, not their sum.",
    "composed": "Evaluate, do not compose the derivatives: dL/dy is df at g(x), then multiply by dg(x).",
    "swapped_roles": "The roles of the two stages are swapped: the outer derivative df is taken at g(x), "
                     "the inner derivative dg at x.",
    "chain_generic": "dL/dx = dL/dy \u00b7 dy/dx: df evaluated at y = g(x), times dg evaluated at x.",
    "chain_arrays": "Write it with arithmetic on the results of df, g and dg (no float(), math functions or "
                    "loops) so it works on arrays too.",
    # 7.2
    "pair": "Return a pair (grad_a, grad_b): one gradient per input of the operation.",
    "div_sign": "d(a/b)/db = -a/b**2: the gradient for b has a minus sign (a larger b makes a/b smaller "
                "when a > 0).",
    "div_no_upstream": "Multiply each local derivative by grad_out: the chain rule passes on local "
                       "derivative times the gradient arriving from above.",
    "div_no_a": "d(a/b)/db = -a/b**2: keep the a in the numerator.",
    "div_power": "d(a/b)/db = -a/b**2: b is squared.",
    "div_swapped": "The order is (grad_a, grad_b): the gradient for a first.",
    "div_mul_rule": "That is the backward rule of a * b; for a / b the local derivatives are 1/b and -a/b**2.",
    "div_generic": "out = a / b has local derivatives d out/da = 1/b and d out/db = -a/b**2; multiply each "
                   "by grad_out.",
    "div_arrays": "Work element by element with numpy arithmetic so arrays a, b and grad_out give arrays.",
    # 7.3
    "bp_dict": "Return a dict with one entry per node: {node: gradient}, keyed by the nodes of trace(root) "
               "themselves.",
    "bp_missing": "Give every node of the graph its gradient, the root (1) and the leaves included.",
    "bp_backward_called": "Compute the gradients yourself from trace(root): root.backward() does the whole "
                          "pass for you.",
    "bp_seed": "Start the pass with the seed: the root's gradient is 1 (dL/dL), otherwise everything stays 0.",
    "bp_forward": "Walk the nodes from the root backwards: reversed(nodes). In trace's order a node passes its "
                  "gradient on before it has received any.",
    "bp_no_upstream": "Each edge passes local * grads[child], not just local: the chain rule multiplies by the "
                      "gradient that reached the child.",
    "bp_assign": "Use += : a node used several times gets one contribution per use, and they add up.",
    "bp_order": "A node may pass its gradient on only once every node that uses it has passed theirs: walk "
                "reversed(nodes), the reverse of trace's topological order.",
    "bp_generic": "Walk reversed(nodes); each node adds edge.local times its own gradient to the gradient "
                  "of the parent at the other end of each of its edges.",
    # 7.4
    "sc_same_input": "Each layer's factor is sigma' at that layer's own input, which changes from layer to "
                     "layer: feed each layer's output to the next one as you go.",
    "sc_sum": "The chain rule multiplies the local derivatives of the layers; you added them.",
    "sc_output": "Take sigma' at the layer's input h (it equals s * (1 - s) with s = sigmoid(h), the layer's "
                 "output); you took it one layer later, at the output.",
    "sc_count": "Count the factors: k sigmoids give exactly k local derivatives.",
    "sc_value": "That is the output h_k itself; the question is its derivative dh_k/dx.",
    "sc_tanh": "sigma'(h) = s * (1 - s) with s = sigmoid(h); 1 - s**2 is the rule of tanh.",
    "sc_zero": "Start the product at 1, not 0 (with no layer at all, dh_0/dx = 1).",
    "sc_generic": "Multiply k factors, one per layer: sigma' at that layer's input, which is s * (1 - s) "
                  "with s the layer's output; then the output becomes the next layer's input.",
}


# ------------------------------------------------------------------ 7.1
def chain_rule(df, g, dg, x):
    """Reference: dL/dx for L = f(g(x))."""
    return df(g(x)) * dg(x)


_OUTER = {
    "cos": function("cos(y)", np.cos),
    "exp_half": function("exp(y)/2", lambda y: np.exp(y) / 2),
    "two_y": function("2*y", lambda y: 2.0 * y),
}
_INNER = {
    "cubic": (function("x**3 - 2*x", lambda x: x**3 - 2 * x), function("3*x**2 - 2", lambda x: 3 * x**2 - 2)),
    "tanh": (function("tanh(x)", np.tanh), function("1 - tanh(x)**2", lambda x: 1 - np.tanh(x) ** 2)),
    "sin": (function("sin(x)", np.sin), function("cos(x)", np.cos)),
}


def _run_7_1(attempt):
    rng = rng_for("7.1")
    for outer, inner in (("cos", "cubic"), ("exp_half", "tanh"), ("two_y", "sin")):
        df = _OUTER[outer]
        g, dg = _INNER[inner]
        x = float(np.round(rng.uniform(0.3, 1.4), 3))
        call = f"chain_rule(df={df}, g={g}, dg={dg}, x={x})"
        got = number(attempt(df, g, dg, x, call=call), call)
        want = df.f(g.f(x)) * dg.f(x)
        if close(got, want):
            continue
        f1, gg, d1 = df.f, g.f, dg.f
        hint = diagnose(got, [
            (f1(x) * d1(x), HINTS["outer_at_x"]),
            (f1(gg(x)), HINTS["no_inner"]),
            (d1(x), HINTS["only_inner"]),
            (f1(gg(x)) + d1(x), HINTS["added"]),
            (f1(d1(x)), HINTS["composed"]),
            (lambda: d1(gg(x)) * f1(x), HINTS["swapped_roles"]),
            (f1(x), HINTS["outer_at_x"]),
        ], HINTS["chain_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    xs = np.linspace(-1.2, 1.2, 6)
    g, dg = _INNER["tanh"]
    call = "chain_rule(df=cos(y), g=tanh(x), dg=1 - tanh(x)**2, x=<array of 6 values>)"
    got = array(attempt(_OUTER["cos"], g, dg, xs, call=call), xs.shape, call)
    want = np.cos(np.tanh(xs)) * (1 - np.tanh(xs) ** 2)
    if not close(got, want):
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", HINTS["chain_arrays"])
    return "chain_rule is right for three pairs of functions and works on arrays"


def _chain_src(body):
    return f"def chain_rule(df, g, dg, x):\n    return {body}\n"


EX_7_1 = Exercise(
    id="7.1", title="the chain rule", name="chain_rule", params=("df", "g", "dg", "x"),
    run=_run_7_1, reference=chain_rule,
    mistakes=(
        Mistake("outer derivative at x", _chain_src("df(x) * dg(x)"), HINTS["outer_at_x"]),
        Mistake("no inner derivative", _chain_src("df(g(x))"), HINTS["no_inner"]),
        Mistake("adds instead of multiplying", _chain_src("df(g(x)) + dg(x)"), HINTS["added"]),
        Mistake("composes the derivatives", _chain_src("df(dg(x))"), HINTS["composed"]),
        Mistake("roles swapped", _chain_src("dg(g(x)) * df(x)"), HINTS["swapped_roles"]),
        Mistake("float() breaks arrays", _chain_src("df(g(float(x))) * dg(float(x))"), FLOAT_ON_ARRAY_HINT,
                "error"),
    ),
    variants=(
        "def chain_rule(df, g, dg, x):\n    y = g(x)\n    dL_dy = df(y)\n    dy_dx = dg(x)\n"
        "    return dL_dy * dy_dx\n",
        _chain_src("dg(x) * df(g(x))"),
        "import numpy as np\ndef chain_rule(df, g, dg, x):\n    return np.multiply(df(g(x)), dg(x))\n",
    ),
)


# ------------------------------------------------------------------ 7.2
def div_backward(a, b, grad_out):
    """Reference: the gradients of out = a / b for a and b, given d(loss)/d(out)."""
    return grad_out / b, -grad_out * a / b**2


def _pair(got, call, shape=None):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        what = (f"a {type(got).__name__} of {len(got)} items" if isinstance(got, (tuple, list))
                else fmt(got))
        raise Wrong(f"{call} returned {what}, not a pair (grad_a, grad_b).", HINTS["pair"])
    if shape is None:
        return np.array([number(got[0], call + "[0]"), number(got[1], call + "[1]")])
    return np.array([array(got[0], shape, call + "[0]"), array(got[1], shape, call + "[1]")])


def _run_7_2(attempt):
    for a, b, g in ((3.0, -2.0, 0.5), (-1.5, 4.0, 2.0), (0.8, 0.5, -3.0)):
        call = f"div_backward(a={a}, b={b}, grad_out={g})"
        got = _pair(attempt(a, b, g, call=call), call)
        want = np.array(div_backward(a, b, g))
        if close(got, want):
            continue
        hint = diagnose(got, [
            (np.array([g / b, g * a / b**2]), HINTS["div_sign"]),
            (np.array([1 / b, -a / b**2]), HINTS["div_no_upstream"]),
            (np.array([1 / b, a / b**2]), HINTS["div_no_upstream"]),
            (np.array([g / b, -g / b**2]), HINTS["div_no_a"]),
            (np.array([g / b, -g * a / b]), HINTS["div_power"]),
            (np.array([-g * a / b**2, g / b]), HINTS["div_swapped"]),
            (np.array([g * b, g * a]), HINTS["div_mul_rule"]),
        ], HINTS["div_generic"])
        raise Wrong(f"{call} returned ({fmt(got[0])}, {fmt(got[1])}), expected ({fmt(want[0])}, {fmt(want[1])}).",
                    hint)
    a = np.array([1.0, -2.0, 0.5, 3.0])
    b = np.array([2.0, 0.5, -1.0, 4.0])
    g = np.array([1.0, 0.5, -2.0, 0.25])
    call = "div_backward(a=<array of 4>, b=<array of 4>, grad_out=<array of 4>)"
    got = _pair(attempt(a, b, g, call=call), call, a.shape)
    want = np.array(div_backward(a, b, g))
    if not close(got, want):
        raise Wrong(f"{call} returned {fmt(got[0])} and {fmt(got[1])}, expected {fmt(want[0])} and "
                    f"{fmt(want[1])}.", HINTS["div_arrays"])
    return "div_backward gives both gradients, with the upstream gradient, on numbers and arrays"


def _div_src(ga, gb):
    return f"def div_backward(a, b, grad_out):\n    return {ga}, {gb}\n"


EX_7_2 = Exercise(
    id="7.2", title="the backward rule of a / b", name="div_backward", params=("a", "b", "grad_out"),
    run=_run_7_2, reference=div_backward,
    mistakes=(
        Mistake("sign of grad_b", _div_src("grad_out / b", "grad_out * a / b**2"), HINTS["div_sign"]),
        Mistake("forgets grad_out", _div_src("1 / b", "-a / b**2"), HINTS["div_no_upstream"]),
        Mistake("drops the a", _div_src("grad_out / b", "-grad_out / b**2"), HINTS["div_no_a"]),
        Mistake("b not squared", _div_src("grad_out / b", "-grad_out * a / b"), HINTS["div_power"]),
        Mistake("order swapped", _div_src("-grad_out * a / b**2", "grad_out / b"), HINTS["div_swapped"]),
        Mistake("rule of a * b", _div_src("grad_out * b", "grad_out * a"), HINTS["div_mul_rule"]),
        Mistake("one gradient only", "def div_backward(a, b, grad_out):\n    return grad_out / b\n",
                HINTS["pair"]),
    ),
    variants=(
        "def div_backward(a, b, grad_out):\n    out = a / b\n    grad_a = grad_out / b\n"
        "    grad_b = -grad_out * out / b\n    return grad_a, grad_b\n",
        "def div_backward(a, b, grad_out):\n    return [grad_out * b**-1, -grad_out * a * b**-2]\n",
        "import numpy as np\ndef div_backward(a, b, grad_out):\n    local_a = 1 / b\n"
        "    local_b = -a / np.square(b)\n    return (local_a * grad_out, local_b * grad_out)\n",
    ),
)


# ------------------------------------------------------------------ 7.3
def backprop(root):
    """Reference: every node's gradient, from the nodes and edges of trace(root)."""
    from calclib.autodiff import trace
    nodes, edges = trace(root)
    grads = {node: 0.0 for node in nodes}
    grads[root] = 1.0
    for node in reversed(nodes):
        for edge in edges:
            if edge.child is node:
                grads[edge.parent] += edge.local * grads[node]
    return grads


def _graphs():
    """Three small graphs, each separating different near misses: (description, root, named leaves)."""
    x = Value(0.5, label="x")
    a = x.tanh()
    chain = a.exp()
    y = Value(-1.2, label="x")
    reuse = y * y + y                      # x used three times
    z = Value(0.7, label="x")
    q = z * z
    diamond = q * q.exp()                  # q used twice, once through exp(q)
    u, w = Value(1.5, label="x1"), Value(-0.5, label="w")
    net = (u * w + u).sigmoid() * w        # two leaves, each used twice
    return [("L = exp(tanh(x)) at x = 0.5", chain),
            ("L = x*x + x at x = -1.2", reuse),
            ("L = q * exp(q) with q = x*x, at x = 0.7", diamond),
            ("L = sigmoid(x1*w + x1) * w at x1 = 1.5, w = -0.5", net)]


def _in_order(root, order, accumulate=True, upstream=True, seed=1.0):
    grads = {n: 0.0 for n in topological_order(root)}
    grads[root] = seed
    for node in order:
        for parent, local in node._parents:
            contribution = local * grads[node] if upstream else local
            grads[parent] = grads[parent] + contribution if accumulate else contribution
    return grads


def _bfs(root):
    order, seen, i = [root], {root}, 0
    while i < len(order):
        for parent, _ in order[i]._parents:
            if parent not in seen:
                seen.add(parent)
                order.append(parent)
        i += 1
    return order


def _backward_watch():
    """A profile hook that records whether Value.backward ran (a learner calling it skips the exercise)."""
    calls = []
    code = Value.backward.__code__

    def hook(frame, event, arg):
        if event == "call" and frame.f_code is code:
            calls.append(1)
    return calls, hook


def _run_7_3(attempt):
    for description, root in _graphs():
        nodes = topological_order(root)
        call = f"backprop(root) for {description}"
        calls, hook = _backward_watch()
        previous = sys.getprofile()
        sys.setprofile(hook)
        try:
            got = attempt(root, call=call)
        finally:
            sys.setprofile(previous)
        if calls:
            raise Wrong(f"{call} called root.backward().", HINTS["bp_backward_called"])
        if not isinstance(got, dict):
            raise Wrong(f"{call} returned {fmt(got)}, not a dict.", HINTS["bp_dict"])
        missing = [n for n in nodes if n not in got]
        if missing:
            raise Wrong(f"{call} returned a dict without {len(missing)} of the graph's {len(nodes)} nodes.",
                        HINTS["bp_missing"])
        values = np.array([number(got[n], f"{call}, the gradient of a node,") for n in nodes])
        root.backward()
        want = np.array([n.grad for n in nodes])
        for n in nodes:
            n.grad = 0.0
        if close(values, want, rtol=1e-9, atol=1e-12):
            continue
        topo = list(nodes)

        def vec(grads):
            return np.array([grads[n] for n in nodes])

        hint = diagnose(values, [
            (np.zeros(len(nodes)), HINTS["bp_seed"]),
            (lambda: vec(_in_order(root, topo, seed=0.0)), HINTS["bp_seed"]),
            (lambda: vec(_in_order(root, topo)), HINTS["bp_forward"]),
            (lambda: vec(_in_order(root, topo[::-1], upstream=False)), HINTS["bp_no_upstream"]),
            (lambda: vec(_in_order(root, topo[::-1], accumulate=False)), HINTS["bp_assign"]),
            (lambda: vec(_in_order(root, _bfs(root))), HINTS["bp_order"]),
        ], HINTS["bp_generic"])
        x = next(n for n in nodes if n.label == "x" or n.label == "x1")
        raise Wrong(f"{call}: the gradient of {x.label} is {fmt(values[nodes.index(x)])}, expected "
                    f"{fmt(want[nodes.index(x)])}.", hint)
    return "backprop matches root.backward() on four graphs, with nodes used several times"


_BP_HEAD = "from calclib.autodiff import trace\n\ndef backprop(root):\n    nodes, edges = trace(root)\n"


def _bp_src(body):
    return _BP_HEAD + body


EX_7_3 = Exercise(
    id="7.3", title="a backward pass over a graph", name="backprop", params=("root",),
    run=_run_7_3, reference=backprop,
    mistakes=(
        Mistake("= instead of +=", _bp_src(
            "    grads = {n: 0.0 for n in nodes}\n    grads[root] = 1.0\n    for node in reversed(nodes):\n"
            "        for e in edges:\n            if e.child is node:\n"
            "                grads[e.parent] = e.local * grads[node]\n    return grads\n"), HINTS["bp_assign"]),
        Mistake("forgets the seed", _bp_src(
            "    grads = {n: 0.0 for n in nodes}\n    for node in reversed(nodes):\n"
            "        for e in edges:\n            if e.child is node:\n"
            "                grads[e.parent] += e.local * grads[node]\n    return grads\n"), HINTS["bp_seed"]),
        Mistake("walks forwards", _bp_src(
            "    grads = {n: 0.0 for n in nodes}\n    grads[root] = 1.0\n    for node in nodes:\n"
            "        for e in edges:\n            if e.child is node:\n"
            "                grads[e.parent] += e.local * grads[node]\n    return grads\n"), HINTS["bp_forward"]),
        Mistake("local derivative only", _bp_src(
            "    grads = {n: 0.0 for n in nodes}\n    grads[root] = 1.0\n    for e in reversed(edges):\n"
            "        grads[e.parent] += e.local\n    return grads\n"), HINTS["bp_no_upstream"]),
        Mistake("breadth-first order", "from collections import deque\nfrom calclib.autodiff import trace\n\n"
                "def backprop(root):\n    nodes, edges = trace(root)\n    grads = {n: 0.0 for n in nodes}\n"
                "    grads[root] = 1.0\n    queue, seen = deque([root]), {root}\n    while queue:\n"
                "        node = queue.popleft()\n        for e in edges:\n            if e.child is node:\n"
                "                grads[e.parent] += e.local * grads[node]\n"
                "                if e.parent not in seen:\n                    seen.add(e.parent)\n"
                "                    queue.append(e.parent)\n    return grads\n", HINTS["bp_order"]),
        Mistake("calls backward()", _bp_src("    root.backward()\n    return {n: n.grad for n in nodes}\n"),
                HINTS["bp_backward_called"]),
        Mistake("a list, not a dict", _bp_src(
            "    grads = {n: 0.0 for n in nodes}\n    grads[root] = 1.0\n    for e in reversed(edges):\n"
            "        grads[e.parent] += e.local * grads[e.child]\n    return list(grads.values())\n"),
                HINTS["bp_dict"]),
    ),
    variants=(
        _bp_src("    grads = {n: 0.0 for n in nodes}\n    grads[root] = 1.0\n    for e in reversed(edges):\n"
                "        grads[e.parent] += e.local * grads[e.child]\n    return grads\n"),
        "from calclib.autodiff import trace\n\ndef backprop(root):\n    nodes, edges = trace(root)\n"
        "    grads = dict.fromkeys(nodes, 0.0)\n\n    def push(node, g):\n        grads[node] += g\n"
        "        for e in edges:\n            if e.child is node:\n                push(e.parent, e.local * g)\n\n"
        "    push(root, 1.0)\n    return grads\n",
        _bp_src("    for n in nodes:\n        n.grad = 0.0\n    root.grad = 1.0\n    for node in nodes[::-1]:\n"
                "        for e in edges:\n            if e.child is node:\n"
                "                e.parent.grad += e.local * node.grad\n    return {n: n.grad for n in nodes}\n"),
    ),
)


# ------------------------------------------------------------------ 7.4
def sigmoid_chain_grad(x, k):
    """Reference: d h_k / d x for h_0 = x, h_i = sigmoid(h_(i-1))."""
    import numpy as np
    grad, h = 1.0, x
    for _ in range(k):
        s = 1 / (1 + np.exp(-h))
        grad = grad * s * (1 - s)
        h = s
    return grad


def _sig(v):
    return 1.0 / (1.0 + np.exp(-v))


def _chain_candidates(x, k):
    hs = [x]
    for _ in range(k + 1):
        hs.append(_sig(hs[-1]))
    d = [_sig(h) * (1 - _sig(h)) for h in hs]                 # sigma'(h_i), i = 0 ... k + 1
    right = np.prod(d[:k]) if k else 1.0
    return [
        (0.0, HINTS["sc_zero"]),
        (d[0] ** k, HINTS["sc_same_input"]),
        (sum(d[:k]), HINTS["sc_sum"]),
        (np.prod(d[1:k + 1]) if k else 1.0, HINTS["sc_output"]),
        (np.prod(d[:k - 1]) if k > 1 else 1.0, HINTS["sc_count"]),
        (np.prod(d[:k + 1]), HINTS["sc_count"]),
        (hs[k], HINTS["sc_value"]),
        (np.prod([1 - _sig(h) ** 2 for h in hs[:k]]) if k else 1.0, HINTS["sc_tanh"]),
    ], right


def _run_7_4(attempt):
    rng = rng_for("7.4")
    for k in (4, 7, 1, 0):
        x = float(np.round(rng.uniform(-1.5, 1.5), 3))
        call = f"sigmoid_chain_grad(x={x}, k={k})"
        got = number(attempt(x, k, call=call), call)
        candidates, want = _chain_candidates(x, k)
        if close(got, want, rtol=1e-9, atol=1e-14):
            continue
        hint = diagnose(got, [c for c in candidates if not close(c[0], want, rtol=1e-9, atol=1e-14)],
                        HINTS["sc_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    xs = np.linspace(-2.0, 2.0, 5)
    call = "sigmoid_chain_grad(x=<array of 5 values>, k=3)"
    got = array(attempt(xs, 3, call=call), xs.shape, call)
    want = np.array([_chain_candidates(float(v), 3)[1] for v in xs])
    if not close(got, want, rtol=1e-9, atol=1e-14):
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", HINTS["sc_generic"])
    return "sigmoid_chain_grad is right for 0, 1, 4 and 7 layers and works on arrays"


_SC_HEAD = "import numpy as np\n\ndef sigmoid(v):\n    return 1 / (1 + np.exp(-v))\n\ndef sigmoid_chain_grad(x, k):\n"


EX_7_4 = Exercise(
    id="7.4", title="the gradient through k sigmoids", name="sigmoid_chain_grad", params=("x", "k"),
    run=_run_7_4, reference=sigmoid_chain_grad,
    mistakes=(
        Mistake("same factor every layer", _SC_HEAD + "    s = sigmoid(x)\n    return (s * (1 - s)) ** k\n",
                HINTS["sc_same_input"]),
        Mistake("adds the factors", _SC_HEAD + "    total, h = 0.0, x\n    for _ in range(k):\n"
                "        s = sigmoid(h)\n        total = total + s * (1 - s)\n        h = s\n    return total\n",
                HINTS["sc_sum"]),
        Mistake("factor at the output", _SC_HEAD + "    grad, h = 1.0, x\n    for _ in range(k):\n"
                "        h = sigmoid(h)\n        s = sigmoid(h)\n        grad = grad * s * (1 - s)\n    return grad\n",
                HINTS["sc_output"]),
        Mistake("one layer too many", _SC_HEAD + "    grad, h = 1.0, x\n    for _ in range(k + 1):\n"
                "        s = sigmoid(h)\n        grad = grad * s * (1 - s)\n        h = s\n    return grad\n",
                HINTS["sc_count"]),
        Mistake("returns the value", _SC_HEAD + "    h = x\n    for _ in range(k):\n        h = sigmoid(h)\n"
                "    return h\n", HINTS["sc_value"]),
        Mistake("tanh's rule", _SC_HEAD + "    grad, h = 1.0, x\n    for _ in range(k):\n        s = sigmoid(h)\n"
                "        grad = grad * (1 - s**2)\n        h = s\n    return grad\n", HINTS["sc_tanh"]),
        Mistake("product starts at 0", _SC_HEAD + "    grad, h = 0.0, x\n    for _ in range(k):\n"
                "        s = sigmoid(h)\n        grad = grad * s * (1 - s)\n        h = s\n    return grad\n",
                HINTS["sc_zero"]),
        Mistake("math.exp breaks arrays", "import math\n\ndef sigmoid_chain_grad(x, k):\n    grad, h = 1.0, x\n"
                "    for _ in range(k):\n        s = 1 / (1 + math.exp(-h))\n        grad = grad * s * (1 - s)\n"
                "        h = s\n    return grad\n", FLOAT_ON_ARRAY_HINT, "error"),
    ),
    variants=(
        _SC_HEAD + "    grad, h = 1.0, x\n    for _ in range(k):\n        s = sigmoid(h)\n"
        "        grad = grad * s * (1 - s)\n        h = s\n    return grad\n",
        _SC_HEAD + "    hs = [x]\n    for _ in range(k):\n        hs.append(sigmoid(hs[-1]))\n"
        "    grad = 1.0\n    for h in hs[1:]:\n        grad = grad * h * (1 - h)\n    return grad\n",
        _SC_HEAD + "    if k == 0:\n        return 1.0 + 0 * x\n    s = sigmoid(x)\n"
        "    return s * (1 - s) * sigmoid_chain_grad(s, k - 1)\n",
    ),
)

EXERCISES = [EX_7_1, EX_7_2, EX_7_3, EX_7_4]
