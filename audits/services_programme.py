"""Writing the audit programme and drawing its monthly sample.

Creating one audit (and the default auditor, the follow-up of an inadequate audit) is in
`audits.services_creation`; `audit_create`, `audit_followup_schedule` and
`default_auditor` are imported here too, so either module may be named.
"""

import secrets
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from audits.casefacts import CaseFacts, case_facts_on
from audits.models import (
    OPEN_STATES,
    Audit,
    AuditProgramme,
    AuditSettings,
    AuditTool,
    SampleDraw,
    Tier,
)
from audits.policy import refuse_qa_lead
from audits.sampling import Candidate, Pick, candidate_weight, draw_sample
from audits.selectors import audit_settings_for
from audits.selectors_work import tool_version_current
from audits.services_creation import (
    audit_create,
    audit_followup_schedule,
    default_auditor,
    first_of_month,
)
from coredata.models import Child
from organisation.models import Organisation, StaffMember, Team
from qa_system.errors import ApplicationError


def _require_qa_lead(by: Any, organisation_id: int, doing: str) -> None:
    if reason := refuse_qa_lead(by, organisation_id, doing):
        raise ApplicationError(reason)


def audit_settings_update(
    *,
    organisation: Organisation,
    by: Any,
    follow_up_weeks: int | None = None,
    moderation_percent: int | None = None,
    reminder_days: int | None = None,
) -> AuditSettings:
    _require_qa_lead(by, organisation.pk, "change the audit settings")
    settings = audit_settings_for(organisation_id=organisation.pk)
    if follow_up_weeks is not None:
        if not 1 <= follow_up_weeks <= 52:
            raise ApplicationError("A follow-up is due within 1 to 52 weeks.")
        settings.follow_up_weeks = follow_up_weeks
    if moderation_percent is not None:
        if not 0 <= moderation_percent <= 100:
            raise ApplicationError("The moderation share is a percentage from 0 to 100.")
        settings.moderation_percent = moderation_percent
    if reminder_days is not None:
        if not 0 <= reminder_days <= 30:
            raise ApplicationError("Reminders are sent 0 to 30 days before the due date.")
        settings.reminder_days = reminder_days
    settings.save()
    return settings


# --- The programme --------------------------------------------------------------------

PROGRAMME_FIELDS = (
    "name",
    "tool",
    "unit",
    "audits_per_unit",
    "tiers",
    "weight_long_cp",
    "weight_re_referral",
    "weight_not_seen",
    "is_thematic",
    "theme",
    "deadline_days",
    "active",
)


