"""Chapter 12 exercises: finish the training loop.

12.1 ``sgd_update(params, grads, lr)``: the update, new arrays, inputs left alone.
12.2 ``numeric_gradient(loss, W, h)``: the gradient check's central differences, one entry at a time.
12.3 ``accuracy(scores, y)``: the fraction of points the network classifies right.
"""
from __future__ import annotations

import types

import numpy as np

from .checker import Exercise, Mistake, Wrong, array, close, diagnose, fmt, function, mutation_hint, number, rng_for

__all__ = ["EXERCISES", "HINTS"]

HINTS = {
    # 12.1
    "update_sign": "Your parameters move up the gradient: the update subtracts, p - lr * g.",
    "update_lr": "Your result does not change with lr: scale each gradient by lr before subtracting it.",
    "update_step_only": "You returned the step -lr * g; the new parameters are the old ones plus that step.",
    "update_roles": "The roles are swapped: the parameter p stays and the gradient g, times lr, is subtracted from it.",
    "update_generator": "You returned a generator, which can be read only once; return a list, e.g. "
                        "[p - lr * g for p, g in zip(params, grads)].",
    "update_not_list": "Return a list with one new array per parameter, in the order of `params`.",
    "update_generic": "Each new parameter is p - lr * g, with the gradient g of the same position.",
    "numgrad_forward": "That is the forward difference (error of order h); use one point on each side: "
                       "(L(W + h) - L(W - h)) / 2h, which is far more accurate.",
    "numgrad_by_h": "The two points are 2h apart: divide by 2*h, not by h.",
    "numgrad_all_at_once": "Every entry got the same number: you nudged all entries together. Nudge one entry "
                           "at a time, keeping the others as they are.",
    "numgrad_not_restored": "Each nudge must start from the original W: after nudging an entry, put it back "
                            "(or nudge a fresh copy of W for every entry).",
    "numgrad_sign": "The sign is flipped: subtract the value at W - h from the value at W + h.",
    "numgrad_generic": "For each entry: copy W, add h to that entry, evaluate the loss; copy W, subtract h, "
                       "evaluate; the partial is the difference over 2h.",
    # 12.3
    "acc_broadcast": "scores has shape (n, 1) and y shape (n,): comparing them broadcasts to an n x n table. "
                     "Flatten the scores first (scores[:, 0] or scores.ravel()).",
    "acc_half": "The scores are raw network outputs, not probabilities: the boundary is at score 0, not 0.5.",
    "acc_count": "You returned how many are right; the accuracy is that number divided by the number of points.",
    "acc_percent": "Return a fraction between 0 and 1, not a percentage.",
    "acc_flipped": "The classes are the wrong way round: a positive score means class 1.",
    "acc_raw": "Turn each score into a predicted class first (1 where the score is positive, else 0), then "
               "compare the classes with y.",
    "acc_generic": "Predict class 1 where the score is positive and class 0 elsewhere; the accuracy is the "
                   "fraction of predictions equal to y.",
}


# ------------------------------------------------------------------ 12.1
def sgd_update(params, grads, lr):
    """Reference: one gradient-descent step, as new arrays."""
    return [p - lr * g for p, g in zip(params, grads)]


_SHAPES = ((2, 3), (3,), (3, 1))


def _arrays(rng, scale=1.0):
    return [np.round(rng.normal(scale=scale, size=s), 3) for s in _SHAPES]


