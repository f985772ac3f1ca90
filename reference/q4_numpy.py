"""Q4 reference: the numpy 784-32-32-10 network (sigmoid, softmax, cross-entropy), from scratch.

The first half follows the course template: helper functions, module-level `weights` and
`biases` lists, and `train_one_sample` updating them in place. The second half is what the
grader needs: `gradients` (the exact per-tensor gradient for given parameters and one sample)
and a vectorised mini-batch trainer. Weights are (n_in, n_out) so a row vector goes `x @ W`;
biases are (n_out,).
"""

from __future__ import annotations

import math

import numpy as np

LAYERS = (784, 32, 32, 10)
SEED = 80085  # the template's seed


def sigmoid(x):
    """Logistic function, stable for large |x| (no overflow warning at +-1000)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    exp_x = np.exp(x[~positive])
    out[~positive] = exp_x / (1.0 + exp_x)
    return out


def dsigmoid(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def softmax(x):
    """Softmax over the last axis, shifted by the maximum so logits near 1000 do not overflow."""
    x = np.asarray(x, dtype=np.float64)
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def cross_entropy_loss(y, y_hat):
    """-sum(y log y_hat) for a one-hot (or probability) target y."""
    return float(-np.sum(np.asarray(y) * np.log(np.asarray(y_hat))))


def integer_to_one_hot(x, max):
    result = np.zeros(max)
    result[x] = 1.0
    return result


def init_parameters(rng: np.random.Generator, layers=LAYERS):
    """Weights ~ N(0, 1/n_in) so each pre-activation starts with variance about 1; zero biases."""
    weights = [rng.normal(0.0, 1.0 / math.sqrt(n_in), (n_in, n_out))
               for n_in, n_out in zip(layers, layers[1:])]
    biases = [np.zeros(n_out) for n_out in layers[1:]]
    return weights, biases


weights, biases = init_parameters(np.random.default_rng(SEED))


def forward(params_w, params_b, sample):
    """Pre-activations u1..u3 and activations a0 (the input) .. a3 (the softmax output)."""
    activations = [np.asarray(sample, dtype=np.float64).reshape(-1)]
    pre = []
    for index, (w, b) in enumerate(zip(params_w, params_b)):
        u = activations[-1] @ w + np.reshape(b, -1)
        pre.append(u)
        activations.append(softmax(u) if index == len(params_w) - 1 else sigmoid(u))
    return pre, activations


def feed_forward_sample(sample, label):
    """Cross-entropy loss and one-hot prediction of one sample with the module's parameters."""
    _, activations = forward(weights, biases, sample)
    y_hat = activations[-1]
    loss = cross_entropy_loss(integer_to_one_hot(label, LAYERS[-1]), y_hat)
    return loss, integer_to_one_hot(int(np.argmax(y_hat)), LAYERS[-1])


def feed_forward_dataset(x, y):
    """Average loss and accuracy over a dataset, one sample at a time as the template does."""
    losses = np.empty(len(x))
    correct = 0
    for i in range(len(x)):
        losses[i], guess = feed_forward_sample(x[i], y[i])
        correct += int(np.argmax(guess) == y[i])
    return float(losses.mean()), correct / len(x)


def gradients(params_w, params_b, sample, label):
    """Exact gradients of the sample's cross-entropy loss: (weight grads, bias grads).

    Backprop: the output delta is y_hat - y (softmax with cross-entropy); each earlier delta
    is the next one pushed back through that layer's weights, times sigma'(u) of its own layer.
    """
    pre, activations = forward(params_w, params_b, sample)
    delta = activations[-1] - integer_to_one_hot(label, LAYERS[-1])
    grad_w = [np.empty(0)] * len(params_w)
    grad_b = [np.empty(0)] * len(params_w)
    for layer in reversed(range(len(params_w))):
        grad_w[layer] = np.outer(activations[layer], delta)
        grad_b[layer] = delta
        if layer > 0:
            delta = (delta @ params_w[layer].T) * dsigmoid(pre[layer - 1])
    return grad_w, grad_b


