"""`grader reference run` and `grader data locate`, through the CLI."""

from __future__ import annotations

import json

import pytest
import torch

from grader.cli import main
from grader.report.metrics import RunMetrics

METRIC_KEYS = {"question", "epochs", "device", "train_loss", "test_loss", "test_accuracy",
               "epoch_seconds", "data_split"}


def _check_outputs(out, question, epochs):
    metrics = json.loads((out / "metrics.json").read_text())
    assert METRIC_KEYS <= metrics.keys()
    RunMetrics.model_validate(metrics)
    assert metrics["question"] == question and metrics["epochs"] == epochs
    for key in ("train_loss", "test_loss", "test_accuracy", "epoch_seconds"):
        assert len(metrics[key]) == epochs
    assert (out / "loss_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return metrics


def test_q3_on_tiny_data_with_every_option(runner, tiny_dataset, tmp_path):
    tiny_dataset(tmp_path / "data" / "fashion-mnist", train=256, test=64)
    out = tmp_path / "run"
    result = runner.invoke(main, ["reference", "run", "q3", "--epochs", "2", "--device", "cpu",
                                  "--data-dir", str(tmp_path / "data"), "--lr", "0.05",
                                  "--batch-size", "32", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.count("epoch ") == 2 and "standard split" in result.output
    metrics = _check_outputs(out, "q3", 2)
    assert metrics["device"] == "cpu" and metrics["settings"]["batch_size"] == 32
    assert metrics["settings"]["learning_rate"] == 0.05 and metrics["dataset"] == "fashion-mnist"


def test_q4_on_real_mnist_says_which_split(runner, real_data, tmp_path):
    result = runner.invoke(main, ["reference", "run", "q4", "--epochs", "1", "--out",
                                  str(tmp_path / "q4")])
    assert result.exit_code == 0, result.output
    metrics = _check_outputs(tmp_path / "q4", "q4", 1)
    assert "training split not found" in metrics["data_split"]
    assert "training split not found" in result.output
    assert metrics["test_accuracy"][0] > 0.85  # one epoch of per-sample SGD on 8,000 images


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_exits_2(runner, tiny_dataset, tmp_path):
    result = runner.invoke(main, ["reference", "run", "q3", "--device", "cuda", "--out",
                                  str(tmp_path / "x")])
    assert result.exit_code == 2 and "no CUDA device" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x").exists()


@pytest.mark.parametrize("args, words", [
    (["q4", "--device", "cuda"], "runs on the CPU only"),
    (["q5"], "Invalid value"),
    (["q3", "--epochs", "0"], "Invalid value"),
])
def test_bad_arguments_exit_2(runner, tmp_path, args, words):
    result = runner.invoke(main, ["reference", "run", *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and words in result.output


def test_no_data_offline_exits_2_and_writes_nothing(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("GRADER_DATA_DIR", raising=False)
    result = runner.invoke(main, ["reference", "run", "q3", "--device", "cpu",
                                  "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "fashion-mnist test data not found" in result.output and "--data-dir" in result.output
    assert not (tmp_path / "x").exists()


def test_output_folder_that_is_a_file_exits_2(runner, tiny_dataset, tmp_path):
    tiny_dataset(tmp_path / "data" / "mnist", train=None, test=2000)
    blocker = tmp_path / "file"
    blocker.write_text("")
    for out, words in ((blocker, "is a file"), (blocker / "run", "cannot create the output")):
        result = runner.invoke(main, ["reference", "run", "q4", "--epochs", "1", "--data-dir",
                                      str(tmp_path / "data"), "--out", str(out)])
        assert result.exit_code == 2 and words in result.output


def test_data_locate(runner, tiny_dataset, tmp_path):
    tiny_dataset(tmp_path / "data" / "mnist", train=None)
    result = runner.invoke(main, ["data", "locate", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0
    lines = {tuple(line.split()[:2]): line for line in result.output.splitlines()}
    assert "(data-dir)" in lines[("mnist", "test")] and "not found" in lines[("mnist", "train")]
    assert "not found" in lines[("fashion-mnist", "train")]
