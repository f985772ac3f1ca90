"""Time the Q4 items for one submission: the seed's notebook and the correct solution,
graded with the Q4 question of rubrics/hw1.toml (worker start included in the first item).

    GRADER_DATA_DIR=../shared/data python benchmarks/q4_checks.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tomllib
from pathlib import Path

import tomli_w

from grader import api

REPO = Path(__file__).resolve().parent.parent


def q4_rubric(folder: Path) -> Path:
    data = tomllib.loads((REPO / "rubrics" / "hw1.toml").read_text())
    data["questions"] = [q for q in data["questions"] if q["id"] == "q4"]
    path = folder / "q4.toml"
    path.write_text(tomli_w.dumps(data))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        rubric = q4_rubric(Path(folder))
        for name in ("seed", "solution"):
            totals, per_item = [], {}
            for _ in range(runs):
                started = time.perf_counter()
                report = api.grade(REPO / "submissions" / name, rubric)
                totals.append(time.perf_counter() - started)
                for item in report.items:
                    per_item.setdefault(item.id, []).append(item.duration_s)
            items = "  ".join(f"{i.split('.')[1]} {statistics.median(t):.2f}"
                              for i, t in per_item.items())
            print(f"{name:9} all Q4 items: median {statistics.median(totals):.1f} s, "
                  f"max {max(totals):.1f} s ({runs} runs)  |  per item (s): {items}")


if __name__ == "__main__":
    main()
