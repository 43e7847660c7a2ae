"""Activity: referrals, their sources and outcomes, assessments, S47s and conferences
(INDICATORS.md "Activity": A1–A6)."""

from __future__ import annotations

import pandas as pd

from coredata.indicators.registry import Context, register
from coredata.indicators.results import KEYS, count_rows, rate_rows

ACTIVITY = "activity"
RATE = (("measure", "rate_10k"),)


def event_counts(context: Context, events: pd.DataFrame, date_column: str) -> pd.DataFrame:
    """Events counted per unit and period containing `date_column` (KEYS + numerator)."""
    units = context.units_on(events, date_column)
    in_periods = context.in_periods(units, date_column)
    counts = in_periods.groupby(KEYS, observed=True, sort=False).size()
    return counts.rename("numerator").reset_index()


def count_and_rate(context: Context, counts: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """A count's rows plus its rate per 10,000 rows (`measure=rate_10k`)."""
    return pd.concat(
        [
            count_rows(counts, indicator=indicator),
            rate_rows(counts, context.population, indicator=indicator,
                      breakdown_text="measure=rate_10k"),
        ],
        ignore_index=True,
    )  # fmt: skip


@register("A1", "Referrals", unit="count", direction="context", group=ACTIVITY)
def a1_referrals(context: Context) -> pd.DataFrame:
    """Referrals with a referral date in the period (a child can have several), counted
    for the unit holding the child on the referral date. Also per 10,000 children aged
    0-17 for units with a population (breakdown `measure=rate_10k`). Source: CIN census
    CINdetails/CINreferralDate."""
    referrals = context.frame("referrals")
    return count_and_rate(context, event_counts(context, referrals, "referral_date"), "A1")
