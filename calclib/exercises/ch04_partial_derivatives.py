"""Chapter 4 exercises: partial derivatives and many parameters.

4.1 ``numerical_partials(loss, theta, h)``: every partial by central differences, one parameter at a
    time, without changing ``theta``.
4.2 ``linear_partials(X, y, theta)``: the exact partials of the mean squared error of a linear model.
4.3 ``autodiff_partials(loss, theta)``: every partial from one evaluation and one backward pass
    (``calclib.autodiff.Tensor``).
"""
from __future__ import annotations

import numpy as np

from .checker import Exercise, Mistake, Wrong, array, close, diagnose, fmt, function, mutation_hint, rng_for

__all__ = ["EXERCISES", "HINTS"]

HINTS = {
    # 4.1
    "forward": "That is a forward difference (theta and theta + h e_i); use one nudge up and one nudge down, "
               "theta + h e_i and theta - h e_i.",
    "by_h": "The two nudged points are 2h apart: divide by 2*h, not by h.",
    "all_at_once": "Every partial came out the same: all parameters were nudged together. Move only "
                   "parameter i, leaving the others where they are.",
    "first_only": "Every partial equals the first one: the nudge always went to the first parameter. Put "
                  "the nudge at position i.",
    "sign": "The sign is flipped: subtract the loss below from the loss above, L(theta + h e_i) - L(theta - h e_i).",
    "precedence": "Check the brackets: only the second loss was divided. Divide the whole difference by 2*h.",
    "list": "Collect the partials in a numpy array (np.zeros(n) filled in the loop, or np.array(...) of "
            "the list at the end).",
    "numerical_generic": "For each i: nudge parameter i alone up and down by h, and divide the change of "
                         "the loss by 2h.",
    "no_loss": "Your function never calls loss: the partials come from values of the loss at nudged points.",
    # 4.2
    "no_2": "The square brings down a factor 2: the derivative of r**2 is 2 r times the derivative of r.",
    "sum": "The loss is a mean over the examples: divide by the number of examples m = len(y).",
    "by_n": "Divide by the number of examples m = len(y), not by the number of parameters.",
    "residual_sign": "The sign is flipped: the residual is prediction minus target, X @ theta - y.",
    "per_example": "You returned one number per example; the loss has one partial per parameter: combine "
                   "the residuals with the features, X.T @ r.",
    "linear_generic": "With r = X @ theta - y, parameter j changes the loss by the mean over the examples "
                      "of 2 r times that example's feature j.",
    # 4.3
    "none": "Got None: .grad is filled in only by backward(). Call backward() on the loss first, then "
            "return the parameters' .grad.",
    "tensor": "Return the gradient as a numpy array (the Tensor's .grad), not a Tensor.",
    "params": "You returned the parameters (or the Tensor holding them); after backward() their partials "
              "are in the Tensor's .grad.",
    "negative": "Return the partials themselves, not the direction of steepest descent (no minus sign).",
    "numerical": "These are numerical partials: the loss was evaluated {calls} times. Use autodiff: wrap "
                 "theta in a Tensor, evaluate the loss once and call backward().",
    "autodiff_generic": "Wrap theta in a Tensor, evaluate the loss on it, call backward() on the result "
                        "and return the Tensor's .grad.",
}


def _central(loss, theta, h):
    out = np.zeros(theta.size)
    for i in range(theta.size):
        e = np.zeros(theta.size)
        e[i] = h
        out[i] = (loss(theta + e) - loss(theta - e)) / (2 * h)
    return out


def _loss_cases():
    """Test losses of a vector: a quartic with couplings (forward and central differ) and a
    linear model's mean squared error."""
    rng = np.random.default_rng(41)
    X, y = rng.normal(size=(9, 4)), rng.normal(size=9)

    def quartic(t):
        return np.sum(t**4) / 4 + t[0] * t[1] - 2 * t[2] + np.sum(t) ** 2 / 2

    def mse(t):
        return np.mean((X @ t - y) ** 2)

    return [function("sum(t**4)/4 + t0*t1 - 2*t2 + sum(t)**2/2", quartic),
            function("mean((X @ t - y)**2)", mse)]


# ------------------------------------------------------------------ 4.1
def numerical_partials(loss, theta, h):
    """Reference: central differences, one parameter at a time, theta untouched."""
    partials = np.zeros(len(theta))
    for i in range(len(theta)):
        step = np.zeros(len(theta))
        step[i] = h
        partials[i] = (loss(theta + step) - loss(theta - step)) / (2 * h)
    return partials


