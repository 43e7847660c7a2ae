"""My core data: a practitioner's own caseload figures and the children allocated to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from coredata.indicator_display import (
    COUNT,
    PCT,
    ROWS,
    TIERS,
    Figure,
    Period,
    breakdown_label,
    latest_twelve_months,
    period_groups,
    period_list,
)
from coredata.models import Allocation, Visit
from coredata.selectors import refresh_current, unit_results_frame
from coredata.selectors_indicators import (
    RefreshState,
    ResultsLookup,
    period_choose,
    refresh_state_for,
    unit_for_staff,
)
from organisation.models import StaffMember
from organisation.selectors import user_scope


@dataclass(frozen=True)
class TierFigures:
    tier: str
    label: str
    figures: list[Figure]


@dataclass(frozen=True)
class Caseload:
    """A practitioner's own figures (their practitioner unit's results): children by tier,
    plans open a long time, children not seen within their plan's interval, re-referrals."""

    refresh: RefreshState
    period: Period | None
    period_groups: list[tuple[str, list[Period]]]
    period_not_found: bool
    tiers: list[TierFigures] = field(default_factory=list)
    open_plans: list[TierFigures] = field(default_factory=list)
    not_seen: list[TierFigures] = field(default_factory=list)
    re_referrals: Figure = Figure(PCT, None)


def caseload_for_staff(
    *, organisation_id: int, staff: StaffMember, period_key: str | None
) -> Caseload:
    """The caseload figures of a practitioner (the caller may see `staff`) for a period
    (default: the 12 months to the latest month end: the caseload at the latest date in
    the data, re-referrals over a whole year). From P1, P2 (open), P4 and O1."""
    run = refresh_current(organisation_id=organisation_id)
    refresh = refresh_state_for(organisation_id=organisation_id, run=run)
    periods = period_list(run.first_month_end, run.last_month_end) if run else []
    chosen, not_found = period_choose(periods, period_key, latest_twelve_months)
    groups = period_groups(periods)
    if run is None or chosen is None:
        return Caseload(refresh, chosen, groups, not_found)
    unit = unit_for_staff(staff)
    results = ResultsLookup(
        unit_results_frame(run=run, unit_type=unit.unit_type, unit_code=unit.unit_code), [chosen]
    )

    def label(tier: str) -> str:
        return breakdown_label(f"tier={tier}", name="")

    tiers = [
        TierFigures(t, label(t), [results.figure("P1", f"tier={t}", COUNT, chosen)])
        for t in (*TIERS, "total")
    ]
    open_plans = [
        TierFigures(
            t,
            label(t),
            [
                results.figure("P2", f"tier={t};view=open;min={m}", PCT, chosen)
                for m in ("6m", "1y", "2y")
            ],
        )
        for t in TIERS
    ]
    not_seen = []
    for t in ROWS["P4"]:
        seen = results.figure("P4", t, PCT, chosen)
        unseen = (
            Figure(COUNT, seen.denominator - seen.numerator)
            if seen.denominator is not None and seen.numerator is not None
            else Figure(COUNT, None)
        )
        tier = t.removeprefix("tier=")
        not_seen.append(TierFigures(tier, label(tier), [unseen, seen]))
    return Caseload(
        refresh,
        chosen,
        groups,
        not_found,
        tiers=tiers,
        open_plans=open_plans,
        not_seen=not_seen,
        re_referrals=results.figure("O1", "", PCT, chosen),
    )


def allocation_list_current_for_user(*, user: Any, on: date | None = None) -> QuerySet[Allocation]:
    """The children allocated to the user now: their own open allocations only (managers
    see aggregates, never another worker's list), each annotated `last_seen`, the date
    of the latest visit at which the child was seen."""
    scope = user_scope(user=user)
    if scope.staff_id is None or scope.organisation_id is None:
        return Allocation.objects.none()
    on = on or timezone.localdate()
    last_seen = (
        Visit.objects.filter(child=OuterRef("child"), seen=True, visit_date__lte=on)
        .order_by("-visit_date")
        .values("visit_date")[:1]
    )
    return (
        Allocation.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on),
            organisation_id=scope.organisation_id,
            worker_id=scope.staff_id,
            start_date__lte=on,
        )
        .select_related("child", "team")
        .annotate(last_seen=Subquery(last_seen))
        .order_by("start_date", "pk")
    )
