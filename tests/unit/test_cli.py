"""The command line's contract with its user: one line per problem, never a traceback."""

from __future__ import annotations

import pytest

from harness.cli import main


def test_harness_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "list", "no/such/package"]) == 2
    error = capsys.readouterr().err
    assert (
        error
        == "rivta-harness: error: no/such/package: no such file or folder — give a contract package folder, a release .zip or a .wsdl file\n"
    )


def test_unexpected_errors_are_one_line_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("something broke")

    monkeypatch.setattr("harness.cli.contracts_cmd._list", broken)
    assert main(["contracts", "list", "contracts"]) == 70
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "internal error: RuntimeError: something broke" in error
    assert "Traceback" not in error


def test_run_passes_everything_after_it_to_pytest_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr("pytest.main", lambda args: seen.append(list(args)) or 0)
    assert main(["run", "-q", "--report-dir", "out", "-k", "sla", "--producer-url", "https://p"]) == 0
    assert seen[0][-7:] == ["-q", "--report-dir", "out", "-k", "sla", "--producer-url", "https://p"]


def test_unknown_arguments_are_refused_except_for_run(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["contracts", "list", "contracts", "--bogus"])
    assert caught.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
