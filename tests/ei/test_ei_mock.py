"""The mock over real mTLS: a scripted consumer sends good sequences and one sequence per broken rule."""

from __future__ import annotations

import threading

import pytest

from harness.ei.judge import duplicate_comment
from harness.ei.questions import Question
from tests.ei.consumer import Row, people, result_of

pytestmark = pytest.mark.corpus

FIVE_MINUTES = 300


def breached(running) -> set[Question]:
    return set(running.mock.observations.breaches)


def test_good_sequence_is_answered_ok_and_breaks_nothing(serve, clock):
    with serve() as (running, consumer):
        assert result_of(consumer.send(people(3))) == ("OK", None)
        clock.advance(FIVE_MINUTES)
        assert result_of(consumer.send([*people(3), Row(person="191212121212", delete=True)])) == ("OK", None)
        clock.advance(10)
        assert result_of(consumer.send(people(2, start=50))) == ("OK", None)
    seen = running.mock.observations
    assert breached(running) == set()
    assert seen.updates == 3
    assert seen.deletes_accepted == 1
    assert [c.result for c in seen.calls] == ["OK", "OK", "OK"]
    assert seen.calls[0].exchange["tls"]["client_certificate"]  # the vendor's certificate is on record


def test_duplicate_key_in_one_call(serve):
    with serve() as (running, consumer):
        assert result_of(consumer.send([Row(), Row()])) == ("ERROR", duplicate_comment(1, 2))
    assert breached(running) == {Question.KEY_INTERVAL}


def test_1001_engagements(serve):
    with serve() as (running, consumer):
        code, comment = result_of(consumer.send(people(1001)))
    assert code == "ERROR"
    assert "more than 1000" in comment
    assert breached(running) == {Question.MAX_ENGAGEMENTS}


def test_forbidden_categorization(serve):
    with serve() as (running, consumer):
        code, comment = result_of(consumer.send([Row(categorization="abc")]))
    assert code == "ERROR"
    assert "must be one of" in comment
    assert breached(running) == {Question.CATEGORIZATION}


def test_logical_address_differs_from_source_system(serve):
    with serve() as (running, consumer):
        code, comment = result_of(consumer.send([Row(logical_address="SE2321000016-OTHER")]))
    assert (code, comment) == ("ERROR", "logicalAddress must equal sourceSystem for " + Row().domain)
    assert breached(running) == {Question.CONTENT}


def test_same_key_twice_within_five_minutes(serve, clock):
    with serve() as (running, consumer):
        assert result_of(consumer.send([Row()]))[0] == "OK"
        clock.advance(FIVE_MINUTES - 1)
        code, comment = result_of(consumer.send([Row()]))
        clock.advance(1)
        assert result_of(consumer.send([Row()]))[0] == "INFO"  # 1 s after call 2, still too soon
    assert code == "INFO"
    assert "same unique key as accepted in call 1 299 s earlier" in comment
    assert breached(running) == {Question.KEY_INTERVAL}
    assert running.mock.observations.breaches[Question.KEY_INTERVAL] == 2


def test_same_key_after_five_minutes_is_fine(serve, clock):
    with serve() as (running, consumer):
        consumer.send([Row()])
        clock.advance(FIVE_MINUTES)
        assert result_of(consumer.send([Row()])) == ("OK", None)
    assert breached(running) == set()


def test_parallel_calls_from_one_source_system(serve):
    with serve(answer_delay=0.4) as (running, consumer):
        results = []
        first = threading.Thread(target=lambda: results.append(consumer.send(people(2))))
        first.start()
        while not running.mock.timeline._history.in_flight:
            threading.Event().wait(0.005)
        results.append(consumer.send(people(2, start=10)))
        first.join()
    assert breached(running) == {Question.SEQUENTIAL}
    (flagged,) = running.mock.observations.evidence[Question.SEQUENTIAL]
    assert flagged.number == 2
    assert "still being answered" in flagged.breaches[0].text


def test_retry_too_soon_after_a_fault(serve, clock):
    with serve(fault_every=2) as (running, consumer):
        assert result_of(consumer.send(people(2)))[0] == "OK"
        assert result_of(consumer.send(people(2, start=10)))[0] == "SOAP fault"
        clock.advance(60)
        code, comment = result_of(consumer.send(people(2, start=10)))
    assert code == "INFO"
    assert "resent engagements of call 2" in comment
    assert breached(running) == {Question.RETRY_INTERVAL}


def test_retry_after_five_minutes_is_fine(serve, clock):
    with serve(unavailable_for=100) as (running, consumer):
        assert result_of(consumer.send(people(2)))[0] == "SOAP fault"
        clock.advance(FIVE_MINUTES)
        assert result_of(consumer.send(people(2))) == ("OK", None)
    assert breached(running) == set()
    assert running.mock.timeline.observed()["resent_after_fault"] == 1


