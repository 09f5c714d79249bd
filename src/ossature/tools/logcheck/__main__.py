"""`python -m ossature.tools.logcheck [FOLDER] [--schema PATH]`: see the package's docstring."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ossature.tools.logcheck._check import SCHEMA, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ossature.tools.logcheck")
    parser.add_argument("folder", type=Path, nargs="?", default=Path(".ci/artifacts/logs"))
    parser.add_argument("--schema", type=Path, default=SCHEMA)
    arguments = parser.parse_args(argv)
    status, lines = run(arguments.folder, arguments.schema)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
