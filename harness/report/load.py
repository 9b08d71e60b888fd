"""Load-profile figures in the report: the SjD SLA comment, the CSV/JSON evidence, the inline SVG chart.

A load check measures ``load`` (totals and per-slice figures, see ``harness.load.tally``) and,
for recovery and endurance, ``recovered`` and ``held_s``. The self-declaration form asks for
them in words under "Övrig kommentar" (TF 6.1.1 average response time in ms, TF 6.1.2 whether
and how long it held, TF 6.2.1 threads reached and whether it recovered). The chart is drawn
here as inline SVG, so the page stays one self-contained file that prints to the PDF.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

SLICE_COLUMNS = ("t_s", "users", "requests", "failures", "over_sla", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms")
_W, _H, _LEFT, _RIGHT, _TOP, _BOTTOM = 720, 240, 56, 56, 16, 40
_SERIES = (("p50_ms", "#1f6feb", "p50"), ("p95_ms", "#b36b00", "p95"), ("p99_ms", "#8250df", "p99"))


def _scaled(figures: Mapping[str, Any]) -> tuple[str, str]:
    if figures.get("scale", 1.0) == 1.0:
        return "", ""
    return f"; skalad ×{figures['scale']:g}, inte TK-profilen", f"; scaled ×{figures['scale']:g}, not the TK profile"


def sla_comment(check: Mapping[str, Any]) -> dict[str, str] | None:
    """The SjD "Övrig kommentar" for a load check, in Swedish and English (None for other checks)."""
    measured = check.get("measurements") or {}
    figures = measured.get("load")
    if not figures:
        return None
    sv_scale, en_scale = _scaled(figures)
    users, requests = figures["users_reached"], figures["requests"]
    if figures["profile"] == "basic":
        average = "–" if figures["avg_ms"] is None else f"{figures['avg_ms']:.0f} ms"
        return {
            "sv": f"Genomsnittlig svarstid {average} ({requests} anrop, {users} samtidiga trådar{sv_scale})",
            "en": f"Average response time {average} ({requests} calls, {users} concurrent users{en_scale})",
        }
    if figures["profile"] == "endurance":
        held, planned = measured.get("held_s", 0.0), figures["planned_s"]
        whole = held >= planned or held >= figures["duration_s"]
        return {
            "sv": f"{'Genomfört utan problem' if whole else 'Problem efter'} {held:g} s av {planned:g} s{sv_scale}",
            "en": f"{'Held without problems for' if whole else 'Problems after'} {held:g} s of {planned:g} s{en_scale}",
        }
    recovered = measured.get("recovered")
    yes_sv, yes_en = ("ja", "yes") if recovered else ("nej", "no")
    return {
        "sv": f"Avslutades med {users} trådar; återhämtade sig: {yes_sv}{sv_scale}",
        "en": f"Ended with {users} users; recovered: {yes_en}{en_scale}",
    }


def write_load_evidence(report_dir: Path, relative_base: str, figures: Mapping[str, Any]) -> list[str]:
    """``<base>.load.json`` (everything) and ``<base>.load.csv`` (one row per time slice); relative paths."""
    json_path, csv_path = f"{relative_base}.load.json", f"{relative_base}.load.csv"
    (report_dir / json_path).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SLICE_COLUMNS)
    for piece in figures.get("slices") or []:
        writer.writerow(["" if piece.get(c) is None else piece.get(c) for c in SLICE_COLUMNS])
    (report_dir / csv_path).write_text(buffer.getvalue(), encoding="utf-8")
    return [json_path, csv_path]


def load_chart(figures: Mapping[str, Any], lang: str) -> Markup:
    """Response-time percentiles and users over time as inline SVG; slices with failures marked red."""
    slices = figures.get("slices") or []
    sv = lang == "sv"
    title = "Svarstider och användare över tid" if sv else "Response times and users over time"
    if not slices:
        return Markup("")
    span = max(float(figures.get("duration_s") or 0), slices[-1]["t_s"] + 1e-9, 1e-9)
    top_ms = max([p.get(k) or 0 for p in slices for k, _, _ in _SERIES] + [1])
    top_users = max([p.get("users") or 0 for p in slices] + [1])
    width, height = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(t: float) -> float:
        return round(_LEFT + width * t / span, 1)

    def y(value: float, top: float) -> float:
        return round(_TOP + height * (1 - value / top), 1)

    parts = [
        f'<svg class="load-chart" role="img" viewBox="0 0 {_W} {_H}" width="100%" xmlns="http://www.w3.org/2000/svg"'
        f' aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<rect x="{_LEFT}" y="{_TOP}" width="{width}" height="{height}" fill="none" stroke="#999"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        level = _TOP + height * (1 - fraction)
        parts.append(
            f'<text x="{_LEFT - 4}" y="{level + 4}" text-anchor="end" font-size="10">{top_ms * fraction:.0f} ms</text>'
        )
        parts.append(f'<text x="{_W - _RIGHT + 4}" y="{level + 4}" font-size="10">{top_users * fraction:.0f}</text>')
    for fraction in (0.0, 0.5, 1.0):
        parts.append(
            f'<text x="{x(span * fraction)}" y="{_H - _BOTTOM + 14}" text-anchor="middle" font-size="10">{span * fraction:.0f} s</text>'
        )
    for piece in slices:
        if piece.get("failures"):
            what = f"{piece['failures']} {'misslyckade anrop' if sv else 'failed calls'} @ {piece['t_s']:g} s"
            parts.append(
                f'<rect class="failure-mark" x="{x(piece["t_s"]) - 2}" y="{_TOP}" width="4" height="{height}"'
                f' fill="#cf222e" opacity="0.35"><title>{escape(what)}</title></rect>'
            )
    users = " ".join(f"{x(p['t_s'])},{y(p.get('users') or 0, top_users)}" for p in slices)
    parts.append(f'<polyline class="users" points="{users}" fill="none" stroke="#2da44e" stroke-dasharray="4 3"/>')
    for key, colour, _ in _SERIES:
        points = " ".join(f"{x(p['t_s'])},{y(p[key], top_ms)}" for p in slices if p.get(key) is not None)
        parts.append(f'<polyline class="{key}" points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
    legend = [*((colour, label) for _, colour, label in _SERIES), ("#2da44e", "användare" if sv else "users")]
    legend.append(("#cf222e", "fel" if sv else "failures"))
    for index, (colour, label) in enumerate(legend):
        left = _LEFT + index * 110
        parts.append(f'<rect x="{left}" y="{_H - 16}" width="12" height="8" fill="{colour}"/>')
        parts.append(f'<text x="{left + 16}" y="{_H - 8}" font-size="10">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # every interpolated text is escaped or a number


def load_summary(figures: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The totals shown beside the chart (the slices and samples live in the evidence files)."""
    keys = (
        "describe", "requests", "failures", "over_sla", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms",
        "throughput_rps", "users_reached", "duration_s", "workers", "failure_kinds", "aborted",
    )  # fmt: skip
    return [(key, figures.get(key)) for key in keys if figures.get(key) not in (None, {}, "")]