def test_update_61_minutes_after_the_mark(serve, clock):
    with serve() as (running, consumer):
        running.mark("new note for 19121212-1212")
        clock.advance(61 * 60)
        consumer.send([Row(person="191212121299")])  # another patient: does not cover the mark
        code, comment = result_of(consumer.send([Row(person="191212121212")]))
    assert code == "INFO"
    assert "61 minutes after mark 1" in comment
    assert breached(running) == {Question.WITHIN_60_MINUTES}


def test_initial_load_without_duplicates_and_paced(serve, clock):
    with serve(initial_load=3600) as (running, consumer):
        assert result_of(consumer.send(people(1000)))[0] == "OK"
        clock.advance(5)
        assert result_of(consumer.send(people(1000, start=1000)))[0] == "OK"
    assert breached(running) == set()


def test_initial_load_too_fast(serve, clock):
    with serve(initial_load=3600) as (running, consumer):
        consumer.send(people(10))
        clock.advance(4)
        code, comment = result_of(consumer.send(people(10, start=10)))
    assert code == "INFO"
    assert "4.0 s after the answer to call 1" in comment
    assert breached(running) == {Question.INITIAL_LOAD}


def test_initial_load_duplicate_across_calls(serve, clock):
    with serve(initial_load=3600) as (running, consumer):
        consumer.send(people(10))
        clock.advance(FIVE_MINUTES + 5)  # beyond R8's interval: only the load forbids it
        code, comment = result_of(consumer.send(people(1, start=3)))
    assert code == "INFO"
    assert "already sent in call 1 of the initial load" in comment
    assert breached(running) == {Question.KEY_INTERVAL}


def test_process_notification_is_answered_after_a_schema_check(serve, rules):
    from lxml import etree

    from tests.ei.consumer import CORE, update

    namespace = "urn:riv:itintegration:engagementindex:ProcessNotificationResponder:1"
    good = update([Row()])
    good.tag = f"{{{namespace}}}ProcessNotification"
    for transaction in good:
        transaction.tag = f"{{{namespace}}}engagementTransaction"
        owner = etree.SubElement(transaction.find(f"{{{CORE}}}engagement"), f"{{{CORE}}}owner")
        owner.text = "SE2321000016-EI"
    bad = etree.fromstring(etree.tostring(good))
    bad[0].remove(bad[0][0])  # no deleteFlag
    with serve() as (running, consumer):
        contract = rules.process_notification
        answers = [consumer.client.call(contract, p, logical_address="SE-EI", label="n") for p in (good, bad)]
    codes = [a.envelope.payload.findtext(f"{{{namespace}}}ResultCode") for a in answers]
    assert codes == ["OK", "ERROR"]
    assert [c.operation for c in running.mock.observations.calls] == ["ProcessNotification"] * 2
    assert running.mock.observations.updates == 0


def test_control_endpoint_wants_its_token(serve):
    import urllib.error
    import urllib.request

    with serve() as (running, _):
        control = running.open_control(lambda _: "written")
        request = urllib.request.Request(f"{control.url}/mark", data=b"x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        refused.value.close()
        request.add_header("X-Ei-Control-Token", control.token)
        with urllib.request.urlopen(request, timeout=10) as answered:
            assert answered.read().decode().startswith("mark 1 for any person")
    assert len(running.mock.timeline.marks) == 1


def test_old_keys_are_forgotten_but_recent_ones_still_count(monkeypatch, clock):
    from harness.ei import timeline
    from harness.ei.judge import Engagement

    monkeypatch.setattr(timeline, "PRUNE_ABOVE", 2)
    line = timeline.Timeline(clock)

    def send(call: int, *persons: str) -> list:
        rows = [Engagement(n, (p, "d", "c", "la", "NA", "NA", "la", "dc"), False) for n, p in enumerate(persons, 1)]
        breaches = line.arrive(call, clock(), rows)
        line.finish(call, rows, accepted=True, fault=False)
        return breaches

    send(1, "a", "b")
    clock.advance(FIVE_MINUTES)
    send(2, "c")  # three keys remembered: a and b are older than the interval and go
    assert len(line._history.accepted_at) == 1
    clock.advance(10)
    assert [b.question for b in send(3, "c")] == [Question.KEY_INTERVAL]


def test_every_answer_is_a_schema_valid_update_response(serve, clock, rules):
    with serve() as (_, consumer):
        answers = [consumer.send([Row()]), consumer.send([Row(), Row()])]
        clock.advance(10)
        answers.append(consumer.send([Row()]))  # INFO: same key 10 s after call 1
    assert [result_of(a)[0] for a in answers] == ["OK", "ERROR", "INFO"]
    for exchange in answers:
        assert exchange.header("content-type") == "text/xml; charset=UTF-8"
        assert rules.update.schema.validate(exchange.envelope.payload) == []
