"""Per-item cost of the sandbox: warm-worker start, then one forked, isolated run per item,
against what a fresh interpreter importing torch per item would cost.

    python benchmarks/sandbox_overhead.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

from grader.sandbox.protocol import Cell, Limits
from grader.sandbox.runner import Call, Sandbox

CODE = "import numpy as np\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    for preload in (["numpy"], ["numpy", "torch", "torchvision"]):
        started = time.perf_counter()
        with Sandbox(None, [], preload) as sandbox:
            start_s = time.perf_counter() - started
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                result = sandbox.run([Cell(origin="bench.py", code=CODE)], "definitions",
                                     [Call("sigmoid", (np.zeros(1000),))], Limits(wall_s=30))
                times.append(time.perf_counter() - t0)
                assert result.status == "completed", result.message
        print(f"preload {'+'.join(preload):<24} worker start {start_s:6.2f} s   "
              f"per item median {statistics.median(times) * 1000:6.1f} ms  "
              f"max {max(times) * 1000:6.1f} ms  ({runs} runs)")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", "import torch"], check=True)
    print(f"fresh `python -I -c 'import torch'` (what a cold run per item would pay): "
          f"{time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
