"""The axe checks of a browser test run, summed up: `python -m tests.browser.axe_summary LOG`.

LOG is the file OSSATURE_AXE_LOG named during the run (one JSON line per check). Prints
each page with the languages it was checked in, signed in and out, and the violations.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def main(log: Path) -> None:
    checks = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    pages: dict[str, set[str]] = defaultdict(set)
    for check in checks:
        who = "signed in" if check["signedIn"] else "signed out"
        pages[f"/{check['path']}"].add(f"{check['lang']} {who}")
    violations = sum(check["violations"] for check in checks)
    print(f"axe: {len(checks)} checks of {len(pages)} pages, {violations} violations")
    for path, seen in sorted(pages.items()):
        print(f"  {path:<44} {', '.join(sorted(seen))}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
