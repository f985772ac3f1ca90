"""Q4 submissions for the check tests: the course template done right, then with each of the
mistakes students make. Each variant is the correct template with a few lines replaced."""

from __future__ import annotations

TEMPLATE = '''
import math
import numpy as np


def sigmoid(x):
    x = np.clip(x, -500, 500)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def dsigmoid(x):
    return sigmoid(x) * (1 - sigmoid(x))


def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy_loss(y, yHat):
    return -np.sum(y * np.log(yHat))


def integer_to_one_hot(x, max):
    result = np.zeros(max)
    result[x] = 1
    return result


rng = np.random.default_rng(1)
layers = [784, 32, 32, 10]
weights = []
biases = []
for i in range(3):
    weights.append(rng.normal(0, 1 / math.sqrt(layers[i]), (layers[i], layers[i + 1])))
    biases.append(np.zeros((1, layers[i + 1])))


def feed_forward_sample(sample, label):
    a = np.reshape(sample, (1, 784))
    for i in range(3):
        z = a @ weights[i] + biases[i]
        a = sigmoid(z) if i < 2 else softmax(z)
    loss = cross_entropy_loss(integer_to_one_hot(label, 10), a.ravel())
    return loss, integer_to_one_hot(int(np.argmax(a)), 10)


def feed_forward_dataset(x, y):
    results = [feed_forward_sample(x[i], y[i]) for i in range(len(x))]
    return np.mean([r[0] for r in results])


def train_one_sample(sample, y, learning_rate=0.003):
    a0 = np.reshape(sample, (1, 784))
    u1 = a0 @ weights[0] + biases[0]
    a1 = sigmoid(u1)
    u2 = a1 @ weights[1] + biases[1]
    a2 = sigmoid(u2)
    u3 = a2 @ weights[2] + biases[2]
    yhat = softmax(u3)
    d3 = yhat - integer_to_one_hot(y, 10)
    d2 = (d3 @ weights[2].T) * dsigmoid(u2)
    d1 = (d2 @ weights[1].T) * dsigmoid(u1)
    grads_w = [a0.T @ d1, a1.T @ d2, a2.T @ d3]
    grads_b = [d1, d2, d3]
    for i in range(3):
        weights[i] -= learning_rate * grads_w[i]
        biases[i] -= learning_rate * grads_b[i].reshape(biases[i].shape)


def train_one_epoch(x, y, learning_rate=0.003):
    for i in range(x.shape[0]):
        train_one_sample(x[i], y[i], learning_rate)
'''

VECTORISED = '''
import numpy as np

sigmoid = lambda x: 0.5 * (1 + np.tanh(np.asarray(x, dtype=float) / 2))


def dsigmoid(x):
    s = sigmoid(x)
    return s * (1 - s)


def softmax(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy_loss(y, yHat):
    return float(-(y * np.log(yHat)).sum())


def integer_to_one_hot(x, max):
    return np.eye(max)[x]


_rng = np.random.default_rng(7)
weights = [_rng.standard_normal((a, b)) / np.sqrt(a) for a, b in [(784, 32), (32, 32), (32, 10)]]
biases = [np.zeros(b) for b in (32, 32, 10)]


def _forward(x):
    acts, pre = [np.asarray(x, dtype=float).reshape(-1, 784)], []
    for k, (w, b) in enumerate(zip(weights, biases)):
        pre.append(acts[-1] @ w + b)
        acts.append(softmax(pre[-1]) if k == 2 else sigmoid(pre[-1]))
    return pre, acts


def feed_forward_sample(sample, label):
    _, acts = _forward(sample)
    p = acts[-1][0]
    return -np.log(p[label]), integer_to_one_hot(int(p.argmax()), 10)


def feed_forward_dataset(x, y):
    _, acts = _forward(x)
    return float(np.mean(acts[-1].argmax(1) == y))


def train_one_sample(sample, y, learning_rate=0.003):
    pre, acts = _forward(sample)
    delta = acts[-1] - integer_to_one_hot(y, 10)
    for k in (2, 1, 0):
        gw, gb = acts[k].T @ delta, delta.sum(0)
        if k:
            delta = (delta @ weights[k].T) * dsigmoid(pre[k - 1])
        weights[k] -= learning_rate * gw
        biases[k] -= learning_rate * gb


def train_one_epoch(x, y, learning_rate=0.003):
    for sample, label in zip(x, y):
        train_one_sample(sample, label, learning_rate)
'''


def variant(*replacements: tuple[str, str]) -> str:
    code = TEMPLATE
    for old, new in replacements:
        assert old in code, old
        code = code.replace(old, new)
    return code


SEED_BUG = variant(("d1 = (d2 @ weights[1].T) * dsigmoid(u1)",
                    "d1 = ((d3 @ weights[2].T) @ weights[1].T) * dsigmoid(u2) * dsigmoid(u1)"))
BIAS_NOT_UPDATED = variant(("        biases[i] -= learning_rate * grads_b[i].reshape(biases[i].shape)\n",
                            ""))
GRADIENT_ASCENT = variant(("weights[i] -= learning_rate", "weights[i] += learning_rate"),
                          ("biases[i] -= learning_rate", "biases[i] += learning_rate"))
MISSING_DSIGMOID = variant(("d2 = (d3 @ weights[2].T) * dsigmoid(u2)", "d2 = d3 @ weights[2].T"),
                           ("d1 = (d2 @ weights[1].T) * dsigmoid(u1)", "d1 = d2 @ weights[1].T"))
TRANSPOSED = variant(("a1.T @ d2", "(a1.T @ d2).T"))
LR_IGNORED = variant(("weights[i] -= learning_rate * grads_w[i]", "weights[i] -= 0.003 * grads_w[i]"),
                     ("biases[i] -= learning_rate * grads_b", "biases[i] -= 0.003 * grads_b"))
INIT_STD_1 = variant(("rng.normal(0, 1 / math.sqrt(layers[i]),", "rng.normal(0, 1.0,"))
SOFTMAX_NO_SHIFT = variant(("e = np.exp(x - np.max(x, axis=-1, keepdims=True))", "e = np.exp(x)"))
MISSING_FUNCTION = variant(("def train_one_sample(sample, y, learning_rate=0.003):",
                            "def train_one_sample_todo(sample, y, learning_rate=0.003):"))
FORWARD_RAISES = variant(("    a = np.reshape(sample, (1, 784))\n    for i in range(3):",
                          "    raise NotImplementedError('Q2 not done')\n    a = 0\n    for i in range(3):"))
SOFTMAX_NAN = variant(("    return e / e.sum(axis=-1, keepdims=True)", "    return e * np.nan"))
ONE_HOT_ROW = variant(("    result = np.zeros(max)\n", "    result = np.zeros((1, max))\n"),
                      ("    result[x] = 1\n", "    result[0, x] = 1\n"))
