"""Bad input is refused cleanly, counted, and the mock keeps serving good calls."""

from __future__ import annotations

import pytest

from harness.ei.report import observation_tables
from harness.ei.server import MAX_EI_REQUEST_BYTES
from harness.transport.client import RivtaClient
from tests.ei.consumer import Row, result_of

pytestmark = pytest.mark.corpus

ENVELOPE = b'<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>%s</s:Body></s:Envelope>'
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&lol3;</s:Body></s:Envelope>"""
XML = {"Content-Type": "text/xml; charset=UTF-8"}


@pytest.mark.parametrize(
    ("body", "headers", "status", "kind"),
    [
        (b"hello, index", XML, 500, "not well-formed XML"),
        (b"<html><body>hi</body></html>", XML, 500, "not a SOAP 1.1 envelope with a body"),
        (BOMB, XML, 500, "DOCTYPE or entity declaration (XML bomb guard)"),
        (b"{}", {"Content-Type": "application/json"}, 415, "wrong content type"),
        (b"", XML, 500, "empty body"),
        (ENVELOPE % b"<x:Other xmlns:x='urn:x'/>", XML, 500, "unknown operation"),
    ],
)
def test_bad_input_is_refused_and_counted(serve, body, headers, status, kind):
    with serve() as (running, consumer):
        exchange = consumer.client.post(body, headers, label="bad")
        assert exchange.status == status
        assert result_of(consumer.send([Row()])) == ("OK", None)  # still serving
    seen = running.mock.observations
    assert seen.bad_input == {kind: 1}
    assert seen.updates == 1


def test_huge_body_is_refused_before_it_is_read(serve):
    with serve() as (running, consumer):
        exchange = consumer.client.post(b"<" + b"x" * MAX_EI_REQUEST_BYTES, XML, label="huge")
        assert exchange.status in (413, None)  # the server may close while the client still sends
        assert result_of(consumer.send([Row()])) == ("OK", None)
    assert running.mock.observations.bad_input == {"request too large": 1}


def test_client_without_certificate_is_refused_and_counted(serve, pki):
    with serve() as (running, consumer):
        anonymous = RivtaClient(running.url, credentials=None, ca_bundle=[pki.ca_bundle])
        exchange = anonymous.post(b"<x/>", XML, label="no certificate")
        anonymous.close()
        assert exchange.status is None
        assert exchange.problem is not None
        assert result_of(consumer.send([Row()])) == ("OK", None)
    (kind,) = running.mock.observations.bad_input
    assert kind.startswith("TLS handshake failed")


def test_refused_input_is_in_the_report(serve, clock):
    with serve() as (running, consumer):
        consumer.client.post(b"nonsense", XML, label="bad")
        consumer.send([Row(domain="riv:crm:scheduling", categorization="Booking")])
    tables = {t["id"]: t for t in observation_tables(running.mock, now=clock())}
    assert tables["ei-refused"]["rows"] == [["not well-formed XML", "1"]]
    assert tables["ei-categorizations"]["rows"] == [["riv:crm:scheduling", "(no rules given)", "Booking ×1", "–"]]
    assert list(running.mock.observations.warnings) == [
        "no EI rules were given for service domain 'riv:crm:scheduling': judged against the general rules only"
    ]


def test_kept_calls_are_bounded_with_a_count_of_the_rest(serve, clock):
    with serve(keep_calls=2, mask_personal_ids=True) as (running, consumer):
        for categorization in ("voo", "dia", "upp", "fun-fun", "pad-pad"):
            consumer.send([Row(categorization=categorization)])
            clock.advance(1)
    seen = running.mock.observations
    assert [c.number for c in seen.calls] == [4, 5]
    assert seen.dropped == 3
    evidence = seen.calls[-1].exchange["request_body"]["text"]
    assert "191212121212" not in evidence
    assert "19121212****" in evidence
    table = next(t for t in observation_tables(running.mock, now=clock()) if t["id"] == "ei-calls")
    assert table["note"] == "3 older call(s) not kept"


def test_chunked_body_without_length_is_refused_and_the_connection_closed(serve, pki):
    import socket
    import ssl

    with serve() as (running, consumer):
        context = ssl.create_default_context(cafile=str(pki.ca_bundle))
        context.check_hostname = False
        context.load_cert_chain(pki.consumer_cert, pki.consumer_key)
        with (
            socket.create_connection((running.server.host, running.server.port)) as raw,
            context.wrap_socket(raw) as tls,
        ):
            tls.sendall(
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"5\r\n<x/>\n\r\n0\r\n\r\n"
            )
            answer = tls.recv(65536)
        assert answer.startswith(b"HTTP/1.1 500")
        assert b"Connection: close" in answer
        assert result_of(consumer.send([Row()])) == ("OK", None)
    assert running.mock.observations.bad_input == {"empty body": 1}
