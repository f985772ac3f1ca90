"""HW1, a complete correct submission (the course template's names)."""

import math

import numpy as np
import torch

# Q1a (step activation): f(x) = h*step(x) - h*step(x - delta)
Q1A = {"activation": "step", "w1": "1", "w2": "1", "w3": "h", "w4": "-h", "b_A": "0",
       "b_B": "-delta"}
# Q2
Q2_JACOBIAN = "y_i*(delta_ij - y_j)"


# Q3: 784-256-128-64-10 ReLU network
class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Flatten(),
            torch.nn.Linear(784, 256), torch.nn.ReLU(),
            torch.nn.Linear(256, 128), torch.nn.ReLU(),
            torch.nn.Linear(128, 64), torch.nn.ReLU(),
            torch.nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.net(x)


# Q4: numpy 784-32-32-10 network
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))


def dsigmoid(x):
    s = sigmoid(x)
    return s * (1 - s)


def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy_loss(y, y_hat):
    return -np.sum(y * np.log(y_hat))


def integer_to_one_hot(x, max):
    result = np.zeros(max)
    result[x] = 1
    return result


rng = np.random.default_rng(0)
layers = [784, 32, 32, 10]
weights = [rng.normal(0, 1 / math.sqrt(n_in), (n_in, n_out)) for n_in, n_out in zip(layers, layers[1:])]
biases = [np.zeros(n_out) for n_out in layers[1:]]


def _forward(sample):
    activations = [np.reshape(sample, -1).astype(float)]
    pre = []
    for index, (w, b) in enumerate(zip(weights, biases)):
        u = activations[-1] @ w + b
        pre.append(u)
        activations.append(softmax(u) if index == len(weights) - 1 else sigmoid(u))
    return pre, activations


def feed_forward_sample(sample, label):
    _, activations = _forward(sample)
    y_hat = activations[-1]
    loss = cross_entropy_loss(integer_to_one_hot(label, 10), y_hat)
    return loss, integer_to_one_hot(int(np.argmax(y_hat)), 10)


def feed_forward_dataset(x, y):
    losses = np.empty(x.shape[0])
    guesses = np.empty((x.shape[0], 10))
    for i in range(x.shape[0]):
        losses[i], guesses[i] = feed_forward_sample(x[i], y[i])
    accuracy = float(np.mean(np.argmax(guesses, axis=1) == y))
    print(f"average loss {losses.mean():.3f}, accuracy {accuracy:.2%}")
    return losses, guesses


def train_one_sample(sample, y, learning_rate=0.003):
    pre, activations = _forward(sample)
    delta = activations[-1] - integer_to_one_hot(y, 10)
    for layer in reversed(range(len(weights))):
        grad_w = np.outer(activations[layer], delta)
        grad_b = delta
        if layer > 0:
            delta = (delta @ weights[layer].T) * dsigmoid(pre[layer - 1])
        weights[layer] -= learning_rate * grad_w
        biases[layer] -= learning_rate * grad_b


def train_one_epoch(x, y, learning_rate=0.003):
    for i in range(x.shape[0]):
        train_one_sample(x[i], y[i], learning_rate)
