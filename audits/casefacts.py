"""What core data says about open cases on a date: the allocated worker and team, the
highest open tier, the dates section A shows, and the weighting factors of the programme.

Read in a fixed number of queries whatever the number of cases (one per record type),
so the monthly draw costs the same few queries for a small or a large authority.
Statutory records appear once per return; the latest return's version of each record is
used (the same record is keyed by child and start date).

Definitions (INDICATORS.md "Plans"):
- tier: the highest open plan on the date, LAC > CP > CIN > EH. LAC is an open care
  episode other than short breaks (V3, V4); CIN an open episode of need not marked NFA;
  EH an open early help episode. A case can be allocated with no open plan (tier None).
- long CP: a CP plan open on the date that started 18 months or more before it.
- re-referral: a referral in the 12 months up to the date made within 12 months of the
  child's previous referral.
- not seen: the latest visit at which the child was seen is older than the tier's
  interval (CP 10, CIN 20 working days after the visit up to the date; LAC 42 days);
  a child on a plan never seen counts as not seen. EH cases have no interval.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db.models import Max, Q

from coredata.indicators.inputs import VisitIntervals
from coredata.models import Allocation, CareEpisode, CPPlan, EarlyHelpEpisode, Referral, Visit

SHORT_BREAKS = frozenset({"V3", "V4"})
TIER_RANK = {"EH": 1, "CIN": 2, "CP": 3, "LAC": 4}


@dataclass(frozen=True)
class CaseFacts:
    child_id: int
    worker_id: int
    team_id: int
    tier: str | None
    referral_date: date | None
    plan_start_date: date | None
    last_visit_date: date | None
    long_cp: bool
    re_referral: bool
    not_seen: bool


def months_before(on: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's end)."""
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    month += 1
    for day in (on.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _latest_return(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Each record once: the version of the latest collection year."""
    best: dict[tuple[int, date], dict[str, Any]] = {}
    for row in rows:
        ident = (row["child_id"], row[key])
        if ident not in best or row["collection_year"] > best[ident]["collection_year"]:
            best[ident] = row
    return list(best.values())


def _open(start: date, end: date | None, on: date) -> bool:
    return start <= on and (end is None or end >= on)


def case_facts_on(
    *,
    organisation_id: int,
    on: date,
    child_ids: list[int] | None = None,
    intervals: VisitIntervals | None = None,
) -> dict[int, CaseFacts]:
    """Every case allocated on `on` (or only `child_ids`), keyed by child pk."""
    intervals = intervals or VisitIntervals()
    allocations = Allocation.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        organisation_id=organisation_id,
        start_date__lte=on,
    )
    if child_ids is not None:
        allocations = allocations.filter(child_id__in=child_ids)
    held: dict[int, dict[str, Any]] = {}
    for row in allocations.order_by("start_date").values(
        "child_id", "worker_id", "team_id", "start_date"
    ):
        held[row["child_id"]] = dict(row)  # the latest start wins if a file overlapped
    if not held:
        return {}

    def records(model: Any, *fields: str) -> dict[int, list[dict[str, Any]]]:
        query = model.objects.filter(organisation_id=organisation_id)
        query = query.filter(child_id__in=list(held)) if child_ids is not None else query
        by_child: dict[int, list[dict[str, Any]]] = defaultdict(list)
        rows = list(query.values("child_id", *fields))
        if "collection_year" in fields:
            rows = _latest_return(rows, fields[0])
        for row in rows:
            if row["child_id"] in held:
                by_child[row["child_id"]].append(row)
        return by_child

    referrals = records(Referral, "referral_date", "nfa", "closure_date", "collection_year")
    cp_plans = records(CPPlan, "start_date", "end_date", "collection_year")
    episodes = records(CareEpisode, "decom", "dec", "legal_status", "collection_year")
    early_help = records(EarlyHelpEpisode, "start_date", "end_date")
    visits_query = Visit.objects.filter(
        organisation_id=organisation_id, seen=True, visit_date__lte=on
    )
    if child_ids is not None:
        visits_query = visits_query.filter(child_id__in=list(held))
    last_seen = dict(
        visits_query.values("child_id")
        .annotate(last=Max("visit_date"))
        .values_list("child_id", "last")
    )

    facts = {}
    year_ago = months_before(on, 12)
    long_cp_start = months_before(on, 18)
    for child_id, allocation in held.items():
        child_referrals = sorted(
            (r for r in referrals.get(child_id, []) if r["referral_date"] <= on),
            key=lambda r: r["referral_date"],
        )
        plans: dict[str, date] = {}
        open_cin = [
            r["referral_date"]
            for r in child_referrals
            if not r["nfa"] and _open(r["referral_date"], r["closure_date"], on)
        ]
        if open_cin:
            plans["CIN"] = min(open_cin)
        open_cp = [
            p["start_date"]
            for p in cp_plans.get(child_id, [])
            if _open(p["start_date"], p["end_date"], on)
        ]
        if open_cp:
            plans["CP"] = min(open_cp)
        care_start = _period_of_care_start(episodes.get(child_id, []), on)
        if care_start is not None:
            plans["LAC"] = care_start
        open_eh = [
            e["start_date"]
            for e in early_help.get(child_id, [])
            if _open(e["start_date"], e["end_date"], on)
        ]
        if open_eh:
            plans["EH"] = min(open_eh)
        tier = max(plans, key=TIER_RANK.__getitem__) if plans else None
        dates = [r["referral_date"] for r in child_referrals]
        re_referral = any(
            later >= year_ago and months_before(later, 12) <= earlier
            for earlier, later in zip(dates, dates[1:], strict=False)
        )
        last_visit = last_seen.get(child_id)
        facts[child_id] = CaseFacts(
            child_id=child_id,
            worker_id=allocation["worker_id"],
            team_id=allocation["team_id"],
            tier=tier,
            referral_date=dates[-1] if dates else None,
            plan_start_date=plans.get(tier) if tier else None,
            last_visit_date=last_visit,
            long_cp="CP" in plans and plans["CP"] <= long_cp_start,
            re_referral=re_referral,
            not_seen=_not_seen(tier, last_visit, on, intervals),
        )
    return facts


def _period_of_care_start(episodes: list[dict[str, Any]], on: date) -> date | None:
    """The start of the period of care open on `on` (episodes chained end to start),
    or None; short breaks only never count."""
    ordered = sorted(episodes, key=lambda e: e["decom"])
    current = next(
        (
            index
            for index, e in enumerate(ordered)
            if _open(e["decom"], e["dec"], on) and e["legal_status"] not in SHORT_BREAKS
        ),
        None,
    )
    if current is None:
        return None
    start = ordered[current]["decom"]
    for previous in reversed(ordered[:current]):
        if previous["dec"] is not None and previous["dec"] >= start - timedelta(days=1):
            start = previous["decom"]
        else:
            break
    return start


def _not_seen(
    tier: str | None, last_visit: date | None, on: date, intervals: VisitIntervals
) -> bool:
    if tier is None or tier == "EH":
        return False
    if last_visit is None:
        return True
    if tier == "LAC":
        return last_visit < on - timedelta(days=intervals.lac_days)
    allowed = intervals.cp_working_days if tier == "CP" else intervals.cin_working_days
    working_days = int(np.busday_count(last_visit + timedelta(days=1), on + timedelta(days=1)))
    return working_days > allowed


def case_context(*, organisation_id: int, child_id: int, on: date) -> dict[str, Any]:
    """Section A for one child on a date (empty values when the case is not allocated)."""
    from organisation.models import StaffMember, Team

    facts = case_facts_on(organisation_id=organisation_id, on=on, child_ids=[child_id]).get(
        child_id
    )
    if facts is None:
        return {
            "tier": None,
            "team": "",
            "worker": "",
            "referral_date": None,
            "plan_start_date": None,
            "last_visit_date": None,
        }
    team = Team.objects.filter(pk=facts.team_id).values_list("name", flat=True).first()
    worker = StaffMember.objects.filter(pk=facts.worker_id).values_list("name", flat=True).first()

    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "tier": facts.tier,
        "team": team or "",
        "worker": worker or "",
        "referral_date": iso(facts.referral_date),
        "plan_start_date": iso(facts.plan_start_date),
        "last_visit_date": iso(facts.last_visit_date),
    }
