"""One Update judged on its own, against the real EI contract and healthcond:description rules."""

from __future__ import annotations

import pytest

from harness.ei.judge import duplicate_comment, judge_update
from harness.ei.questions import Question
from harness.ei.rules import load_domain_rules
from tests.ei.consumer import Row, people, update

pytestmark = pytest.mark.corpus


def questions(judgement) -> set[Question]:
    return {b.question for b in judgement.breaches}


def test_a_good_update_is_ok(rules):
    judgement = judge_update(update([*people(3), Row(person="191212121212", delete=True)]), rules)
    assert judgement.result_code == "OK", judgement.breaches
    assert judgement.breaches == []
    assert judgement.warnings == []


def test_domain_rules_name_their_domain_and_allowed_categorizations(healthcond_release):
    (path,) = healthcond_release.glob("schemas/engagementindex/*.xml")
    domain = load_domain_rules(path)
    assert domain.domain == "riv:clinicalprocess:healthcond:description"
    assert domain.categorizations == {"voo", "dia", "upp", "fun-fun", "pad-pad"}


def test_duplicate_key_gets_the_tkb_comment(rules):
    judgement = judge_update(update([Row(), Row(person="191212121213"), Row()]), rules)
    assert judgement.result_code == "ERROR"
    assert judgement.comment == duplicate_comment(1, 3)
    assert judgement.comment == "EngagementTransaction 1 and 3 have the same unique key. Duplicates are not allowed."
    assert questions(judgement) == {Question.KEY_INTERVAL}


def test_forbidden_categorization_is_question_1_2(rules):
    judgement = judge_update(update([Row(categorization="xyz")]), rules)
    assert judgement.result_code == "ERROR"
    assert "categorization value for riv:clinicalprocess:healthcond:description" in judgement.comment
    assert questions(judgement) == {Question.CATEGORIZATION}


def test_logical_address_must_equal_source_system_is_question_1_1(rules):
    judgement = judge_update(update([Row(), Row(person="191212121213", logical_address="SE-OTHER")]), rules)
    assert judgement.comment == "logicalAddress must equal sourceSystem for riv:clinicalprocess:healthcond:description"
    assert questions(judgement) == {Question.CONTENT}
    assert judgement.breaches[0].text.startswith("engagementTransaction 2: ")


def test_1001_engagements_is_question_2_3(rules):
    judgement = judge_update(update(people(1001)), rules)
    assert judgement.result_code == "ERROR"
    assert "MUST NOT have more than 1000 engagementTransaction elements" in judgement.comment
    assert questions(judgement) == {Question.MAX_ENGAGEMENTS}
    assert judge_update(update(people(1000)), rules).result_code == "OK"


def test_schema_invalid_update_is_question_1_1(rules):
    judgement = judge_update(update([Row(person="1912121212")]), rules)  # ten digits: pattern broken
    assert judgement.comment.startswith("Schema validation failed")
    assert questions(judgement) == {Question.CONTENT}


def test_general_rules_forbid_most_recent_content_on_delete(rules):
    judgement = judge_update(update([Row(delete=True, most_recent=None).but()]), rules)
    assert judgement.result_code == "OK"
    payload = update([Row(delete=True)])
    core = "urn:riv:itintegration:engagementindex:1"
    engagement = payload.find(f".//{{{core}}}engagement")
    late = engagement.find(f"{{{core}}}sourceSystem")
    content = engagement.makeelement(f"{{{core}}}mostRecentContent")
    content.text = "20241101120000"
    late.addprevious(content)
    judged = judge_update(payload, rules)
    assert judged.comment == "urn2:mostRecentContent MUST NOT be given when deleteFlag=true"
    assert questions(judged) == {Question.CONTENT}


def test_unknown_domain_gets_general_rules_and_a_warning(rules):
    judgement = judge_update(update([Row(domain="riv:crm:scheduling", categorization="Booking")]), rules)
    assert judgement.result_code == "OK"
    assert judgement.warnings == [
        "no EI rules were given for service domain 'riv:crm:scheduling': judged against the general rules only"
    ]


def test_ineras_own_example_update_is_judged_by_the_general_rules(rules, ei_release):
    from lxml import etree

    example = ei_release / "schemas/interactions/UpdateInteraction/UpdateResponder_1.0.xml"
    judgement = judge_update(etree.parse(str(example)).getroot(), rules)
    # The example's second transaction deletes and still carries mostRecentContent.
    assert judgement.comment == "tns1:mostRecentContent MUST NOT be given when deleteFlag=true"
    assert [b.text for b in judgement.breaches] == [
        "engagementTransaction 2: tns1:mostRecentContent MUST NOT be given when deleteFlag=true"
    ]
    assert [w.split("'")[1] for w in judgement.warnings] == [
        "crm:scheduling", "ehr:accesscontrol", "ehr:patientsummary", "pas:enrollment",
    ]  # fmt: skip
