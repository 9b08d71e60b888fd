"""The report as a reviewer meets it: a real failing run opened in headless Chromium, and printed to PDF.

Playwright drives the system's Chromium (never a downloaded browser). Screenshots land in
tmp_path; with RIVTA_UPDATE_SCREENSHOT=1 the summary screenshot also replaces
docs/report-screenshot.png.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import REPO
from harness.errors import ReportError
from harness.report.html import anchor
from harness.report.pdf import HEADLESS_FLAGS, find_chromium, write_pdf

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

CHROMIUM = find_chromium()

# A browser check that silently skips would hide a broken report: `make test` installs Chromium.
needs_chromium = pytest.mark.usefixtures("chromium_present")


@pytest.fixture
def chromium_present() -> None:
    if CHROMIUM is None:
        pytest.fail("no Chromium on PATH: run `make test` (it installs Debian's chromium) or apt-get install chromium")


FAILING = anchor("tk.notes.date-period", "GetClinicalNotes 1.1 (RIVTABP21)")
SCREENSHOT = REPO / "docs" / "report-screenshot.png"
MAX_SCREENSHOT_BYTES = 400_000


def run_failing_suite(pytester: pytest.Pytester, report_dir: Path, *extra: str) -> Path:
    """A real run against the reference producer that ignores the date filter; returns the bundle folder."""
    pytester.inline_run(
        str(REPO / "testsuites"),
        "-p",
        "no:cacheprovider",
        "--embedded-fault",
        "ignores-date-filter",
        "--report-dir",
        str(report_dir),
        *extra,
    )
    assert (report_dir / "self-declaration.html").is_file()
    return report_dir


@contextmanager
def opened(html: Path) -> Iterator[tuple[Page, list[str]]]:
    """The page in Chromium at 1280x900, with a list collecting outside requests and console errors."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(HEADLESS_FLAGS))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: None if r.url.startswith("file://") else problems.append(f"request {r.url}"))
            page.on("console", lambda m: problems.append(f"console {m.text}") if m.type == "error" else None)
            page.goto(html.as_uri())
            yield page, problems
        finally:
            browser.close()


def save_docs_screenshot(page: Page) -> None:
    """Summary down to the self-declaration table that holds the failing answer, for the README."""
    bottom = page.evaluate(
        """(target) => {
            const row = document.querySelector(`#sjd a[href="#${target}"]`).closest(".sjd-section");
            return row.getBoundingClientRect().bottom + window.scrollY + 16;
        }""",
        FAILING,
    )
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT, full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": bottom})
    assert SCREENSHOT.stat().st_size < MAX_SCREENSHOT_BYTES


