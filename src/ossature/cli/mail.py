"""`ossature mail`: the mail the embedded SMTP server received (`<var dir>/mail`, a Maildir)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ossature.engines.maildir import find_kept, kept_mails
from ossature.kernel.config import Settings

__all__ = ["register"]

mail_cli = typer.Typer(
    no_args_is_help=True, help="Mail kept by the embedded SMTP server (var/mail)."
)
console = Console()
_SHOWN = (
    "Date",
    "From",
    "To",
    "Subject",
    "Message-ID",
    "Content-Language",
    "traceparent",
    "X-Ossature-Trace-Id",
    "X-Ossature-Invocation-Id",
    "X-Ossature-Event-Id",
)


def _maildir() -> Path:
    return Settings.from_env().var_dir / "mail"


@mail_cli.command("list")
def mail_list(
    limit: int = typer.Option(50, help="Show at most this many, the newest first."),
) -> None:
    """The mails received, newest first: id, date, recipient, subject."""
    kept = kept_mails(_maildir())
    if not kept:
        console.print(f"No mail in {_maildir()}.")
        return
    table = Table("id", "date", "to", "subject")
    for column in table.columns:  # an id or an address cut short is of no use
        column.overflow = "fold"
    for mail in kept[:limit]:
        message = mail.message
        table.add_row(
            mail.id[:12],
            mail.date.strftime("%Y-%m-%d %H:%M:%S %z"),
            escape(str(message["To"] or "")),
            escape(str(message["Subject"] or "")),
        )
    console.print(table)


@mail_cli.command("show")
def mail_show(
    mail_id: str = typer.Argument(..., metavar="ID", help="The id `ossature mail list` shows."),
    html: bool = typer.Option(False, "--html", help="Print the HTML part, not the text."),
) -> None:
    """One mail's headers and its text part (or, with --html, its HTML part)."""
    found = find_kept(_maildir(), mail_id)
    if len(found) != 1:
        said = "no mail has" if not found else f"{len(found)} mails have"
        Console(stderr=True).print(f"{said} an id starting with {escape(mail_id)!r}")
        raise typer.Exit(1)
    mail = found[0]
    for header in _SHOWN:
        if mail.message[header] is not None:
            typer.echo(f"{header}: {mail.message[header]}")
    typer.echo("")
    typer.echo(mail.html if html else mail.text)


def register(cli: typer.Typer) -> None:
    cli.add_typer(mail_cli, name="mail")
