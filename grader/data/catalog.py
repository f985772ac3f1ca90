"""The datasets the grader knows: their names, file names and where torchvision keeps them."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SplitName(str, enum.Enum):
    TRAIN = "train"
    TEST = "test"


@dataclass(frozen=True)
class DatasetSpec:
    name: str  # the grader's name, used on the command line and in reports
    torchvision_class: str  # also torchvision's folder name: <root>/<class>/raw/
    folder_names: tuple[str, ...]  # folder names that hold this dataset's files directly
    classes: int = 10

    def files(self, split: SplitName) -> tuple[str, str]:
        """The (images, labels) file names of a split, without .gz."""
        prefix = "train" if split is SplitName.TRAIN else "t10k"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        DatasetSpec("mnist", "MNIST", ("mnist", "MNIST")),
        DatasetSpec("fashion-mnist", "FashionMNIST",
                    ("fashion-mnist", "fashion_mnist", "FashionMNIST", "fashionmnist")),
    )
}
