"""The obvious way to compute an indicator without the engine: for each unit and period,
a Django ORM query. A1 and P1 only, for `make bench` to time against the engine.

A1: the referrals dated in the period whose child the unit held that day (distinct
child and referral date, since each return stores its own copy of a referral). P1: the
children with a plan of each tier open at R whom the unit held at R, each in their
highest tier. Stored returns are read as they are, so an episode or plan counts as
closed by R if any return closed it by then; a child's current 903 episode is their
latest one started by R (short breaks: its legal status V3/V4). Close to the engine's
rules, not the same in every corner: it is timed, and its figures compared with the
engine's on the cells it computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from coredata.models import Allocation, CareEpisode, CPPlan, EarlyHelpEpisode, Referral
from organisation.models import Organisation, Service, StaffMember, Team


@dataclass(frozen=True)
class Unit:
    unit_type: str  # organisation, service, team, practitioner, unallocated
    unit_code: str
    pk: int | None  # the Service, Team or StaffMember


def units_of(organisation: Organisation) -> list[Unit]:
    """Every unit: the organisation, the Unallocated bucket, services, teams, then the
    practitioners holding any allocation."""
    la = organisation.la_code
    units = [Unit("organisation", la, None), Unit("unallocated", la, None)]
    units += [
        Unit("service", s.code, s.pk)
        for s in Service.objects.filter(organisation=organisation).order_by("code")
    ]
    units += [
        Unit("team", t.code, t.pk)
        for t in Team.objects.filter(organisation=organisation).order_by("code")
    ]
    workers = Allocation.objects.filter(organisation=organisation).values("worker")
    units += [
        Unit("practitioner", s.worker_id, s.pk)
        for s in StaffMember.objects.filter(pk__in=workers).order_by("worker_id")
    ]
    return units


def _held(unit: Unit, on: date | OuterRef, first: date, last: date) -> Q:
    """Rows whose child the unit held on `on` (a date, or a reference to the row's date
    between `first` and `last`): the unit's children in those dates first, then the
    allocation holding the child that day."""
    covering = Allocation.objects.filter(child=OuterRef("child"), start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    if unit.unit_type == "organisation":
        return Q()
    if unit.unit_type == "unallocated":
        return ~Q(Exists(covering))
    field = {"service": "team__service", "team": "team", "practitioner": "worker"}[unit.unit_type]
    children = Allocation.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last, **{field: unit.pk}
    ).values("child")
    return Q(child__in=children) & Q(Exists(covering.filter(**{field: unit.pk})))


def a1_referrals(organisation: Organisation, unit: Unit, start: date, end: date) -> int:
    """Referrals dated in [start, end] whose child the unit held on the referral date."""
    rows = Referral.objects.filter(organisation=organisation, referral_date__range=(start, end))
    rows = rows.filter(_held(unit, OuterRef("referral_date"), start, end))
    return rows.values("child", "referral_date").distinct().count()


def _open_at(rows: QuerySet, start: str, end: str, r: date) -> QuerySet:
    """Rows started on or before R and not ended on or before R by any return."""
    model = rows.model
    closed = model.objects.filter(
        child=OuterRef("child"), **{start: OuterRef(start), f"{end}__lte": r}
    )
    return rows.filter(**{f"{start}__lte": r}).exclude(**{f"{end}__lte": r}).exclude(Exists(closed))


def p1_children_by_tier(organisation: Organisation, unit: Unit, r: date) -> dict[str, int]:
    """Children the unit held at R with a plan open at R, by highest tier (and total,
    CIN_DFE)."""
    org = {"organisation": organisation}
    held = _held(unit, r, r, r)
    later = CareEpisode.objects.filter(child=OuterRef("child"), decom__gt=OuterRef("decom"),
                                       decom__lte=r)  # fmt: skip
    tiers = {
        "LAC": _open_at(CareEpisode.objects.filter(**org), "decom", "dec", r)
        .exclude(legal_status__in=("V3", "V4"))
        .exclude(Exists(later)),
        "CP": _open_at(CPPlan.objects.filter(**org), "start_date", "end_date", r),
        "CIN": _open_at(
            Referral.objects.filter(**org, nfa=False), "referral_date", "closure_date", r
        ),
        "EH": _open_at(EarlyHelpEpisode.objects.filter(**org), "start_date", "end_date", r),
    }
    counted: set[int] = set()
    counts: dict[str, int] = {}
    for tier, rows in tiers.items():  # highest first: a child counts in one tier only
        children = set(rows.filter(held).values_list("child", flat=True)) - counted
        counts[tier] = len(children)
        counted |= children
    counts["total"] = len(counted)
    counts["CIN_DFE"] = counts["LAC"] + counts["CP"] + counts["CIN"]
    return counts
