"""Editing flag rules: what the services refuse and why, and the pages a QA lead uses."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qa_system.errors import ApplicationError
from qa_system.models import FlagRule
from qa_system.services_flags import flag_rule_create, flag_rule_update, flag_rules_load_defaults
from tests.conftest import World

VALID: dict[str, Any] = {
    "name": "Re-referrals high while audits say assessments are good",
    "description": "",
    "unit_types": ["team", "service"],
    "a_source": "audits",
    "a_code": "section_grade",
    "a_breakdown": "section=B;grade=outstanding|good",
    "a_comparison": "ge",
    "a_threshold": 75,
    "a_min_base": 3,
    "b_condition": "threshold",
    "b_source": "coredata",
    "b_code": "O1",
    "b_breakdown": "",
    "b_comparison": "gt",
    "b_threshold": 25,
    "b_periods": None,
    "b_min_base": 0,
    "wording": "{unit}: assessments graded good ({a}) but re-referrals are {b}.",
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_qa_lead_creates_a_valid_rule(world: World) -> None:
    rule = flag_rule_create(organisation=world.organisation, by=world.qa_lead, **VALID)

    assert rule.organisation == world.organisation
    assert (rule.b_code, rule.b_threshold, rule.updated_by) == ("O1", 25, world.qa_lead)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "Enter a name for the rule."),
        ({"unit_types": []}, "unit_types", "Choose at least one kind of unit the rule looks at."),
        ({"a_code": "Z9", "a_source": "coredata"}, "a_code", "Z9 is not a core data indicator"),
        ({"a_code": "grades"}, "a_code", "grades is not an audit measure"),
        ({"a_threshold": 120}, "a_threshold", "A percentage threshold is between 0 and 100."),
        ({"a_threshold": "lots"}, "a_threshold", "Enter measure A's threshold as a number."),
        ({"a_comparison": "lt_or_too_few"}, "a_comparison", "Only survey figures can have too few"),
        ({"b_threshold": None}, "b_threshold", "Enter measure B's threshold as a number."),
        ({"b_condition": "rising", "b_periods": None}, "b_periods", "Enter over how many periods"),
        ({"b_condition": "rising", "b_periods": 12}, "b_periods", "a whole number from 1 to 8"),
        ({"b_condition": "organisation", "b_comparison": ""}, "b_comparison", "above or below"),
        (
            {"b_condition": "organisation", "unit_types": ["organisation"]},
            "unit_types",
            "A comparison with the organisation needs services",
        ),
        ({"wording": "{unit} is {colour}"}, "wording", "{colour} is not a placeholder"),
        ({"wording": "{unit"}, "wording", "Check the braces"),
        (
            {"b_condition": "none", "wording": "{a} but {b}"},
            "wording",
            "{b} has no value with this second condition.",
        ),
        ({"wording": "from {b_start}"}, "wording", "{b_start} has no value"),
    ],
)
def test_invalid_rules_are_refused_with_the_field_and_reason(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        flag_rule_create(organisation=world.organisation, by=world.qa_lead, **{**VALID, **changes})

    assert refused.value.extra["errors"][field].startswith(message) or (
        message in refused.value.extra["errors"][field]
    )
    assert not FlagRule.objects.exists()


@pytest.mark.parametrize("persona", ["senior_leader", "team_manager", "administrator"])
def test_only_a_qa_lead_changes_rules(world: World, persona: str) -> None:
    with pytest.raises(ApplicationError, match="Only a QA lead"):
        flag_rule_create(organisation=world.organisation, by=getattr(world, persona), **VALID)


def test_a_qa_lead_of_another_organisation_cannot_change_the_rule(world: World) -> None:
    rule = flag_rule_create(organisation=world.organisation, by=world.qa_lead, **VALID)
    from organisation.models import Role
    from tests.factories import person

    their_lead = person(organisation=world.other_organisation, roles=[(Role.QA_LEAD, None)])

    with pytest.raises(ApplicationError, match="Only a QA lead of the organisation"):
        flag_rule_update(rule=rule, by=their_lead, name="Changed")


def test_turning_the_second_condition_off_clears_measure_b(world: World) -> None:
    rule = flag_rule_create(organisation=world.organisation, by=world.qa_lead, **VALID)

    flag_rule_update(rule=rule, by=world.qa_lead, b_condition="none", wording="{unit}: {a}")

    rule.refresh_from_db()
    assert (rule.b_source, rule.b_code, rule.b_threshold) == ("", "", None)


# --- The pages -------------------------------------------------------------------------

FORM = {
    **VALID,
    "a_threshold": "75",
    "b_threshold": "25",
    "b_periods": "",
    "a_min_base": "3",
    "b_min_base": "0",
}


def test_the_rule_form_shows_each_problem_beside_its_field(world: World) -> None:
    response = _client(world.qa_lead).post(
        reverse("qa:rule_create"), {**FORM, "a_threshold": "150", "wording": "{colour}"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "A percentage threshold is between 0 and 100." in content
    assert "{colour} is not a placeholder" in content
    assert not FlagRule.objects.exists()


def test_a_qa_lead_adds_a_rule_in_the_app(world: World) -> None:
    response = _client(world.qa_lead).post(reverse("qa:rule_create"), FORM)

    assert response.status_code == 302
    rule = FlagRule.objects.get()
    assert (rule.name, rule.unit_types, rule.a_threshold) == (
        VALID["name"],
        ["team", "service"],
        75,
    )


def test_a_qa_lead_edits_and_turns_off_a_default_rule(world: World) -> None:
    rule = flag_rules_load_defaults(organisation=world.organisation)[0]
    client = _client(world.qa_lead)
    page = client.get(reverse("qa:rule_edit", args=[rule.pk]))
    assert 'value="section_grade"' in page.content.decode()

    form = {**page.context["form"].initial, "a_threshold": "80"}
    form = {k: ("" if v is None else v) for k, v in form.items()}
    edited = client.post(reverse("qa:rule_edit", args=[rule.pk]), form)
    toggled = client.post(reverse("qa:rule_toggle", args=[rule.pk]))

    rule.refresh_from_db()
    assert (edited.status_code, toggled.status_code) == (302, 302)
    assert (rule.a_threshold, rule.active) == (80, False)


def test_the_rule_list_shows_rules_and_editing_only_to_a_qa_lead(world: World) -> None:
    flag_rules_load_defaults(organisation=world.organisation)

    as_lead = _client(world.qa_lead).get(reverse("qa:rule_list")).content.decode()
    as_leader = _client(world.senior_leader).get(reverse("qa:rule_list")).content.decode()

    assert "Family response rate too low to judge" in as_lead
    assert "Family response rate too low to judge" in as_leader
    assert "Add a rule" in as_lead
    assert "Add a rule" not in as_leader
