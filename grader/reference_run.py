"""`grader reference run q3|q4`: train a reference solution on the real data and record it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grader import __version__
from grader.data import DataSources, TrainTest, as_float_images, load_train_test
from grader.errors import GraderError, OutputError
from grader.report.json_writer import write_json
from grader.report.loss_plot import write_loss_plot
from grader.report.metrics import RunMetrics, RunSettings

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class QuestionDefaults:
    dataset: str
    epochs: int
    learning_rate: float
    batch_size: int


# Q3 as the homework sets it; Q4 as the template trains (one sample per step), with pixels in
# [0, 1], where lr 0.1 reaches about 90% after one epoch of 8,000 images.
QUESTIONS = {
    "q3": QuestionDefaults("fashion-mnist", epochs=50, learning_rate=0.01, batch_size=64),
    "q4": QuestionDefaults("mnist", epochs=3, learning_rate=0.1, batch_size=1),
}


@dataclass(frozen=True)
class Epoch:
    epoch: int
    epochs: int
    train_loss: float
    test_loss: float
    test_accuracy: float
    seconds: float

    def line(self) -> str:
        return (f"epoch {self.epoch:>3}/{self.epochs}  train loss {self.train_loss:.4f}  "
                f"test loss {self.test_loss:.4f}  test accuracy {100 * self.test_accuracy:.2f}%  "
                f"{self.seconds:.2f} s")


def resolve_device(question: str, device: str) -> str:
    if device not in DEVICES:
        raise GraderError(f"unknown device {device!r}", f"use one of: {', '.join(DEVICES)}")
    if question == "q4":
        if device == "cuda":
            raise GraderError("q4 is a numpy network and runs on the CPU only",
                              "use --device cpu (or auto)")
        return "cpu"
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise GraderError("--device cuda: no CUDA device is usable here "
                          f"(torch {torch.__version__}, built for CUDA {torch.version.cuda})",
                          "use --device cpu, or auto to pick CUDA when there is one")
    return device


def run_reference(question: str, out: Path, epochs: int | None = None, device: str = "auto",
                  data_dir: Path | None = None, learning_rate: float | None = None,
                  batch_size: int | None = None, seed: int = 0,
                  progress: Callable[[str], None] = lambda line: None) -> RunMetrics:
    """Train the reference for `question`, report each epoch, write metrics.json and the plot."""
    if question not in QUESTIONS:
        raise GraderError(f"unknown question {question!r}", f"choose one of: {', '.join(QUESTIONS)}")
    defaults = QUESTIONS[question]
    epochs = defaults.epochs if epochs is None else epochs
    if epochs < 1:
        raise GraderError("--epochs must be at least 1")
    chosen_device = resolve_device(question, device)
    data = load_train_test(defaults.dataset, DataSources.from_env(data_dir))
    _make_folder(out)
    progress(f"{question} on {chosen_device}: {data.data_split}")
    settings = RunSettings(learning_rate=learning_rate or defaults.learning_rate,
                           batch_size=batch_size or defaults.batch_size, seed=seed,
                           input_scale="pixels / 255")
    trainer = _train_q3 if question == "q3" else _train_q4
    history: list[Epoch] = []

    def record(epoch: Epoch) -> None:
        history.append(epoch)
        progress(epoch.line())

    trainer(data, epochs, settings, chosen_device, record)
    metrics = RunMetrics(
        question=question, dataset=defaults.dataset, epochs=epochs, device=chosen_device,
        data_split=data.data_split, data_sources=list(data.sources), settings=settings,
        train_loss=[e.train_loss for e in history], test_loss=[e.test_loss for e in history],
        test_accuracy=[e.test_accuracy for e in history],
        epoch_seconds=[round(e.seconds, 4) for e in history],
        grader_version=__version__, torch=_torch_version(),
    )
    write_json(metrics, out / "metrics.json", option="--out")
    write_loss_plot(metrics, out / "loss_curve.png")
    return metrics


def _train_q3(data: TrainTest, epochs: int, settings: RunSettings, device: str,
              record: Callable[[Epoch], None]) -> None:
    from reference import q3_torch

    def on_epoch(stats: q3_torch.EpochStats) -> None:
        record(Epoch(stats.epoch, epochs, stats.train_loss, stats.test_loss,
                     stats.test_accuracy, stats.seconds))

    q3_torch.train(q3_torch.to_tensors(data.train.images, data.train.labels, device),
                   q3_torch.to_tensors(data.test.images, data.test.labels, device),
                   epochs=epochs, lr=settings.learning_rate, batch_size=settings.batch_size,
                   seed=settings.seed, device=device, on_epoch=on_epoch)


def _train_q4(data: TrainTest, epochs: int, settings: RunSettings, device: str,
              record: Callable[[Epoch], None]) -> None:
    from reference import q4_numpy

    x_train = as_float_images(data.train.images, np.float64)
    x_test = as_float_images(data.test.images, np.float64)
    y_train, y_test = data.train.labels.astype(np.int64), data.test.labels.astype(np.int64)
    weights, biases = q4_numpy.init_parameters(np.random.default_rng(settings.seed))
    shuffle = np.random.default_rng(settings.seed + 1)
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        train_loss = q4_numpy.train_minibatch_epoch(weights, biases, x_train, y_train,
                                                    settings.learning_rate, settings.batch_size,
                                                    shuffle)
        seconds = time.perf_counter() - started
        test_loss, accuracy = q4_numpy.evaluate(weights, biases, x_test, y_test)
        record(Epoch(epoch, epochs, train_loss, test_loss, accuracy, seconds))


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc.strerror}",
                          "choose another --out folder") from None
    if not out.is_dir():
        raise OutputError(f"--out {out} is not a folder", "choose another --out folder")


def _torch_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("torch")
    except PackageNotFoundError:
        return None
