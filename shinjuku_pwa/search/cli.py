"""`flask --app shinjuku_pwa search ...` commands, and the index refresh `content import` runs."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from . import service
from .curation import CurationInvalid

search_cli = AppGroup("search", help="Build the search index and see what residents could not find.")


def _rebuild(content_dir: Path | None = None) -> None:
    try:
        report = service.refresh_index(strict=True, content_dir=content_dir)
    except CurationInvalid as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        click.echo("The search index was not rebuilt; the previous one stays live.", err=True)
        raise click.exceptions.Exit(1) from exc
    click.echo(
        f"Search index: {report.documents} documents ({report.items} items) in {report.seconds:.1f} s "
        f"-> {report.directory}"
    )


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the index from all published content and swap it in atomically."""
    _rebuild()


@search_cli.command("misses")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="How many to list.")
@click.option("--locale", default=None, help="Only this locale (e.g. en).")
def misses_command(limit: int, locale: str | None) -> None:
    """Queries that found nothing, most frequent first (query text, locale and count only)."""
    misses = service.top_misses(limit=limit, locale=locale)
    if not misses:
        click.echo("No searches without results recorded.")
        return
    click.echo(f"{'count':>7}  {'locale':<8} query")
    for miss in misses:
        click.echo(f"{miss.count:>7}  {miss.locale:<8} {miss.query}")


def refresh_index_after_import(content_dir: Path, changed: bool) -> None:
    """Run by `content import` after a successful import of content_dir.

    Its synonyms and best bets are validated every time; the index is rebuilt when content
    changed, when none exists yet, or when they were edited since the last build.
    """
    try:
        service.check_curation(content_dir)
    except CurationInvalid as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        click.echo("Content was imported, but search synonyms or best bets need fixing.", err=True)
        raise click.exceptions.Exit(1) from exc
    if changed or service.index_is_stale(content_dir):
        _rebuild(content_dir)
