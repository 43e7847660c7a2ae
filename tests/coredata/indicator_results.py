"""Hand-built indicator results for page tests: a refresh run and its units' rows, as a
refresh stores them (no engine). The run covers May 2024 to June 2025: the financial year
2024-25, five quarters (the latest April to June 2025) and the 12 months to June 2025."""

from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from coredata.models import RefreshRun, UnitResults
from organisation.models import Organisation, StaffMember, User

FY = (date(2024, 4, 1), date(2025, 3, 31))
Q1 = (date(2025, 4, 1), date(2025, 6, 30))
Q4 = (date(2025, 1, 1), date(2025, 3, 31))
TWELVE_MONTHS = (date(2024, 7, 1), date(2025, 6, 30))
Result = tuple[str, str, tuple[date, date], float | None, float | None, float | None]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refresh(
    organisation: Organisation, *, age: timedelta = timedelta(hours=1), **extra: Any
) -> RefreshRun:
    return RefreshRun.objects.create(
        organisation=organisation,
        status=RefreshRun.Status.SUCCEEDED,
        finished_at=timezone.now() - age,
        first_month_end=date(2024, 5, 31),
        last_month_end=date(2025, 6, 30),
        **extra,
    )


def store(run: RefreshRun, unit_type: str, unit_code: str, results: list[Result]) -> None:
    """One unit's results in the stored format (columns as lists, ISO dates)."""
    UnitResults.objects.create(
        run=run,
        unit_type=unit_type,
        unit_code=unit_code,
        results={
            "indicator": [r[0] for r in results],
            "breakdown": [r[1] for r in results],
            "period_start": [r[2][0].isoformat() for r in results],
            "period_end": [r[2][1].isoformat() for r in results],
            "numerator": [r[3] for r in results],
            "denominator": [r[4] for r in results],
            "value": [r[5] for r in results],
        },
    )


def staff_of(user: User) -> StaffMember:
    return StaffMember.objects.get(user=user)
