"""The ``toolkit`` command line: a thin face over the Python API."""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import pandas as pd
import typer

from toolkit.cli.output import boilerplate_lines, next_steps, seed_lines
from toolkit.cli.output import emit as _emit
from toolkit.cli.output import shown_path as _shown
from toolkit.errors import ToolkitError
from toolkit.progress import set_quiet

app = typer.Typer(
    help="Topics, themes, clusters and nearest-article search for German news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
runs_app = typer.Typer(help="List and summarise run folders.", no_args_is_help=True)
corpus_app = typer.Typer(help="Inspect a corpus before running on it.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")
app.add_typer(corpus_app, name="corpus")

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or status lines.")]
RunPath = Annotated[Path, typer.Argument(help="A run folder (runs/<name>-<timestamp>).")]
K = Annotated[int, typer.Option("--k", "-k", min=1, help="Number of results.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print a JSON list instead of a table.")]
Mode = Annotated[
    str | None,
    typer.Option(help="hybrid, dense, lexical, lsa or topics (default: the run's mode)."),
]
DateFrom = Annotated[
    str | None, typer.Option("--from", help="Only articles dated on/after (YYYY[-MM[-DD]]).")
]
DateTo = Annotated[
    str | None, typer.Option("--to", help="Only articles dated on/before (YYYY[-MM[-DD]]).")
]
Label = Annotated[str | None, typer.Option(help="Only articles with this label.")]
Theme = Annotated[str | None, typer.Option(help="Only articles about this theme.")]


@app.callback()
def _main(quiet: Quiet = False) -> None:
    if quiet:
        set_quiet(True)


@app.command()
def run(
    config: Annotated[
        Path, typer.Argument(help="Experiment config (YAML), e.g. experiments/seed.yaml.")
    ],
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Override: key.path=value (repeatable).")
    ] = None,
    sweep: Annotated[
        list[str] | None, typer.Option(help="Sweep: key.path=v1,v2,... (repeatable: a grid).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Run folder (default runs/<name>-<timestamp>); must be new or empty."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace --out when it holds an earlier run.")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Run the per-document work on Dask: 'local' starts a cluster on this machine, "
            "tcp://HOST:PORT uses a running one (same as compute.scheduler)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes of a local cluster (default: the cores)."),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Run an experiment: every stage its config names, cached, into a run folder."""
    from toolkit.experiment import execute, load_config, load_run, run_sweep

    if quiet:
        set_quiet(True)
    set_ = [*(set_ or []), *compute_overrides(scheduler, workers)]
    try:
        if sweep:
            folder = run_sweep(config, sweep, set_ or [], out, force=force)
            typer.echo(f"sweep folder: {_shown(folder)}")
            typer.echo(pd.read_csv(folder / "summary.csv").to_string(index=False))
            return
        cfg = load_config(config, set_ or [])
        folder = execute(cfg, out, force=force, source=config)
    except KeyboardInterrupt as exc:
        # click would swallow the message; it says how to resume
        typer.echo(f"\n{exc or 'interrupted'}", err=True)
        raise typer.Exit(130) from None
    run = load_run(folder)
    report = None
    if cfg.output.report:
        # imported only here: the report's figures load matplotlib (a warm run's largest import)
        from toolkit.report import write_report

        report = write_report(run)
    typer.echo(next_steps(run, report))


def compute_overrides(scheduler: str | None, workers: int | None) -> list[str]:
    """``--scheduler`` and ``--workers`` as the ``compute`` overrides they stand for."""
    overrides = [] if scheduler is None else [f"compute.scheduler={scheduler}"]
    return overrides + ([] if workers is None else [f"compute.workers={workers}"])


@runs_app.command("list")
def runs_list(
    parent: Annotated[Path, typer.Argument(help="Folder holding run folders.")] = Path("runs"),
) -> None:
    """List the run folders below PARENT."""
    from toolkit.experiment.folder import list_runs

    table = list_runs(parent)
    typer.echo("no runs" if table.empty else table.to_string(index=False))


@runs_app.command("show")
def runs_show(run_path: RunPath) -> None:
    """Summarise one run: stages, timings, headline metrics."""
    from toolkit.experiment.run import load_run
    from toolkit.report.summary import summarize_run

    typer.echo(summarize_run(load_run(run_path)))


@corpus_app.command("info")
def corpus_info_cmd(
    path: Annotated[Path, typer.Argument(help="A file or folder of articles.")],
    format: Annotated[str, typer.Option(help="auto, seed, txt, csv, tsv or jsonl.")] = "auto",
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed).")] = None,
    quotechar: Annotated[str, typer.Option(help="CSV quote character.")] = '"',
    no_header: Annotated[
        bool, typer.Option("--no-header", help="The CSV has no header row.")
    ] = False,
    column: Annotated[
        list[str] | None, typer.Option(help="CSV column mapping field=column (repeatable).")
    ] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding.")] = "utf-8",
) -> None:
    """Counts, date range, length distribution and labels of a corpus."""
    from toolkit.corpus import Corpus, corpus_info, format_corpus_info

    columns = None
    if column:
        columns = {}
        for item in column:
            field, _, name = item.partition("=")
            columns[field] = int(name) if name.isdigit() else name
    corpus = Corpus(
        path,
        format=format,
        delimiter=delimiter,
        quotechar=quotechar,
        header=not no_header,
        columns=columns,
        encoding=encoding,
    )
    typer.echo(format_corpus_info(corpus_info(corpus)))
    from toolkit.text.boilerplate import BoilerplateFilter

    typer.echo(boilerplate_lines(BoilerplateFilter().fit(corpus).sentences_))


@app.command()
def topics(
    run_path: RunPath,
    text: Annotated[str, typer.Argument(help="Text to assign topics to.")],
    json_: AsJson = False,
) -> None:
    """Topic shares of a new text under the run's topic model."""
    from toolkit.experiment.run import load_run

    table = load_run(run_path).topics_of(text)
    _emit(table, json_)


@app.command()
def themes(
    run_path: RunPath,
    theme: Annotated[str | None, typer.Option(help="Only this theme.")] = None,
    json_: AsJson = False,
) -> None:
    """Seed diagnostics of the run's themes: where each seed and expansion term occurs, how often
    its context supports the theme, the weight it got, example contexts, ambiguous seeds."""
    from toolkit.experiment.run import load_run

    run = load_run(run_path)
    table = run.seed_diagnostics(theme)
    if json_:
        typer.echo(table.to_json(orient="records", force_ascii=False, indent=2))
        return
    messages = run.metrics.get("themes", {}).get("seed_warnings", [])
    if theme is not None:
        messages = [m for m in messages if m.startswith(f"themes.{theme}:")]
    typer.echo(seed_lines(table, messages))


@app.command()
def similar(
    run_path: RunPath,
    doc: Annotated[str, typer.Option(help="Document id.")],
    k: K = 10,
    mode: Mode = None,
    json_: AsJson = False,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    label: Label = None,
    theme: Theme = None,
) -> None:
    """The articles nearest to article DOC (itself excluded)."""
    from toolkit.experiment.run import load_run

    table = load_run(run_path).similar(
        doc, k=k, mode=mode, date_from=date_from, date_to=date_to, label=label, theme=theme
    )
    _emit(table, json_)


@app.command()
def search(
    run_path: RunPath,
    text: Annotated[str, typer.Argument(help="Free-text query.")],
    k: K = 10,
    mode: Mode = None,
    json_: AsJson = False,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    label: Label = None,
    theme: Theme = None,
) -> None:
    """The articles nearest to free TEXT."""
    from toolkit.experiment.run import load_run

    table = load_run(run_path).search(
        text, k=k, mode=mode, date_from=date_from, date_to=date_to, label=label, theme=theme
    )
    _emit(table, json_)


@app.command()
def duplicates(
    run_path: RunPath,
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="Cosine threshold.")] = 0.95,
    json_: AsJson = False,
) -> None:
    """Pairs of near-identical articles (e.g. agency copy published twice)."""
    from toolkit.experiment.run import load_run

    _emit(load_run(run_path).duplicates(threshold), json_)


