"""Plans P1–P4: children by tier, plan duration, repeat plans, children seen."""

import pandas as pd

from coredata.indicators.inputs import VisitIntervals
from coredata.indicators.results import RESULT_DTYPES
from tests.coredata.indicators.plan_frames import (
    FEBRUARY,
    FY,
    GOOD_FRIDAY,
    LA,
    MARCH,
    Q4,
    UNALLOCATED,
    alloc,
    cp,
    eh,
    ep,
    pick,
    ref,
    run,
    visit,
)

TIER_LABELS = ["EH", "CIN", "CP", "LAC", "total", "CIN_DFE"]


# P1 -------------------------------------------------------------------------------------


def test_p1_counts_each_child_once_in_their_highest_tier_with_rates() -> None:
    results = run(
        ["P1"],
        early_help=[eh("A", "2024-01-01"), eh("B", "2024-01-01")],
        referrals=[ref("A", "2024-02-01"), ref("C", "2023-06-01")],
        cp_plans=[cp("A", "2024-02-10"), cp("D", "2023-05-01")],
        care=[ep("D", "2023-05-01")],
        population=10_000,
    )
    march = results[(results["unit_type"] == "organisation")
                    & (results["period_start"] == pd.Timestamp(MARCH[0]))]  # fmt: skip
    counts = [1, 1, 1, 1, 4, 3]  # A is CP, B EH, C CIN, D LAC
    pairs = list(zip(TIER_LABELS, counts, strict=True))
    rows = [(f"tier={t}", n, None, n) for t, n in pairs]
    rows += [(f"tier={t};measure=rate_10k", n, 10_000, n) for t, n in pairs]
    expected = pd.DataFrame(
        [("organisation", LA, "P1", b, *MARCH, n, d, v) for b, n, d, v in rows],
        columns=list(RESULT_DTYPES),
    ).astype(RESULT_DTYPES)
    pd.testing.assert_frame_equal(
        march.sort_values("breakdown").reset_index(drop=True),
        expected.sort_values("breakdown").reset_index(drop=True),
    )


def test_p1_shows_every_tier_for_a_unit_with_children_and_rates_for_the_organisation() -> None:
    results = run(
        ["P1"],
        early_help=[eh("B", "2024-01-01")],
        allocations=[alloc("B", "W1", "T1", "2024-01-01")],
        population=10_000,
    )
    team = ("team", "T1")
    assert [pick(results, f"tier={t}", unit=team) for t in TIER_LABELS] == [
        (1, None), (0, None), (0, None), (0, None), (1, None), (0, None),
    ]  # fmt: skip
    assert pick(results, "tier=EH;measure=rate_10k", unit=team) is None
    assert pick(results, "tier=CIN_DFE;measure=rate_10k") == (0, 10_000)


def test_p1_a_plan_ending_on_r_is_not_open_and_one_starting_on_r_is() -> None:
    results = run(
        ["P1"],
        referrals=[ref("A", "2023-05-01", closed="2024-03-31", reason="RC1")],
        cp_plans=[cp("B", "2024-03-31")],
        early_help=[eh("C", "2024-01-01", "2024-03-30")],
    )
    assert pick(results, "tier=CIN") == (0, None)
    assert pick(results, "tier=EH") == (0, None)
    assert pick(results, "tier=CP") == (1, None)
    assert pick(results, "tier=total") == (1, None)


def test_p1_short_breaks_only_care_is_not_looked_after() -> None:
    results = run(
        ["P1"],
        care=[
            ep("A", "2024-01-01", ls="V3"),
            ep("B", "2024-01-01", "2024-01-03", ls="V4"),
            ep("B", "2024-01-03", rne="L", ls="C2"),  # the same period, not only breaks
        ],
    )
    assert pick(results, "tier=LAC") == (1, None)
    assert pick(results, "tier=total") == (1, None)


def test_p1_cin_is_a_referral_not_flagged_nfa_whatever_its_later_closure() -> None:
    results = run(
        ["P1"],
        referrals=[
            ref("A", "2024-03-01", nfa=True),
            ref("B", "2024-03-01", closed="2024-04-15", reason="RC8"),
        ],
    )
    assert pick(results, "tier=CIN") == (1, None)
    assert pick(results, "tier=CIN_DFE") == (1, None)


