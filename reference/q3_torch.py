"""Q3 reference: the 784-256-128-64-10 ReLU network trained on FashionMNIST with plain SGD.

`MLP` is the network as students write it. `FastSGD` trains it without autograd: the data sit
in memory as one float tensor, a batch is an `index_select` of shuffled indices into buffers
allocated once, and the backward pass and the SGD update are written out by hand (each weight
update is a single in-place `addmm_`). It computes the same steps as `torch.optim.SGD` on
`CrossEntropyLoss` (tests/test_reference.py checks one against the other) at about three
times the speed, and runs on "cpu" or "cuda" alike.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from grader.data import as_float_images

LAYERS = (784, 256, 128, 64, 10)


class MLP(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer1 = torch.nn.Linear(784, 256)
        self.layer2 = torch.nn.Linear(256, 128)
        self.layer3 = torch.nn.Linear(128, 64)
        self.layer4 = torch.nn.Linear(64, 10)

    def linears(self) -> list[torch.nn.Linear]:
        return [self.layer1, self.layer2, self.layer3, self.layer4]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.reshape(-1, 784)
        for layer in self.linears()[:-1]:
            x = torch.relu(layer(x))
        return self.layer4(x)


def init_mlp(seed: int, device: str | torch.device = "cpu") -> MLP:
    """An MLP with torch's default Linear init, U(-1/sqrt(n_in), 1/sqrt(n_in)), from `seed`."""
    model = MLP()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for layer in model.linears():
            bound = 1.0 / math.sqrt(layer.in_features)
            for param in (layer.weight, layer.bias):
                param.copy_(torch.rand(param.shape, generator=generator) * 2 * bound - bound)
    return model.to(device)


def to_tensors(images: np.ndarray, labels: np.ndarray, device: str | torch.device):
    """(N, 784) float32 pixels in [0, 1] (what ToTensor gives) and int64 labels, on `device`."""
    x = torch.from_numpy(as_float_images(images, np.float32))
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    return x.to(device), y.to(device)


def _relu_backward(grad: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
    """`grad` where the ReLU's output is positive, else 0, in one kernel (autograd's own)."""
    return torch.ops.aten.threshold_backward(grad, output, 0)


class _Buffers:
    """Activations and gradients for one batch size, allocated once and reused."""

    def __init__(self, rows: int, device: torch.device) -> None:
        self.rows = rows
        self.acts = [torch.empty(rows, width, device=device) for width in LAYERS]
        self.acts_t = [a.t() for a in self.acts]  # views made once: each .t() costs a call
        self.grads = [torch.empty(rows, width, device=device) for width in LAYERS]
        self.one_hot = torch.empty(rows, LAYERS[-1], device=device)
        self.ones = torch.ones(rows, device=device)


class FastSGD:
    """Mini-batch SGD on the mean cross-entropy, without autograd; updates `model` in place."""

    def __init__(self, model: MLP, lr: float, batch_size: int) -> None:
        self.model, self.lr, self.batch_size = model, lr, batch_size
        # Weights as (n_in, n_out) copies, so forward is x @ W and the update is W += -lr h^T g.
        self.weights = [layer.weight.detach().t().contiguous() for layer in model.linears()]
        self.biases = [layer.bias.detach().clone() for layer in model.linears()]
        self.weights_t = [w.t() for w in self.weights]
        self.device = self.weights[0].device
        self._buffers: dict[int, _Buffers] = {}

    def train_epoch(self, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator) -> float:
        """One pass over (x, y) in a shuffled order; returns the mean training loss."""
        one_hot = torch.nn.functional.one_hot(y, LAYERS[-1]).to(x.dtype)
        order = torch.randperm(len(x), generator=generator).to(self.device)
        total = torch.zeros((), device=self.device)
        with torch.no_grad():
            for batch in order.split(self.batch_size):
                self._step(x, one_hot, batch, total)
            self._write_back()
        return total.item() / len(x)

    def _step(self, x, one_hot, batch, total) -> None:
        rows = len(batch)
        if rows not in self._buffers:
            self._buffers[rows] = _Buffers(rows, self.device)
        buf = self._buffers[rows]
        acts, grads, weights, biases = buf.acts, buf.grads, self.weights, self.biases
        torch.index_select(x, 0, batch, out=acts[0])
        torch.index_select(one_hot, 0, batch, out=buf.one_hot)
        last = len(weights) - 1
        for layer in range(len(weights)):
            torch.addmm(biases[layer], acts[layer], weights[layer], out=acts[layer + 1])
            if layer < last:
                acts[layer + 1].clamp_(min=0)
        log_probs = acts[-1].log_softmax(dim=1)
        total.sub_(torch.vdot(log_probs.view(-1), buf.one_hot.view(-1)))
        # d(mean loss)/d logits = (softmax - one_hot) / rows
        grad = log_probs.exp_().sub_(buf.one_hot).div_(rows)
        for layer in range(last, -1, -1):
            if layer > 0:  # push the gradient back through the old weights and the ReLU
                torch.mm(grad, self.weights_t[layer], out=grads[layer])
                below = _relu_backward(grads[layer], acts[layer])
            weights[layer].addmm_(buf.acts_t[layer], grad, alpha=-self.lr)
            biases[layer].addmv_(grad.t(), buf.ones, alpha=-self.lr)
            if layer > 0:
                grad = below

    def _write_back(self) -> None:
        for layer, weight, bias in zip(self.model.linears(), self.weights, self.biases):
            layer.weight.copy_(weight.t())
            layer.bias.copy_(bias)


def evaluate(model: MLP, x: torch.Tensor, y: torch.Tensor, batch: int = 2000) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of `model` on (x, y)."""
    loss, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(x), batch):
            logits = model(x[start:start + batch])
            target = y[start:start + batch]
            loss += torch.nn.functional.cross_entropy(logits, target, reduction="sum").item()
            correct += int((logits.argmax(1) == target).sum().item())
    return loss / len(x), correct / len(x)


@dataclass(frozen=True)
class EpochStats:
    epoch: int
    train_loss: float
    test_loss: float
    test_accuracy: float
    seconds: float  # training time of the epoch (evaluation not included)


def train(train_xy, test_xy, epochs: int = 50, lr: float = 0.01, batch_size: int = 64,
          seed: int = 0, device: str = "cpu",
          on_epoch: Callable[[EpochStats], None] | None = None) -> tuple[MLP, list[EpochStats]]:
    """The homework's run: SGD(lr) on batches of `batch_size`, test loss after every epoch."""
    model = init_mlp(seed, device)
    trainer = FastSGD(model, lr, batch_size)
    generator = torch.Generator().manual_seed(seed + 1)
    history = []
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        train_loss = trainer.train_epoch(*train_xy, generator)
        seconds = time.perf_counter() - started
        test_loss, accuracy = evaluate(model, *test_xy)
        history.append(EpochStats(epoch, train_loss, test_loss, accuracy, seconds))
        if on_epoch:
            on_epoch(history[-1])
    return model, history


if __name__ == "__main__":
    from grader.data import load_train_test

    data = load_train_test("fashion-mnist")
    train(to_tensors(data.train.images, data.train.labels, "cpu"),
          to_tensors(data.test.images, data.test.labels, "cpu"), epochs=3, on_epoch=print)
