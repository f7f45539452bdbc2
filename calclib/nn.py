"""A tiny neural-network library on top of :mod:`calclib.autodiff`.

Two multilayer perceptrons with the same layout and the same initial weights
for the same seed, one per engine:

* :class:`MLP` -- micrograd-style, made of :class:`Neuron` and :class:`Layer`
  over scalar :class:`~calclib.autodiff.Value` nodes: one sample at a time,
  every multiplication visible in the graph;
* :class:`TensorMLP` -- the same network over :class:`~calclib.autodiff.Tensor`,
  one matrix product per layer for a whole batch: the capstone engine.

Both have ``parameters()``, ``zero_grad()``, ``get_weights()`` and
``set_weights()`` (a list of ``(W, b)`` arrays, ``W`` of shape
``(nin, nout)``), so weights move between them. Hidden layers use the
`activation`; the last layer is linear (as in micrograd). Weights start
uniform in ``[-1/sqrt(nin), 1/sqrt(nin)]`` (PyTorch's default range), biases at 0.

Example: a training loop (the same with either engine)::

    model = TensorMLP(2, [16, 16, 1], rng=0)
    for step in range(200):
        loss = mse(model(X), y)
        loss.backward()            # resets old gradients itself
        sgd_step(model.parameters(), lr=0.1)
"""
from __future__ import annotations

import contextlib
import math
import numbers

import numpy as np

from ._validation import as_float_array, check_int, check_real
from .autodiff.engine import Value
from .autodiff.node import gc_paused
from .autodiff.tensor import Tensor

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "Linear",
    "TensorMLP",
    "mse",
    "sgd_step",
    "make_moons",
]

_ACTIVATIONS = ("relu", "tanh", "sigmoid", None)

# Bounds far beyond teaching use, checked before anything is allocated.
_MAX_VALUE_PARAMETERS = 10**5     # MLP on Values: a Python object per weight (about 0.3 s to build 10**5)
_MAX_TENSOR_PARAMETERS = 10**6    # TensorMLP: 8 MB of float64 weights (the capstone has 337); building more takes seconds
_MAX_SAMPLES = 10**6              # make_moons: 16 MB per copy of X


def _rng(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0):
        return np.random.default_rng(rng)
    raise TypeError(f"`rng` must be None, a non-negative int or a numpy.random.Generator, got {rng!r:.60}")


def _check_activation(activation):
    if activation is not None and not isinstance(activation, str):
        raise TypeError(f"`activation` must be 'relu', 'tanh', 'sigmoid' or None, got {type(activation).__name__}")
    if activation == "linear":
        activation = None
    if activation not in _ACTIVATIONS:
        raise ValueError(f"`activation` must be one of 'relu', 'tanh', 'sigmoid' or None, got {activation!r}")
    return activation


def _check_size(sizes, limit, engine, names="`nin` and `nouts`"):
    """Refuse, before allocating, a network with more than `limit` parameters."""
    n = sum(nin * nout + nout for nin, nout in zip(sizes, sizes[1:]))
    if n > limit:
        raise ValueError(f"{names} give layer sizes {sizes}, {n} parameters; {engine} allows at most {limit} "
                         "(memory and time: far beyond teaching use)")


def _sample(x, nin):
    """One input sample as a list of `nin` Values; numbers must be finite."""
    if isinstance(x, Value):               # what a layer of one neuron returns
        x = [x]
    if not isinstance(x, (list, tuple, np.ndarray)) or (isinstance(x, np.ndarray) and x.ndim != 1):
        raise TypeError(f"`x` must be one sample: a sequence of {nin} numbers or Values, got {type(x).__name__} "
                        f"{x!r:.60}")
    if len(x) != nin:
        raise ValueError(f"`x` must hold {nin} inputs (one per input of the network), got {len(x)}")
    out = []
    for i, xi in enumerate(x):
        if not isinstance(xi, Value):
            if isinstance(xi, bool) or not isinstance(xi, numbers.Real):
                raise TypeError(f"`x` must hold numbers or Values, got {type(xi).__name__} {xi!r:.40} at index {i}")
            if not math.isfinite(xi):
                raise ValueError(f"`x` must hold finite numbers, got {float(xi)!r} at index {i}")
            xi = Value(float(xi))
        out.append(xi)
    return out


