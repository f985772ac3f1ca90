"""How fast the reference solutions train, against the seed's own loop and the machine's limit.

In one process, on the same FashionMNIST data:
  - the machine's float32 matmul rate (2048x2048 GEMMs, the library's own threads);
  - one training epoch of the seed's Q3 loop (torchvision dataset + ToTensor + DataLoader,
    batch 64, autograd, torch.optim.SGD);
  - the same autograd loop on tensors preloaded in memory (where the DataLoader's cost ends);
  - one epoch of the reference's FastSGD (hand-written backward, in-place updates);
and, on MNIST, one per-sample epoch of Q4 (the template's loop and the vectorised trainer).

    python benchmarks/reference_speed.py [--data-dir DIR] [--repeats 3]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from grader.data import DataSources, load_train_test
from grader.data.catalog import DATASETS, SplitName
from reference import q3_torch, q4_numpy

# One epoch costs 3x the forward pass (forward, input gradients, weight gradients) per image.
FORWARD_FLOP = 2 * sum(a * b for a, b in zip(q3_torch.LAYERS, q3_torch.LAYERS[1:]))


def matmul_rate(size: int = 2048, repeats: int = 10) -> float:
    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(3):
        a @ b
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best


def timed(run, repeats: int) -> float:
    """Median seconds of `repeats` calls after one warm-up call."""
    run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def torchvision_root(sources: DataSources) -> tempfile.TemporaryDirectory:
    """A temporary torchvision root (<root>/FashionMNIST/raw/, uncompressed) for the seed's loop."""
    folder = tempfile.TemporaryDirectory()
    raw = Path(folder.name) / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    spec = DATASETS["fashion-mnist"]
    for split in SplitName:
        files = sources.fetch(spec, split)
        for path in (files.images, files.labels):
            data = path.read_bytes()
            (raw / path.name.removesuffix(".gz")).write_bytes(
                gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    return folder


def seed_loop_epoch(root: str) -> callable:
    """The seed's cells 4-55, training part, as they wrote it."""
    import torchvision

    training = torchvision.datasets.FashionMNIST(root, train=True, download=False,
                                                 transform=torchvision.transforms.ToTensor())
    loader = torch.utils.data.DataLoader(training, batch_size=64, shuffle=True)
    model = q3_torch.MLP()
    loss = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def epoch() -> None:
        model.train()
        for images, labels in loader:
            optimizer.zero_grad()
            fit = loss(model(images), labels)
            fit.backward()
            optimizer.step()
    return epoch


def preloaded_autograd_epoch(x: torch.Tensor, y: torch.Tensor) -> callable:
    model = q3_torch.init_mlp(0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    generator = torch.Generator().manual_seed(1)

    def epoch() -> None:
        for batch in torch.randperm(len(x), generator=generator).split(64):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return epoch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sources = DataSources.from_env(args.data_dir)
    fashion = load_train_test("fashion-mnist", sources)
    x, y = q3_torch.to_tensors(fashion.train.images, fashion.train.labels, "cpu")
    images = len(x)
    epoch_flop = 3 * FORWARD_FLOP * images

    rate = matmul_rate()
    limit_s = epoch_flop / rate
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"matmul rate {rate / 1e9:.0f} GFLOP/s; one Q3 epoch = {epoch_flop / 1e9:.1f} GFLOP "
          f"-> FLOP limit {limit_s:.3f} s")

    with torchvision_root(sources) as root:
        seed_s = timed(seed_loop_epoch(root), 1)
    preloaded_s = timed(preloaded_autograd_epoch(x, y), args.repeats)
    trainer = q3_torch.FastSGD(q3_torch.init_mlp(0), lr=0.01, batch_size=64)
    generator = torch.Generator().manual_seed(1)
    reference_s = timed(lambda: trainer.train_epoch(x, y, generator), args.repeats)
    print(f"Q3 epoch ({images:,} images, batch 64):")
    print(f"  seed loop (DataLoader + ToTensor + autograd)  {seed_s:7.3f} s")
    print(f"  autograd + torch.optim on preloaded tensors   {preloaded_s:7.3f} s")
    print(f"  reference FastSGD                             {reference_s:7.3f} s")
    print(f"  speed-up over the seed loop {seed_s / reference_s:.1f}x; "
          f"reference / FLOP limit {reference_s / limit_s:.2f}x")

    mnist = load_train_test("mnist", sources)
    x4 = np.asarray(mnist.train.images, dtype=np.float64).reshape(len(mnist.train), -1) / 255
    y4 = mnist.train.labels.astype(np.int64)
    weights, biases = q4_numpy.init_parameters(np.random.default_rng(0))
    q4_numpy.weights, q4_numpy.biases = weights, biases
    template_s = timed(lambda: q4_numpy.train_one_epoch(x4, y4, 0.1), args.repeats)
    rng = np.random.default_rng(1)
    vector_1_s = timed(lambda: q4_numpy.train_minibatch_epoch(weights, biases, x4, y4, 0.1, 1, rng),
                       args.repeats)
    vector_64_s = timed(lambda: q4_numpy.train_minibatch_epoch(weights, biases, x4, y4, 0.1, 64,
                                                               rng), args.repeats)
    print(f"Q4 epoch ({len(x4):,} images; {mnist.data_split}):")
    print(f"  template loop, per sample (train_one_epoch)   {template_s:7.3f} s")
    print(f"  vectorised trainer, batch 1                   {vector_1_s:7.3f} s")
    print(f"  vectorised trainer, batch 64                  {vector_64_s:7.3f} s")


if __name__ == "__main__":
    main()
