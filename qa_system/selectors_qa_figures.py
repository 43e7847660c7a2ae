"""One number as the QA pages show it, whichever element it comes from, and the periods
the pages offer.

A `Measure` is a value with its kind (count, percentage, ratio), optionally the counts
behind it, and why it may be missing: no data in the period, or held back because too
few people answered (the surveys' rule: fewer than 5 responses shows no number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from html import escape as html_escape

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from coredata.indicator_display import (
    COUNT,
    PCT,
    Period,
    format_value,
    latest_quarter,
    period_groups,
    period_list,
    trend_periods,
)
from coredata.indicator_display import (
    Figure as CoreFigure,
)
from coredata.models import RefreshRun
from coredata.selectors_indicators import period_choose

RATIO = "ratio"
SUPPRESSED_HTML = mark_safe(  # noqa: S308 - fixed text
    '<span class="app-empty-state">Too few responses'
    '<span class="govuk-visually-hidden"> to show a figure</span></span>'
)
NO_DATA_HTML = mark_safe('<span class="app-empty-state">No data</span>')  # noqa: S308
TIMELINE_LENGTH = 8  # periods in the shared timeline (two years of quarters)
FALLBACK_MONTHS = 24  # periods offered before the first core data refresh


@dataclass(frozen=True)
class Measure:
    kind: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    suppressed: bool = False

    @property
    def no_data(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        if self.suppressed:
            return "Too few responses"
        return "No data" if self.value is None else format_value(self.kind, self.value)

    @property
    def html(self) -> SafeString:
        """The measure as a table cell shows it (a page has hundreds: one template
        include each would cost more than the rest of the page)."""
        if self.suppressed:
            return SUPPRESSED_HTML
        if self.value is None:
            return NO_DATA_HTML
        # The standard library's escape: the same characters as Django's, without the
        # lazy-string wrapper that made this a measurable share of a large page.
        return mark_safe(html_escape(self.text))  # noqa: S308 - escaped

    @property
    def of_text(self) -> str:
        """'3 of 12' for a percentage with its counts, empty otherwise."""
        if self.kind != PCT or self.numerator is None or self.denominator is None:
            return ""
        return f"{self.numerator:,.0f} of {self.denominator:,.0f}"

    @property
    def chart_value(self) -> float | None:
        return None if self.value is None else round(self.value, 1)

    @property
    def sort_value(self) -> float | None:
        return self.value

    @classmethod
    def of_core(cls, figure: CoreFigure) -> Measure:
        return cls(figure.kind, figure.value, figure.numerator, figure.denominator)

    @classmethod
    def missing(cls, kind: str = PCT, *, suppressed: bool = False) -> Measure:
        return cls(kind, None, suppressed=suppressed)


def change_text(current: Measure, previous: Measure, *, period: Period | None) -> str:
    """'Up from 21.0%', 'Down from...', 'Same as before', or '' when either is missing (the
    page says once which period the change is from: `PeriodChoice.previous`)."""
    if current.value is None or previous.value is None or period is None:
        return ""
    difference = current.value - previous.value
    if abs(difference) < (0.5 if current.kind == COUNT else 0.05):
        return "Same as before"
    word = "Up" if difference > 0 else "Down"
    return f"{word} from {previous.text}"


Options = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


@dataclass(frozen=True)
class PeriodChoice:
    """The periods a QA page offers, the one chosen and the timeline's periods.
    `options`: the picker's (group title, ((key, label), ...)) (worked out once per
    span of months: a page offers a hundred periods or more)."""

    periods: tuple[Period, ...]
    chosen: Period | None
    not_found: bool
    timeline: list[Period]
    options: Options = ()

    @property
    def options_html(self) -> SafeString:
        """The picker's <optgroup>s and <option>s, the chosen period selected (a
        hundred periods or more: built once per span of months and chosen period)."""
        return _options_html(self.options, self.chosen.key if self.chosen else None)

    @property
    def previous(self) -> Period | None:
        """The period before the chosen one, of the same kind (for 'up from')."""
        return self.timeline[-2] if len(self.timeline) > 1 else None


def _last_month_end(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


def _months_back(month_end: date, months: int) -> date:
    index = month_end.year * 12 + month_end.month - 1 - months
    first = date(index // 12, index % 12 + 1, 1)
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def period_choice(*, run: RefreshRun | None, key: str | None, today: date) -> PeriodChoice:
    """The core data pages' periods (financial years, quarters, months, 12 months to a
    month end), from the first month of core data to the last complete month: audits and
    surveys carry on after the latest import, so the list runs to the month before
    `today` when that is later. Default: the latest complete quarter with core data (or
    the latest complete quarter, before any refresh)."""
    last_complete = _last_month_end(today)
    if run is not None and run.first_month_end and run.last_month_end:
        first, last_core = run.first_month_end, run.last_month_end
    else:
        first, last_core = _months_back(last_complete, FALLBACK_MONTHS - 1), last_complete
    last = max(last_core, last_complete)
    periods = _periods(first, last)
    with_core = [p for p in periods if p.end <= last_core]
    chosen, not_found = period_choose(list(periods), key, lambda _: latest_quarter(with_core))
    timeline = trend_periods(list(periods), chosen, TIMELINE_LENGTH) if chosen else []
    return PeriodChoice(periods, chosen, not_found, timeline, _options(first, last))


@lru_cache(maxsize=64)
def _periods(first: date, last: date) -> tuple[Period, ...]:
    return tuple(period_list(first, last))


@lru_cache(maxsize=256)
def _options_html(options: Options, key: str | None) -> SafeString:
    return format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        (
            (
                title,
                format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    ((value, " selected" if value == key else "", label)
                     for value, label in periods),
                ),
            )
            for title, periods in options
        ),
    )  # fmt: skip


@lru_cache(maxsize=64)
def _options(first: date, last: date) -> Options:
    return tuple(
        (title, tuple((p.key, p.label) for p in periods))
        for title, periods in period_groups(list(_periods(first, last)))
    )
