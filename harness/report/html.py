"""Stage 6c: the self-declaration as one self-contained HTML page (rendered from the JSON).

A reviewer at Inera reads it: the summary and the self-declaration answers come first, every
answer links to its check, and every check carries the recorded calls behind its verdict.
The page loads nothing from anywhere (inline CSS, a few lines of optional script, and a
Content-Security-Policy that forbids the rest), and ``print_mode`` opens the evidence of every
check that did not pass, so the PDF shows what a reviewer must read. Data is prepared here; the Jinja template only lays it out, with autoescaping
on so producer responses can never become markup.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import jinja2
from lxml import etree

from harness import xmlsafe
from harness.errors import HarnessError
from harness.report.i18n import texts
from harness.report.load import load_chart, load_summary
from harness.report.messages import localized
from harness.results import Verdict

MAX_SHOWN_BODY = 200_000
_XML_DECLARATION = re.compile(r"^\s*(<\?xml[^>]*\?>)")
_ICONS = {
    Verdict.PASSED: "✓",
    Verdict.FAILED: "✗",
    Verdict.ERROR: "⚠",
    Verdict.NOT_APPLICABLE: "–",
    Verdict.NOT_TESTED: "?",
    Verdict.MANUAL: "✎",
}


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("harness.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def anchor(check_id: str, contract: str) -> str:
    """The page-internal id of one check's details (``#check-<id>-<contract-slug>``)."""
    return f"check-{check_id}-{re.sub(r'[^A-Za-z0-9.]+', '-', contract).strip('-')}"


def css_class(value: str) -> str:
    """A verdict or outcome as a CSS class name."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def pretty_xml(text: str) -> str | None:
    """The text re-indented as XML (its own declaration kept), or None when it is not safe, well-formed XML."""
    if not text.lstrip().startswith("<"):
        return None
    try:
        root = xmlsafe.parse(text.encode("utf-8"), source="evidence body")
    except HarnessError:
        return None
    etree.indent(root, space="  ")
    pretty = etree.tostring(root.getroottree(), encoding="unicode")
    declaration = _XML_DECLARATION.match(text)
    return f"{declaration.group(1)}\n{pretty}" if declaration else pretty


def _body(body: Mapping[str, Any]) -> dict[str, Any]:
    binary = "base64" in body
    text = body["base64"] if binary else (pretty_xml(body["text"]) or body["text"])
    return {
        "text": text[:MAX_SHOWN_BODY],
        "binary": binary,
        "cut": len(text) > MAX_SHOWN_BODY,
        "truncated": bool(body.get("truncated")),
    }


def _headers(pairs: list[list[str]]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in pairs)


def _exchange(exchange: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "record": exchange,
        "request_headers": _headers(exchange["request_headers"]),
        "request_body": _body(exchange["request_body"]),
        "response_headers": _headers(exchange["response_headers"]),
        "response_body": _body(exchange["response_body"]),
    }


def _summary(check: Mapping[str, Any]) -> str:
    """The check's message without the finding lines it repeats (those are listed on their own)."""
    repeated = {f"  - {finding}" for finding in check["findings"]}
    return "\n".join(line for line in check["message"].splitlines() if line not in repeated).strip()


def _checks_by_contract(
    document: Mapping[str, Any], evidence: Mapping[str, list[dict[str, Any]]]
) -> list[tuple[str, list[dict[str, Any]]]]:
    order = [contract["key"] for contract in document["contracts"]]
    order += sorted({check["contract"] for check in document["checks"]} - set(order))
    groups: dict[str, list[dict[str, Any]]] = {key: [] for key in order}
    for check in document["checks"]:
        path = check["evidence"]
        exchanges = evidence.get(path) if path else []
        groups[check["contract"]].append(
            {
                "check": check,
                "anchor": anchor(check["id"], check["contract"]),
                "summary": _summary(check),
                "exchanges": None if exchanges is None else [_exchange(e) for e in exchanges],
            }
        )
    return [(key, checks) for key, checks in groups.items() if checks]


def _deviations(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    first_contract = {}
    for check in document["checks"]:
        first_contract.setdefault(check["id"], check["contract"])
    rows = []
    for deviation in document["deviations"]:
        status, _, rest = deviation["status"].partition(" (")
        contract = deviation["contract"] or first_contract.get(deviation["check"])
        rows.append(
            {
                "deviation": deviation,
                "status": status,
                "observed": not rest,
                "anchor": anchor(deviation["check"], contract) if contract else None,
            }
        )
    return rows


def _formatters(lang: str) -> dict[str, Any]:
    def num(value: float | None, digits: int = 1) -> str:
        if value is None:
            return "–"
        text = f"{value:.{digits}f}"
        return text.replace(".", ",") if lang == "sv" else text

    def ms(value: float | None) -> str:
        return "–" if value is None else f"{num(value)} ms"

    def when(iso: str) -> str:
        moment = datetime.fromisoformat(iso)
        offset = moment.strftime("%z")
        return f"{moment:%Y-%m-%d %H:%M:%S} (UTC{offset[:3]}:{offset[3:]})" if offset else f"{moment:%Y-%m-%d %H:%M:%S}"

    return {"num": num, "ms": ms, "when": when}


def render_html(
    document: Mapping[str, Any],
    evidence: Mapping[str, list[dict[str, Any]]],
    *,
    lang: str = "sv",
    print_mode: bool = False,
) -> str:
    """The report page in ``lang``; ``print_mode`` opens the evidence of checks that did not pass and drops the script (for the PDF)."""
    template = _environment().get_template("self-declaration.html.j2")
    document = localized(document, lang)
    deviations = _deviations(document)
    return template.render(
        doc=document,
        lang=lang,
        print_mode=print_mode,
        t=texts(lang),
        verdicts=[verdict.value for verdict in Verdict],
        icons={verdict.value: icon for verdict, icon in _ICONS.items()},
        css_class=css_class,
        anchor=anchor,
        checks_by_contract=_checks_by_contract(document, evidence),
        deviations=deviations,
        undeclared=[
            row for row in deviations if row["status"] == "undeclared" and row["deviation"]["level"] == "mandatory"
        ],
        max_shown_kb=MAX_SHOWN_BODY // 1000,
        load_chart=load_chart,
        load_summary=load_summary,
        **_formatters(lang),
    )
