"""Tests for calclib.nn: the Value MLP and the Tensor MLP agree with each other
and with PyTorch, train on toy data, and validate their inputs."""
import gc

import numpy as np
import pytest

from calclib import nn
from calclib.autodiff import Tensor, Value
from conftest import requires


def flat_grads(model):
    if isinstance(model, nn.MLP):
        return np.concatenate([
            np.concatenate([np.array([[w.grad for w in n.w] for n in layer.neurons]).T.ravel(),
                            [n.b.grad for n in layer.neurons]])
            for layer in model.layers
        ])
    return np.concatenate([np.concatenate([layer.W.grad.ravel(), layer.b.grad]) for layer in model.layers])


def test_same_seed_gives_the_same_weights_in_both_engines():
    small, big = nn.MLP(3, [5, 4, 2], rng=7), nn.TensorMLP(3, [5, 4, 2], rng=7)
    for (W1, b1), (W2, b2) in zip(small.get_weights(), big.get_weights()):
        np.testing.assert_array_equal(W1, W2)
        np.testing.assert_array_equal(b1, b2)
    shapes = [(W.shape, b.shape) for W, b in big.get_weights()]
    assert shapes == [((3, 5), (5,)), ((5, 4), (4,)), ((4, 2), (2,))]
    W = big.get_weights()[0][0]
    assert np.all(np.abs(W) <= 1 / np.sqrt(3)) and np.all(big.get_weights()[0][1] == 0)
    # a standalone Neuron and Layer draw in the same order
    assert [w.data for w in nn.Neuron(3, rng=7).w] == list(nn.Layer(3, 5, rng=7).neurons[0].w[i].data for i in range(3))


def test_parameters_and_zero_grad():
    small, big = nn.MLP(2, [4, 1], rng=0), nn.TensorMLP(2, [4, 1], rng=0)
    assert len(small.parameters()) == 2 * 4 + 4 + 4 + 1
    assert [p.shape for p in big.parameters()] == [(2, 4), (4,), (4, 1), (1,)]
    nn.mse([small([1.0, 2.0])], [3.0]).backward()
    nn.mse(big(np.array([[1.0, 2.0]])), [3.0]).backward()
    small.zero_grad()
    big.zero_grad()
    assert all(p.grad == 0.0 for p in small.parameters())
    assert all(np.all(p.grad == 0.0) and p.grad.shape == p.data.shape for p in big.parameters())


def test_both_engines_give_the_same_outputs_loss_and_gradients():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    small, big = nn.MLP(3, [6, 5, 1], activation="tanh", rng=1), nn.TensorMLP(3, [6, 5, 1], activation="tanh", rng=1)
    preds = [small(x) for x in X]
    np.testing.assert_allclose([p.data for p in preds], big(X).data[:, 0], rtol=1e-13)
    loss_small, loss_big = nn.mse(preds, y), nn.mse(big(X), y)
    assert loss_small.data == pytest.approx(loss_big.item(), rel=1e-13)
    loss_small.backward()
    loss_big.backward()
    np.testing.assert_allclose(flat_grads(small), flat_grads(big), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", None])
def test_tensor_mlp_gradients_match_torch(activation):
    torch = requires("torch", "independent reference for autodiff")
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 2)), rng.normal(size=30)
    model = nn.TensorMLP(2, [8, 8, 1], activation=activation, rng=2)
    loss = nn.mse(model(X), y)
    loss.backward()

    h = torch.tensor(X)
    params = []
    for i, (W, b) in enumerate(model.get_weights()):
        Wt = torch.tensor(W, requires_grad=True)
        bt = torch.tensor(b, requires_grad=True)
        params += [Wt, bt]
        h = h @ Wt + bt
        if i < 2 and activation is not None:
            h = getattr(h, activation)()
    ref = ((h[:, 0] - torch.tensor(y)) ** 2).mean()
    ref.backward()
    assert loss.item() == pytest.approx(ref.item(), rel=1e-12)
    for p, t in zip(model.parameters(), params):
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_tensor_mlp_trains_on_a_few_hundred_points_quickly():
    X, labels = nn.make_moons(300, noise=0.1, rng=0)
    y = 2.0 * labels - 1.0
    model = nn.TensorMLP(2, [16, 16, 1], rng=1)
    losses = []
    for _ in range(300):
        loss = nn.mse(model(X), y)
        loss.backward()
        nn.sgd_step(model.parameters(), lr=0.1)
        losses.append(loss.item())
    assert losses[-1] < losses[0] / 5
    accuracy = np.mean(np.sign(model(X).data[:, 0]) == y)
    assert accuracy > 0.95


