"""The children behind a number on a core data page: who may list them, and the list.

Who may list a unit's children (DESIGN.md "Visibility": practitioners see their own
children, team managers their teams', service managers their services'):

- a practitioner: their own practitioner unit;
- a team manager: their teams, and the practitioners currently in them;
- a service manager: their services, the teams in them and those teams' practitioners.

Nobody lists the organisation's children or the unallocated bucket's; QA leads and
senior leaders see aggregates, data officers imports. Callers first fetch the unit
through the organisation's visibility selectors (outside them it does not exist: 404);
a unit someone sees but may not list is refused (403).

The list is worked out on demand, by the engine's own functions
(`coredata.indicators.members`) on the records loaded now, at the period's end.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pandas as pd

from coredata.frames import engine_inputs_for
from coredata.indicator_display import (
    TIERS,
    VALUE_LABELS,
    Figure,
    Period,
    breakdown_label,
    breakdown_parts,
    latest_quarter,
    measure_kind,
    period_list,
)
from coredata.indicators.inputs import CHILD_ID, WORKER_ID
from coredata.indicators.members import SHARES, members
from coredata.indicators.registry import INDICATORS
from coredata.indicators.units import PRACTITIONER
from coredata.models import Child
from coredata.selectors import refresh_current, unit_results_frame
from coredata.selectors_indicators import ResultsLookup, Unit, period_choose
from organisation.models import Organisation, Role, Service, StaffMember, Team
from organisation.selectors import UserScope

TIER_NAMES = VALUE_LABELS["tier"]


# --- Who may list ---------------------------------------------------------------------


def service_children_listable(*, scope: UserScope, service: Service) -> bool:
    """A service's children: its service managers."""
    return service.pk in scope.managed_service_ids


def team_children_listable(*, scope: UserScope, team: Team) -> bool:
    """A team's children: its team managers and its service's managers."""
    return team.pk in scope.managed_team_ids or team.service_id in scope.managed_service_ids


def staff_children_listable(
    *, scope: UserScope, staff: StaffMember, current_team: Team | None
) -> bool:
    """A practitioner's children: the practitioner themself, and the managers of the team
    they are in now (`current_team`: organisation.selectors.staff_current_team)."""
    if staff.pk == scope.staff_id and scope.has_role(Role.PRACTITIONER):
        return True
    return current_team is not None and team_children_listable(scope=scope, team=current_team)


# --- The list -------------------------------------------------------------------------


@dataclass(frozen=True)
class ListSpec:
    """What a list shows besides the child: the date column, and for a percentage the
    column saying whether the child is in the numerator."""

    noun: str  # what a row is: "children", or "plans" for P2
    since_label: str
    counted_label: str = ""
    tier_label: str = "Highest open plan"
    shows_last_seen: bool = False
    shows_placements: bool = False


SPECS: dict[str, ListSpec] = {
    "P1": ListSpec("children", "Plan started"),
    "P2": ListSpec("plans", "Plan started", "Open long enough", tier_label="Plan"),
    "P4": ListSpec("children", "Plan started", "Seen in time", shows_last_seen=True),
    "O2": ListSpec("children", "In care since", "3 or more placements", shows_placements=True),
    "O3": ListSpec("children", "In care since", "In their placement 2 years or more"),
    "W5": ListSpec("children", "Allocated since"),
}


@dataclass(frozen=True)
class ChildRow:
    child: Child
    held_by: str
    tier: str
    since: date | None
    counted: bool
    last_seen: date | None = None
    placements: int | None = None


@dataclass(frozen=True)
class ChildrenList:
    """The children behind one figure of a unit for a period (`rows` empty when there
    are no results yet). `figure` is the figure the unit's page shows; `changed` is True
    when the list, worked out from the records loaded now, no longer matches it (data
    imported since the last refresh)."""

    indicator: str
    name: str
    label: str
    spec: ListSpec
    period: Period | None
    period_not_found: bool
    figure: Figure
    rows: list[ChildRow] = field(default_factory=list)
    shows_held_by: bool = True

    @property
    def is_share(self) -> bool:
        return self.indicator in SHARES

    @property
    def counted_count(self) -> int:
        return sum(1 for row in self.rows if row.counted)

    @property
    def listed_numerator(self) -> int:
        """What the list gives for the figure's numerator."""
        return self.counted_count if self.is_share else len(self.rows)

    @property
    def changed(self) -> bool:
        if self.period is None or self.figure.no_data:
            return False
        # A count missing beside other breakdowns is 0 with no stored numerator.
        numerator = self.figure.numerator
        if numerator is None:
            numerator = self.figure.value
        if numerator != self.listed_numerator:
            return True
        return self.is_share and self.figure.denominator != len(self.rows)


