"""Checks log lines against schemas/log-line.json, and for values that must never be logged.

`python -m ossature.tools.logcheck FOLDER` reads every *.jsonl file under FOLDER (the copies
OSSATURE_LOG_COPY asks for: kernel/logging.py), prints the counts (files, lines, failures by
reason, the first places of each) and exits 1 when any line fails, or when there is none.
"""

from ossature.tools.logcheck._check import Report, check_folder, check_line

__all__ = ["Report", "check_folder", "check_line"]