def _run_4_1(attempt):
    rng = rng_for("4.1")
    thetas = [np.array([0.8, -1.3, 0.5]), np.round(rng.uniform(-1.5, 1.5, 4), 3)]
    for loss, theta in zip(_loss_cases(), thetas):
        for h in (1e-3,):
            call = f"numerical_partials(loss={loss}, theta={fmt(theta)}, h={h})"
            got = attempt(loss, theta, h, call=call)
            calls = attempt.last_args[0].calls
            if isinstance(got, (list, tuple)):
                raise Wrong(f"{call} returned a Python {type(got).__name__}, not a numpy array.", HINTS["list"])
            got = array(got, theta.shape, call)
            want = _central(loss, theta, h)
            if close(got, want, rtol=1e-7, atol=1e-9):
                continue
            if calls == 0:
                raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", HINTS["no_loss"])
            n = theta.size
            eye = np.eye(n) * h
            forward = np.array([(loss(theta + e) - loss(theta)) / h for e in eye])
            hint = diagnose(got, [
                (-want, HINTS["sign"]),
                (2 * want, HINTS["by_h"]),
                (forward, HINTS["forward"]),
                (np.array([(loss(theta + e) - loss(theta)) / h for e in -eye]) * -1, HINTS["forward"]),
                (np.full(n, (loss(theta + h) - loss(theta - h)) / (2 * h)), HINTS["all_at_once"]),
                (np.full(n, (loss(theta + h) - loss(theta)) / h), HINTS["all_at_once"]),
                (np.full(n, want[0]), HINTS["first_only"]),
                (np.array([loss(theta + e) - loss(theta - e) / (2 * h) for e in eye]), HINTS["precedence"]),
            ], HINTS["numerical_generic"])
            raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "numerical_partials gives every partial of two losses, leaving theta unchanged"


def _np_src(body, setup="", loop_var="i"):
    return (f"import numpy as np\ndef numerical_partials(loss, theta, h):\n{setup}"
            f"    out = np.zeros(len(theta))\n    for {loop_var} in range(len(theta)):\n{body}    return out\n")


_E = "        e = np.zeros(len(theta))\n        e[i] = h\n"

EX_4_1 = Exercise(
    id="4.1", title="numerical partials, one parameter at a time", name="numerical_partials",
    params=("loss", "theta", "h"), run=_run_4_1, reference=numerical_partials,
    mistakes=(
        Mistake("forward difference", _np_src(_E + "        out[i] = (loss(theta + e) - loss(theta)) / h\n"),
                HINTS["forward"]),
        Mistake("divides by h", _np_src(_E + "        out[i] = (loss(theta + e) - loss(theta - e)) / h\n"),
                HINTS["by_h"]),
        Mistake("nudges every parameter", _np_src(
            "        out[i] = (loss(theta + h) - loss(theta - h)) / (2 * h)\n"), HINTS["all_at_once"]),
        Mistake("always the first parameter", _np_src(
            "        e = np.zeros(len(theta))\n        e[0] = h\n"
            "        out[i] = (loss(theta + e) - loss(theta - e)) / (2 * h)\n"), HINTS["first_only"]),
        Mistake("changes theta in place", _np_src(
            "        theta[i] += h\n        up = loss(theta)\n        theta[i] -= 2 * h\n"
            "        down = loss(theta)\n        out[i] = (up - down) / (2 * h)\n"), mutation_hint("theta")),
        Mistake("sign flipped", _np_src(_E + "        out[i] = (loss(theta - e) - loss(theta + e)) / (2 * h)\n"),
                HINTS["sign"]),
        Mistake("brackets", _np_src(_E + "        out[i] = loss(theta + e) - loss(theta - e) / (2 * h)\n"),
                HINTS["precedence"]),
        Mistake("a list", "def numerical_partials(loss, theta, h):\n    out = []\n    for i in range(len(theta)):\n"
                "        e = [h if k == i else 0.0 for k in range(len(theta))]\n"
                "        out.append((loss(theta + e) - loss(theta - e)) / (2 * h))\n    return out\n",
                HINTS["list"]),
    ),
    variants=(
        "import numpy as np\ndef numerical_partials(loss, theta, h):\n    out = np.zeros_like(theta, dtype=float)\n"
        "    for i in range(theta.size):\n        up, down = theta.copy(), theta.copy()\n        up[i] += h\n"
        "        down[i] -= h\n        out[i] = (loss(up) - loss(down)) / (2 * h)\n    return out\n",
        "import numpy as np\ndef numerical_partials(loss, theta, h):\n    steps = h * np.eye(len(theta))\n"
        "    return np.array([(loss(theta + s) - loss(theta - s)) / (2 * h) for s in steps])\n",
        "import numpy as np\ndef numerical_partials(loss, theta, h):\n    out = np.empty(len(theta))\n"
        "    for i in range(len(theta)):\n        old = theta[i]\n        theta[i] = old + h\n"
        "        up = loss(theta)\n        theta[i] = old - h\n        down = loss(theta)\n"
        "        theta[i] = old\n        out[i] = (up - down) / (2 * h)\n    return out\n",
    ),
)


