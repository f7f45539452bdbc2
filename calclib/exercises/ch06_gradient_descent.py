"""Chapter 6 exercises: gradient descent.

6.1 ``descent_step(theta, g, lr)``: one step, ``theta`` left unchanged.
6.2 ``run_descent(grad, theta0, lr, steps)``: every iterate, start included, shape ``(steps + 1, n)``.
6.3 ``max_learning_rate(H)``: ``2 / L`` with ``L`` the largest eigenvalue of the Hessian.
6.4 ``momentum_step(theta, v, g, lr, beta)``: one heavy-ball step, returning ``(theta, v)``.
"""
from __future__ import annotations

import numpy as np

from .checker import Exercise, Mistake, Wrong, array, close, diagnose, fmt, mutation_hint, number, rng_for

__all__ = ["EXERCISES", "HINTS"]

HINTS = {
    # 6.1
    "step_uphill": "That step goes uphill: the gradient points where the loss rises, so step against it.",
    "step_no_lr": "The step ignores the learning rate: move by lr * g, not by the whole gradient g.",
    "step_divides": "Multiply the gradient by the learning rate; dividing by it makes small rates take huge steps.",
    "step_swapped": "The learning rate scales the gradient, not the parameters.",
    "step_only_change": "You returned the change -lr * g; return the new parameters, theta plus that change.",
    "step_generic": "The new parameters are theta minus the learning rate times the gradient.",
    # 6.2
    "run_no_start": "The path must start with theta0 itself: put it in before the first step, so there are "
                    "steps + 1 rows.",
    "run_last_only": "You returned only the last point; return every iterate, one row per step, start included.",
    "run_short": "One step is missing: `steps` steps give steps + 1 points, the start included.",
    "run_same_rows": "Every row is the same array: appending `theta` and then changing it in place "
                     "(theta -= ...) changes the rows already stored. Append a copy, or build a new array "
                     "each step (theta = theta - lr * grad(theta)).",
    "run_grad_at_start": "Every step uses the gradient at theta0; evaluate grad at the current point instead.",
    "run_uphill": "The path climbs: subtract lr * grad(theta) at every step.",
    "run_generic": "Start from theta0; at each step compute grad at the current point, subtract lr times it, "
                   "and record the new point.",
    # 6.3
    "lr_one_over": "1/L is a good, safe rate (one step lands on the minimum in the steepest direction); "
                   "the threshold of divergence is twice that, 2/L.",
    "lr_smallest": "You used the smallest eigenvalue; the steepest direction, the largest eigenvalue, sets "
                   "the limit. np.linalg.eigvalsh returns them in increasing order.",
    "lr_diagonal": "The diagonal entries are the curvatures along the axes only; for a Hessian that is not "
                   "diagonal the largest curvature is its largest eigenvalue.",
    "lr_frobenius": "np.linalg.norm(H) is the Frobenius norm, the root of the sum of all squared entries, "
                    "which is larger than the largest curvature; use the largest eigenvalue.",
    "lr_trace": "The trace is the sum of all curvatures; the limit comes from the largest one alone.",
    "lr_times": "The rate is 2 divided by the largest curvature, not multiplied by it.",
    "lr_generic": "The limit is 2 divided by the largest eigenvalue of H.",
    # 6.4
    "mom_old_v": "theta moved with the old velocity: update v first, then move theta by the new v.",
    "mom_no_beta": "The old velocity is kept in full: multiply it by beta.",
    "mom_no_v": "The old velocity is ignored: the new one keeps beta times the old velocity, and adds the "
                "step -lr * g to it.",
    "mom_uphill": "The velocity points uphill: it must collect -lr * g, against the gradient.",
    "mom_swapped": "Return the pair in the order (new_theta, new_v).",
    "mom_not_pair": "Return two arrays, (new_theta, new_v), as a tuple.",
    "mom_generic": "First the velocity: beta times the old one, minus lr times the gradient; then move theta "
                   "by the new velocity.",
}


