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

import numpy as np

from ._validation import as_float_array, check_int
from .autodiff import Tensor, Value, _gc_paused

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


def _rng(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def _check_activation(activation):
    if activation == "linear":
        activation = None
    if activation not in _ACTIVATIONS:
        raise ValueError(f"`activation` must be one of 'relu', 'tanh', 'sigmoid' or None, got {activation!r}")
    return activation


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
            w, b = _init_weights(nin, 1, _rng(rng))
            _weights = (w[:, 0], b[0])
        self.w = [Value(v) for v in _weights[0]]
        self.b = Value(_weights[1])

    def __call__(self, x):
        with _gc_paused():
            if len(x) != len(self.w):
                raise ValueError(f"this neuron takes {len(self.w)} inputs, got {len(x)}")
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
            _weights = _init_weights(nin, nout, _rng(rng))
        W, b = _weights
        self.neurons = [Neuron(nin, activation, _weights=(W[:, j], b[j])) for j in range(nout)]

    def __call__(self, x):
        with _gc_paused():
            x = [xi if isinstance(xi, Value) else Value(xi) for xi in x]
            out = [n(x) for n in self.neurons]
            return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class _MLPBase(Module):
    def _build_sizes(self, nin, nouts):
        nin = check_int(nin, "nin")
        if isinstance(nouts, (int, np.integer)):
            nouts = [nouts]
        nouts = [check_int(n, "nouts[i]") for n in nouts]
        if not nouts:
            raise ValueError("`nouts` must list at least one layer size")
        return [nin] + nouts

    def set_weights(self, weights):
        """Load a list of ``(W, b)`` pairs, ``W`` of shape (nin, nout), ``b`` (nout,)."""
        weights = list(weights)
        if len(weights) != len(self.sizes) - 1:
            raise ValueError(f"expected {len(self.sizes) - 1} (W, b) pairs, got {len(weights)}")
        for i, (W, b) in enumerate(weights):
            W = as_float_array(W, name=f"W[{i}]")
            b = as_float_array(b, name=f"b[{i}]")
            want = (self.sizes[i], self.sizes[i + 1])
            if W.shape != want or b.shape != want[1:]:
                raise ValueError(f"layer {i}: expected W of shape {want} and b of shape {want[1:]}, "
                                 f"got {W.shape} and {b.shape}")
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
        self.sizes = self._build_sizes(nin, nouts)
        activation = _check_activation(activation)
        rng = _rng(rng)
        n = len(self.sizes) - 1
        self.layers = [
            Layer(self.sizes[i], self.sizes[i + 1], activation if i < n - 1 else None,
                  _weights=_init_weights(self.sizes[i], self.sizes[i + 1], rng))
            for i in range(n)
        ]

    def __call__(self, x):
        with _gc_paused():
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
        W, b = _weights if _weights is not None else _init_weights(nin, nout, _rng(rng))
        self.W = Tensor(W, label="W")
        self.b = Tensor(b, label="b")

    def __call__(self, x):
        return x @ self.W + self.b

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
        self.sizes = self._build_sizes(nin, nouts)
        self.activation = _check_activation(activation)
        rng = _rng(rng)
        self.layers = [
            Linear(self.sizes[i], self.sizes[i + 1], _weights=_init_weights(self.sizes[i], self.sizes[i + 1], rng))
            for i in range(len(self.sizes) - 1)
        ]

    def __call__(self, x):
        if not isinstance(x, Tensor):
            x = Tensor(x)
        if x.shape[-1:] != (self.sizes[0],):
            raise ValueError(f"expected inputs of shape (n, {self.sizes[0]}), got {x.shape}")
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
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
    pred : Tensor, Value, or sequence of Values
        Predictions.
    target : array_like
        Targets with as many entries as `pred` (for a Tensor of shape
        (n, 1), targets of shape (n,) are reshaped to (n, 1) rather than
        broadcast to (n, n), the classic silent bug).

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
    if isinstance(pred, Tensor):
        if isinstance(target, Tensor):
            target = target.data
        target = as_float_array(target, name="target")
        if target.size != pred.data.size:
            raise ValueError(f"`pred` has {pred.data.size} entries (shape {pred.shape}) but `target` "
                             f"has {target.size} (shape {target.shape})")
        return ((pred - target.reshape(pred.shape)) ** 2).mean()
    with _gc_paused():
        preds = np.asarray(pred if not isinstance(pred, Value) else [pred], dtype=object).ravel()
        targets = as_float_array(target, name="target").ravel()
        if preds.size != targets.size:
            raise ValueError(f"`pred` has {preds.size} entries but `target` has {targets.size}")
        total = Value(0.0)
        for p, t in zip(preds.tolist(), targets.tolist()):
            total = total + (p - t) ** 2
        return total * (1.0 / len(targets))


def sgd_step(parameters, lr):
    """One step of gradient descent: ``p.data = p.data - lr * p.grad`` for each parameter.

    A new array is assigned rather than updated in place, so arrays the
    caller passed to ``Tensor(...)`` are not modified behind their back.
    Parameters without a gradient (None) are skipped.

    Examples
    --------
    >>> w = Value(3.0)
    >>> loss = w * w
    >>> loss.backward()
    >>> sgd_step([w], lr=0.25)
    >>> w.data                             # 3 - 0.25 * 6
    1.5
    """
    for p in parameters:
        if p.grad is None:
            continue
        p.data = p.data - lr * p.grad


def make_moons(n_samples=100, *, noise=None, rng=None):
    """Two interleaving half circles, a classic toy classification set.

    The same construction as scikit-learn's ``make_moons``.

    Parameters
    ----------
    n_samples : int, optional
        Number of points (the first moon gets the extra one if odd).
    noise : float, optional
        Standard deviation of Gaussian noise added to the points.
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
        if not noise >= 0:
            raise ValueError(f"`noise` must be >= 0, got {noise!r}")
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y