def _run_12_1(attempt):
    rng = rng_for("12.1")
    for lr in (0.1, 0.5):
        params, grads = _arrays(rng), _arrays(rng, 2.0)
        kept = [p.copy() for p in params]
        call = f"sgd_update(params=<3 arrays of shapes (2, 3), (3,), (3, 1)>, grads=<3 arrays, same shapes>, lr={lr})"
        got = attempt(params, grads, lr, call=call)
        if isinstance(got, (types.GeneratorType, map, zip, filter)):
            raise Wrong(f"{call} returned a {type(got).__name__}, not a list.", HINTS["update_generator"])
        if isinstance(got, np.ndarray) or not isinstance(got, (list, tuple)):
            raise Wrong(f"{call} returned {fmt(got)}, not a list of 3 arrays.", HINTS["update_not_list"])
        if len(got) != 3:
            raise Wrong(f"{call} returned a {type(got).__name__} of {len(got)} items, expected 3 (one per "
                        "parameter).", HINTS["update_not_list"])
        want = sgd_update(params, grads, lr)
        for k, (g_k, w_k) in enumerate(zip(got, want)):
            what = f"item {k} of what {call} returned"
            g_k = array(g_k, w_k.shape, what)
            if close(g_k, w_k, rtol=1e-12, atol=1e-12):
                continue
            other = attempt(kept, grads, 2 * lr, call=call)
            same = isinstance(other, (list, tuple)) and len(other) == 3 and \
                np.array_equal(np.asarray(other[k], dtype=float), g_k)
            p, g = params[k], grads[k]
            hint = HINTS["update_lr"] if same else diagnose(g_k, [
                (p + lr * g, HINTS["update_sign"]),
                (-lr * g, HINTS["update_step_only"]),
                (g - lr * p, HINTS["update_roles"]),
            ], HINTS["update_generic"])
            raise Wrong(f"{what}: {fmt(g_k)}, expected {fmt(w_k)}.", hint)
    return "sgd_update takes the step for every parameter, with new arrays, at two step sizes"


def _upd_src(body):
    return "def sgd_update(params, grads, lr):\n" + body


EX_12_1 = Exercise(
    id="12.1", title="the update", name="sgd_update", params=("params", "grads", "lr"),
    run=_run_12_1, reference=sgd_update,
    mistakes=(
        Mistake("adds the gradient", _upd_src("    return [p + lr * g for p, g in zip(params, grads)]\n"),
                HINTS["update_sign"]),
        Mistake("forgets lr", _upd_src("    return [p - g for p, g in zip(params, grads)]\n"), HINTS["update_lr"]),
        Mistake("updates in place", _upd_src("    for p, g in zip(params, grads):\n        p -= lr * g\n"
                                             "    return params\n"), mutation_hint("params")),
        Mistake("returns the step", _upd_src("    return [-lr * g for g in grads]\n"), HINTS["update_step_only"]),
        Mistake("returns a generator", _upd_src("    return (p - lr * g for p, g in zip(params, grads))\n"),
                HINTS["update_generator"]),
        Mistake("returns one array", _upd_src("    for p, g in zip(params, grads):\n        new = p - lr * g\n"
                                              "    return new\n"), HINTS["update_not_list"]),
    ),
    variants=(
        _upd_src("    new = []\n    for k in range(len(params)):\n        new.append(params[k] - lr * grads[k])\n"
                 "    return new\n"),
        "import numpy as np\n" + _upd_src("    return [np.subtract(p, np.multiply(lr, g)) for p, g in "
                                          "zip(params, grads)]\n"),
        _upd_src("    out = [p.copy() for p in params]\n    for p, g in zip(out, grads):\n        p -= lr * g\n"
                 "    return tuple(out)\n"),
    ),
)


# ------------------------------------------------------------------ 12.2
def numeric_gradient(loss, W, h):
    """Reference: central differences, one entry of W at a time, W left unchanged."""
    grad = np.zeros_like(W, dtype=float)
    for idx in np.ndindex(W.shape):
        up, down = W.astype(float), W.astype(float)
        up[idx] += h
        down[idx] -= h
        grad[idx] = (loss(up) - loss(down)) / (2 * h)
    return grad


def _make_loss(seed):
    rng = np.random.default_rng(seed)
    A = np.round(rng.normal(size=(4, 3)), 2)
    C = np.round(rng.normal(size=(4, 2)), 2)

    def f(W):
        return float(np.sum(np.tanh(A @ W) * C) + 0.5 * np.sum(W * W))

    return function("sum(tanh(A @ W) * C) + |W|^2 / 2", f)


def _forward_grad(loss, W, h):
    grad = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        up = W.copy()
        up[idx] += h
        grad[idx] = (loss(up) - loss(W)) / h
    return grad


def _not_restored(loss, W, h):
    grad, Wc = np.zeros_like(W), W.copy()
    for idx in np.ndindex(W.shape):
        Wc[idx] += h
        fp = loss(Wc)
        Wc[idx] -= 2 * h
        grad[idx] = (fp - loss(Wc)) / (2 * h)
    return grad


