"""Each default flag rule judged on hand-made figures: raised, and not raised (no database)."""

import json
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from qa_system.flags import (
    Evaluation,
    Measure,
    PeriodKey,
    RuleSpec,
    Value,
    evaluate,
    rule_spec,
    wording_errors,
    wording_render,
)
from qa_system.services_flags import DEFAULT_RULES

Q1: PeriodKey = ("quarter", date(2025, 4, 1), date(2025, 6, 30))
Q4: PeriodKey = ("quarter", date(2025, 1, 1), date(2025, 3, 31))
Q3: PeriodKey = ("quarter", date(2024, 10, 1), date(2024, 12, 31))
ORG = ("organisation", 1)
TEAM = ("team", 7)
PCT = "pct"


def _default(key: str) -> RuleSpec:
    rules = json.loads(DEFAULT_RULES.read_text())["rules"]
    entry = next(r for r in rules if r["default_key"] == key)
    fields = {
        "b_source": "",
        "b_code": "",
        "b_breakdown": "",
        "b_comparison": "",
        "b_threshold": None,
        "b_periods": None,
        "b_min_base": 0,
        **entry,
    }
    return rule_spec(SimpleNamespace(**fields))


def _judge(rule: RuleSpec, values: dict[Any, Value], unit: tuple[str, int] = TEAM) -> Evaluation:
    return evaluate(
        rule,
        unit=unit,
        unit_name="North One",
        period=Q1,
        period_label="Q1 2025-26",
        earlier=[Q3, Q4],
        earlier_labels=["Q3 2024-25", "Q4 2024-25"],
        organisation_unit=ORG,
        values=values,
        label_of=lambda m: m.code,
    )


# --- Child's voice good, children say the worries were not explained ---------------------

VOICE = _default("voice-not-explained")


def _voice(audit_share: float, items: float, explained: Value) -> dict[Any, Value]:
    return {
        (VOICE.a, TEAM, Q1): Value(audit_share, audit_share * items / 100, items, kind=PCT),
        (VOICE.b, TEAM, Q1): explained,
    }


def test_voice_rule_raised_when_audits_good_and_children_not_told() -> None:
    result = _judge(VOICE, _voice(80.0, 10, Value(40.0, 4, 10, kind=PCT)))

    assert result.raised
    assert result.text == (
        "In Q1 2025-26, audits in North One graded the child's voice good or better "
        "(80.0% of rated items), but only 40.0% of children said someone explained why "
        "people are worried about their family."
    )
    assert result.numbers is not None
    assert result.numbers["a"]["numerator"] == 8.0
    assert result.numbers["b"]["value"] == 40.0


@pytest.mark.parametrize(
    ("audit_share", "items", "explained"),
    [
        (60.0, 10, Value(40.0, 4, 10)),  # audits not good enough
        (80.0, 10, Value(75.0, 15, 20)),  # children say they were told
        (80.0, 10, Value(60.0, 6, 10)),  # exactly at the threshold: not below it
        (100.0, 2, Value(40.0, 4, 10)),  # two rated items: below the minimum base of 3
        (80.0, 10, Value(None, too_few=True)),  # too few children answered to judge
        (80.0, 10, Value(None)),  # no survey figure
    ],
)
def test_voice_rule_not_raised(audit_share: float, items: float, explained: Value) -> None:
    assert not _judge(VOICE, _voice(audit_share, items, explained)).raised


def test_voice_rule_not_raised_for_a_practitioner() -> None:
    values = {
        (VOICE.a, ("practitioner", 3), Q1): Value(90.0, 9, 10),
        (VOICE.b, ("practitioner", 3), Q1): Value(10.0, 1, 10),
    }

    assert not _judge(VOICE, values, unit=("practitioner", 3)).raised


# --- Management oversight good, CP plans open 2 years or more rising ----------------------

OVERSIGHT = _default("oversight-cp-drift")


def _oversight(series: list[float | None], oversight: float = 75.0) -> dict[Any, Value]:
    values: dict[Any, Value] = {(OVERSIGHT.a, TEAM, Q1): Value(oversight, 6, 8, kind=PCT)}
    for period, share in zip((Q3, Q4, Q1), series, strict=True):
        values[(OVERSIGHT.b, TEAM, period)] = Value(share, None, 20, kind=PCT)
    return values


def test_oversight_rule_raised_when_long_plans_rise_each_quarter() -> None:
    result = _judge(OVERSIGHT, _oversight([5.0, 7.5, 10.0]))

    assert result.raised
    assert "rose in each of the last 2 quarters, from 5.0% to 10.0%" in result.text
    assert result.numbers is not None
    assert [p["period"] for p in result.numbers["b"]["series"]] == [
        "Q3 2024-25",
        "Q4 2024-25",
        "Q1 2025-26",
    ]


