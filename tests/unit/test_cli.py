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


def test_load_run_runs_only_the_load_profiles_with_the_options_verbatim(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr("pytest.main", lambda args: seen.append(list(args)) or 0)
    assert main(["load", "run", "--load-scale", "0.05", "--producer-url", "https://p"]) == 0
    assert seen[0][-7:] == ["--load", "-m", "load", "--load-scale", "0.05", "--producer-url", "https://p"]


def test_load_worker_needs_a_master_address_and_a_certificate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "worker", "--master", "nowhere"]) == 2
    assert "--master 'nowhere': expected HOST:PORT" in capsys.readouterr().err
    assert main(["load", "worker", "--master", "127.0.0.1:5557"]) == 2
    assert "needs a client certificate" in capsys.readouterr().err