def _run_12_2(attempt):
    rng = rng_for("12.2")
    for seed, h in ((1, 1e-4), (2, 1e-3)):
        loss = _make_loss(seed)
        W = np.round(rng.normal(size=(3, 2)), 3)
        call = f"numeric_gradient(loss={loss}, W=<3 x 2 array>, h={h:g})"
        got = array(attempt(loss, W, h, call=call), W.shape, call)
        want = numeric_gradient(loss, W, h)
        if close(got, want, rtol=1e-6, atol=1e-9):
            continue
        hint = diagnose(got, [
            (lambda: np.full(W.shape, (loss(W + h) - loss(W - h)) / (2 * h)), HINTS["numgrad_all_at_once"]),
            (2 * want, HINTS["numgrad_by_h"]),
            (-want, HINTS["numgrad_sign"]),
            (lambda: _forward_grad(loss, W, h), HINTS["numgrad_forward"]),
            (lambda: _not_restored(loss, W, h), HINTS["numgrad_not_restored"]),
        ], HINTS["numgrad_generic"])
        if hint is HINTS["numgrad_generic"] and np.allclose(got, got.flat[0]):
            hint = HINTS["numgrad_all_at_once"]
        if hint is HINTS["numgrad_generic"] and close(got, _forward_grad(loss, W, h), rtol=1e-4, atol=1e-7):
            hint = HINTS["numgrad_forward"]
        with np.errstate(all="ignore"):
            gap = float(np.max(np.abs(got - want)))
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)} (they differ by up to {gap:.1e}).", hint)
    return "numeric_gradient matches central differences entry by entry and leaves W unchanged"


def _ng_src(body):
    return "import numpy as np\ndef numeric_gradient(loss, W, h):\n" + body


_LOOP_HEAD = "    grad = np.zeros_like(W)\n    for idx in np.ndindex(W.shape):\n"

EX_12_2 = Exercise(
    id="12.2", title="the gradient check", name="numeric_gradient", params=("loss", "W", "h"),
    run=_run_12_2, reference=numeric_gradient,
    mistakes=(
        Mistake("forward difference", _ng_src(
            _LOOP_HEAD + "        up = W.copy()\n        up[idx] += h\n        grad[idx] = (loss(up) - loss(W)) / h\n"
            "    return grad\n"), HINTS["numgrad_forward"]),
        Mistake("divides by h", _ng_src(
            _LOOP_HEAD + "        up, down = W.copy(), W.copy()\n        up[idx] += h\n        down[idx] -= h\n"
            "        grad[idx] = (loss(up) - loss(down)) / h\n    return grad\n"), HINTS["numgrad_by_h"]),
        Mistake("nudges every entry at once", _ng_src(
            "    return np.full(W.shape, (loss(W + h) - loss(W - h)) / (2 * h))\n"), HINTS["numgrad_all_at_once"]),
        Mistake("nudges W itself", _ng_src(
            _LOOP_HEAD + "        W[idx] += h\n        up = loss(W)\n        W[idx] -= 2 * h\n        down = loss(W)\n"
            "        grad[idx] = (up - down) / (2 * h)\n    return grad\n"), mutation_hint("W")),
        Mistake("never puts the entry back", _ng_src(
            "    grad, V = np.zeros_like(W), W.copy()\n    for idx in np.ndindex(W.shape):\n"
            "        V[idx] += h\n        up = loss(V)\n        V[idx] -= 2 * h\n"
            "        grad[idx] = (up - loss(V)) / (2 * h)\n    return grad\n"), HINTS["numgrad_not_restored"]),
        Mistake("flat result", _ng_src(
            "    grad = []\n    for idx in np.ndindex(W.shape):\n        up, down = W.copy(), W.copy()\n"
            "        up[idx] += h\n        down[idx] -= h\n        grad.append((loss(up) - loss(down)) / (2 * h))\n"
            "    return np.array(grad)\n"), "Return one result per input element, in the same shape as the input."),
    ),
    variants=(
        _ng_src(_LOOP_HEAD + "        e = np.zeros_like(W)\n        e[idx] = h\n"
                "        grad[idx] = (loss(W + e) - loss(W - e)) / (2 * h)\n    return grad\n"),
        _ng_src("    flat = W.ravel().copy()\n    out = np.empty(flat.size)\n    for i in range(flat.size):\n"
                "        old = flat[i]\n        flat[i] = old + h\n        up = loss(flat.reshape(W.shape))\n"
                "        flat[i] = old - h\n        down = loss(flat.reshape(W.shape))\n        flat[i] = old\n"
                "        out[i] = (up - down) / (2 * h)\n    return out.reshape(W.shape)\n"),
        _ng_src("    grad = np.empty(W.shape)\n    for i in range(W.shape[0]):\n        for j in range(W.shape[1]):\n"
                "            Wp = W.copy(); Wp[i, j] += h\n            Wm = W.copy(); Wm[i, j] -= h\n"
                "            grad[i, j] = (loss(Wp) - loss(Wm)) / (2 * h)\n    return grad\n"),
    ),
)