@pytest.mark.parametrize(
    ("series", "oversight"),
    [
        ([5.0, 7.5, 10.0], 50.0),  # oversight not graded good
        ([5.0, 7.5, 7.5], 75.0),  # flat in the last quarter
        ([8.0, 7.5, 10.0], 75.0),  # fell, then rose
        ([None, 7.5, 10.0], 75.0),  # a missing quarter: no trend to judge
    ],
)
def test_oversight_rule_not_raised(series: list[float | None], oversight: float) -> None:
    assert not _judge(OVERSIGHT, _oversight(series, oversight)).raised


# --- Staff say caseloads unmanageable, caseload above the organisation's -----------------

CASELOAD = _default("caseload-unmanageable")


def _caseload(manageable: Value, team: float, organisation: float) -> dict[Any, Value]:
    return {
        (CASELOAD.a, TEAM, Q1): manageable,
        (CASELOAD.b, TEAM, Q1): Value(team, kind="ratio"),
        (CASELOAD.b, ORG, Q1): Value(organisation, kind="ratio"),
    }


def test_caseload_rule_raised_when_staff_struggle_and_caseload_is_high() -> None:
    result = _judge(CASELOAD, _caseload(Value(30.0, 3, 10), 21.4, 17.0))

    assert result.raised
    assert result.text == (
        "In Q1 2025-26, only 30.0% of staff in North One said their caseload is manageable, "
        "and the average caseload (21.4 children per worker) is above the organisation's (17.0)."
    )
    assert result.numbers is not None
    assert result.numbers["b"]["organisation"]["value"] == 17.0


@pytest.mark.parametrize(
    ("manageable", "team", "organisation"),
    [
        (Value(70.0, 7, 10), 21.4, 17.0),  # staff say it is manageable
        (Value(30.0, 3, 10), 15.0, 17.0),  # caseload below the organisation's
        (Value(30.0, 3, 10), 17.0, 17.0),  # the same as the organisation's
        (Value(None, too_few=True), 21.4, 17.0),  # too few staff answered
    ],
)
def test_caseload_rule_not_raised(manageable: Value, team: float, organisation: float) -> None:
    assert not _judge(CASELOAD, _caseload(manageable, team, organisation)).raised


def test_caseload_rule_never_compares_the_organisation_with_itself() -> None:
    values = {
        (CASELOAD.a, ORG, Q1): Value(20.0, 2, 10),
        (CASELOAD.b, ORG, Q1): Value(17.0, kind="ratio"),
    }

    assert not _judge(CASELOAD, values, unit=ORG).raised


# --- Family response rate too low to judge -------------------------------------------------

RESPONSE = _default("family-response-rate-low")


def test_response_rate_rule_raised_below_the_threshold() -> None:
    result = _judge(RESPONSE, {(RESPONSE.a, TEAM, Q1): Value(12.5, 5, 40, kind=PCT)})

    assert result.raised
    assert result.text == (
        "In Q1 2025-26, the family survey response rate in North One (12.5%) is too low to "
        "judge what families think."
    )


def test_response_rate_rule_raised_when_too_few_responses_to_show() -> None:
    result = _judge(RESPONSE, {(RESPONSE.a, TEAM, Q1): Value(None, too_few=True)})

    assert result.raised
    assert "(too few responses to show)" in result.text
    assert result.numbers is not None
    assert result.numbers["a"]["numerator"] is None


@pytest.mark.parametrize("rate", [Value(20.0, 8, 40), Value(55.0, 22, 40), Value(None)])
def test_response_rate_rule_not_raised(rate: Value) -> None:
    assert not _judge(RESPONSE, {(RESPONSE.a, TEAM, Q1): rate}).raised


def test_response_rate_rule_not_raised_without_any_figure() -> None:
    assert not _judge(RESPONSE, {}).raised


# --- Wording ---------------------------------------------------------------------------


def test_wording_errors_name_an_unknown_placeholder() -> None:
    assert wording_errors("{unit} is {colour}")[0].startswith("{colour} is not a placeholder")


def test_wording_errors_refuse_attribute_access_and_broken_braces() -> None:
    assert wording_errors("{a.__class__}")
    assert wording_errors("{unit")
    assert wording_errors("{a!r}")
    assert wording_errors("{a:>10}")


def test_wording_render_leaves_broken_wording_as_written() -> None:
    assert wording_render("{a.__class__}", {"a": "x"}) == "{a.__class__}"
    assert wording_render("{unit}: {a}", {"unit": "North", "a": "5.0%"}) == "North: 5.0%"


def test_a_measure_threshold_can_be_a_count() -> None:
    rule = RuleSpec(
        a=Measure("audits", "actions_overdue"),
        a_comparison="ge",
        a_threshold=3,
        wording="{unit} has {a} overdue actions",
    )

    result = _judge(rule, {(rule.a, TEAM, Q1): Value(4, kind="count")})

    assert result.text == "North One has 4 overdue actions"
