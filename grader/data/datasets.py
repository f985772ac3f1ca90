"""Load MNIST and FashionMNIST splits as validated uint8 arrays, ready for numpy and torch."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from grader.data.cache import cached_array
from grader.data.catalog import DATASETS, DatasetSpec, SplitName
from grader.data.idx import read_images, read_labels
from grader.data.sources import DataSources
from grader.errors import DataCorrupt, DataNotFound, GraderError

# When a dataset's training split is nowhere to be found (MNIST on this project's offline
# machines), train on the first images of its test split and evaluate on the rest.
FALLBACK_TRAIN = 8_000


@dataclass(frozen=True)
class Split:
    images: np.ndarray  # (N, 28, 28) uint8, read-only
    labels: np.ndarray  # (N,) uint8, read-only
    description: str  # what these are, e.g. "fashion-mnist train (60,000 images)"

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class TrainTest:
    dataset: str
    train: Split
    test: Split
    data_split: str  # said in every output that depends on it
    sources: tuple[str, ...]  # where the files came from


def dataset_spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except KeyError:
        raise GraderError(f"unknown dataset {name!r}",
                          f"choose one of: {', '.join(DATASETS)}") from None


def load_split(name: str, split: SplitName, sources: DataSources | None = None) -> tuple[Split, str]:
    """One split of a dataset and where its files were found."""
    spec = dataset_spec(name)
    sources = sources or DataSources.from_env()
    files = sources.fetch(spec, split)
    images = cached_array(files.images, sources.cache_dir, read_images)
    labels = cached_array(files.labels, sources.cache_dir,
                          partial(read_labels, classes=spec.classes))
    if len(images) != len(labels):
        raise DataCorrupt(f"{files.images} holds {len(images)} images but {files.labels} holds "
                          f"{len(labels)} labels", "the two files come from different sets")
    where = f"{files.images.parent} ({files.origin})"
    return Split(images, labels, f"{name} {split.value} ({len(labels):,} images)"), where


def load_train_test(name: str, sources: DataSources | None = None) -> TrainTest:
    """Both splits; if the training split is missing, a documented split of the test split."""
    sources = sources or DataSources.from_env()
    test, test_from = load_split(name, SplitName.TEST, sources)
    try:
        train, train_from = load_split(name, SplitName.TRAIN, sources)
    except DataNotFound:
        return _split_test_set(name, test, test_from)
    split = f"{name}: standard split, train {len(train):,} / test {len(test):,} images"
    return TrainTest(name, train, test, split, (train_from, test_from))


def _split_test_set(name: str, test: Split, source: str) -> TrainTest:
    if len(test) < 2 * 1_000:
        raise DataCorrupt(f"{name}: training split missing and the test split has only "
                          f"{len(test)} images, too few to split")
    cut = FALLBACK_TRAIN if len(test) > FALLBACK_TRAIN else len(test) * 4 // 5
    split = (f"{name}: training split not found; trained on the first {cut:,} test-split "
             f"images, evaluated on the last {len(test) - cut:,}")
    train = Split(test.images[:cut], test.labels[:cut], f"{name} test[:{cut}]")
    held_out = Split(test.images[cut:], test.labels[cut:], f"{name} test[{cut}:]")
    return TrainTest(name, train, held_out, split, (source,))


def as_float_images(images: np.ndarray, dtype=np.float32) -> np.ndarray:
    """(N, 784) pixels scaled to [0, 1], as torchvision's ToTensor gives them."""
    return np.asarray(images, dtype=dtype).reshape(len(images), -1) / dtype(255)