def _finite_array(x, name):
    """`x` as a float64 array of finite numbers, else an error naming `name`."""
    arr = as_float_array(x, name=name)
    if not np.isfinite(arr).all():
        bad = arr[~np.isfinite(arr)][0]
        raise ValueError(f"`{name}` must be finite, got {float(bad)!r}")
    return arr


def _batch(x, nin):
    """A batch of inputs as a Tensor whose last axis has `nin` entries."""
    if not isinstance(x, Tensor):
        try:
            x = Tensor(x)
        except (TypeError, ValueError) as exc:      # name the argument the caller knows
            raise type(exc)(str(exc).replace("`data`", "`x`", 1)) from None
    if x.shape[-1:] != (nin,):
        raise ValueError(f"`x` must have shape (n, {nin}), or ({nin},) for one sample, got {x.shape}")
    return x


def _init_weights(nin, nout, rng):
    """W (nin, nout) uniform in [-1/sqrt(nin), 1/sqrt(nin)], b zeros. The draws
    go neuron by neuron (row j of W.T is neuron j), so MLP and TensorMLP agree."""
    k = 1.0 / np.sqrt(nin)
    return rng.uniform(-k, k, size=(nout, nin)).T.copy(), np.zeros(nout)


class Module:
    """Base class: ``parameters()`` and ``zero_grad()``."""

    def parameters(self):
        """The trainable nodes (Value or Tensor), in a fixed order."""
        return []

    def zero_grad(self):
        """Set every parameter's gradient to zero (``backward()`` does this itself,
        so calling it is optional)."""
        for p in self.parameters():
            p.grad = 0.0 if isinstance(p, Value) else np.zeros_like(p.data)