def _programme_clean(organisation_id: int, values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    if "name" in clean:
        clean["name"] = str(clean["name"]).strip()
        if not clean["name"]:
            raise ApplicationError("Give the programme a name.")
    tool = clean.get("tool")
    if tool is not None:
        if not isinstance(tool, AuditTool) or tool.organisation_id != organisation_id:
            raise ApplicationError("Choose one of your organisation's audit tools.")
        if tool_version_current(tool=tool) is None:
            raise ApplicationError("That tool has no published version yet. Publish it first.")
    if "unit" in clean and clean["unit"] not in AuditProgramme.Unit.values:
        raise ApplicationError("Choose audits per team or per practitioner.")
    if "audits_per_unit" in clean and not 1 <= int(clean["audits_per_unit"]) <= 50:
        raise ApplicationError("The number of audits each month is from 1 to 50.")
    if "deadline_days" in clean and not 1 <= int(clean["deadline_days"]) <= 180:
        raise ApplicationError("The deadline is from 1 to 180 days.")
    if "tiers" in clean:
        tiers = list(clean["tiers"] or [])
        unknown = [t for t in tiers if t not in Tier.values]
        if unknown:
            raise ApplicationError(f"Unknown tier: {', '.join(map(str, unknown))}.")
        clean["tiers"] = [t for t in Tier.values if t in tiers]
    for weight in ("weight_long_cp", "weight_re_referral", "weight_not_seen"):
        if weight in clean and not 0 <= int(clean[weight]) <= 10:
            raise ApplicationError("A weight is from 0 (off) to 10.")
    return clean


def _programme_relations(
    programme: AuditProgramme, team_ids: Iterable[int] | None, child_ids: Iterable[int] | None
) -> None:
    if team_ids is not None:
        team_ids = list(team_ids)
        teams = list(
            Team.objects.filter(organisation_id=programme.organisation_id, pk__in=team_ids)
        )
        if len(teams) != len(set(team_ids)):
            raise ApplicationError("Choose teams of your own organisation.")
        programme.teams.set(teams)
    if child_ids is not None:
        child_ids = list(child_ids)
        children = list(
            Child.objects.filter(organisation_id=programme.organisation_id, pk__in=child_ids)
        )
        if len(children) != len(set(child_ids)):
            raise ApplicationError("Choose children of your own organisation.")
        programme.thematic_children.set(children)
    if programme.is_thematic and not programme.thematic_children.exists():
        raise ApplicationError("A thematic programme needs the cases it audits.")


def programme_create(
    *,
    organisation: Organisation,
    by: Any,
    name: str,
    tool: AuditTool,
    unit: str = AuditProgramme.Unit.TEAM,
    audits_per_unit: int = 1,
    tiers: Iterable[str] = (),
    team_ids: Iterable[int] = (),
    weight_long_cp: int = 0,
    weight_re_referral: int = 0,
    weight_not_seen: int = 0,
    is_thematic: bool = False,
    theme: str = "",
    thematic_child_ids: Iterable[int] = (),
    deadline_days: int = 28,
    active: bool = True,
) -> AuditProgramme:
    """A QA lead sets up a programme (drawn on the first of each month while active)."""
    _require_qa_lead(by, organisation.pk, "set the audit programme")
    clean = _programme_clean(
        organisation.pk,
        {
            "name": name,
            "tool": tool,
            "unit": unit,
            "audits_per_unit": audits_per_unit,
            "tiers": list(tiers),
            "weight_long_cp": weight_long_cp,
            "weight_re_referral": weight_re_referral,
            "weight_not_seen": weight_not_seen,
            "is_thematic": is_thematic,
            "theme": theme.strip(),
            "deadline_days": deadline_days,
            "active": active,
        },
    )
    if AuditProgramme.objects.filter(organisation=organisation, name=clean["name"]).exists():
        raise ApplicationError(f"There is already a programme called {clean['name']}.")
    with transaction.atomic():
        programme = AuditProgramme.objects.create(organisation=organisation, created_by=by, **clean)
        _programme_relations(programme, team_ids, thematic_child_ids)
    return programme


def programme_update(
    *,
    programme: AuditProgramme,
    by: Any,
    team_ids: Iterable[int] | None = None,
    thematic_child_ids: Iterable[int] | None = None,
    **changes: Any,
) -> AuditProgramme:
    """Change a programme (the next draw uses the change; past draws stay as they were)."""
    _require_qa_lead(by, programme.organisation_id, "change the audit programme")
    unknown = set(changes) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown programme field: {', '.join(sorted(unknown))}.")
    clean = _programme_clean(programme.organisation_id, changes)
    if "name" in clean:
        clash = AuditProgramme.objects.filter(
            organisation_id=programme.organisation_id, name=clean["name"]
        ).exclude(pk=programme.pk)
        if clash.exists():
            raise ApplicationError(f"There is already a programme called {clean['name']}.")
    with transaction.atomic():
        for name, value in clean.items():
            setattr(programme, name, value)
        programme.save()
        _programme_relations(programme, team_ids, thematic_child_ids)
    return programme


# --- Drawing the sample ---------------------------------------------------------------


def _eligible(programme: AuditProgramme, on: date) -> list[CaseFacts]:
    """Cases open on `on` that the programme may draw (see AuditProgramme)."""
    child_ids = (
        list(programme.thematic_children.values_list("pk", flat=True))
        if programme.is_thematic
        else None
    )
    facts = case_facts_on(organisation_id=programme.organisation_id, on=on, child_ids=child_ids)
    team_ids = set(programme.teams.values_list("pk", flat=True))
    tiers = set(programme.tiers or [])
    under_audit = set(
        Audit.objects.filter(
            organisation_id=programme.organisation_id, state__in=OPEN_STATES
        ).values_list("child_id", flat=True)
    )
    return [
        fact
        for fact in facts.values()
        if (not team_ids or fact.team_id in team_ids)
        and (not tiers or fact.tier in tiers)
        and fact.child_id not in under_audit
    ]


def _candidates(programme: AuditProgramme, eligible: list[CaseFacts]) -> list[Candidate]:
    weights = (programme.weight_long_cp, programme.weight_re_referral, programme.weight_not_seen)
    return [
        Candidate(
            child_id=fact.child_id,
            worker_id=fact.worker_id,
            team_id=fact.team_id,
            weight=candidate_weight(
                long_cp=fact.long_cp,
                re_referral=fact.re_referral,
                not_seen=fact.not_seen,
                weights=weights,
            ),
        )
        for fact in eligible
    ]


def programme_preview(*, programme: AuditProgramme, month: date, seed: int) -> list[Pick]:
    """What a draw for `month` with `seed` selects on the data loaded now (no writes)."""
    eligible = _eligible(programme, first_of_month(month))
    return draw_sample(
        _candidates(programme, eligible),
        unit=programme.unit,
        per_unit=programme.audits_per_unit,
        seed=seed,
    )


def programme_draw(
    *, programme: AuditProgramme, month: date, by: Any = None, seed: int | None = None
) -> SampleDraw:
    """Draw a month's sample and create its audits (planned), notifying the practitioner
    and auditor of each. Idempotent per programme and month: a second call returns the
    first draw unchanged. `by` None is the monthly job; otherwise a QA lead."""
    if by is not None:
        _require_qa_lead(by, programme.organisation_id, "draw the audit sample")
    month = first_of_month(month)
    existing = SampleDraw.objects.filter(programme=programme, month=month).first()
    if existing is not None:
        return existing
    if not programme.active:
        raise ApplicationError("This programme is paused. Make it active to draw a sample.")
    version = tool_version_current(tool=programme.tool)
    if version is None:
        raise ApplicationError("The programme's tool has no published version.")
    seed = seed if seed is not None else secrets.randbelow(2**62)
    eligible = _eligible(programme, month)
    picks = draw_sample(
        _candidates(programme, eligible),
        unit=programme.unit,
        per_unit=programme.audits_per_unit,
        seed=seed,
    )
    try:
        with transaction.atomic():
            draw = SampleDraw.objects.create(
                programme=programme,
                month=month,
                seed=seed,
                drawn_by=by,
                eligible_count=len(eligible),
            )
            shortfalls = _shortfalls(programme, eligible, picks)
            kind = Audit.Kind.THEMATIC if programme.is_thematic else Audit.Kind.PROGRAMME
            staff = StaffMember.objects.in_bulk([p.worker_id for p in picks])
            teams = Team.objects.in_bulk([p.team_id for p in picks])
            children = Child.objects.in_bulk([p.child_id for p in picks])
            created = 0
            for pick in picks:
                practitioner, team = staff[pick.worker_id], teams[pick.team_id]
                auditor = default_auditor(team=team, practitioner=practitioner)
                if auditor is None:
                    shortfalls.append(f"{team.name}: no one other than the practitioner to audit")
                    continue
                audit_create(
                    child=children[pick.child_id],
                    by=None,
                    kind=kind,
                    tool_version=version,
                    practitioner=practitioner,
                    team=team,
                    auditor=auditor,
                    due_date=month + timedelta(days=programme.deadline_days),
                    programme=programme,
                    draw=draw,
                    on=month,
                )
                created += 1
            draw.selected_count = created
            draw.shortfalls = shortfalls
            draw.save(update_fields=["selected_count", "shortfalls"])
    except IntegrityError:
        # Another worker drew the same month at the same moment: theirs stands.
        return SampleDraw.objects.get(programme=programme, month=month)
    return draw


def _shortfalls(
    programme: AuditProgramme, eligible: list[CaseFacts], picks: list[Pick]
) -> list[str]:
    if programme.unit != AuditProgramme.Unit.TEAM or programme.is_thematic:
        return []
    teams = list(programme.teams.all()) or list(
        Team.objects.filter(organisation_id=programme.organisation_id)
    )
    drawn = Counter(p.team_id for p in picks)
    available = Counter(f.team_id for f in eligible)
    return [
        f"{team.name}: {drawn[team.pk]} of {programme.audits_per_unit} "
        f"({available[team.pk]} eligible)"
        for team in teams
        if drawn[team.pk] < programme.audits_per_unit
    ]


__all__ = [
    "audit_create",
    "audit_followup_schedule",
    "audit_settings_update",
    "default_auditor",
    "first_of_month",
    "programme_create",
    "programme_draw",
    "programme_preview",
    "programme_update",
]
