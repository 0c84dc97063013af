"""`flask --app shinjuku_pwa content ...` commands."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..content.easy_pages import check_easy_pages
from ..content.loader import ContentInvalid
from ..japanese.easy_japanese import load_hard_words
from ..search.cli import refresh_index_after_import
from .content_import import import_content
from .coverage import coverage

content_cli = AppGroup("content", help="Import and inspect the bundled content.")


@content_cli.command("import")
@click.option("--path", "path", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Content folder (default: CONTENT_DIR, else content/).")
def import_command(path: Path | None) -> None:
    """Load content/ into the database; any invalid file stops it with nothing changed."""
    root = path or Path(current_app.config["CONTENT_DIR"])
    if not root.is_dir():
        raise click.ClickException(f"{root}: no such folder")
    try:
        report = import_content(root)
    except ContentInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.exceptions.Exit(1) from exc
    for note in report.notes:
        click.echo(note, err=True)
    click.echo(
        f"Imported {root}: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unpublished)} unpublished, {report.unchanged} unchanged."
    )
    refresh_index_after_import(root, report.changed)


@content_cli.command("coverage")
def coverage_command() -> None:
    """Per locale: pages translated / total; UI strings residents see; the staff console's strings.

    The staff console is Japanese and English only (a decision, README): its strings are counted
    apart, and "—" where the console is not offered.
    """
    click.echo(f"{'locale':<8} {'pages':>9} {'resident UI':>14} {'staff UI':>12}")
    for row in coverage(Path(current_app.config["TRANSLATIONS_DIR"])):
        resident = f"{row.strings_translated}/{row.strings_total}"
        percent = 100 * row.strings_translated // row.strings_total if row.strings_total else 100
        staff = "—" if row.staff_strings_translated is None else f"{row.staff_strings_translated}/{row.staff_strings_total}"
        click.echo(f"{row.locale:<8} {row.pages_translated:>4}/{row.pages_total:<4} {resident:>9} {percent:>3}% {staff:>12}")


@content_cli.command("check-easy")
@click.option("--path", "path", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Content folder (default: CONTENT_DIR, else content/).")
@click.option("--words", "words", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Hard-word list (default: <content>/easy-japanese/hard-words.yaml).")
def check_easy_command(path: Path | None, words: Path | None) -> None:
    """Flag ja-easy pages with sentences over 40 characters or words from the hard-word list."""
    root = path or Path(current_app.config["CONTENT_DIR"])
    words = words or root / "easy-japanese" / "hard-words.yaml"
    if not root.is_dir():
        raise click.ClickException(f"{root}: no such folder")
    if not words.is_file():
        raise click.ClickException(f"{words}: no such file")
    checked, problems = check_easy_pages(root, load_hard_words(words))
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"Checked {checked} easy-Japanese pages: {len(problems)} problems.", err=True)
    if problems:
        raise click.exceptions.Exit(1)