def test_p1_is_attributed_to_the_holder_at_r_and_the_rest_to_unallocated() -> None:
    results = run(
        ["P1"],
        referrals=[ref("A", "2024-01-10"), ref("B", "2024-01-10")],
        allocations=[
            alloc("A", "W1", "T1", "2024-01-10", "2024-03-14"),
            alloc("A", "W2", "T2", "2024-03-15"),
        ],
        first="2024-02-29",
    )
    assert pick(results, "tier=CIN", unit=("team", "T2")) == (1, None)
    assert pick(results, "tier=CIN", unit=("practitioner", "W2")) == (1, None)
    assert pick(results, "tier=CIN", unit=("service", "S2")) == (1, None)
    assert pick(results, "tier=CIN", unit=("team", "T1")) is None
    assert pick(results, "tier=CIN", FEBRUARY, unit=("team", "T1")) == (1, None)
    assert pick(results, "tier=CIN", unit=UNALLOCATED) == (1, None)
    assert pick(results, "tier=CIN") == (2, None)


def test_p1_a_child_with_two_open_episodes_counts_once_per_unit() -> None:
    results = run(
        ["P1"],
        referrals=[ref("A", "2024-01-10"), ref("A", "2024-02-10")],
        allocations=[alloc("A", "W1", "T1", "2024-01-01")],
    )
    for unit in [("organisation", LA), ("service", "S1"), ("team", "T1"), ("practitioner", "W1")]:
        assert pick(results, "tier=CIN", unit=unit) == (1, None)


# P2 -------------------------------------------------------------------------------------


def test_p2_ended_thresholds_are_calendar_months_inclusive_and_cumulative() -> None:
    results = run(
        ["P2"],
        cp_plans=[
            cp("A", "2023-09-30", "2024-03-30"),  # exactly 6 months
            cp("B", "2023-09-30", "2024-03-29"),  # a day short of 6 months
            cp("C", "2023-03-15", "2024-03-15"),  # exactly 1 year
            cp("D", "2022-03-10", "2024-03-10"),  # exactly 2 years
        ],
    )
    assert pick(results, "tier=CP;view=ended;min=6m") == (3, 4)
    assert pick(results, "tier=CP;view=ended;min=1y") == (2, 4)
    assert pick(results, "tier=CP;view=ended;min=2y") == (1, 4)


def test_p2_six_months_from_a_month_end_clips_to_the_last_day() -> None:
    results = run(
        ["P2"],
        cp_plans=[cp("A", "2023-08-31", "2024-02-29"), cp("B", "2023-08-31", "2024-02-28")],
        first="2024-02-29",
        last="2024-02-29",
    )
    assert pick(results, "tier=CP;view=ended;min=6m", FEBRUARY) == (1, 2)


def test_p2_a_plan_starting_and_ending_the_same_day_lasts_zero_days() -> None:
    results = run(["P2"], cp_plans=[cp("A", "2024-03-05", "2024-03-05")])
    assert pick(results, "tier=CP;view=ended;min=6m") == (0, 1)


def test_p2_plans_ending_on_a_periods_first_and_last_day_are_in_it() -> None:
    results = run(
        ["P2"],
        early_help=[
            eh("A", "2023-01-01", "2024-03-01"),
            eh("B", "2023-01-01", "2024-03-31"),
            eh("C", "2023-01-01", "2024-02-29"),
            eh("D", "2023-01-01", "2024-04-01"),
        ],
    )
    assert pick(results, "tier=EH;view=ended;min=1y") == (2, 2)
    assert pick(results, "tier=EH;view=ended;min=1y", Q4) == (3, 3)


def test_p2_cin_ended_leaves_out_not_in_need_closures_and_open_keeps_them() -> None:
    results = run(
        ["P2"],
        referrals=[
            ref("A", "2023-01-01", closed="2024-03-10", reason="RC8"),
            ref("B", "2023-01-01", closed="2024-03-12", reason="RC1"),
            ref("C", "2023-09-01", closed="2024-05-01", reason="RC9"),
            ref("D", "2023-01-01", nfa=True),
        ],
    )
    assert pick(results, "tier=CIN;view=ended;min=1y") == (1, 1)
    assert pick(results, "tier=CIN;view=open;min=6m") == (1, 1)  # C: 1 Sep + 6m = 1 Mar
    assert pick(results, "tier=CIN;view=open;min=1y") == (0, 1)


def test_p2_open_view_measures_to_r_and_leaves_out_what_ends_on_r() -> None:
    results = run(
        ["P2"],
        care=[
            ep("A", "2023-08-31"),  # + 6 months = 29 February: open 6 months at R
            ep("B", "2023-09-01"),  # + 6 months = 1 March: not yet
            ep("C", "2021-01-01", "2024-02-29"),  # ended on R: not open
        ],
        first="2024-02-29",
        last="2024-02-29",
    )
    assert pick(results, "tier=LAC;view=open;min=6m", FEBRUARY) == (1, 2)
    assert pick(results, "tier=LAC;view=ended;min=2y", FEBRUARY) == (1, 1)