def train_one_sample(sample, y, learning_rate=0.003):
    """One SGD step on one sample, updating the module's `weights` and `biases` in place."""
    grad_w, grad_b = gradients(weights, biases, sample, y)
    for layer in range(len(weights)):
        weights[layer] -= learning_rate * grad_w[layer]
        biases[layer] -= learning_rate * grad_b[layer].reshape(biases[layer].shape)


def train_one_epoch(x, y, learning_rate=0.003):
    for i in range(len(x)):
        train_one_sample(x[i], y[i], learning_rate)


def forward_batch(params_w, params_b, x):
    """Softmax outputs for a batch of samples, (N, 10)."""
    a = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    for w, b in zip(params_w[:-1], params_b[:-1]):
        a = sigmoid(a @ w + np.reshape(b, -1))
    return softmax(a @ params_w[-1] + np.reshape(params_b[-1], -1))


def batch_gradients(params_w, params_b, x, labels):
    """Gradients of the batch's summed loss; equals the sum of `gradients` over its samples."""
    grad_w, grad_b, _ = _batch_pass(params_w, params_b, x, labels)
    return grad_w, grad_b


def _batch_pass(params_w, params_b, x, labels):
    activations = [np.asarray(x, dtype=np.float64).reshape(len(x), -1)]
    pre = []
    for index, (w, b) in enumerate(zip(params_w, params_b)):
        u = activations[-1] @ w + np.reshape(b, -1)
        pre.append(u)
        activations.append(softmax(u) if index == len(params_w) - 1 else sigmoid(u))
    rows = np.arange(len(x))
    loss = float(-np.log(np.maximum(activations[-1][rows, labels], 1e-300)).sum())
    delta = activations[-1].copy()
    delta[rows, labels] -= 1.0
    grad_w = [np.empty(0)] * len(params_w)
    grad_b = [np.empty(0)] * len(params_w)
    for layer in reversed(range(len(params_w))):
        grad_w[layer] = activations[layer].T @ delta
        grad_b[layer] = delta.sum(axis=0)
        if layer > 0:
            delta = (delta @ params_w[layer].T) * dsigmoid(pre[layer - 1])
    return grad_w, grad_b, loss


def train_minibatch_epoch(params_w, params_b, x, y, learning_rate, batch_size, rng):
    """One epoch of mini-batch SGD on the mean loss, in a shuffled order; updates in place.

    With batch_size=1 it is the template's per-sample SGD in a shuffled order. Returns the
    mean training loss seen during the epoch (each sample's loss before its own step).
    """
    order = rng.permutation(len(x))
    total = 0.0
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        grad_w, grad_b, loss = _batch_pass(params_w, params_b, x[batch], y[batch])
        total += loss
        step = learning_rate / len(batch)
        for layer in range(len(params_w)):
            params_w[layer] -= step * grad_w[layer]
            params_b[layer] -= step * grad_b[layer].reshape(params_b[layer].shape)
    return total / len(x)


def evaluate(params_w, params_b, x, y):
    """Mean cross-entropy and accuracy of a dataset, vectorised."""
    probs = forward_batch(params_w, params_b, x)
    picked = probs[np.arange(len(y)), y]
    return float(-np.log(np.maximum(picked, 1e-300)).mean()), float(np.mean(probs.argmax(1) == y))


if __name__ == "__main__":
    from grader.data import as_float_images, load_train_test

    data = load_train_test("mnist")
    print(data.data_split)
    x_train = as_float_images(data.train.images, np.float64)
    x_test = as_float_images(data.test.images, np.float64)
    w, b = init_parameters(np.random.default_rng(SEED))
    shuffle = np.random.default_rng(SEED + 1)
    for epoch in range(1, 4):
        loss = train_minibatch_epoch(w, b, x_train, data.train.labels.astype(int), 0.1, 1, shuffle)
        print(epoch, loss, evaluate(w, b, x_test, data.test.labels.astype(int)))
