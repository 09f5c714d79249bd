"""One line's failures, and a folder's report."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from jsonschema import Draft202012Validator

__all__ = ["SCHEMA", "Report", "check_folder", "check_line", "run", "validator"]

SCHEMA = Path(__file__).parents[4] / "schemas" / "log-line.json"

# Values that look like a credential no line may hold unmasked (identity/_credentials.py,
# _one_time.py, the access tokens, the password hashes, the signing keys).
_LEAKS = {
    "a personal access token": re.compile(r"oss_pat_[0-9A-Z]{26}"),
    "an API key": re.compile(r"oss_key_[0-9A-Z]{26}"),
    "a refresh token": re.compile(r"oss_rt_[0-9A-Z]{26}"),
    "a one-time token": re.compile(r"[0-9A-Za-z_-]{1,64}\.[0-7][0-9A-HJKMNP-TV-Z]{25}\.[\w-]{43}"),
    "a JWT": re.compile(r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+"),
    "a password hash": re.compile(r"\$argon2(id|i|d)\$"),
    "a PEM key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
}


def validator(schema: Path = SCHEMA) -> Draft202012Validator:
    """The schema's validator (the schema itself checked first)."""
    document = json.loads(schema.read_text())
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document)


def check_line(text: str, schema: Draft202012Validator) -> list[str]:
    """Why `text` is not a valid log line: each reason once; none when it is."""
    reasons = [f"holds {what}" for what, pattern in _LEAKS.items() if pattern.search(text)]
    try:
        line = json.loads(text)
    except ValueError:
        return [*reasons, "not JSON"]
    for error in schema.iter_errors(line):
        where = ".".join(str(part) for part in error.absolute_path) or "(line)"
        reasons.append(f"{where}: {error.validator}")
    return sorted(set(reasons))


@dataclass
class Report:
    """What a folder's lines amount to."""

    files: int = 0
    lines: int = 0
    failed: int = 0  # lines with any failure
    failures: Counter[str] = field(default_factory=Counter)
    places: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def ok(self) -> bool:
        """Some lines, and none failed."""
        return self.lines > 0 and not self.failures

    def add(self, place: str, reasons: list[str]) -> None:
        self.lines += 1
        for reason in reasons:
            self.failures[reason] += 1
            if len(self.places[reason]) < 5:  # where to look; the line itself is not shown
                self.places[reason].append(place)

    def summary(self) -> list[str]:
        """The report as lines of text."""
        out = [f"log lines: {self.lines} in {self.files} files, {self.failed} invalid"]
        for reason, count in self.failures.most_common():
            out.append(f"  {count:6d}  {reason}  (e.g. {', '.join(self.places[reason])})")
        if self.lines == 0:
            out.append("  no line at all: were the logs copied (OSSATURE_LOG_COPY)?")
        return out


def check_folder(folder: Path, schema: Draft202012Validator) -> Report:
    """Every line of every *.jsonl file under `folder`, checked."""
    report = Report()
    for path in sorted(folder.rglob("*.jsonl")):
        report.files += 1
        with path.open(encoding="utf-8", errors="replace") as file:
            for number, text in enumerate(file, 1):
                if text.strip():
                    reasons = check_line(text, schema)
                    report.failed += bool(reasons)
                    report.add(f"{path.name}:{number}", reasons)
    return report


def run(folder: Path, schema: Path = SCHEMA) -> tuple[int, list[str]]:
    """The exit status (0 when every line is valid, 1 otherwise) and the report's text."""
    report = check_folder(folder, validator(schema))
    return (0 if report.ok else 1), report.summary()
