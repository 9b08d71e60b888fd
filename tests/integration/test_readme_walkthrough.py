"""The README's "Run it against your producer", run command for command against a served reference producer.

Only the vendor's particulars are replaced (URL, logical address, contract, and the files named in
the README are made from the test PKI); the commands, their options and their order are the README's.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_CONTRACT, REPO, reference_producer

PASSWORD = "correct horse battery staple"
README_PRODUCER = "https://sit.example.se/notes/1/rivtabp21"
README_CONTRACT = "ServiceContracts_clinicalprocess_healthcond_description_3.0.5.zip::GetCareDocumentation"
README_ADDRESS = "SE2321000016-ABCD"


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Run it against your producer", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL).group(1)  # type: ignore[union-attr]
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def vendor_files(pki, folder: Path) -> None:
    """The files the README names, made from the test PKI: what a vendor has in their folder."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    key = serialization.load_pem_private_key(pki.consumer_key.read_bytes(), None)
    leaf, *chain = x509.load_pem_x509_certificates(pki.consumer_cert.read_bytes())
    (folder / "function-cert.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(b"vendor", key, leaf, chain, BestAvailableEncryption(PASSWORD.encode()))
    )
    shutil.copy(pki.ca_bundle, folder / "siths-test-chain.pem")
    shutil.copy(REPO / "fixtures/testdata/reference-producer.toml", folder / "my-testdata.toml")
    shutil.copy(REPO / "fixtures/declarations/reference-producer.toml", folder / "my-declaration.toml")


def test_readme_walkthrough_works_in_its_order(pki, example_contract, ping_contract, tmp_path: Path) -> None:
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("the README's PDF step needs Chromium on PATH")
    commands = readme_commands()
    assert commands[0] == "read -rs CERT_PASSWORD && export CERT_PASSWORD"
    harness_commands = commands[1:]
    steps = [
        " ".join(shlex.split(c)[1:3]) if shlex.split(c)[1] == "report" else shlex.split(c)[1] for c in harness_commands
    ]
    assert steps == ["doctor", "run", "report pdf", "report sign", "report verify"]
    vendor_files(pki, tmp_path)
    environment = {**os.environ, "CERT_PASSWORD": PASSWORD}  # what step 0 does in the vendor's shell
    outputs = []
    with reference_producer(pki, [example_contract, ping_contract]) as producer:
        particulars = {
            README_PRODUCER: producer.url.replace("127.0.0.1", "localhost") + "/notes/1/rivtabp21",
            README_CONTRACT: str(EXAMPLE_CONTRACT),
            README_ADDRESS: producer.logical_address,
        }
        for readme_command in harness_commands:
            command = readme_command
            for readme_value, ours in particulars.items():
                command = command.replace(readme_value, ours)
            arguments = shlex.split(command)
            assert arguments[0] == "rivta-harness"
            result = subprocess.run(
                [sys.executable, "-m", "harness", *arguments[1:]],
                cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
            assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
            outputs.append(result.stdout + result.stderr)
    assert "All steps passed." in outputs[0]
    assert (tmp_path / "reports/self-declaration.pdf").is_file()
    assert "the manifest states: outcome" in outputs[3]
    assert outputs[4].rstrip().endswith("bundle verified")
    assert PASSWORD not in "".join(outputs)
