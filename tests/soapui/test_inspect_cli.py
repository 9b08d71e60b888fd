"""``rivta-harness soapui inspect``: per project and in total, native versus manual."""

from __future__ import annotations

from pathlib import Path

import pytest
import soapui_builder as b

from harness.cli import main


def test_inspect_counts_native_and_manual_per_project_and_in_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call = b.request(
        "Call",
        b.envelope(b.patient()),
        b.assertion("SOAP Response"),
        b.assertion("JsonPath Match"),
        b.script("def ca = new ContentAssertions(context, messageExchange)\nca.assertNonEmptyResponse()"),
        b.script("def x = messageExchange.timeTaken\nassert x < 5"),
    )
    suite = b.suite("1", b.case("1.1 A", b.groovy("Read data"), call), b.case("6.1 Load", call, load=True))
    b.write_project(tmp_path, "Tiny", suite)
    assert main(["soapui", "inspect", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(
        "Tiny-soapui-project.xml: 2 test cases (0 disabled, 1 load tests), 3 steps (2 native), 9 assertions: "
        "built-in 1/5 native (20.0 %), Groovy 1/4 native (25.0 %), 7 manual or not run"
    )
    assert lines[1].startswith("total: 2 test cases")
    assert "  JsonPath Match: 0/2" in lines
    assert "  Step Status: 0/1" in lines


def test_inspect_names_what_it_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Bad-soapui-project.xml").write_text("not xml", encoding="utf-8")
    assert main(["soapui", "inspect", str(tmp_path)]) == 1
    assert "not imported: SoapUI project " in capsys.readouterr().out
    assert main(["soapui", "inspect", str(tmp_path / "missing")]) == 2
    assert "missing: no such file or folder" in capsys.readouterr().err
