"""The periods survey results are stored for: calendar months, quarters (January,
April, July, October) and financial years (April to March)."""

from datetime import date, timedelta

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_TYPES = (MONTH, QUARTER, YEAR)

Period = tuple[str, date]


def month_start(day: date) -> date:
    return day.replace(day=1)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def year_start(day: date) -> date:
    """The 1 April starting the financial year `day` is in."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def periods_of(day: date) -> tuple[Period, Period, Period]:
    return ((MONTH, month_start(day)), (QUARTER, quarter_start(day)), (YEAR, year_start(day)))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_end(period_type: str, start: date) -> date:
    months = {MONTH: 1, QUARTER: 3, YEAR: 12}[period_type]
    return _add_months(start, months) - timedelta(days=1)


def sub_periods(period: Period) -> list[Period]:
    """The quarters of a year, the months of a quarter (none for a month)."""
    period_type, start = period
    if period_type == YEAR:
        return [(QUARTER, _add_months(start, 3 * i)) for i in range(4)]
    if period_type == QUARTER:
        return [(MONTH, _add_months(start, i)) for i in range(3)]
    return []


def period_label(period_type: str, start: date) -> str:
    """How a period is named on pages: "March 2026", "Jan to Mar 2026", "2025-26"."""
    if period_type == MONTH:
        return start.strftime("%B %Y")
    if period_type == QUARTER:
        end = period_end(QUARTER, start)
        return f"{start:%b} to {end:%b %Y}"
    return f"{start.year}-{str(start.year + 1)[-2:]}"
