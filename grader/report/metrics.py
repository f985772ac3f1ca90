"""The record of a reference training run: `metrics.json`, one value per epoch in each list."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class RunSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    learning_rate: float
    batch_size: int
    seed: int
    input_scale: str  # how pixels were scaled before training


class RunMetrics(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Literal["q3", "q4"]
    dataset: str
    epochs: int
    device: str
    data_split: str  # which images were used to train and to evaluate
    data_sources: list[str]
    settings: RunSettings
    train_loss: list[float]
    test_loss: list[float]
    test_accuracy: list[float]
    epoch_seconds: list[float]  # training time of each epoch, evaluation excluded
    grader_version: str
    torch: str | None
