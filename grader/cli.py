"""The `grader` command: options, one library call each, errors mapped to exit codes.

Exit codes: 0 graded (whatever the score); 1 `check` found a visible item not passed;
2 usage or input error (bad rubric, missing submission, unwritable output); 3 internal error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from grader import __version__
from grader.errors import ExitCode, GraderError

_rubric_option = click.option(
    "--rubric", "-r", type=click.Path(path_type=Path, dir_okay=False),
    help="Rubric TOML file. Default: the only .toml in ./rubrics/.",
)


_data_dir_option = click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False),
    help="Folder with the MNIST/FashionMNIST IDX files. Default: $GRADER_DATA_DIR, then "
         "/usr/share/datasets, then the cache (downloading into it if online).",
)


class _Group(click.Group):
    """Turns GraderError into its exit code and any other exception into exit 3, no traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GraderError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug in the grader: say so plainly, keep the user's terminal clean
            click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in grader; please report it with the command you ran.",
                       err=True)
            sys.exit(ExitCode.INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def main() -> None:
    """Grade deep-learning homework: maths answers, numpy and PyTorch code, in a sandbox."""


@main.command()
@click.argument("submission", type=click.Path(path_type=Path))
@_rubric_option
@click.option("--out", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the JSON report. Default: reports/<submission name>.json.")
@click.option("--overrides", type=click.Path(path_type=Path, dir_okay=False),
              help="Instructor scores (TOML or CSV) for manual items or to correct any item.")
@_data_dir_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the total score.")
def grade(submission: Path, rubric: Path | None, out: Path | None, overrides: Path | None,
          data_dir: Path | None, quiet: bool) -> None:
    """Grade SUBMISSION (a .py file, a .ipynb notebook or a folder) and write a JSON report."""
    from grader import api
    from grader.report.text import render

    target = out or Path("reports") / f"{submission.resolve().name.rsplit('.', 1)[0]}.json"
    report = api.grade(submission, rubric, out=target, overrides=overrides, data_dir=data_dir)
    click.echo(f"{report.score:g}/{report.max_score:g}" if quiet else render(report))
    click.echo(f"report written to {target}", err=True)


@main.command()
@click.argument("submission", type=click.Path(path_type=Path))
@_rubric_option
@_data_dir_option
def check(submission: Path, rubric: Path | None, data_dir: Path | None) -> None:
    """Self-check SUBMISSION against the visible items; exit 1 if any did not pass."""
    from grader import api
    from grader.report.text import render

    report = api.check(submission, rubric, data_dir=data_dir)
    click.echo(render(report))
    if any(item.outcome.value != "passed" for item in report.items):
        sys.exit(ExitCode.CHECK_FAILED)


@main.group()
def rubric() -> None:
    """Validate rubrics and print their format."""


@rubric.command("validate")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def rubric_validate(path: Path) -> None:
    """Check that a rubric file is valid; print a summary of it."""
    from grader import api

    model = api.validate_rubric(path)
    items = model.items()
    click.echo(f"{path}: valid: {model.assignment}, {len(model.questions)} questions, "
               f"{len(items)} items, {model.max_score:g} points")


@rubric.command("schema")
def rubric_schema() -> None:
    """Print the JSON Schema of rubric files."""
    from grader.rubric.model import Rubric

    click.echo(json.dumps(Rubric.model_json_schema(), indent=2))


@main.group()
def report() -> None:
    """Print the report format."""


@report.command("schema")
def report_schema() -> None:
    """Print the JSON Schema of reports."""
    from grader.report.model import Report

    click.echo(json.dumps(Report.model_json_schema(), indent=2))


@main.group()
def reference() -> None:
    """Run the reference solutions."""


@reference.command("run")
@click.argument("question", type=click.Choice(["q3", "q4"]))
@click.option("--out", "-o", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for metrics.json and loss_curve.png.")
@click.option("--epochs", type=click.IntRange(min=1),
              help="Epochs to train. Default: 50 for q3 (the homework's), 3 for q4.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
              show_default=True, help="Where q3 trains; q4 (numpy) always uses the CPU.")
@_data_dir_option
@click.option("--lr", type=click.FloatRange(min=0, min_open=True),
              help="Learning rate. Default: 0.01 for q3, 0.1 for q4.")
@click.option("--batch-size", type=click.IntRange(min=1),
              help="Batch size. Default: 64 for q3, 1 (per-sample SGD) for q4.")
@click.option("--seed", type=int, default=0, show_default=True)
def reference_run(question: str, out: Path, epochs: int | None, device: str,
                  data_dir: Path | None, lr: float | None, batch_size: int | None,
                  seed: int) -> None:
    """Train the reference solution of QUESTION on the real data, printing each epoch."""
    from grader import api

    api.run_reference(question, out, epochs=epochs, device=device, data_dir=data_dir,
                      learning_rate=lr, batch_size=batch_size, seed=seed,
                      progress=lambda line: click.echo(line))
    click.echo(f"wrote {out / 'metrics.json'} and {out / 'loss_curve.png'}", err=True)


@main.group()
def data() -> None:
    """Show where the datasets are found."""


@data.command("locate")
@_data_dir_option
def data_locate(data_dir: Path | None) -> None:
    """Print where each dataset split is found (nothing is downloaded)."""
    from grader import api

    for name, split, where in api.locate_data(data_dir):
        click.echo(f"{name:14} {split:5}  {where}")