def unit_children_list(
    *,
    organisation: Organisation,
    unit: Unit,
    indicator: str,
    breakdown: str,
    period_key: str | None,
) -> ChildrenList:
    """The children behind a unit's figure (the caller may list the unit's children and
    has checked `members.is_listed`) for a period (default: the latest quarter, as on the
    unit pages), judged at the period's end.

    Cost: the organisation's records are read into frames (engine_inputs_for: a query per
    table) and the engine runs for one reference date: well under a second for a small
    authority, a few seconds for a large one. Acceptable for a page opened rarely; the
    queries do not grow with the list (children and staff names are fetched in one query
    each)."""
    from coredata.indicators import catalogue  # noqa: F401 - registers the indicators

    definition = INDICATORS[indicator]
    kind = measure_kind(definition.unit, breakdown)
    run = refresh_current(organisation_id=organisation.pk)
    periods = period_list(run.first_month_end, run.last_month_end) if run else []
    chosen, not_found = period_choose(periods, period_key, latest_quarter)
    listing = ChildrenList(
        indicator=indicator,
        name=definition.name,
        label=breakdown_label(breakdown, name=definition.name),
        spec=_spec(indicator, breakdown),
        period=chosen,
        period_not_found=not_found,
        figure=Figure(kind, None),
        shows_held_by=unit.unit_type != PRACTITIONER,
    )
    if run is None or chosen is None:
        return listing
    stored = ResultsLookup(
        unit_results_frame(run=run, unit_type=unit.unit_type, unit_code=unit.unit_code), [chosen]
    )
    found = members(
        engine_inputs_for(organisation=organisation),
        indicator=indicator,
        breakdown=breakdown,
        unit_type=unit.unit_type,
        unit_code=unit.unit_code,
        reference_date=chosen.end,
    )
    return replace(
        listing,
        figure=stored.figure(indicator, breakdown, kind, chosen),
        rows=_rows(organisation, found, not_counted_first=definition.direction == "higher_better"),
    )


def _spec(indicator: str, breakdown: str) -> ListSpec:
    spec = SPECS[indicator]
    minimum = breakdown_parts(breakdown).get("min")
    if minimum:
        return replace(spec, counted_label=f"Open {VALUE_LABELS['min'][minimum]}")
    return spec


def _date(value: Any) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _rows(
    organisation: Organisation, found: pd.DataFrame, *, not_counted_first: bool
) -> list[ChildRow]:
    """The listed children as rows, the ones needing attention first: for a percentage
    where higher is better (P4, O3), those not counted; where lower is better (P2, O2),
    those counted; then by highest tier and the oldest date."""
    ids = found[CHILD_ID].dropna().unique().tolist()
    children = {
        child.child_id: child
        for child in Child.objects.filter(organisation=organisation, child_id__in=ids)
    }
    workers = dict(
        StaffMember.objects.filter(
            organisation=organisation, worker_id__in=found[WORKER_ID].dropna().unique().tolist()
        ).values_list("worker_id", "name")
    )
    rows = []
    for child_id, worker_id, counted, tier, since, last_seen, placements in zip(
        found[CHILD_ID],
        found[WORKER_ID],
        found["counted"],
        found["tier"],
        found["since"],
        found["last_seen"],
        found["placements"],
        strict=True,
    ):
        child = children.get(str(child_id))
        if child is None:
            continue  # removed since the frames were read
        rows.append(
            ChildRow(
                child=child,
                held_by="Unallocated"
                if pd.isna(worker_id)
                else workers.get(str(worker_id), str(worker_id)),
                tier="" if pd.isna(tier) else TIER_NAMES.get(str(tier), str(tier)),
                since=_date(since),
                counted=bool(counted),
                last_seen=_date(last_seen),
                placements=None if pd.isna(placements) else int(placements),
            )
        )
    tier_rank = {name: rank for rank, name in enumerate(TIER_NAMES[t] for t in TIERS)}

    def order(row: ChildRow) -> tuple[bool, int, date, str]:
        concern = not row.counted if not_counted_first else row.counted
        return (
            not concern,
            tier_rank.get(row.tier, len(tier_rank)),
            row.since or date.max,
            row.child.child_id,
        )

    return sorted(rows, key=order)