def test_value_mlp_trains_and_agrees_with_tensor_mlp_step_by_step():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, size=(40, 2))
    y = np.sin(2 * X[:, 0]) + 0.5 * X[:, 1]            # a smooth regression target
    small, big = nn.MLP(2, [8, 1], rng=4), nn.TensorMLP(2, [8, 1], rng=4)
    losses = []
    for _ in range(30):
        loss = nn.mse([small(x) for x in X], y)
        loss.backward()
        nn.sgd_step(small.parameters(), lr=0.2)
        big_loss = nn.mse(big(X), y)
        big_loss.backward()
        nn.sgd_step(big.parameters(), lr=0.2)
        assert loss.data == pytest.approx(big_loss.item(), rel=1e-10)
        losses.append(loss.data)
    assert losses[-1] < losses[0] / 5
    for (W1, b1), (W2, b2) in zip(small.get_weights(), big.get_weights()):
        np.testing.assert_allclose(W1, W2, rtol=1e-9)


def test_set_weights_round_trip_and_errors():
    big = nn.TensorMLP(2, [3, 1], rng=0)
    small = nn.MLP(2, [3, 1], rng=99)
    small.set_weights(big.get_weights())
    x = np.array([0.3, -0.2])
    assert small(x).data == pytest.approx(big(x).item(), rel=1e-14)
    with pytest.raises(ValueError, match=r"`weights` must hold 2 \(W, b\) pairs, one per layer, got 1"):
        small.set_weights(big.get_weights()[:1])
    bad = [(np.zeros((3, 2)), np.zeros(3)), (np.zeros((3, 1)), np.zeros(1))]
    with pytest.raises(ValueError, match=r"`weights\[0\]` \(layer 0\): expected W of shape \(2, 3\) "
                                         r"and b of shape \(3,\), got \(3, 2\)"):
        big.set_weights(bad)