# ------------------------------------------------------------------ 6.1
def descent_step(theta, g, lr):
    """Reference: one step of gradient descent."""
    return theta - lr * g


def _run_6_1(attempt):
    rng = rng_for("6.1")
    for n, lr in ((2, 0.1), (3, 0.25), (5, 0.05)):
        theta = np.round(rng.uniform(-2.0, 2.0, n), 2)
        g = np.round(rng.uniform(-3.0, 3.0, n), 2)
        call = f"descent_step(theta={fmt(theta)}, g={fmt(g)}, lr={lr})"
        got = array(attempt(theta, g, lr, call=call), (n,), call)
        want = descent_step(theta, g, lr)
        if close(got, want, rtol=1e-9, atol=1e-12):
            continue
        hint = diagnose(got, [
            (theta + lr * g, HINTS["step_uphill"]),
            (theta - g, HINTS["step_no_lr"]),
            (theta - g / lr, HINTS["step_divides"]),
            (lr * theta - g, HINTS["step_swapped"]),
            (-lr * g, HINTS["step_only_change"]),
        ], HINTS["step_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "descent_step moves against the gradient by lr * g and leaves theta unchanged"


def _step_src(body):
    return f"def descent_step(theta, g, lr):\n    return {body}\n"


EX_6_1 = Exercise(
    id="6.1", title="one step of gradient descent", name="descent_step", params=("theta", "g", "lr"),
    run=_run_6_1, reference=descent_step,
    mistakes=(
        Mistake("uphill", _step_src("theta + lr * g"), HINTS["step_uphill"]),
        Mistake("forgets lr", _step_src("theta - g"), HINTS["step_no_lr"]),
        Mistake("divides by lr", _step_src("theta - g / lr"), HINTS["step_divides"]),
        Mistake("lr on theta", _step_src("lr * theta - g"), HINTS["step_swapped"]),
        Mistake("returns the change", _step_src("-lr * g"), HINTS["step_only_change"]),
        Mistake("changes theta in place", "def descent_step(theta, g, lr):\n    theta -= lr * g\n    return theta\n",
                mutation_hint("theta")),
    ),
    variants=(
        "import numpy as np\ndef descent_step(theta, g, lr):\n    return np.subtract(theta, np.multiply(lr, g))\n",
        "def descent_step(theta, g, lr):\n    new = theta.copy()\n    new -= lr * g\n    return new\n",
        "import numpy as np\ndef descent_step(theta, g, lr):\n"
        "    return np.array([t - lr * gi for t, gi in zip(theta, g)])\n",
    ),
)


# ------------------------------------------------------------------ 6.2
def run_descent(grad, theta0, lr, steps):
    """Reference: every iterate of `steps` steps of gradient descent, theta0 first."""
    path = [np.array(theta0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return np.array(path)


class _Gradient:
    """A gradient handed to the learner's code: prints as its formula, counts its calls."""

    def __init__(self, name, curvatures, centre):
        self.name, self.c, self.m = name, np.asarray(curvatures, float), np.asarray(centre, float)

    def __call__(self, theta):
        return self.c * (np.asarray(theta, dtype=float) - self.m)

    def __repr__(self):
        return self.name


_GRADIENTS = (
    _Gradient("grad of (x - 1)**2 + 2*(y + 0.5)**2", [2.0, 4.0], [1.0, -0.5]),
    _Gradient("grad of x**2/2 + 3*y**2 + (z - 2)**2", [1.0, 6.0, 2.0], [0.0, 0.0, 2.0]),
)


def _run_6_2(attempt):
    rng = rng_for("6.2")
    for grad, lr, steps in ((_GRADIENTS[0], 0.1, 5), (_GRADIENTS[1], 0.15, 7)):
        n = grad.c.size
        theta0 = np.round(rng.uniform(-2.0, 2.0, n), 2)
        call = f"run_descent(grad={grad}, theta0={fmt(theta0)}, lr={lr}, steps={steps})"
        got = attempt(grad, theta0, lr, steps, call=call)
        want = run_descent(grad, theta0, lr, steps)
        if isinstance(got, np.ndarray) and got.shape == (n,):
            raise Wrong(f"{call} returned one point {fmt(got)}, expected {steps + 1} rows.", HINTS["run_last_only"])
        if isinstance(got, np.ndarray) and got.shape == (steps, n):
            hint = HINTS["run_short"] if close(got[0], theta0, rtol=0, atol=0) else HINTS["run_no_start"]
            raise Wrong(f"{call} returned {steps} rows, expected {steps + 1} (the start and one per step).", hint)
        got = array(got, (steps + 1, n), call)
        if close(got, want, rtol=1e-9, atol=1e-12):
            continue
        g0 = grad(theta0)
        hint = diagnose(got, [
            (np.repeat(want[-1:], steps + 1, axis=0), HINTS["run_same_rows"]),
            (theta0 - lr * np.arange(steps + 1)[:, None] * g0, HINTS["run_grad_at_start"]),
            (lambda: run_descent(lambda t: -grad(t), theta0, lr, steps), HINTS["run_uphill"]),
        ], HINTS["run_generic"])
        raise Wrong(f"{call} returned rows {fmt(got[:3])} ..., expected {fmt(want[:3])} ...", hint)
    return "run_descent returns the start and every step, with the gradient taken at each new point"


EX_6_2 = Exercise(
    id="6.2", title="many steps", name="run_descent", params=("grad", "theta0", "lr", "steps"),
    run=_run_6_2, reference=run_descent,
    mistakes=(
        Mistake("start missing", "import numpy as np\ndef run_descent(grad, theta0, lr, steps):\n"
                "    theta, path = theta0, []\n    for _ in range(steps):\n        theta = theta - lr * grad(theta)\n"
                "        path.append(theta)\n    return np.array(path)\n", HINTS["run_no_start"]),
        Mistake("only the last point", "def run_descent(grad, theta0, lr, steps):\n    theta = theta0\n"
                "    for _ in range(steps):\n        theta = theta - lr * grad(theta)\n    return theta\n",
                HINTS["run_last_only"]),
        Mistake("one step short", "import numpy as np\ndef run_descent(grad, theta0, lr, steps):\n"
                "    path = [theta0]\n    for _ in range(steps - 1):\n"
                "        path.append(path[-1] - lr * grad(path[-1]))\n    return np.array(path)\n",
                HINTS["run_short"]),
        Mistake("appends one array, changed in place", "import numpy as np\n"
                "def run_descent(grad, theta0, lr, steps):\n    theta = theta0.copy()\n    path = [theta]\n"
                "    for _ in range(steps):\n        theta -= lr * grad(theta)\n        path.append(theta)\n"
                "    return np.array(path)\n", HINTS["run_same_rows"]),
        Mistake("gradient at the start only", "import numpy as np\ndef run_descent(grad, theta0, lr, steps):\n"
                "    path = [theta0]\n    for _ in range(steps):\n"
                "        path.append(path[-1] - lr * grad(theta0))\n    return np.array(path)\n",
                HINTS["run_grad_at_start"]),
        Mistake("changes theta0", "import numpy as np\ndef run_descent(grad, theta0, lr, steps):\n"
                "    path = [theta0.copy()]\n    for _ in range(steps):\n        theta0 -= lr * grad(theta0)\n"
                "        path.append(theta0.copy())\n    return np.array(path)\n", mutation_hint("theta0")),
    ),
    variants=(
        "import numpy as np\ndef run_descent(grad, theta0, lr, steps):\n    path = np.zeros((steps + 1, len(theta0)))\n"
        "    path[0] = theta0\n    for k in range(steps):\n        path[k + 1] = path[k] - lr * grad(path[k])\n"
        "    return path\n",
        "import numpy as np\ndef run_descent(grad, theta0, lr, steps):\n    theta = np.copy(theta0)\n"
        "    path = [theta.copy()]\n    for _ in range(steps):\n        theta -= lr * grad(theta)\n"
        "        path.append(theta.copy())\n    return np.array(path)\n",
        "import numpy as np\ndef run_descent(grad, theta0, lr, steps):\n    out = [theta0]\n    while len(out) <= steps:\n"
        "        t = out[-1]\n        out.append(t - lr * grad(t))\n    return np.vstack(out)\n",
    ),
)


# ------------------------------------------------------------------ 6.3
def max_learning_rate(H):
    """Reference: 2 / L, with L the largest eigenvalue of the Hessian H."""
    return 2.0 / np.linalg.eigvalsh(H)[-1]


def _hessians():
    rng = rng_for("6.3")
    out = [np.array([[4.0, 1.5], [1.5, 2.0]])]
    for n in (3, 4):
        Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
        eig = np.round(rng.uniform(0.5, 6.0, n), 2)
        out.append(np.round(Q @ np.diag(eig) @ Q.T, 3))
    return out


def _run_6_3(attempt):
    for H in _hessians():
        H = (H + H.T) / 2
        call = f"max_learning_rate(H={fmt(H)})"
        got = number(attempt(H, call=call), call)
        eig = np.linalg.eigvalsh(H)
        want = 2.0 / eig[-1]
        if close(got, want, rtol=1e-7, atol=1e-12):
            continue
        hint = diagnose(got, [
            (1.0 / eig[-1], HINTS["lr_one_over"]),
            (2.0 / eig[0], HINTS["lr_smallest"]),
            (1.0 / eig[0], HINTS["lr_smallest"]),
            (2.0 / np.max(np.diag(H)), HINTS["lr_diagonal"]),
            (2.0 / np.linalg.norm(H), HINTS["lr_frobenius"]),
            (2.0 / np.trace(H), HINTS["lr_trace"]),
            (2.0 * eig[-1], HINTS["lr_times"]),
        ], HINTS["lr_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "max_learning_rate gives 2/L for Hessians of 2, 3 and 4 parameters, diagonal or not"


def _lr_src(body):
    return f"import numpy as np\ndef max_learning_rate(H):\n    return {body}\n"


EX_6_3 = Exercise(
    id="6.3", title="the largest stable learning rate", name="max_learning_rate", params=("H",),
    run=_run_6_3, reference=max_learning_rate,
    mistakes=(
        Mistake("1/L", _lr_src("1 / np.linalg.eigvalsh(H)[-1]"), HINTS["lr_one_over"]),
        Mistake("smallest eigenvalue", _lr_src("2 / np.linalg.eigvalsh(H)[0]"), HINTS["lr_smallest"]),
        Mistake("largest diagonal entry", _lr_src("2 / np.max(np.diag(H))"), HINTS["lr_diagonal"]),
        Mistake("Frobenius norm", _lr_src("2 / np.linalg.norm(H)"), HINTS["lr_frobenius"]),
        Mistake("the trace", _lr_src("2 / np.trace(H)"), HINTS["lr_trace"]),
        Mistake("times L", _lr_src("2 * np.linalg.eigvalsh(H)[-1]"), HINTS["lr_times"]),
    ),
    variants=(
        _lr_src("2 / max(np.linalg.eigvals(H).real)"),
        _lr_src("2 / np.linalg.norm(H, 2)"),
        "import numpy as np\ndef max_learning_rate(H):\n    L = np.linalg.eigvalsh(H).max()\n    return 2.0 / L\n",
    ),
)


# ------------------------------------------------------------------ 6.4
def momentum_step(theta, v, g, lr, beta):
    """Reference: one heavy-ball step, returning (new_theta, new_v)."""
    new_v = beta * v - lr * g
    return theta + new_v, new_v


def _run_6_4(attempt):
    rng = rng_for("6.4")
    for n, lr, beta in ((2, 0.1, 0.9), (3, 0.05, 0.5), (4, 0.2, 0.7)):
        theta = np.round(rng.uniform(-2.0, 2.0, n), 2)
        v = np.round(rng.uniform(-0.5, 0.5, n), 2)
        g = np.round(rng.uniform(-3.0, 3.0, n), 2)
        call = f"momentum_step(theta={fmt(theta)}, v={fmt(v)}, g={fmt(g)}, lr={lr}, beta={beta})"
        got = attempt(theta, v, g, lr, beta, call=call)
        if not (isinstance(got, tuple) and len(got) == 2):
            raise Wrong(f"{call} returned {fmt(got)}, not a pair (new_theta, new_v).", HINTS["mom_not_pair"])
        new_theta = array(got[0], (n,), f"new_theta from {call}")
        new_v = array(got[1], (n,), f"new_v from {call}")
        want_theta, want_v = momentum_step(theta, v, g, lr, beta)
        if close(new_theta, want_theta, rtol=1e-9, atol=1e-12) and close(new_v, want_v, rtol=1e-9, atol=1e-12):
            continue
        both = np.concatenate([new_theta, new_v])
        hint = diagnose(both, [
            (np.concatenate([want_v, want_theta]), HINTS["mom_swapped"]),
            (np.concatenate([theta + v, want_v]), HINTS["mom_old_v"]),
            (np.concatenate([theta + v - lr * g, v - lr * g]), HINTS["mom_no_beta"]),
            (np.concatenate([theta - lr * g, -lr * g]), HINTS["mom_no_v"]),
            (np.concatenate([theta + beta * v + lr * g, beta * v + lr * g]), HINTS["mom_uphill"]),
        ], HINTS["mom_generic"])
        raise Wrong(f"{call} returned new_theta {fmt(new_theta)} and new_v {fmt(new_v)}, expected "
                    f"{fmt(want_theta)} and {fmt(want_v)}.", hint)
    return "momentum_step updates the velocity first, then the parameters, and leaves its inputs unchanged"


def _mom_src(*lines):
    return "def momentum_step(theta, v, g, lr, beta):\n" + "".join(f"    {line}\n" for line in lines)


EX_6_4 = Exercise(
    id="6.4", title="a step with momentum", name="momentum_step", params=("theta", "v", "g", "lr", "beta"),
    run=_run_6_4, reference=momentum_step,
    mistakes=(
        Mistake("moves with the old v", _mom_src("new_theta = theta + v", "new_v = beta * v - lr * g",
                                                 "return new_theta, new_v"), HINTS["mom_old_v"]),
        Mistake("forgets beta", _mom_src("new_v = v - lr * g", "return theta + new_v, new_v"), HINTS["mom_no_beta"]),
        Mistake("no velocity at all", _mom_src("new_v = -lr * g", "return theta + new_v, new_v"), HINTS["mom_no_v"]),
        Mistake("uphill", _mom_src("new_v = beta * v + lr * g", "return theta + new_v, new_v"), HINTS["mom_uphill"]),
        Mistake("pair swapped", _mom_src("new_v = beta * v - lr * g", "return new_v, theta + new_v"),
                HINTS["mom_swapped"]),
        Mistake("changes v in place", _mom_src("v *= beta", "v -= lr * g", "return theta + v, v"), mutation_hint("v")),
        Mistake("returns a list", _mom_src("new_v = beta * v - lr * g", "return [theta + new_v, new_v]"),
                HINTS["mom_not_pair"]),
    ),
    variants=(
        _mom_src("v = beta * v - lr * g", "theta = theta + v", "return theta, v"),
        _mom_src("new_v = v.copy()", "new_v *= beta", "new_v -= lr * g", "return theta + new_v, new_v"),
        "import numpy as np\n" + _mom_src("new_v = np.add(np.multiply(beta, v), np.multiply(-lr, g))",
                                          "return (np.add(theta, new_v), new_v)"),
    ),
)

EXERCISES = [EX_6_1, EX_6_2, EX_6_3, EX_6_4]
