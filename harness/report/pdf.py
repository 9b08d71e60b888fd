"""Stage 6d: self-declaration.pdf, printed by headless Chromium from the print rendering of the page.

Chromium is the only renderer that prints the page exactly as reviewers see it, so the PDF
needs one on PATH; it runs with a fresh profile, no network features, and a time limit, and
the manifest is rewritten afterwards so it covers the PDF.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from harness.errors import ReportError
from harness.report.bundle import PDF, read_document, read_evidence, write_manifest
from harness.report.html import render_html

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Safe for headless use as root on a closed network: no sandbox (root), no GPU, nothing phoning home.
HEADLESS_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
TIMEOUT_S = 60


def find_chromium() -> str | None:
    """The first Chromium-family browser on PATH, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _first_error_line(stderr: str, executable: str) -> str:
    """Chromium's first stderr line that is not noise from a distribution's launcher script."""
    for line in stderr.splitlines():
        if line.strip() and not line.startswith(f"{executable}:"):
            return line.strip()
    return "no message"


def _print(executable: str, html: Path, pdf: Path, profile: Path) -> None:
    command = [
        executable,
        "--headless",
        *HEADLESS_FLAGS,
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ReportError(f"{executable} did not print the PDF within {TIMEOUT_S} s") from None
    if process.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise ReportError(
            f"{executable} could not print the PDF (exit {process.returncode}): {_first_error_line(stderr, executable)}"
        )


def write_pdf(report_dir: Path) -> Path:
    """Print ``self-declaration.pdf`` into a bundle (all evidence open) and update its manifest."""
    executable = find_chromium()
    if executable is None:
        raise ReportError(
            "no Chromium found on PATH (looked for chromium, chromium-browser, google-chrome)",
            hint="install it with `apt-get install chromium` on Debian/Ubuntu, or put chromium on PATH",
        )
    document = read_document(report_dir)
    html = render_html(document, read_evidence(report_dir, document), lang=document["run"]["language"], print_mode=True)
    target = (report_dir / PDF).resolve()
    try:
        target.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="rivta-pdf-") as scratch:
            page = Path(scratch) / "self-declaration.html"
            page.write_text(html, encoding="utf-8")
            _print(executable, page, target, Path(scratch) / "profile")
        write_manifest(report_dir)
    except OSError as exc:
        raise ReportError(f"{target}: cannot write the PDF ({exc.strerror or exc})") from None
    return target