class Neuron(Module):
    """One neuron on Values: ``activation(w . x + b)``.

    Parameters
    ----------
    nin : int
        Number of inputs.
    activation : {"relu", "tanh", "sigmoid", None}, optional
    rng : None, int or numpy.random.Generator, optional

    Examples
    --------
    >>> n = Neuron(2, activation="tanh", rng=0)
    >>> n.w[0].data = 1.0; n.w[1].data = -2.0; n.b.data = 0.5
    >>> out = n([3.0, 1.0])                 # tanh(3 - 2 + 0.5)
    >>> import numpy as np
    >>> np.allclose(out.data, np.tanh(1.5))
    True
    """

    def __init__(self, nin, activation="relu", rng=None, *, _weights=None):
        nin = check_int(nin, "nin")
        self.activation = _check_activation(activation)
        if _weights is None:
            _check_size([nin, 1], _MAX_VALUE_PARAMETERS, "a Neuron", "`nin`")
            w, b = _init_weights(nin, 1, _rng(rng))
            _weights = (w[:, 0], b[0])
        self.w = [Value(v) for v in np.asarray(_weights[0], dtype=float).tolist()]    # Python floats: fast
        self.b = Value(float(_weights[1]))

    def __call__(self, x):
        x = _sample(x, len(self.w))           # (MLP pauses the cyclic collector around its layers)
        act = self.b
        for wi, xi in zip(self.w, x):
            act = act + wi * xi
        return getattr(act, self.activation)() if self.activation else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"{self.activation or 'linear'}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons reading the same `nin` inputs.

    Returns a list of Values (a single Value when ``nout == 1``, as in micrograd).
    """

    def __init__(self, nin, nout, activation="relu", rng=None, *, _weights=None):
        nin, nout = check_int(nin, "nin"), check_int(nout, "nout")
        if _weights is None:
            _check_size([nin, nout], _MAX_VALUE_PARAMETERS, "a Layer of Values", "`nin` and `nout`")
            _weights = _init_weights(nin, nout, _rng(rng))
        W, b = _weights
        self.neurons = [Neuron(nin, activation, _weights=(W[:, j], b[j])) for j in range(nout)]

    def __call__(self, x):
        x = _sample(x, len(self.neurons[0].w))
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


@contextlib.contextmanager
def _forward_pass():
    """A forward pass that overflows names its input: the numbers in `x` are too large for the network."""
    try:
        yield
    except ArithmeticError as exc:     # OverflowError, ZeroDivisionError from an operation
        raise ValueError(f"`x` is too large for this network: its forward pass failed ({exc})") from exc


class _MLPBase(Module):
    def _build_sizes(self, nin, nouts, limit):
        nin = check_int(nin, "nin")
        if isinstance(nouts, (numbers.Integral, np.integer)):
            nouts = [nouts]
        if isinstance(nouts, (str, bytes)) or not hasattr(nouts, "__iter__"):
            raise TypeError(f"`nouts` must be a list of layer sizes (ints), got {type(nouts).__name__} {nouts!r:.60}")
        nouts = list(nouts)
        if not nouts:
            raise ValueError("`nouts` must list at least one layer size")
        if len(nouts) > 1000:
            raise ValueError(f"`nouts` lists {len(nouts)} layers; at most 1000 are allowed")
        sizes = [nin] + [check_int(n, f"nouts[{i}]") for i, n in enumerate(nouts)]
        _check_size(sizes, limit, type(self).__name__)
        return sizes

    def set_weights(self, weights):
        """Load a list of ``(W, b)`` pairs, ``W`` of shape (nin, nout), ``b`` (nout,).

        Every pair is checked (shapes, finite numbers) before any is loaded.
        """
        try:
            if isinstance(weights, (str, bytes)):
                raise TypeError
            weights = list(weights)
        except TypeError:
            raise TypeError(f"`weights` must be a list of (W, b) pairs, got {type(weights).__name__}") from None
        if len(weights) != len(self.sizes) - 1:
            raise ValueError(f"`weights` must hold {len(self.sizes) - 1} (W, b) pairs, one per layer, "
                             f"got {len(weights)}")
        checked = []
        for i, pair in enumerate(weights):
            if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
                raise TypeError(f"`weights[{i}]` must be a pair (W, b), got {type(pair).__name__}")
            W, b = _finite_array(pair[0], f"weights[{i}][0]"), _finite_array(pair[1], f"weights[{i}][1]")
            want = (self.sizes[i], self.sizes[i + 1])
            if W.shape != want or b.shape != want[1:]:
                raise ValueError(f"`weights[{i}]` (layer {i}): expected W of shape {want} and b of shape "
                                 f"{want[1:]}, got {W.shape} and {b.shape}")
            checked.append((W, b))
        for i, (W, b) in enumerate(checked):
            self._set_layer(i, W, b)


class MLP(_MLPBase):
    """A multilayer perceptron on scalar Values (micrograd's ``MLP``).

    Parameters
    ----------
    nin : int
        Number of inputs.
    nouts : list of int
        Sizes of the layers, the last one being the output.
    activation : {"relu", "tanh", "sigmoid", None}, optional
        Used in the hidden layers; the last layer is linear.
    rng : None, int or numpy.random.Generator, optional
        Seed or generator for the initial weights (same seed, same weights as
        :class:`TensorMLP`).

    Notes
    -----
    ``model(x)`` takes one sample (a sequence of `nin` numbers or Values) and
    returns a Value (one output) or a list of Values. The cyclic garbage
    collector is paused while a call builds its graph (the graph has no
    reference cycles), which makes it several times faster.

    Examples
    --------
    >>> model = MLP(2, [4, 1], rng=0)
    >>> len(model.parameters())              # (2*4 + 4) + (4*1 + 1)
    17
    >>> loss = mse([model([1.0, 2.0]), model([0.0, -1.0])], [1.0, 0.0])
    >>> loss.backward()
    >>> all(isinstance(p.grad, float) for p in model.parameters())
    True
    """

    def __init__(self, nin, nouts, activation="relu", rng=None):
        self.sizes = self._build_sizes(nin, nouts, _MAX_VALUE_PARAMETERS)
        activation = _check_activation(activation)
        rng = _rng(rng)
        n = len(self.sizes) - 1
        self.layers = [
            Layer(self.sizes[i], self.sizes[i + 1], activation if i < n - 1 else None,
                  _weights=_init_weights(self.sizes[i], self.sizes[i + 1], rng))
            for i in range(n)
        ]

    def __call__(self, x):
        with gc_paused(), _forward_pass():
            for layer in self.layers:
                x = layer(x)
            return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def get_weights(self):
        """The weights as a list of ``(W, b)`` arrays, ``W`` of shape (nin, nout)."""
        return [
            (np.array([[w.data for w in n.w] for n in layer.neurons]).T,
             np.array([n.b.data for n in layer.neurons]))
            for layer in self.layers
        ]

    def _set_layer(self, i, W, b):
        for j, neuron in enumerate(self.layers[i].neurons):
            for k, w in enumerate(neuron.w):
                w.data = float(W[k, j])
            neuron.b.data = float(b[j])

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


class Linear(Module):
    """An affine layer on Tensors: ``x @ W + b`` for a batch ``x`` of shape (n, nin)."""

    def __init__(self, nin, nout, rng=None, *, _weights=None):
        nin, nout = check_int(nin, "nin"), check_int(nout, "nout")
        if _weights is None:
            _check_size([nin, nout], _MAX_TENSOR_PARAMETERS, "Linear", "`nin` and `nout`")
            _weights = _init_weights(nin, nout, _rng(rng))
        self.W = Tensor(_weights[0], label="W")
        self.b = Tensor(_weights[1], label="b")

    def __call__(self, x):
        return _batch(x, self.W.shape[0]) @ self.W + self.b

    def parameters(self):
        return [self.W, self.b]

    def __repr__(self):
        return f"Linear({self.W.shape[0]}, {self.W.shape[1]})"


class TensorMLP(_MLPBase):
    """The same multilayer perceptron on Tensors, one matrix product per layer.

    Parameters are as for :class:`MLP`. ``model(X)`` takes a batch: an array
    or Tensor of shape (n, nin) (or (nin,) for one sample) and returns a
    Tensor of shape (n, nout).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0], [0.0, -1.0]])
    >>> big, small = TensorMLP(2, [4, 1], rng=0), MLP(2, [4, 1], rng=0)
    >>> np.allclose(big(X).data[:, 0], [small(x).data for x in X])   # same weights
    True
    >>> loss = mse(big(X), [1.0, 0.0])
    >>> loss.backward()
    >>> [p.grad.shape for p in big.parameters()]
    [(2, 4), (4,), (4, 1), (1,)]
    """

    def __init__(self, nin, nouts, activation="relu", rng=None):
        self.sizes = self._build_sizes(nin, nouts, _MAX_TENSOR_PARAMETERS)
        self.activation = _check_activation(activation)
        rng = _rng(rng)
        self.layers = [
            Linear(self.sizes[i], self.sizes[i + 1], _weights=_init_weights(self.sizes[i], self.sizes[i + 1], rng))
            for i in range(len(self.sizes) - 1)
        ]

    def __call__(self, x):
        x = _batch(x, self.sizes[0])
        last = len(self.layers) - 1
        with _forward_pass():
            for i, layer in enumerate(self.layers):
                x = x @ layer.W + layer.b
                if i < last and self.activation:
                    x = getattr(x, self.activation)()
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def get_weights(self):
        """The weights as a list of ``(W, b)`` arrays (copies), ``W`` of shape (nin, nout)."""
        return [(layer.W.data.copy(), layer.b.data.copy()) for layer in self.layers]

    def _set_layer(self, i, W, b):
        self.layers[i].W.data = W.copy()
        self.layers[i].b.data = b.copy()

    def __repr__(self):
        return f"TensorMLP({self.sizes}, activation={self.activation!r})"


def mse(pred, target):
    """Mean squared error, for either engine.

    Parameters
    ----------
    pred : Tensor, Value, or sequence of Values (or numbers)
        Predictions, at least one.
    target : array_like
        Finite targets, as many as there are predictions (for a Tensor of
        shape (n, 1), targets of shape (n,) are reshaped to (n, 1) rather
        than broadcast to (n, n), the classic silent bug).

    Returns
    -------
    Tensor or Value
        ``mean((pred - target) ** 2)``, one number.

    Examples
    --------
    >>> mse([Value(1.0), Value(3.0)], [0.0, 0.0]).data
    5.0
    >>> mse(Tensor([[1.0], [3.0]]), [0.0, 0.0]).item()
    5.0
    """
    if isinstance(target, Tensor):
        target = target.data
    targets = _finite_array(target, "target")
    if isinstance(pred, Tensor):
        if targets.size != pred.data.size:
            raise ValueError(f"`pred` has {pred.data.size} entries (shape {pred.shape}) but `target` "
                             f"has {targets.size} (shape {targets.shape})")
        if targets.size == 0:
            raise ValueError("`pred` and `target` are empty: the mean of no errors is undefined")
        try:
            return ((pred - targets.reshape(pred.shape)) ** 2).mean()
        except OverflowError as exc:
            raise ValueError(f"the squared error of `pred` and `target` is beyond float64: {exc}") from None
    if isinstance(pred, (str, bytes)) or not (isinstance(pred, Value) or hasattr(pred, "__len__")):
        raise TypeError(f"`pred` must be a Tensor, a Value or a sequence of Values, got {type(pred).__name__}")
    with gc_paused():
        preds = [pred] if isinstance(pred, Value) else list(np.ravel(np.asarray(pred, dtype=object)))
        targets = targets.ravel()
        if len(preds) != targets.size:
            raise ValueError(f"`pred` has {len(preds)} entries but `target` has {targets.size}")
        if not preds:
            raise ValueError("`pred` and `target` are empty: the mean of no errors is undefined")
        for i, p in enumerate(preds):
            if not isinstance(p, Value):
                preds[i] = Value(check_real(p, f"pred[{i}]"))
        total = Value(0.0)
        try:
            for p, t in zip(preds, targets.tolist()):
                total = total + (p - t) ** 2
        except OverflowError as exc:
            raise ValueError(f"the squared error of `pred` and `target` is beyond float64: {exc}") from None
        return total * (1.0 / len(preds))


def sgd_step(parameters, lr):
    """One step of gradient descent: ``p.data = p.data - lr * p.grad`` for each parameter.

    A new array is assigned rather than updated in place, so arrays the
    caller passed to ``Tensor(...)`` are not modified behind their back.
    Parameters without a gradient (None) are skipped. Every parameter is
    checked before any is changed: `lr` must be positive and finite, every
    gradient finite and of its parameter's shape, and every new value finite.

    Parameters
    ----------
    parameters : iterable of Value or Tensor
        Usually ``model.parameters()``.
    lr : float
        The learning rate (step size), > 0.

    Examples
    --------
    >>> w = Value(3.0)
    >>> loss = w * w
    >>> loss.backward()
    >>> sgd_step([w], lr=0.25)
    >>> w.data                             # 3 - 0.25 * 6
    1.5
    """
    lr = check_real(lr, "lr")
    if not lr > 0:
        raise ValueError(f"`lr` must be positive, got {lr!r}")
    try:
        if isinstance(parameters, (str, bytes, Value, Tensor)):
            raise TypeError
        parameters = list(parameters)
    except TypeError:
        raise TypeError(f"`parameters` must be a list of Values or Tensors (model.parameters()), "
                        f"got {type(parameters).__name__}") from None
    updates = []
    with np.errstate(over="ignore", invalid="ignore"):     # a non-finite step is refused below
        for i, p in enumerate(parameters):
            if not isinstance(p, (Value, Tensor)):
                raise TypeError(f"`parameters[{i}]` must be a Value or a Tensor, got {type(p).__name__}")
            if p.grad is None:
                continue
            if isinstance(p, Value):
                new = p.data - lr * p.grad
                ok = new - new == 0.0
            else:
                if getattr(p.grad, "shape", None) != p.data.shape:
                    raise ValueError(f"`parameters[{i}]` has shape {p.data.shape} but its gradient "
                                     f"{np.shape(p.grad)}")
                new = p.data - lr * p.grad
                ok = np.isfinite(new).all()
            if not ok:
                raise ValueError(f"the step would make `parameters[{i}]` not finite (an infinite gradient, "
                                 "or lr * grad beyond float64); no parameter was changed")
            updates.append((p, new))
    for p, new in updates:
        p.data = new


def make_moons(n_samples=100, *, noise=None, rng=None):
    """Two interleaving half circles, a classic toy classification set.

    The same construction as scikit-learn's ``make_moons``.

    Parameters
    ----------
    n_samples : int, optional
        Number of points, 1 to 1,000,000 (the first moon gets the extra one
        if odd).
    noise : float, optional
        Standard deviation of Gaussian noise added to the points: finite, >= 0.
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int, shape (n_samples,)
        0 for the upper moon, 1 for the lower one.

    Examples
    --------
    >>> X, y = make_moons(200, noise=0.1, rng=0)
    >>> X.shape, int(y.sum())
    ((200, 2), 100)
    """
    n = check_int(n_samples, "n_samples")
    if n > _MAX_SAMPLES:
        raise ValueError(f"`n_samples` must be at most {_MAX_SAMPLES} (a toy data set; memory), got {n}")
    if noise is not None:
        noise = check_real(noise, "noise", minimum=0) + 0.0      # -0.0 becomes 0.0
    rng = _rng(rng)
    n_out = (n + 1) // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]),
    ])
    y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    perm = rng.permutation(n)
    X, y = X[perm], y[perm]
    if noise is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            X = X + rng.normal(scale=noise, size=X.shape)
        if not np.isfinite(X).all():
            raise ValueError(f"`noise` = {noise!r} is too large: the points are beyond float64")
    return X, y