# ------------------------------------------------------------------ 4.2
def linear_partials(X, y, theta):
    """Reference: the partials of mean((X @ theta - y)**2)."""
    r = X @ theta - y
    return 2 * X.T @ r / len(y)


def _run_4_2(attempt):
    rng = rng_for("4.2")
    for m, n in ((7, 3), (12, 5), (6, 4)):
        X = np.round(rng.normal(size=(m, n)), 2)
        y = np.round(rng.normal(size=m), 2)
        theta = np.round(rng.normal(size=n), 2)
        call = f"linear_partials(X=<{m} x {n} array>, y=<{m} values>, theta={fmt(theta)})"
        got = attempt(X, y, theta, call=call)
        if isinstance(got, np.ndarray) and got.shape == (m,):
            raise Wrong(f"{call} returned {m} numbers (one per example), expected {n} (one per parameter).",
                        HINTS["per_example"])
        got = array(got, (n,), call)
        want = linear_partials(X, y, theta)
        if close(got, want):
            continue
        r = X @ theta - y
        hint = diagnose(got, [
            (want / 2, HINTS["no_2"]),
            (want * m, HINTS["sum"]),
            (want * m / 2, HINTS["sum"]),
            (want * m / n, HINTS["by_n"]),
            (-want, HINTS["residual_sign"]),
            (-want / 2, HINTS["no_2"]),
            (2 * X.T @ r, HINTS["sum"]),
        ], HINTS["linear_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "linear_partials matches the exact partials for 3 data sets (m != n)"


def _lp_src(body):
    return f"def linear_partials(X, y, theta):\n    r = X @ theta - y\n    return {body}\n"


EX_4_2 = Exercise(
    id="4.2", title="the partials of a linear model's loss", name="linear_partials", params=("X", "y", "theta"),
    run=_run_4_2, reference=linear_partials,
    mistakes=(
        Mistake("factor 2 missing", _lp_src("X.T @ r / len(y)"), HINTS["no_2"]),
        Mistake("a sum, not a mean", _lp_src("2 * X.T @ r"), HINTS["sum"]),
        Mistake("divided by n", _lp_src("2 * X.T @ r / len(theta)"), HINTS["by_n"]),
        Mistake("residual sign", "def linear_partials(X, y, theta):\n    r = y - X @ theta\n"
                "    return 2 * X.T @ r / len(y)\n", HINTS["residual_sign"]),
        Mistake("one number per example", _lp_src("2 * r / len(y)"), HINTS["per_example"]),
    ),
    variants=(
        "def linear_partials(X, y, theta):\n    return 2 * (X @ theta - y) @ X / len(y)\n",
        "import numpy as np\ndef linear_partials(X, y, theta):\n    r = X @ theta - y\n"
        "    return np.mean(2 * r[:, None] * X, axis=0)\n",
        "import numpy as np\ndef linear_partials(X, y, theta):\n    m, n = X.shape\n    g = np.zeros(n)\n"
        "    for j in range(n):\n        for k in range(m):\n"
        "            g[j] += 2 * (X[k] @ theta - y[k]) * X[k, j] / m\n    return g\n",
    ),
)


# ------------------------------------------------------------------ 4.3
def autodiff_partials(loss, theta):
    """Reference: one evaluation on a Tensor, one backward pass."""
    from calclib.autodiff import Tensor

    t = Tensor(theta)
    loss(t).backward()
    return t.grad


def _tensor_losses():
    rng = np.random.default_rng(43)
    X, y = rng.normal(size=(8, 3)), rng.normal(size=8)
    X2, y2 = rng.normal(size=(10, 5)), rng.normal(size=10)

    def quartic_mse(t):
        return ((X @ t - y) ** 2).mean() + 0.1 * (t**4).sum()

    def mse(t):
        return ((X2 @ t - y2) ** 2).mean()

    return [function("mean((X @ t - y)**2) + 0.1 * sum(t**4)", quartic_mse),
            function("mean((X @ t - y)**2)", mse)]


def _exact_4_3(loss, theta):
    """The partials, computed here with the same engine (a different object each call)."""
    from calclib.autodiff import Tensor

    t = Tensor(theta)
    loss.f(t).backward()
    return np.array(t.grad)


def _run_4_3(attempt):
    from calclib.autodiff import Tensor

    rng = rng_for("4.3")
    thetas = [np.array([0.5, -1.0, 1.5]), np.round(rng.normal(size=5), 3)]
    for loss, theta in zip(_tensor_losses(), thetas):
        call = f"autodiff_partials(loss={loss}, theta={fmt(theta)})"
        got = attempt(loss, theta, call=call)
        calls = attempt.last_args[0].calls
        want = _exact_4_3(loss, theta)
        if got is None:
            raise Wrong(f"{call} returned None.", HINTS["none"])
        if isinstance(got, Tensor):
            raise Wrong(f"{call} returned a Tensor, not a numpy array.",
                        HINTS["params"] if close(got.data, theta) else HINTS["tensor"])
        got = array(got, theta.shape, call)
        if close(got, want, rtol=1e-6, atol=1e-8):
            if calls > 2:
                raise Wrong(f"{call} gives the right partials but evaluated the loss {calls} times.",
                            HINTS["numerical"].format(calls=calls))
            continue
        hint = diagnose(got, [(theta, HINTS["params"]), (-want, HINTS["negative"])], HINTS["autodiff_generic"])
        raise Wrong(f"{call} returned {fmt(got)}, expected {fmt(want)}.", hint)
    return "autodiff_partials gives every partial of two losses from one evaluation and one backward pass"


_AD = "from calclib.autodiff import Tensor\ndef autodiff_partials(loss, theta):\n    t = Tensor(theta)\n"

EX_4_3 = Exercise(
    id="4.3", title="all partials by reverse-mode autodiff", name="autodiff_partials", params=("loss", "theta"),
    run=_run_4_3, reference=autodiff_partials,
    mistakes=(
        Mistake("no backward()", _AD + "    loss(t)\n    return t.grad\n", HINTS["none"]),
        Mistake("returns the Tensor", _AD + "    loss(t).backward()\n    return t\n", HINTS["params"]),
        Mistake("returns the parameters", _AD + "    loss(t).backward()\n    return t.data\n", HINTS["params"]),
        Mistake("minus sign", _AD + "    loss(t).backward()\n    return -t.grad\n", HINTS["negative"]),
        Mistake("numerical partials", "import numpy as np\ndef autodiff_partials(loss, theta):\n"
                "    h, out = 1e-5, np.zeros(len(theta))\n    for i in range(len(theta)):\n"
                "        e = np.zeros(len(theta))\n        e[i] = h\n"
                "        out[i] = (loss(theta + e) - loss(theta - e)) / (2 * h)\n    return out\n",
                HINTS["numerical"].format(calls=6)),
        Mistake("returns the loss Tensor", _AD + "    L = loss(t)\n    L.backward()\n    return L\n", HINTS["tensor"]),
    ),
    variants=(
        _AD + "    L = loss(t)\n    L.backward()\n    return t.grad.copy()\n",
        "import numpy as np\nfrom calclib.autodiff import Tensor\ndef autodiff_partials(loss, theta):\n"
        "    params = Tensor(np.array(theta, dtype=float), label='theta')\n    value = loss(params)\n"
        "    value.backward()\n    return np.asarray(params.grad)\n",
        "import numpy as np\nfrom calclib.autodiff import grad\ndef autodiff_partials(loss, theta):\n"
        "    return np.asarray(grad(loss)(theta))\n",
    ),
)

EXERCISES = [EX_4_1, EX_4_2, EX_4_3]
