"""Removing imported data past an organisation's retention period (called by the
nightly retention job, `qa_system.services_retention`).

- Statutory return rows (CIN census, SSDA903, the workforce census) by collection year:
  a year is past when the 31 March that ends it falls before the cutoff (the workforce
  census is dated 30 September of its year, earlier still, so the same test keeps it at
  least as long).
- Local records by the date that ends them: episodes, allocations, staff records and
  sickness that ended before the cutoff (open ones never go), visits, vacancies and
  allocation snapshots dated before it. The population estimates are counts of children
  by age, not records of children, and stay.
- Import runs that started before the cutoff and that no record comes from any more,
  with their problem lists (which quote values from the files).
- Children nothing refers to any more: no return row, local record, audit or survey
  invitation (a child with an audit or a survey response is kept until those go).

A refresh is then requested: the indicators are worked out from what is kept.
"""

from collections import Counter
from datetime import date, datetime, time
from typing import Any

from django.db.models import CASCADE, ForeignObjectRel, Model, Q, QuerySet
from django.utils import timezone

from coredata.models import (
    Allocation,
    AllocationSnapshot,
    Assessment,
    CareEpisode,
    CareLeaverReturn,
    Child,
    CINPlan,
    CPPlan,
    EarlyHelpEpisode,
    ImportRun,
    Referral,
    Section47,
    SicknessAbsence,
    SocialWorkerEpisode,
    StaffRecord,
    Vacancy,
    Visit,
    WorkforceCensusVacancies,
    WorkforceCensusWorker,
)
from qa_system.deletion import delete_counting

BY_COLLECTION_YEAR: tuple[type[Model], ...] = (
    Referral, Assessment, Section47, CINPlan, CPPlan, CareEpisode, CareLeaverReturn,
    SocialWorkerEpisode, WorkforceCensusWorker, WorkforceCensusVacancies,
)  # fmt: skip
# Each local record kind and the date after which it is over (a null end: still open).
BY_DATE: tuple[tuple[type[Model], str], ...] = (
    (EarlyHelpEpisode, "end_date"),
    (Allocation, "end_date"),
    (StaffRecord, "end_date"),
    (SicknessAbsence, "end_date"),
    (Visit, "visit_date"),
    (Vacancy, "date"),
    (AllocationSnapshot, "as_at"),
)


def last_collection_year_past(before: date) -> int:
    """The latest collection year whose 31 March falls before `before`."""
    return before.year if before > date(before.year, 3, 31) else before.year - 1


def imported_data_remove_before(*, organisation_id: int, before: date) -> dict[str, int]:
    """Remove what is past `before`; returns how many rows of each model went."""
    last_year = last_collection_year_past(before)
    removed = Counter(
        delete_counting(
            *(
                model._default_manager.filter(
                    organisation_id=organisation_id, collection_year__lte=last_year
                )
                for model in BY_COLLECTION_YEAR
            ),
            *(
                model._default_manager.filter(
                    organisation_id=organisation_id, **{f"{field}__lt": before}
                )
                for model, field in BY_DATE
            ),
        )
    )
    # Then what the records removed leave behind (the querysets are read only now).
    start_of_day = timezone.make_aware(datetime.combine(before, time.min))
    runs = ImportRun.objects.filter(organisation_id=organisation_id, created_at__lt=start_of_day)
    for relation in _relations_to(ImportRun):
        if relation.on_delete is not CASCADE:  # records (protected); not its problem list
            runs = runs.exclude(pk__in=_referring(relation))
    removed.update(delete_counting(runs, _children_unreferenced(organisation_id)))
    return dict(removed)


def _children_unreferenced(organisation_id: int) -> QuerySet[Child]:
    """The organisation's children no row of any model refers to (every relation to
    Child, whatever app it is in, so that removing one never cascades into records
    still within their own retention)."""
    children = Child.objects.filter(organisation_id=organisation_id)
    for relation in _relations_to(Child):
        children = children.exclude(pk__in=_referring(relation))
    return children


def _relations_to(model: type[Model]) -> list[ForeignObjectRel]:
    """Every relation pointing at `model`, hidden ones (related_name="+") included."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if isinstance(field, ForeignObjectRel)
    ]


def _referring(relation: ForeignObjectRel) -> QuerySet[Model, dict[str, Any]]:
    """The pks a relation's rows point at (for `pk__in`)."""
    field = relation.field.name
    return relation.related_model._default_manager.filter(~Q(**{f"{field}__isnull": True})).values(
        field
    )