def test_p2_counts_plans_and_attributes_an_ended_plan_on_its_end_date() -> None:
    results = run(
        ["P2"],
        cp_plans=[cp("A", "2023-01-01", "2024-03-05"), cp("A", "2024-03-06", "2024-03-20")],
        allocations=[
            alloc("A", "W1", "T1", "2023-01-01", "2024-03-10"),
            alloc("A", "W2", "T2", "2024-03-11"),
        ],
    )
    assert pick(results, "tier=CP;view=ended;min=6m") == (1, 2)
    assert pick(results, "tier=CP;view=ended;min=6m", unit=("team", "T1")) == (1, 1)
    assert pick(results, "tier=CP;view=ended;min=6m", unit=("team", "T2")) == (0, 1)


def test_p2_a_zero_denominator_gives_no_row() -> None:
    results = run(["P2"], cp_plans=[cp("A", "2024-01-01")])
    assert pick(results, "tier=CP;view=open;min=6m") == (0, 1)
    assert not results["breakdown"].str.contains("view=ended").any()
    assert not results["breakdown"].str.startswith("tier=EH").any()


# P3 -------------------------------------------------------------------------------------


def test_p3_previous_plan_ended_within_12_and_24_months_inclusive() -> None:
    results = run(
        ["P3"],
        cp_plans=[
            cp("A", "2022-01-01", "2023-03-15"), cp("A", "2024-03-15"),  # exactly 12 months
            cp("B", "2022-01-01", "2023-03-14"), cp("B", "2024-03-15"),  # 12 months + 1 day
            cp("C", "2021-01-01", "2022-03-15"), cp("C", "2024-03-15"),  # exactly 24 months
            cp("D", "2021-01-01", "2022-03-14"), cp("D", "2024-03-15"),  # longer ago
            cp("E", "2024-03-15"),  # a first plan
        ],
    )  # fmt: skip
    assert pick(results, "tier=CP;window=12m") == (1, 5)
    assert pick(results, "tier=CP;window=24m") == (3, 5)
    assert pick(results, "tier=CP;window=ever") == (4, 5)


def test_p3_cp_number_of_previous_plans_counts_as_ever() -> None:
    plans = [cp("A", "2024-03-01", previous=2), cp("B", "2024-03-01", previous=0)]
    results = run(["P3"], cp_plans=plans)
    assert pick(results, "tier=CP;window=ever") == (1, 2)
    assert pick(results, "tier=CP;window=12m") == (0, 2)


def test_p3_a_previous_plan_must_have_started_earlier_and_ended_by_the_new_start() -> None:
    results = run(
        ["P3"],
        early_help=[
            eh("A", "2024-02-01"), eh("A", "2024-03-10"),  # the earlier one is still open
            eh("B", "2024-02-01", "2024-03-10"), eh("B", "2024-03-10"),  # ended on the day
            eh("C", "2024-03-05", "2024-03-05"), eh("C", "2024-03-05"),  # started the same day
        ],
    )  # fmt: skip
    assert pick(results, "tier=EH;window=12m") == (1, 3)


def test_p3_a_child_starting_twice_in_a_period_is_judged_on_the_first() -> None:
    results = run(
        ["P3"],
        referrals=[ref("A", "2024-01-10", "2024-02-01", "RC1"), ref("A", "2024-03-05")],
        first="2024-01-31",
        last="2025-01-31",
    )
    assert pick(results, "tier=CIN;window=12m", ("2024-01-01", "2024-01-31")) == (0, 1)
    assert pick(results, "tier=CIN;window=12m", MARCH) == (1, 1)
    assert pick(results, "tier=CIN;window=12m", Q4) == (0, 1)
    assert pick(results, "tier=CIN;window=12m", FY) == (0, 1)
    # Rolling 12 months: the first start in each.
    assert pick(results, "tier=CIN;window=12m", ("2024-01-01", "2024-12-31")) == (0, 1)
    assert pick(results, "tier=CIN;window=12m", ("2024-02-01", "2025-01-31")) == (1, 1)


def test_p3_cin_leaves_out_episodes_closed_not_in_need() -> None:
    results = run(
        ["P3"],
        referrals=[
            ref("A", "2023-06-01", "2023-08-01", "RC8"), ref("A", "2024-03-05"),
            ref("B", "2024-03-10", "2024-03-20", "RC9"),
            ref("C", "2024-03-10", nfa=True),
        ],
    )  # fmt: skip
    assert pick(results, "tier=CIN;window=ever") == (0, 1)


