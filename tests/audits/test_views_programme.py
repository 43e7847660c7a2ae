"""The QA lead's programme pages: setting the programme, the draws with their seeds, and
drawing this month now (idempotent)."""

from django.utils import timezone

from audits.models import Audit, AuditProgramme, SampleDraw
from audits.services_tools import tool_default_load
from tests.audits.factories import case
from tests.audits.pages import error_summary, signed_in, text

PROGRAMME = {
    "name": "Monthly audits", "unit": "team", "audits_per_unit": "1", "tiers": ["CP", "CIN"],
    "weight_long_cp": "2", "weight_re_referral": "0", "weight_not_seen": "1",
    "deadline_days": "21", "active": "on", "theme": "", "thematic_cases": "",
}  # fmt: skip


def test_the_qa_lead_sets_the_programme(world):
    tool = tool_default_load(organisation=world.organisation)

    response = signed_in(world.qa_lead).post(
        "/audits/programme/new/", {**PROGRAMME, "tool": tool.pk, "teams": [world.team.pk]}
    )

    programme = AuditProgramme.objects.get()
    assert response["Location"] == f"/audits/programme/{programme.pk}/"
    assert programme.tiers == ["CIN", "CP"]
    assert (programme.weight_long_cp, programme.weight_not_seen, programme.deadline_days) == (
        2,
        1,
        21,
    )
    assert list(programme.teams.all()) == [world.team]


def test_a_thematic_case_that_does_not_exist_is_named_by_its_line(world):
    tool = tool_default_load(organisation=world.organisation)
    child = case(worker=world.practitioner, team=world.team)

    response = signed_in(world.qa_lead).post(
        "/audits/programme/new/",
        {**PROGRAMME, "tool": tool.pk, "is_thematic": "on", "theme": "Neglect",
         "thematic_cases": f"{child.pseudonym}\nNOPE"},
    )  # fmt: skip

    assert error_summary(response) == [
        "No case of your organisation has the ID or reference on line 2. Check it and try again."
    ]
    assert AuditProgramme.objects.count() == 0


def test_drawing_this_month_assigns_audits_once_and_shows_the_seed(world):
    tool = tool_default_load(organisation=world.organisation)
    case(worker=world.practitioner, team=world.team)
    programme = AuditProgramme.objects.create(
        organisation=world.organisation, name="Monthly", tool=tool
    )
    client = signed_in(world.qa_lead)

    first = client.post(f"/audits/programme/{programme.pk}/draw/", follow=True)
    second = client.post(f"/audits/programme/{programme.pk}/draw/", follow=True)

    draw = SampleDraw.objects.get()
    assert draw.month == timezone.localdate().replace(day=1)
    assert Audit.objects.filter(draw=draw).count() == draw.selected_count == 1
    assert "1 audit assigned from 1 eligible cases" in text(first)
    assert "was already drawn" in text(second)
    assert str(draw.seed) in text(second)


def test_the_settings_are_saved(world):
    response = signed_in(world.qa_lead).post(
        "/audits/settings/",
        {"follow_up_weeks": "4", "moderation_percent": "20", "reminder_days": "5"},
    )

    assert response.status_code == 302
    page = text(signed_in(world.qa_lead).get("/audits/programme/"))
    assert "20% of completed audits, and every inadequate one" in page
    assert "Within 4 weeks" in page
