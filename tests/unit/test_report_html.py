"""The report page rendered from a real failing run: self-contained, complete, escaped, bilingual."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from typing import Any

import lxml.html
import pytest

from conftest import REPO
from harness.errors import ReportError
from harness.report.bundle import read_document, read_evidence
from harness.report.html import MAX_SHOWN_BODY, anchor, pretty_xml, render_html
from harness.report.messages import translate

FAILING = ("tk.notes.date-period", "GetClinicalNotes 1.1 (RIVTABP21)")

Bundle = tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """One real run against the reference producer with the date filter broken (a subprocess, once per module)."""
    report_dir = tmp_path_factory.mktemp("report")
    command = [sys.executable, "-m", "pytest", str(REPO / "testsuites"), "-q", "-p", "no:cacheprovider"]
    command += ["--embedded-fault", "ignores-date-filter", "--report-dir", str(report_dir)]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert (report_dir / "self-declaration.json").is_file(), run.stdout[-2000:]
    document = read_document(report_dir)
    return document, read_evidence(report_dir, document)


@pytest.fixture(scope="module")
def page(bundle: Bundle) -> str:
    return render_html(*bundle)


def check_article(html: str, check_id: str, contract: str) -> lxml.html.HtmlElement:
    found = lxml.html.fromstring(html).get_element_by_id(anchor(check_id, contract))
    assert found.tag == "article"
    return found


def failing_evidence(bundle: Bundle) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], str]:
    """Deep copies of the bundle plus the evidence path of the failing check, for tests that alter them."""
    document, evidence = copy.deepcopy(bundle)
    path = next(c["evidence"] for c in document["checks"] if (c["id"], c["contract"]) == FAILING)
    return document, evidence, path


def test_page_loads_nothing_from_outside(page: str) -> None:
    assert not re.search(r"\ssrc\s*=", page)
    assert "<link" not in page
    assert "url(" not in page
    assert "@import" not in page
    assert "default-src 'none'" in page


def test_every_check_has_its_details(bundle: Bundle, page: str) -> None:
    document, _ = bundle
    tree = lxml.html.fromstring(page)
    for check in document["checks"]:
        article = tree.get_element_by_id(anchor(check["id"], check["contract"]))
        assert article.tag == "article"
        assert check["id"] in article.text_content()


def test_every_internal_link_has_a_target(page: str) -> None:
    tree = lxml.html.fromstring(page)
    ids = {element.get("id") for element in tree.iter() if element.get("id")}
    targets = {href[1:] for href in tree.xpath("//a/@href")}
    assert targets, "the page links its answers to their checks"
    assert targets <= ids


def test_failing_check_lists_its_findings_and_verdict(bundle: Bundle, page: str) -> None:
    document, _ = bundle
    check = next(c for c in document["checks"] if (c["id"], c["contract"]) == FAILING)
    article = check_article(page, *FAILING)
    shown = [li.text_content() for li in article.xpath(".//ul[@class='findings']/li")]
    assert shown == [translate(finding, "sv") for finding in check["findings"]]
    assert shown[0].startswith("anteckning "), "findings follow the page's language"
    assert "Ej uppfyllt" in article.xpath(".//span[starts-with(@class, 'badge')]")[0].text_content()
    message = article.xpath(".//p[@class='message']")[0].text_content()
    assert message == "filtrering på datePeriod är fel", "findings are listed once, not repeated in the message"


def test_summary_shows_outcome_counts_and_undeclared_deviation(page: str) -> None:
    tree = lxml.html.fromstring(page)
    assert tree.get_element_by_id("outcome").text_content().split()[:4] == [
        "Självbedömt",
        "utfall",
        "Odeklarerade",
        "avvikelser",
    ]
    assert tree.get_element_by_id("outcome-detail").text_content() == (
        "1 obligatorisk kontroll underkänd utan deklarerad avvikelse"
    )
    tiles = [" ".join(tile.text_content().split()) for tile in tree.xpath("//div[@id='verdict-counts']/div")]
    assert tiles == [
        "26 ✓ Uppfyllt",
        "1 ✗ Ej uppfyllt",
        "0 ⚠ Kunde inte köras",
        "1 – Ej tillämplig",
        "3 ? Ej testat",
        "1 ✎ Manuell bedömning",
        "32 Totalt",
    ]
    alert = tree.xpath("//div[@class='alert']")[0]
    assert alert.xpath(".//a")[0].get("href") == f"#{anchor(*FAILING)}"
    assert "123456-7890" in tree.get_element_by_id("verification-object").text_content()


def test_swedish_by_default_english_on_request(bundle: Bundle, page: str) -> None:
    assert '<html lang="sv">' in page
    for text in ("Självdeklaration – tjänsteproducent", "Resultat (fylls i av Inera)", "Godkänd med förbehåll", "Nej"):
        assert text in page
    english = render_html(*bundle, lang="en")
    assert '<html lang="en">' in english
    for text in (
        "Self-declaration – service producer",
        "Result (completed by Inera)",
        "Deviations not declared",
        "Failed",
    ):
        assert text in english
    assert "Ej uppfyllt" not in english


def test_unknown_language_is_refused(bundle: Bundle) -> None:
    with pytest.raises(ReportError, match="choose sv or en"):
        render_html(*bundle, lang="de")


def test_evidence_is_closed_on_screen_and_open_in_print_where_not_passed(bundle: Bundle, page: str) -> None:
    document, _ = bundle
    with_evidence = [check for check in document["checks"] if check["exchange_count"]]
    assert page.count('<details class="evidence">') == len(with_evidence)
    printed = render_html(*bundle, print_mode=True)
    not_passed = [check for check in with_evidence if check["verdict"] != "passed"]
    assert not_passed, "the fixture run has a failing check with evidence"
    assert printed.count('<details class="evidence" open>') == len(not_passed)
    assert printed.count('<details class="evidence">') == len(with_evidence) - len(not_passed)
    assert "<script" not in printed


def test_bodies_are_escaped_never_interpreted(bundle: Bundle) -> None:
    document, evidence, path = failing_evidence(bundle)
    evidence[path][0]["response_body"] = {"text": "oops <&> <script>alert(1)</script>", "truncated": False}
    evidence[path][1]["response_body"] = {"text": "<a>&lt;&amp;&gt;<b>x</b></a>", "truncated": False}
    html = render_html(document, evidence)
    assert "oops &lt;&amp;&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "&lt;a&gt;&amp;lt;&amp;amp;&amp;gt;" in html, "XML entities stay entities after pretty-printing"


def test_big_bodies_are_cut_with_a_pointer_to_the_evidence_file(bundle: Bundle) -> None:
    document, evidence, path = failing_evidence(bundle)
    evidence[path][0]["response_body"] = {"text": "x" * (MAX_SHOWN_BODY * 2), "truncated": True}
    evidence[path][1]["response_body"] = {"base64": "AAEC", "truncated": False}
    html = render_html(document, evidence)
    assert "x" * MAX_SHOWN_BODY in html
    assert "x" * (MAX_SHOWN_BODY + 1) not in html
    assert f"Hela innehållet finns i bevisfilen {path}." in html
    assert "kortades redan vid inspelningen" in html
    assert "Binärt innehåll, base64-kodat:" in html


def test_incomplete_run_is_flagged_in_the_header(bundle: Bundle) -> None:
    document, evidence = copy.deepcopy(bundle)
    document["run"]["complete"] = False
    document["run"]["interruption"] = "interrupted (Ctrl-C); checks that did not run are marked not tested"
    document["outcome"] = "incomplete"
    banner = (
        lxml.html.fromstring(render_html(document, evidence))
        .xpath("//div[@class='banner-incomplete']")[0]
        .text_content()
    )
    assert "Ofullständig körning" in banner
    assert "avbruten (Ctrl-C)" in banner


def test_declared_deviation_not_observed_is_listed(bundle: Bundle) -> None:
    document, evidence = copy.deepcopy(bundle)
    document["deviations"].append(
        {
            "check": "rivta.sla",
            "contract": None,
            "status": "approved (not observed)",
            "case": "INC-42",
            "motivation": "slow archive",
            "level": "mandatory",
        }
    )
    row = lxml.html.fromstring(render_html(document, evidence)).xpath("//section[@id='deviations']//tbody/tr")[-1]
    cells = [cell.text_content() for cell in row.xpath("td")]
    assert cells == ["rivta.sla", "–", "Obligatorisk", "Godkänd sedan tidigare", "Nej", "INC-42", "slow archive"]
    assert row.xpath(".//a")[0].get("href").startswith("#check-rivta.sla-")


def test_missing_evidence_file_is_said_not_hidden(bundle: Bundle) -> None:
    document, _ = bundle
    article = check_article(render_html(document, {}), *FAILING)
    assert "Bevisfilen lästes inte in" in article.text_content()


def test_pretty_xml_reindents_and_keeps_the_declaration() -> None:
    pretty = pretty_xml("<?xml version='1.0' encoding='UTF-8'?>\n<a><b>1</b><c/></a>")
    assert pretty == "<?xml version='1.0' encoding='UTF-8'?>\n<a>\n  <b>1</b>\n  <c/>\n</a>"


@pytest.mark.parametrize(
    "text",
    [
        "not xml at all",
        "<a><b></a>",
        '<!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>',
    ],
    ids=["text", "malformed", "doctype"],
)
def test_pretty_xml_leaves_unsafe_or_broken_text_alone(text: str) -> None:
    assert pretty_xml(text) is None