# ------------------------------------------------------------------ 12.3
def accuracy(scores, y):
    """Reference: the fraction of points whose predicted class (score > 0) equals y."""
    return float(np.mean((scores[:, 0] > 0) == (y == 1)))


def _acc_case(rng, n):
    """Scores of shape (n, 1), several between 0 and 0.5; labels with some errors."""
    scores = np.round(rng.normal(0.1, 1.0, size=(n, 1)), 2)
    scores[: n // 3, 0] = np.round(rng.uniform(0.05, 0.45, size=n // 3), 2)
    y = (scores[:, 0] > 0).astype(int)
    flip = rng.choice(n, size=n // 4, replace=False)
    y[flip] = 1 - y[flip]
    return scores, y


def _run_12_3(attempt):
    rng = rng_for("12.3")
    for n in (12, 20, 9):
        scores, y = _acc_case(rng, n)
        call = f"accuracy(scores=<array of shape ({n}, 1)>, y=<{n} labels 0/1>)"
        got = number(attempt(scores, y, call=call), call)
        want = accuracy(scores, y)
        if close(got, want, rtol=1e-12, atol=1e-12):
            continue
        pred = (scores[:, 0] > 0).astype(int)
        hint = diagnose(got, [
            (np.mean((scores > 0) == y), HINTS["acc_broadcast"]),
            (np.mean((scores[:, 0] > 0.5) == y), HINTS["acc_half"]),
            (float(np.sum(pred == y)), HINTS["acc_count"]),
            (100 * want, HINTS["acc_percent"]),
            (1 - want, HINTS["acc_flipped"]),
            (np.mean(scores[:, 0] == y), HINTS["acc_raw"]),
        ], HINTS["acc_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "accuracy is right on 3 data sets, with scores of shape (n, 1)"


def _acc_src(body):
    return "import numpy as np\ndef accuracy(scores, y):\n" + body


EX_12_3 = Exercise(
    id="12.3", title="the accuracy", name="accuracy", params=("scores", "y"),
    run=_run_12_3, reference=accuracy,
    mistakes=(
        Mistake("(n, 1) against (n,)", _acc_src("    return np.mean((scores > 0) == y)\n"), HINTS["acc_broadcast"]),
        Mistake("threshold 0.5", _acc_src("    return np.mean((scores[:, 0] > 0.5) == y)\n"), HINTS["acc_half"]),
        Mistake("a count", _acc_src("    return np.sum((scores[:, 0] > 0) == y)\n"), HINTS["acc_count"]),
        Mistake("a percentage", _acc_src("    return 100 * np.mean((scores[:, 0] > 0) == y)\n"), HINTS["acc_percent"]),
        Mistake("classes flipped", _acc_src("    return np.mean((scores[:, 0] < 0) == y)\n"), HINTS["acc_flipped"]),
        Mistake("scores against labels", _acc_src("    return np.mean(scores[:, 0] == y)\n"), HINTS["acc_raw"]),
    ),
    variants=(
        _acc_src("    predicted = (scores.ravel() > 0).astype(int)\n"
                 "    return np.count_nonzero(predicted == y) / len(y)\n"),
        _acc_src("    right = 0\n    for s, label in zip(scores[:, 0], y):\n"
                 "        right += int((s > 0) == (label == 1))\n    return right / len(y)\n"),
        _acc_src("    return float(np.mean(np.where(scores.reshape(-1) > 0, 1, 0) == y))\n"),
    ),
)

EXERCISES = [EX_12_1, EX_12_2, EX_12_3]
