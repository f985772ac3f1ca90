"""Draw a run's train and test loss curves, with test accuracy, to a PNG file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from grader.errors import OutputError
from grader.report.metrics import RunMetrics


def write_loss_plot(metrics: RunMetrics, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display, no GUI toolkit
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = range(1, len(metrics.train_loss) + 1)
    figure, loss_axes = plt.subplots(figsize=(7, 4.2), dpi=110)
    try:
        loss_axes.plot(epochs, metrics.train_loss, "-o", markersize=3, label="train loss")
        loss_axes.plot(epochs, metrics.test_loss, "-o", markersize=3, label="test loss")
        loss_axes.set_xlabel("epoch")
        loss_axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        loss_axes.set_ylabel("cross-entropy loss")
        loss_axes.grid(True, alpha=0.3)
        accuracy_axes = loss_axes.twinx()
        accuracy_axes.plot(epochs, [100 * a for a in metrics.test_accuracy], ":",
                           color="tab:green", label="test accuracy")
        accuracy_axes.set_ylabel("test accuracy (%)")
        handles = loss_axes.get_legend_handles_labels()
        extra = accuracy_axes.get_legend_handles_labels()
        loss_axes.legend(handles[0] + extra[0], handles[1] + extra[1], loc="center right")
        loss_axes.set_title(f"{metrics.question} reference on {metrics.dataset} "
                            f"({metrics.device})", fontsize=10)
        figure.text(0.01, 0.01, metrics.data_split, fontsize=7, color="0.4")
        figure.tight_layout(rect=(0, 0.04, 1, 1))
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".png")
        os.close(handle)
        figure.savefig(temp, format="png")
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}", "choose another --out folder") from None
    finally:
        plt.close(figure)
