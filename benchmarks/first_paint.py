"""Time to first paint of the web app's pages, in Chromium, on `ossature bench`'s data.

Starts `python -m ossature up` on a free port with a temporary var directory (or uses `--url`
and `--password` of a running one), runs a short `ossature bench` against it (its folders:
`bench list-projects` with 20 projects, and the run's own with the thousands it created),
signs in as admin@acme in the system's Chromium and opens each page REPEAT times, each time
in a fresh tab, reading the browser's own first-contentful-paint. Figures are medians, and
ratios against the sign-in page, measured in the same run (a page that asks the API
nothing): a page's ratio is what its API calls and rendering add.

Run: .venv/bin/python benchmarks/first_paint.py [--repeat 15] [--bench-seconds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.blackbox._up import PASSWORD, free_port, start_up, stop_up, wait_ready
from tests.browser._browser import CHROMIUM_ARGS, chromium, sign_in

_PAINT = """() => new Promise((resolve) => {
  const seen = () => performance.getEntriesByName("first-contentful-paint")[0];
  const poll = () => seen() ? resolve(seen().startTime) : setTimeout(poll, 10);
  poll();
})"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="a running `ossature up` (else one is started)")
    parser.add_argument("--password", default=os.environ.get("OSSATURE_DEMO_PASSWORD", PASSWORD))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--bench-seconds", type=float, default=5.0)
    args = parser.parse_args()
    if args.url:
        measure(args.url, args.password, args.repeat, args.bench_seconds)
        return
    with running_system() as url:
        measure(url, PASSWORD, args.repeat, args.bench_seconds)


@contextmanager
def running_system() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as var_dir:
        port, log = free_port(), Path(var_dir) / "up.log"
        process = start_up(Path(var_dir), port, log, external=False)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(process, url, log)
            yield url
        finally:
            stop_up(process)


def measure(url: str, password: str, repeat: int, bench_seconds: float) -> None:
    env = {**os.environ, "OSSATURE_DEMO_PASSWORD": password}
    bench = [sys.executable, "-m", "ossature", "bench", "--url", url, "--duration"]
    bench += [str(bench_seconds), "--rounds", "1", "--warmup", "0.5"]
    subprocess.run(bench, env=env, check=True, capture_output=True)
    folders = _bench_folders(url, password)
    pages = {}
    for name, folder_id, count in folders:
        pages[f"projects of '{name}' ({count}, {min(count, 50)} drawn)"] = f"/folders/{folder_id}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium()), args=CHROMIUM_ARGS)
        signed_out = browser.new_context(base_url=url)  # the baseline: a page with no API call
        figures = {"sign-in (baseline)": _paints(signed_out.new_page, "/sign-in", repeat)}
        context = browser.new_context(base_url=url)
        sign_in(context.new_page(), password=password)
        figures |= {name: _paints(context.new_page, path, repeat) for name, path in pages.items()}
        browser.close()
    baseline = statistics.median(figures["sign-in (baseline)"])
    print(f"first contentful paint, median of {repeat} loads each (Chromium, {url}):")
    for name, paints in figures.items():
        median = statistics.median(paints)
        print(f"  {name:<66} {median:7.1f} ms  x{median / baseline:4.2f}")


def _paints(new_page: object, path: str, repeat: int) -> list[float]:
    paints = []
    for _ in range(repeat + 1):  # the first load warms the server's caches: not counted
        page: Page = new_page()  # type: ignore[operator]
        page.goto(path)
        paints.append(float(page.evaluate(_PAINT)))
        page.close()
    return paints[1:]


def _bench_folders(url: str, password: str) -> list[tuple[str, str, int]]:
    """The folders `ossature bench` filled: name, id, how many projects."""
    with httpx.Client(base_url=url, timeout=30) as http:
        login = {"tenant": "acme", "email": "admin@acme.test", "password": password}
        token = http.post("/commands/log-in", json=login).json()["accessToken"]
        http.headers["Authorization"] = f"Bearer {token}"
        folders = http.post("/queries/list-folders", json={}).json()["folders"]
        chosen = []
        for folder in folders:
            if not folder["name"].startswith("bench"):
                continue
            payload = {"folderId": folder["folderId"]}
            projects = http.post("/queries/list-projects", json=payload).json()["projects"]
            chosen.append((folder["name"], folder["folderId"], len(projects)))
        return sorted(chosen, key=lambda item: item[2])


if __name__ == "__main__":
    main()
