"""Flags and flag rules: what each user may see (qa_system/FLAGS_INTERFACE.md).

A flag is aggregate data about one unit; whoever may see the unit's QA page may see its
flags: whole-organisation roles every unit; service managers their services, the teams
in them and the practitioners currently in those teams; team managers their teams and
practitioners; managers also the organisation unit (as on the core data pages); everyone
their own practitioner unit. Rules are the organisation's settings: whole-organisation
roles read them, QA leads change them; another organisation's rule does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from coredata.indicator_display import Period
from coredata.indicators.periods import QUARTER
from organisation.models import Role, Team
from organisation.selectors import UserScope, staff_list_for_user, user_scope
from qa_system.flags import AUDITS, COREDATA, SURVEYS
from qa_system.models import Flag, FlagRule

SOURCE_NAMES = {COREDATA: "Core data", AUDITS: "Audits", SURVEYS: "Surveys"}
UNIT_PAGES = {
    "organisation": "qa:unit_organisation",
    "service": "qa:unit_service",
    "team": "qa:unit_team",
    "practitioner": "qa:unit_practitioner",
}
CORE_DATA_PAGES = {
    "organisation": "coredata:indicators_organisation",
    "service": "coredata:indicators_service",
    "team": "coredata:indicators_team",
    "practitioner": "coredata:indicators_practitioner",
}


def _manages(scope: UserScope) -> bool:
    return bool(scope.managed_team_ids or scope.managed_service_ids)


def _visible_units(*, user: Any, scope: UserScope) -> Q:
    """The units whose flags the user may see, as a filter on Flag (one query)."""
    own = Q(unit_type="practitioner", unit_id=scope.staff_id) if scope.staff_id else Q(pk=None)
    if not _manages(scope):
        return own
    teams = Team.objects.filter(
        Q(pk__in=scope.managed_team_ids) | Q(service_id__in=scope.managed_service_ids)
    ).values("pk")
    return (
        own
        | Q(unit_type="organisation", unit_id=scope.organisation_id)
        | Q(unit_type="service", unit_id__in=scope.managed_service_ids)
        | Q(unit_type="team", unit_id__in=teams)
        | Q(unit_type="practitioner", unit_id__in=staff_list_for_user(user=user).values("pk"))
    )


def flag_list_for_user(*, user: Any) -> QuerySet[Flag]:
    """Every flag the user may see, newest quarter first, with its rule."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return Flag.objects.none()
    flags = Flag.objects.filter(organisation_id=scope.organisation_id).select_related("rule")
    if scope.sees_whole_organisation:
        return flags
    return flags.filter(_visible_units(user=user, scope=scope))


def flag_list_for_unit(
    *,
    user: Any,
    unit_type: str,
    unit_id: int,
    period_start: date | None = None,
    period_end: date | None = None,
) -> QuerySet[Flag]:
    """The flags of one unit the user may see (none if they may not see the unit),
    those whose quarter overlaps the period when one is given."""
    flags = flag_list_for_user(user=user).filter(unit_type=unit_type, unit_id=unit_id)
    if period_start is not None and period_end is not None:
        flags = flags.filter(period_start__lte=period_end, period_end__gte=period_start)
    return flags


def flag_get_for_user(*, user: Any, pk: int) -> Flag:
    return get_object_or_404(flag_list_for_user(user=user), pk=pk)


def flag_periods_for_user(*, user: Any) -> list[tuple[date, date]]:
    """The quarters the user's flags are in, latest first (for the period picker)."""
    return list(
        flag_list_for_user(user=user)
        .order_by("-period_start")
        .values_list("period_start", "period_end")
        .distinct()
    )


# --- Rules ----------------------------------------------------------------------------