@needs_chromium
def test_failing_report_reads_well_in_a_browser(pytester: pytest.Pytester, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    report_dir = run_failing_suite(pytester, tmp_path / "report")
    with opened(report_dir / "self-declaration.html") as (page, problems):
        expect(page.locator("h1")).to_have_text("Självdeklaration – tjänsteproducent")
        expect(page.locator("#outcome")).to_contain_text("Odeklarerade avvikelser")
        expect(page.locator("#verdict-counts .tile")).to_have_count(7)
        expect(page.locator("#verdict-counts .v-failed")).to_contain_text("1")
        expect(page.locator("#verdict-counts .v-failed")).to_contain_text("Ej uppfyllt")
        expect(page.locator("#verification-object")).to_contain_text("Example Care Provider (test)")
        expect(page.locator("#verification-object")).to_contain_text("123456-7890")
        page.screenshot(path=tmp_path / "summary.png", full_page=True)
        if os.environ.get("RIVTA_UPDATE_SCREENSHOT") == "1":
            save_docs_screenshot(page)

        page.locator(f'#sjd a[href="#{FAILING}"]').click()
        check = page.locator(f'[id="{FAILING}"]')
        expect(check).to_be_in_viewport()
        expect(check.locator(".badge")).to_have_text("✗ Ej uppfyllt")
        expect(check.locator("ul.findings li").first).to_contain_text(
            "anteckning N-0001 daterad 20190314 ligger utanför"
        )

        request = check.locator(".request pre.body").first
        response = check.locator(".response pre.body").first
        expect(request).to_be_hidden()
        expect(response).to_be_hidden()
        check.locator("details.evidence > summary").click()
        expect(request).to_be_visible()
        expect(request).to_contain_text("<urn:GetClinicalNotes")
        expect(response).to_be_visible()
        expect(response).to_contain_text("<core:documentId>N-0001</core:documentId>")
        check.screenshot(path=tmp_path / "failing-check.png")
    assert problems == [], "the page loads nothing from outside and runs without errors"


@needs_chromium
def test_english_report_speaks_english(pytester: pytest.Pytester, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    report_dir = run_failing_suite(pytester, tmp_path / "report", "--lang", "en")
    with opened(report_dir / "self-declaration.html") as (page, problems):
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("h1")).to_have_text("Self-declaration – service producer")
        expect(page.locator("#outcome")).to_contain_text("Deviations not declared")
        check = page.locator(f'[id="{FAILING}"]')
        expect(check.locator(".badge")).to_have_text("✗ Failed")
        expect(page.locator("#result h2")).to_have_text("Result (completed by Inera)")
        page.get_by_role("button", name="Expand all evidence").click()
        expect(check.locator(".response pre.body").first).to_be_visible()
        page.screenshot(path=tmp_path / "english.png")
    assert problems == []


@needs_chromium
def test_pdf_is_printed_and_covered_by_the_manifest(pytester: pytest.Pytester, tmp_path: Path) -> None:
    report_dir = run_failing_suite(pytester, tmp_path / "report")
    pdf = write_pdf(report_dir)
    assert pdf == (report_dir / "self-declaration.pdf").resolve()
    assert pdf.read_bytes().startswith(b"%PDF")
    manifest = json.loads((report_dir / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert listed["self-declaration.pdf"] == hashlib.sha256(pdf.read_bytes()).hexdigest()


def test_pdf_failure_quotes_chromium(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_dir = run_failing_suite(pytester, tmp_path / "report", "-k", "ping")
    fake = tmp_path / "bin" / "chromium"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "$0: 9: [: launcher noise" >&2\necho "FATAL: no display" >&2\nexit 3\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    with pytest.raises(ReportError, match=r"could not print the PDF \(exit 3\): FATAL: no display$"):
        write_pdf(report_dir)
    assert not (report_dir / "self-declaration.pdf").exists()


def test_pdf_without_chromium_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReportError, match="apt-get install chromium"):
        write_pdf(tmp_path)


@needs_chromium
def test_load_chart_is_drawn_with_failures_marked_and_prints(pytester: pytest.Pytester, tmp_path: Path, pki) -> None:
    from playwright.sync_api import expect

    from harness.bundled import reference_fixtures
    from harness.contracts import load_contracts
    from harness.producer.runtime import ServerCertificates, start_reference_producer

    contract = REPO / "contracts" / "example_clinicalprocess_notes"
    certificates = ServerCertificates(pki.producer_cert, pki.producer_key, pki.ca_bundle)
    with start_reference_producer(
        load_contracts(contract), fixtures_dir=reference_fixtures(), certificates=certificates, capacity=4
    ) as producer:
        report_dir = tmp_path / "report"
        pytester.inline_run(
            str(REPO / "testsuites"), "-p", "no:cacheprovider", "-k", "6_1_1", "--load", "--load-scale", "0.01",
            "--contract", str(contract), "--testdata", str(REPO / "fixtures" / "testdata" / "reference-producer.toml"),
            "--producer-url", producer.url, "--logical-address", producer.logical_address,
            "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key), "--ca-bundle", str(pki.ca_bundle),
            "--report-dir", str(report_dir),
        )  # fmt: skip
    check = anchor("rivta.load-basic", "GetClinicalNotes 1.1 (RIVTABP21)")
    with opened(report_dir / "self-declaration.html") as (page, problems):
        expect(page.locator("#sjd .sla-comment")).to_contain_text("Genomsnittlig svarstid")
        chart = page.locator(f'[id="{check}"] svg.load-chart')
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 400
        assert box["height"] > 100
        expect(chart.locator("polyline.p95_ms")).to_have_count(1)
        expect(chart.locator("polyline.users")).to_have_count(1)
        assert chart.locator("rect.failure-mark").count() >= 1, "the 503s over capacity are marked"
        chart.screenshot(path=tmp_path / "load-chart.png")
    assert problems == []
    assert write_pdf(report_dir).read_bytes().startswith(b"%PDF")
    assert (report_dir / "evidence").glob("*.load.csv")
