"""The reference solutions, each checked against an independent computation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import torch

from reference import q1_bump, q2_softmax, q3_torch, q4_numpy


@pytest.mark.parametrize("height, width", [(1.0, 1.0), (2.5, 0.3), (-3.0, 4.0)])
def test_q1a_step_network_is_the_bump(height, width):
    rng = np.random.default_rng(0)
    xs = np.concatenate([rng.uniform(-3 * width, 4 * width, 500), [-1e-3, width * 0.5, width * 1.001]])
    xs = xs[np.minimum(np.abs(xs), np.abs(xs - width)) > 1e-9]  # the edges themselves are 1/2
    got = q1_bump.evaluate(q1_bump.step_weights(), "step", xs, h=height, delta=width)
    assert np.array_equal(got, q1_bump.bump(xs, height, width))


def test_q1a_sigmoid_network_tends_to_the_bump():
    f = q1_bump.network(q1_bump.sigmoid_weights(), "sigmoid")
    inside = f.subs(q1_bump.x, q1_bump.delta / 3)
    outside = f.subs(q1_bump.x, -q1_bump.delta)
    assert sp.simplify(sp.limit(inside, q1_bump.k, sp.oo) - q1_bump.h) == 0
    assert sp.limit(outside, q1_bump.k, sp.oo) == 0
    xs = np.linspace(-1, 2, 301)
    away = np.minimum(np.abs(xs), np.abs(xs - 1)) > 0.05
    errors = [np.abs(q1_bump.evaluate(q1_bump.sigmoid_weights(), "sigmoid", xs, h=1, delta=1,
                                      k=scale) - q1_bump.bump(xs, 1, 1))[away].max()
              for scale in (10, 100, 1000)]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-20


def _finite_difference_jacobian(z, eps=1e-6):
    columns = []
    for j in range(len(z)):
        step = np.zeros_like(z)
        step[j] = eps
        columns.append((q2_softmax.softmax(z + step) - q2_softmax.softmax(z - step)) / (2 * eps))
    return np.stack(columns, axis=1)


@pytest.mark.parametrize("n", [2, 3, 4, 10])
def test_q2_jacobian_matches_finite_differences(n):
    z = np.random.default_rng(n).normal(0, 2, n)
    assert np.allclose(q2_softmax.jacobian(z), _finite_difference_jacobian(z), atol=1e-9)
    from_expr = q2_softmax.jacobian_from_expr(q2_softmax.jacobian_expr(), q2_softmax.softmax(z))
    assert np.allclose(from_expr, q2_softmax.jacobian(z), atol=1e-15)


def _xavier_parameters(seed):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out))
               for n_in, n_out in zip(q4_numpy.LAYERS, q4_numpy.LAYERS[1:])]
    biases = [rng.normal(0, 0.5, n_out) for n_out in q4_numpy.LAYERS[1:]]
    return weights, biases


def _autograd_gradients(weights, biases, sample, label):
    ws = [torch.tensor(w, requires_grad=True) for w in weights]
    bs = [torch.tensor(b, requires_grad=True) for b in biases]
    a = torch.tensor(sample, dtype=torch.float64).reshape(1, -1)
    for w, b in zip(ws[:-1], bs[:-1]):
        a = torch.sigmoid(a @ w + b)
    loss = torch.nn.functional.cross_entropy(a @ ws[-1] + bs[-1], torch.tensor([label]))
    loss.backward()
    return [w.grad.numpy() for w in ws], [b.grad.numpy() for b in bs]


def _relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_q4_gradients_match_autograd_in_float64(seed):
    weights, biases = _xavier_parameters(seed)
    rng = np.random.default_rng(100 + seed)
    sample, label = rng.uniform(0, 1, 784), int(rng.integers(10))
    grad_w, grad_b = q4_numpy.gradients(weights, biases, sample, label)
    auto_w, auto_b = _autograd_gradients(weights, biases, sample, label)
    for ours, theirs in zip(grad_w + grad_b, auto_w + auto_b):
        assert ours.shape == theirs.shape
        assert _relative_error(ours, theirs) < 1e-8


def test_q4_batch_gradients_are_the_sum_of_sample_gradients():
    weights, biases = _xavier_parameters(3)
    rng = np.random.default_rng(4)
    x, y = rng.uniform(0, 1, (7, 784)), rng.integers(0, 10, 7)
    batch_w, batch_b = q4_numpy.batch_gradients(weights, biases, x, y)
    per_sample = [q4_numpy.gradients(weights, biases, x[i], y[i]) for i in range(7)]
    for layer in range(3):
        assert np.allclose(batch_w[layer], sum(g[0][layer] for g in per_sample), atol=1e-12)
        assert np.allclose(batch_b[layer], sum(g[1][layer] for g in per_sample), atol=1e-12)


@pytest.mark.parametrize("bias_shape", ["flat", "row"])
def test_q4_train_one_sample_steps_the_module_parameters(monkeypatch, bias_shape):
    weights, biases = _xavier_parameters(5)
    if bias_shape == "row":
        biases = [b.reshape(1, -1) for b in biases]
    before_w, before_b = [w.copy() for w in weights], [b.copy() for b in biases]
    monkeypatch.setattr(q4_numpy, "weights", weights)
    monkeypatch.setattr(q4_numpy, "biases", biases)
    sample = np.random.default_rng(6).uniform(0, 255, (28, 28))
    grad_w, grad_b = q4_numpy.gradients(before_w, before_b, sample, 3)
    q4_numpy.train_one_sample(sample, 3, learning_rate=0.01)
    for layer in range(3):
        assert np.allclose(weights[layer], before_w[layer] - 0.01 * grad_w[layer])
        assert np.allclose(biases[layer], before_b[layer] - 0.01 * grad_b[layer].reshape(biases[layer].shape))
        assert biases[layer].shape == before_b[layer].shape


def test_q4_feed_forward_sample_agrees_with_the_batch_forward(monkeypatch):
    weights, biases = _xavier_parameters(7)
    monkeypatch.setattr(q4_numpy, "weights", weights)
    monkeypatch.setattr(q4_numpy, "biases", biases)
    x = np.random.default_rng(8).uniform(0, 1, (4, 784))
    probs = q4_numpy.forward_batch(weights, biases, x)
    for i in range(4):
        loss, guess = q4_numpy.feed_forward_sample(x[i], 2)
        assert loss == pytest.approx(-np.log(probs[i, 2]))
        assert guess.argmax() == probs[i].argmax() and guess.sum() == 1


def test_q4_helpers_are_stable_at_extremes():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.allclose(q4_numpy.sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0, 0.5, 1])
        assert np.allclose(q4_numpy.softmax(np.array([1000.0, 999.0, 1000.0])).sum(), 1)


def test_q3_fast_sgd_takes_the_same_steps_as_torch_optim():
    """One epoch of FastSGD equals autograd + torch.optim.SGD over the same shuffled batches."""
    torch.manual_seed(0)
    x, y = torch.rand(300, 784), torch.randint(0, 10, (300,))
    fast, slow = q3_torch.init_mlp(1), q3_torch.init_mlp(1)
    loss = q3_torch.FastSGD(fast, lr=0.05, batch_size=64).train_epoch(
        x, y, torch.Generator().manual_seed(2))
    optimizer = torch.optim.SGD(slow.parameters(), lr=0.05)
    order, total = torch.randperm(300, generator=torch.Generator().manual_seed(2)), 0.0
    for batch in order.split(64):
        optimizer.zero_grad()
        batch_loss = torch.nn.functional.cross_entropy(slow(x[batch]), y[batch])
        batch_loss.backward()
        optimizer.step()
        total += batch_loss.item() * len(batch)
    assert loss == pytest.approx(total / 300, rel=1e-5)
    for ours, theirs in zip(fast.parameters(), slow.parameters()):
        assert torch.allclose(ours, theirs, atol=1e-6)


def test_q3_init_is_seeded_and_has_torch_default_bounds():
    a, b = q3_torch.init_mlp(3), q3_torch.init_mlp(3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert a.layer1.weight.abs().max() <= 1 / 28 and a.layer4.weight.abs().max() <= 1 / 8


@pytest.mark.slow
def test_q3_ten_epochs_on_real_fashion_mnist(real_data):
    from grader.data import load_train_test

    data = load_train_test("fashion-mnist")
    _, history = q3_torch.train(q3_torch.to_tensors(data.train.images, data.train.labels, "cpu"),
                                q3_torch.to_tensors(data.test.images, data.test.labels, "cpu"),
                                epochs=10)
    assert history[0].test_accuracy < 0.75  # one epoch of SGD at lr 0.01 is far from done
    assert history[-1].test_accuracy >= 0.82
    assert history[-1].train_loss < history[0].train_loss