def test_mse_for_both_engines_and_the_column_vector_trap():
    assert nn.mse(Value(3.0), 1.0).data == 4.0
    pred = Tensor(np.array([[1.0], [2.0], [3.0]]))
    # targets of shape (3,) must not broadcast against (3, 1) into a (3, 3) error matrix
    assert nn.mse(pred, np.array([1.0, 2.0, 5.0])).item() == pytest.approx(4.0 / 3)
    assert nn.mse(pred, Tensor([[1.0], [2.0], [5.0]])).item() == pytest.approx(4.0 / 3)
    with pytest.raises(ValueError, match=r"`pred` has 3 entries \(shape \(3, 1\)\) but `target` has 2"):
        nn.mse(pred, [1.0, 2.0])
    with pytest.raises(ValueError, match="`pred` has 2 entries but `target` has 3"):
        nn.mse([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


def test_input_validation():
    with pytest.raises(ValueError, match="`activation` must be one of"):
        nn.MLP(2, [3, 1], activation="softmax")
    with pytest.raises(ValueError, match="`nin` must be an integer >= 1, got 0"):
        nn.MLP(0, [3])
    with pytest.raises(ValueError, match="`nouts` must list at least one layer size"):
        nn.TensorMLP(2, [])
    with pytest.raises(ValueError, match=r"`x` must hold 2 inputs \(one per input of the network\), got 3"):
        nn.MLP(2, [1], rng=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"`x` must have shape \(n, 2\), or \(2,\) for one sample, got \(4, 3\)"):
        nn.TensorMLP(2, [1], rng=0)(np.ones((4, 3)))
    assert nn.MLP(2, 1, rng=0).sizes == [2, 1]                # a single int is one layer
    assert nn.MLP(2, [1], activation="linear", rng=0).layers[0].neurons[0].activation is None


def test_calls_leave_the_garbage_collector_as_they_found_it():
    model = nn.MLP(2, [3, 1], rng=0)
    model([1.0, 2.0])
    assert gc.isenabled()
    gc.disable()
    try:
        model([1.0, 2.0])
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError):
        model([1.0])                       # an error inside still restores the collector
    assert gc.isenabled()


def test_sgd_step_moves_against_the_gradient_and_skips_missing_gradients():
    w = Tensor([1.0, -2.0])
    untouched = Tensor([5.0])
    (w * w).sum().backward()
    nn.sgd_step([w, untouched], lr=0.25)
    np.testing.assert_array_equal(w.data, [0.5, -1.0])
    np.testing.assert_array_equal(untouched.data, [5.0])
    mine = np.array([1.0, 2.0])
    t = Tensor(mine)
    (t * t).sum().backward()
    nn.sgd_step([t], lr=0.1)
    np.testing.assert_array_equal(mine, [1.0, 2.0])           # the caller's array is left alone


def test_make_moons():
    X, y = nn.make_moons(101, noise=0.05, rng=0)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert int(np.sum(y == 0)) == 51 and int(np.sum(y == 1)) == 50
    X2, y2 = nn.make_moons(101, noise=0.05, rng=0)
    np.testing.assert_array_equal(X, X2)
    Xc, yc = nn.make_moons(50, rng=0)                           # noiseless: exactly on the arcs
    upper = Xc[yc == 0]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    with pytest.raises(ValueError, match="`noise` must be >= 0"):
        nn.make_moons(10, noise=-1.0)
    assert "Neuron" in repr(nn.MLP(2, [1], rng=0)) and "TensorMLP" in repr(nn.TensorMLP(2, [1], rng=0))


# ---------------------------------------------------------------------------
# Hostile input (issue 9): a finite result or an error naming the argument
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("x, error, text", [
    ([np.nan, 1.0], ValueError, "`x` must hold finite numbers, got nan at index 0"),
    ([1.0, np.inf], ValueError, "`x` must hold finite numbers, got inf at index 1"),
    ([1.0, "2"], TypeError, "`x` must hold numbers or Values, got str '2' at index 1"),
    ("ab", TypeError, "`x` must be one sample"),
    (3.0, TypeError, "`x` must be one sample"),
    (np.ones((2, 2)), TypeError, "`x` must be one sample"),
])
def test_the_value_mlp_refuses_an_input_that_is_not_finite_numbers(x, error, text):
    with pytest.raises(error, match=text):
        nn.MLP(2, [3, 1], rng=0)(x)
    with pytest.raises(error, match=text):
        nn.Neuron(2, rng=0)(x)


def test_the_tensor_mlp_refuses_an_input_that_is_not_finite_numbers():
    model = nn.TensorMLP(2, [3, 1], rng=0)
    with pytest.raises(ValueError, match=r"`x` must be finite, got nan at index \(1, 0\)"):
        model(np.array([[1.0, 2.0], [np.nan, 0.0]]))
    with pytest.raises(TypeError, match="`x` must be real numbers"):
        model("12")
    with pytest.raises(ValueError, match=r"`x` must be finite"):
        nn.Linear(2, 1, rng=0)([np.inf, 1.0])


def test_sizes_are_bounded_before_anything_is_allocated():
    with pytest.raises(ValueError, match=r"`nin` and `nouts` give layer sizes \[2, 1000000, 1\], 4000001 "
                                         r"parameters; MLP allows at most 100000 \(memory and time"):
        nn.MLP(2, [10**6, 1])
    with pytest.raises(ValueError, match="TensorMLP allows at most 1000000"):
        nn.TensorMLP(10**5, [10**5])
    with pytest.raises(ValueError, match="Linear allows at most 1000000"):
        nn.Linear(10**9, 10**9)
    with pytest.raises(ValueError, match="a Layer of Values allows at most 100000"):
        nn.Layer(10**4, 10**3)
    with pytest.raises(ValueError, match="`nouts` lists 1001 layers; at most 1000"):
        nn.TensorMLP(1, [1] * 1001)
    with pytest.raises(ValueError, match=r"`n_samples` must be at most 1000000 \(a toy data set; memory\)"):
        nn.make_moons(10**9)


@pytest.mark.parametrize("kwargs, error, text", [
    (dict(nouts="3"), TypeError, "`nouts` must be a list of layer sizes"),
    (dict(nouts=None), TypeError, "`nouts` must be a list of layer sizes"),
    (dict(nouts=[3, 1.5]), TypeError, r"`nouts\[1\]` must be an integer"),
    (dict(nouts=[3, 0]), ValueError, r"`nouts\[1\]` must be an integer >= 1"),
    (dict(activation=np.array(["relu"])), TypeError, "`activation` must be 'relu'"),
    (dict(rng="seed"), TypeError, "`rng` must be None, a non-negative int or a numpy.random.Generator"),
    (dict(rng=-1), TypeError, "`rng` must be None"),
])
def test_network_arguments_are_checked(kwargs, error, text):
    args = dict(nin=2, nouts=[3, 1]) | kwargs
    for cls in (nn.MLP, nn.TensorMLP):
        with pytest.raises(error, match=text):
            cls(**args)


def test_mse_refuses_empty_and_non_finite_input():
    for pred in ([], Tensor(np.zeros((0, 1)))):
        with pytest.raises(ValueError, match="`pred` and `target` are empty: the mean of no errors is undefined"):
            nn.mse(pred, [])
    with pytest.raises(ValueError, match="`target` must be finite, got nan"):
        nn.mse([Value(1.0)], [np.nan])
    with pytest.raises(ValueError, match="`target` must be finite, got inf"):
        nn.mse(Tensor([1.0]), [np.inf])
    with pytest.raises(TypeError, match=r"`pred\[1\]` must be a real number, got str"):
        nn.mse([Value(1.0), "2"], [1.0, 2.0])
    with pytest.raises(TypeError, match="`pred` must be a Tensor, a Value or a sequence of Values"):
        nn.mse(None, [1.0])
    assert nn.mse([1.0, Value(3.0)], [0.0, 0.0]).data == 5.0    # numbers are constants


@pytest.mark.parametrize("lr, error, text", [
    (np.nan, ValueError, "`lr` must be finite, got nan"),
    (np.inf, ValueError, "`lr` must be finite, got inf"),
    (0.0, ValueError, "`lr` must be positive, got 0.0"),
    (-1, ValueError, "`lr` must be positive, got -1.0"),
    ("0.1", TypeError, "`lr` must be a real number"),
    (None, TypeError, "`lr` must be a real number"),
])
def test_sgd_step_refuses_a_learning_rate_that_is_not_positive_and_finite(lr, error, text):
    w = Tensor([1.0])
    (w * w).sum().backward()
    with pytest.raises(error, match=text):
        nn.sgd_step([w], lr)
    np.testing.assert_array_equal(w.data, [1.0])


def test_sgd_step_changes_nothing_when_one_step_would_not_be_finite():
    a, b, c = Value(1.0), Tensor([1.0, 2.0]), Tensor([3.0])
    a.grad, b.grad, c.grad = 2.0, np.array([1.0, np.inf]), np.array([1.0])
    with pytest.raises(ValueError, match=r"the step would make `parameters\[1\]` not finite .*; "
                                         r"no parameter was changed"):
        nn.sgd_step([a, b, c], 0.1)
    assert a.data == 1.0 and c.data.tolist() == [3.0]          # checked first, applied after
    b.grad = np.array([1e300, 1.0])
    with pytest.raises(ValueError, match=r"`parameters\[0\]` not finite"):
        nn.sgd_step([b], 1e10)                                 # lr * grad beyond float64
    b.grad = np.ones(3)
    with pytest.raises(ValueError, match=r"`parameters\[0\]` has shape \(2,\) but its gradient \(3,\)"):
        nn.sgd_step([b], 0.1)
    with pytest.raises(TypeError, match=r"`parameters\[0\]` must be a Value or a Tensor, got float"):
        nn.sgd_step([1.0], 0.1)
    with pytest.raises(TypeError, match="`parameters` must be a list of Values or Tensors"):
        nn.sgd_step(Value(1.0), 0.1)


def test_set_weights_refuses_weights_that_are_not_finite_and_loads_nothing():
    model = nn.TensorMLP(2, [3, 1], rng=0)
    before = model.get_weights()
    bad = [(np.zeros((2, 3)), np.zeros(3)), (np.full((3, 1), np.nan), np.zeros(1))]
    with pytest.raises(ValueError, match=r"`weights\[1\]\[0\]` must be finite, got nan"):
        model.set_weights(bad)
    np.testing.assert_array_equal(model.get_weights()[0][0], before[0][0])
    with pytest.raises(TypeError, match=r"`weights\[0\]` must be a pair \(W, b\)"):
        model.set_weights([(np.zeros((2, 3)),), (np.zeros((3, 1)), np.zeros(1))])
    with pytest.raises(TypeError, match="`weights` must be a list of"):
        model.set_weights(None)


def test_make_moons_checks_noise_and_rng():
    with pytest.raises(ValueError, match="`noise` must be finite, got inf"):
        nn.make_moons(10, noise=np.inf)
    with pytest.raises(ValueError, match="`noise` must be finite, got nan"):
        nn.make_moons(10, noise=np.nan)
    with pytest.raises(TypeError, match="`noise` must be a real number"):
        nn.make_moons(10, noise="0.1")
    with pytest.raises(TypeError, match="`rng` must be None"):
        nn.make_moons(10, rng="0")
    with pytest.raises(TypeError, match="`n_samples` must be an integer"):
        nn.make_moons(10.5)


def test_a_hidden_layer_of_one_neuron_feeds_the_next_layer():
    small, big = nn.MLP(2, [1, 3, 1], rng=5), nn.TensorMLP(2, [1, 3, 1], rng=5)
    x = np.array([0.4, -1.2])
    assert small(x).data == pytest.approx(big(x).item(), rel=1e-14)
