"""The self-declaration bundle from real runs: schema, evidence, deviations, interruption, trust, secrets."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

from conftest import EXAMPLE_CONTRACT, PING_CONTRACT, REPO, reference_producer
from harness.certs import load_client_credentials
from harness.cli import main
from harness.report.bundle import read_document, schema
from harness.report.diff import diff_documents
from harness.report.trust import sign_bundle, verify_bundle

SUITES = str(REPO / "testsuites")


def run(pytester: pytest.Pytester, out: str, *args: str, plugins: list[object] | None = None) -> dict:
    pytester.inline_run(SUITES, "--report-dir", out, *args, plugins=plugins or [], no_reraise_ctrlc=True)
    document = read_document(pytester.path / out)
    jsonschema.Draft202012Validator(schema()).validate(document)
    return document


def test_conformant_run(pytester: pytest.Pytester) -> None:
    document = run(pytester, "ok")
    assert document["outcome"] == "pending review", "TF 1.7 (technical fault) waits for a reviewer"
    assert document["outcome_detail"]["text"]["en"] == "1 mandatory manual check"
    # The three TF 6.x load profiles run only with --load.
    assert document["totals"] == {
        "passed": 27, "failed": 0, "error": 0, "not applicable": 1, "not tested": 3, "manual": 1, "total": 32,
    }  # fmt: skip
    assert document["run"]["complete"] is True
    assert document["client_certificate"]["hsa_id"] == "SE1234567890-HRN1"
    assert "SE1234567890-PRD1" in document["producer"]["certificate"]["subject"]
    assert document["sla"]["calls"] > 30, "every answered call, each once"
    assert document["sla"]["faults"]["calls"] == 5, "error and SOAPAction calls, each once, apart from data answers"
    sla_check = next(c for c in document["checks"] if c["id"] == "rivta.sla")
    assert sla_check["measurements"]["answers"]["calls"] == document["sla"]["calls"]
    assert document["sla"]["max_s"] >= document["sla"]["p95_s"] >= 0
    assert [c["key"] for c in document["contracts"]] == ["GetClinicalNotes 1.1 (RIVTABP21)"]
    sections = [s["section"] for s in document["sjd"]]
    assert sections == sorted(sections, key=lambda n: [int(p) for p in n.split(".")])
    tf_answers = {a["tf"]: a["answer"] for s in document["sjd"] for a in s["answers"] if a["tf"]}
    assert tf_answers["1.2.1"] == "yes"
    for check in document["checks"]:
        if check["evidence"]:
            evidence = json.loads((pytester.path / "ok" / check["evidence"]).read_text(encoding="utf-8"))
            assert len(evidence["exchanges"]) == check["exchange_count"]
    manifest = json.loads((pytester.path / "ok/manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"] for entry in manifest["files"]}
    assert {"self-declaration.json", "self-declaration.html"} <= listed
    assert len([p for p in listed if p.startswith("evidence/")]) == sum(1 for c in document["checks"] if c["evidence"])


def test_failed_mandatory_check_is_an_undeclared_deviation_unless_declared(pytester: pytest.Pytester) -> None:
    failing = run(pytester, "bad", "--embedded-fault", "ignores-date-filter", "--lang", "en")
    assert failing["outcome"] == "deviations not declared"
    assert failing["run"]["language"] == "en"
    (deviation,) = failing["deviations"]
    assert (deviation["check"], deviation["status"]) == ("tk.notes.date-period", "undeclared")
    check = next(c for c in failing["checks"] if c["id"] == "tk.notes.date-period")
    assert check["verdict"] == "failed"
    assert any("outside 20220101-20221231" in finding for finding in check["findings"])
    declaration = (REPO / "fixtures/declarations/reference-producer.toml").read_text(encoding="utf-8")
    declaration += '\n[[deviations]]\ncheck = "tk.notes.date-period"\nstatus = "new"\nmotivation = "Dates are filtered by the consumer."\n'
    declared_file = pytester.makefile(".toml", declared=declaration)
    declared = run(pytester, "declared", "--embedded-fault", "ignores-date-filter", "--declaration", str(declared_file))
    assert declared["outcome"] == "pending review", "declared, but TF 1.7 still waits for a reviewer"
    assert declared["outcome_detail"]["counts"]["declared_deviations"] == 1
    assert declared["deviations"][0]["status"] == "new"
    assert declared["verification_object"]["declaration"]["sha256"]
    ok = run(pytester, "ok")
    changes = diff_documents(failing, ok)
    assert "tk.notes.date-period [GetClinicalNotes 1.1 (RIVTABP21)]: failed → passed" in changes
    assert "outcome: deviations not declared → pending review" in changes
    assert not [line for line in changes if "rivta.response-schema" in line]


class _Interrupt:
    """Presses Ctrl-C in the middle of the suite."""

    def __init__(self, after: int) -> None:
        self.after = after

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.after -= 1
        if self.after == 0:
            raise KeyboardInterrupt


class _ProducerDies:
    """Stops the embedded producer part-way through the run."""

    def __init__(self, after: int) -> None:
        self.after = after

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        from harness.plugin import SESSION_KEY

        self.after -= 1
        if self.after == 0:
            session = item.config.stash[SESSION_KEY]
            session.start()
            session._producer.stop()


def test_interrupted_run_still_writes_the_report(pytester: pytest.Pytester) -> None:
    document = run(pytester, "cut", plugins=[_Interrupt(after=10)])
    assert document["run"]["complete"] is False
    assert "interrupted" in document["run"]["interruption"]
    assert document["outcome"] == "incomplete"
    not_run = [c for c in document["checks"] if c["verdict"] == "not tested"]
    assert len(not_run) == 32 - 9
    assert all("interrupted" in c["message"] for c in not_run)
    assert document["totals"]["passed"] == 9


def test_producer_dying_mid_run_gives_errors_not_failures(pytester: pytest.Pytester) -> None:
    document = run(pytester, "dead", plugins=[_ProducerDies(after=20)])
    verdicts = {c["verdict"] for c in document["checks"]}
    assert "error" in verdicts
    assert "failed" not in verdicts, "an unreachable producer is not a non-conformant one"
    assert document["outcome"] == "incomplete"
    assert all("could not run" in c["message"] for c in document["checks"] if c["verdict"] == "error")


def test_personal_ids_masked_and_real_looking_ones_flagged(pytester: pytest.Pytester) -> None:
    masked = run(pytester, "masked", "--mask-personal-ids", "-k", "1_1_1")
    text = "".join(p.read_text(encoding="utf-8") for p in (pytester.path / "masked/evidence").glob("*.json"))
    assert "191212129819" not in text
    assert "19121212****" in text
    assert masked["warnings"] == []
    assert masked["run"]["complete"] is False, "a run narrowed with -k is not a full self-declaration"
    assert masked["run"]["interruption"].startswith("partial run: 31 checks were deselected")
    flagged = run(pytester, "flagged", "--set", "patientId/extension=198507142381", "-k", "one_soap11_body")
    assert any("19850714****" in w and "outside Skatteverket's test series" in w for w in flagged["warnings"])
    assert not any("198507142381" in w for w in flagged["warnings"])
    tolvan = run(pytester, "tolvan", "--set", "patientId/extension=191212121212", "-k", "one_soap11_body")
    assert tolvan["warnings"] == [], "Tolvan Tolvansson is a well-known test person"
    own = pytester.makefile(".toml", own='synthetic_identities = ["19850714-2381"]\n')
    declared = run(
        pytester, "own", "--set", "patientId/extension=198507142381", "--declaration", str(own), "-k", "one_soap11_body"
    )
    assert declared["warnings"] == [], "the vendor declared it as its own synthetic identity"


def test_tampering_is_caught_and_named(pytester: pytest.Pytester, pki, capsys) -> None:
    run(pytester, "signed", "-k", "GetClinicalNotes and (sla or 1_1_1)")
    bundle = pytester.path / "signed"
    credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key)
    sign_bundle(bundle, credentials)
    assert verify_bundle(bundle, [pki.ca_bundle]).ok
    assert main(["report", "verify", str(bundle), "--ca-bundle", str(pki.ca_bundle)]) == 0
    assert "bundle verified" in capsys.readouterr().out

    evidence = next((bundle / "evidence").glob("*.json"))
    for target, expected in (
        (evidence, f"{evidence.relative_to(bundle).as_posix()}: changed"),
        (bundle / "self-declaration.json", "self-declaration.json: changed"),
        (bundle / "manifest.json", "the manifest was changed after signing"),
    ):
        original = target.read_bytes()
        flipped = bytearray(original)
        index = original.index(b'"') + 1
        flipped[index] ^= 0x01
        target.write_bytes(bytes(flipped))
        result = verify_bundle(bundle, [pki.ca_bundle])
        assert not result.ok
        assert any(expected in problem for problem in result.problems), result.problems
        target.write_bytes(original)
    assert verify_bundle(bundle, [pki.ca_bundle]).ok
    (bundle / "evidence/extra.json").write_text("{}")
    assert "evidence/extra.json: not listed in the manifest" in " ".join(verify_bundle(bundle).problems)
    assert "chains to a trusted CA" not in " ".join(verify_bundle(bundle, [pki.unrelated_root_ca]).facts)


def test_signer_without_subject_alt_name_verifies(pytester: pytest.Pytester, tmp_path) -> None:
    """SITHS function certificates need not carry a subjectAltName; web-PKI rules would reject them."""
    from datetime import UTC, datetime, timedelta

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID

    from harness.certs._build import Profile, ca, leaf, name

    now = datetime.now(UTC)
    validity = (now - timedelta(days=1), now + timedelta(days=30))
    root = ca(name("Test Root CA", "RIVTA Harness Test"), None, validity, path_length=1)
    function_ca = ca(name("Test Function CA", "RIVTA Harness Test"), root, validity, path_length=0)
    key = ec.generate_private_key(ec.SECP384R1())
    profile = Profile(
        name("signer", "Vendor AB", "SE5565555555-ABCD"), (ExtendedKeyUsageOID.CLIENT_AUTH,), (), validity
    )
    cert = leaf(profile, key, function_ca)
    pem = serialization.Encoding.PEM
    (tmp_path / "signer.pem").write_bytes(cert.public_bytes(pem) + function_ca.cert.public_bytes(pem))
    (tmp_path / "signer.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (tmp_path / "root.pem").write_bytes(root.cert.public_bytes(pem))
    run(pytester, "signed", "-k", "GetClinicalNotes and sla")
    bundle = pytester.path / "signed"
    sign_bundle(bundle, load_client_credentials(cert=tmp_path / "signer.pem", key=tmp_path / "signer.key"))
    assert bundle.joinpath("manifest.json.jws").read_text(encoding="ascii").count(".") == 2
    result = verify_bundle(bundle, [tmp_path / "root.pem"])
    assert result.ok, result.problems
    assert "signer's certificate chains to a trusted CA and was valid when it signed" in result.facts
    assert any("SE5565555555-ABCD" in fact for fact in result.facts)


def test_no_secret_reaches_the_bundle(pytester: pytest.Pytester, pki, example_contract, ping_contract) -> None:
    password = pki.consumer_password.read_text(encoding="utf-8").strip()
    os.environ["RIVTA_TEST_BUNDLE_PASSWORD"] = password
    try:
        with reference_producer(pki, [example_contract, ping_contract]) as producer:
            run(
                pytester,
                "remote",
                "--producer-url", producer.url.replace("127.0.0.1", "localhost"),
                "--logical-address", producer.logical_address,
                "--pkcs12", str(pki.consumer_p12),
                "--cert-password-env", "RIVTA_TEST_BUNDLE_PASSWORD",
                "--ca-bundle", str(pki.ca_bundle),
                "--contract", str(EXAMPLE_CONTRACT),
                "--contract", str(PING_CONTRACT),
                "--testdata", str(REPO / "fixtures/testdata/reference-producer.toml"),
                "--html", "pytest-report.html",
            )  # fmt: skip
        sign_bundle(
            pytester.path / "remote",
            load_client_credentials(pkcs12=pki.consumer_p12, password_env="RIVTA_TEST_BUNDLE_PASSWORD"),
        )
    finally:
        del os.environ["RIVTA_TEST_BUNDLE_PASSWORD"]
    key_lines = [line for line in pki.consumer_key.read_text(encoding="ascii").splitlines() if "-----" not in line]
    outputs = [*(pytester.path / "remote").rglob("*"), pytester.path / "pytest-report.html"]
    for path in outputs:
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert password not in text, path
            assert "PRIVATE KEY" not in text, path
            assert "RIVTA_TEST_BUNDLE_PASSWORD" not in text or path.name == "pytest-report.html", path
            assert not any(line in text for line in key_lines[:3]), path
    assert "exchange" in (pytester.path / "pytest-report.html").read_text(encoding="utf-8")