def test_p3_lac_new_periods_start_with_rne_s_and_end_at_the_last_episodes_dec() -> None:
    results = run(
        ["P3"],
        care=[
            ep("A", "2023-01-01", "2023-02-01"), ep("A", "2023-02-01", "2023-04-01", rne="P"),
            ep("A", "2024-03-20"),
            ep("B", "2024-03-10", rne="P"),  # the child's first episode, but not RNE S
            ep("C", "2023-10-01", "2023-10-03", ls="V3"), ep("C", "2024-03-15"),
        ],
    )  # fmt: skip
    assert pick(results, "tier=LAC;window=12m") == (1, 2)
    assert pick(results, "tier=LAC;window=ever") == (1, 2)


def test_p3_is_attributed_on_the_new_start() -> None:
    results = run(
        ["P3"],
        cp_plans=[
            cp("A", "2023-01-01", "2023-06-01"),
            cp("A", "2024-03-10"),
            cp("B", "2024-03-12"),
        ],
        allocations=[
            alloc("A", "W1", "T1", "2024-03-01", "2024-03-15"),
            alloc("A", "W2", "T2", "2024-03-16"),
        ],
    )
    assert pick(results, "tier=CP;window=12m", unit=("team", "T1")) == (1, 1)
    assert pick(results, "tier=CP;window=12m", unit=("team", "T2")) is None
    assert pick(results, "tier=CP;window=12m", unit=UNALLOCATED) == (0, 1)


# P4 -------------------------------------------------------------------------------------


def test_p4_cp_counts_working_days_after_the_visit_less_bank_holidays() -> None:
    # R = Sunday 31 March 2024; Good Friday 29 March is a bank holiday.
    results = run(
        ["P4"],
        cp_plans=[cp("A", "2024-01-01"), cp("B", "2024-01-01")],
        visits=[visit("A", "2024-03-14"), visit("B", "2024-03-13")],  # 10 and 11 days
        holidays=frozenset({GOOD_FRIDAY}),
    )
    assert pick(results, "tier=CP") == (1, 2)
    without_holiday = run(
        ["P4"], cp_plans=[cp("A", "2024-01-01")], visits=[visit("A", "2024-03-14")]
    )
    assert pick(without_holiday, "tier=CP") == (0, 1)


def test_p4_lac_seen_within_42_days_inclusive() -> None:
    results = run(
        ["P4"],
        care=[ep("A", "2024-01-01"), ep("B", "2024-01-01")],
        visits=[visit("A", "2024-02-18"), visit("B", "2024-02-17")],
    )
    assert pick(results, "tier=LAC") == (1, 2)


def test_p4_only_seen_visits_on_or_before_r_count() -> None:
    results = run(
        ["P4"],
        referrals=[ref(child, "2024-01-01") for child in "ABCD"],
        visits=[
            visit("A", "2024-03-30", seen=False), visit("A", "2024-01-02"),
            visit("B", "2024-04-01"),
            visit("D", "2024-03-31"),  # on R: 0 working days
        ],
    )  # fmt: skip
    assert pick(results, "tier=CIN") == (1, 4)


def test_p4_judges_each_child_once_on_their_highest_open_tier() -> None:
    results = run(
        ["P4"],
        referrals=[ref("A", "2024-01-01")],
        cp_plans=[cp("A", "2024-01-02")],
        early_help=[eh("B", "2024-01-01")],
        visits=[visit("A", "2024-03-08"), visit("B", "2024-03-29")],  # A: 15 working days
    )
    assert pick(results, "tier=CP") == (0, 1)
    assert set(results["breakdown"]) == {"tier=CP"}


def test_p4_uses_the_organisations_visit_intervals() -> None:
    results = run(
        ["P4"],
        cp_plans=[cp("A", "2024-01-01")],
        visits=[visit("A", "2024-03-22")],  # 5 working days before R
        intervals=VisitIntervals(cp_working_days=4, cin_working_days=20, lac_days=42),
    )
    assert pick(results, "tier=CP") == (0, 1)


def test_p4_is_attributed_to_the_holder_at_r() -> None:
    results = run(
        ["P4"],
        cp_plans=[cp("A", "2024-01-01")],
        visits=[visit("A", "2024-03-28")],
        allocations=[
            alloc("A", "W1", "T1", "2024-01-01", "2024-03-29"),
            alloc("A", "W2", "T2", "2024-03-30"),
        ],
    )
    assert pick(results, "tier=CP", unit=("practitioner", "W2")) == (1, 1)
    assert pick(results, "tier=CP", unit=("practitioner", "W1")) is None