def flag_rule_list_for_user(*, user: Any) -> QuerySet[FlagRule]:
    """The organisation's rules (every member's organisation; nobody else's)."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return FlagRule.objects.none()
    return FlagRule.objects.filter(organisation_id=scope.organisation_id)


def flag_rule_get_for_user(*, user: Any, pk: int) -> FlagRule:
    return get_object_or_404(flag_rule_list_for_user(user=user), pk=pk)


def flag_rules_readable(*, user: Any) -> bool:
    """Whole-organisation roles read the rules (QA leads, senior leaders, administrators)."""
    return user_scope(user=user).sees_whole_organisation


def flag_rules_editable(*, user: Any) -> bool:
    return user_scope(user=user).has_role(Role.QA_LEAD)


# --- The numbers behind a flag ----------------------------------------------------------


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class MeasureRow:
    """One measure behind a flag, as its page shows it."""

    letter: str
    label: str
    source: str
    text: str
    of_text: str
    condition: str
    too_few: bool
    links: list[Link]
    series: list[dict[str, Any]] = field(default_factory=list)
    organisation_text: str = ""


@dataclass(frozen=True)
class FlagDetail:
    flag: Flag
    measures: list[MeasureRow]
    unit_link: Link | None


def _period_key(flag: Flag) -> str:
    kind = QUARTER if flag.period_type == "quarter" else flag.period_type
    return Period(kind, flag.period_start, flag.period_end).key


def _url(name: str, unit_type: str, unit_id: int, period_key: str) -> str | None:
    try:
        url = reverse(name) if unit_type == "organisation" else reverse(name, args=[unit_id])
    except NoReverseMatch:  # the unit pages are not installed
        return None
    return f"{url}?{urlencode({'period': period_key})}"


def _of_text(numbers: dict[str, Any]) -> str:
    numerator, denominator = numbers.get("numerator"), numbers.get("denominator")
    if numbers.get("kind") != "pct" or numerator is None or denominator is None:
        return ""
    return f"{numerator:,.0f} of {denominator:,.0f}"


def flag_detail(*, user: Any, flag: Flag) -> FlagDetail:
    """The numbers behind a flag the user may see, each linked to the page it comes
    from: the unit's QA page, and its core data page for a core data measure (the
    organisation's too, when the rule compares with it and the user may open it)."""
    scope = user_scope(user=user)
    key = _period_key(flag)
    qa_url = _url(UNIT_PAGES[flag.unit_type], flag.unit_type, flag.unit_id, key)
    core_url = _url(CORE_DATA_PAGES[flag.unit_type], flag.unit_type, flag.unit_id, key)
    sees_organisation = scope.sees_whole_organisation or _manages(scope)
    measures = []
    for letter in ("a", "b"):
        numbers = flag.numbers.get(letter)
        if not numbers:
            continue
        links = []
        if qa_url:
            links.append(Link(f"{flag.unit_name}: quality page", qa_url))
        if numbers.get("source") == COREDATA and core_url:
            links.append(Link(f"{flag.unit_name}: core data", core_url))
        organisation = numbers.get("organisation") or {}
        if organisation and sees_organisation:
            page = UNIT_PAGES if numbers.get("source") != COREDATA else CORE_DATA_PAGES
            org_url = _url(page["organisation"], "organisation", flag.organisation_id, key)
            if org_url:
                links.append(Link("The organisation's figures", org_url))
        measures.append(
            MeasureRow(
                letter=letter.upper(),
                label=numbers.get("label", ""),
                source=SOURCE_NAMES.get(numbers.get("source", ""), ""),
                text=numbers.get("text", ""),
                of_text=_of_text(numbers),
                condition=numbers.get("condition", ""),
                too_few=bool(numbers.get("too_few")),
                links=links,
                series=[
                    {**point, "of_text": _of_text(point)} for point in numbers.get("series", [])
                ],
                organisation_text=organisation.get("text", ""),
            )
        )
    return FlagDetail(
        flag=flag,
        measures=measures,
        unit_link=Link(flag.unit_name, qa_url) if qa_url else None,
    )