@app.command()
def report(
    run_path: RunPath,
    out: Annotated[Path | None, typer.Option(help="HTML file (default RUN/report.html).")] = None,
) -> None:
    """Write a single self-contained HTML report of a run."""
    from toolkit.experiment.run import load_run
    from toolkit.report import write_report

    path = write_report(load_run(run_path), out)
    typer.echo(_shown(path))


def main() -> None:
    """Console entry point: user errors print a one-line message and exit 2, not a traceback;
    an interrupt says how to resume and exits 130. The process then ends through
    :func:`exit_now`."""
    code: int | str | None = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt as exc:
        typer.echo(f"\n{exc or 'interrupted'}", err=True)
        code = 130
    except (ToolkitError, ValueError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        code = 2
    exit_now(code)


def exit_now(code: int | str | None) -> NoReturn:
    """End the process with ``code`` as ``sys.exit`` would, without the interpreter's teardown.

    The exit handlers run (logging, temporary folders …) and the output is flushed; what is
    skipped is freeing every object one by one: after a run, the dictionary, the lemma and gloss
    caches and the model, 4 s of an 80-s run and 0.7 s of a cached one. Everything the toolkit
    writes is closed by then (files are written to a temporary name and renamed).
    """
    if isinstance(code, str):  # as sys.exit: the message on stderr, status 1
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # what the interpreter would run first at exit
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code or 0)
