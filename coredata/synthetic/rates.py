"""The proportions the synthetic histories aim at, and drawing codes from them.

National figures for England (DATA-FORMATS.md §4, INDICATORS.md): referral NFA 6.5%,
assessed not in need 30.8% (RC8/RC9), re-referrals within 12 months 22.6%, S47
enquiries about 36% of referrals, initial conferences 31% of S47s, CP plans 86% of
initial conferences, CP plan durations at end 15.9 / 11.0 / 43.5 / 25.2 / 4.4% (up to 3
months / 3-6 months / 6-12 months / 1-2 years / 2 years or more), workforce turnover
11.8%, vacancy 14.2%, agency 13.0%, sickness absence 3.5%, caseload about 15 per FTE.
Code shares within a list (referral sources, categories of abuse, placements) are
rounded approximations of the DfE published splits, enough for plausible data.
"""

from __future__ import annotations

import numpy as np

Table = tuple[tuple[str, ...], np.ndarray]


def table(pairs: dict[str, float]) -> Table:
    weights = np.array(list(pairs.values()), dtype="float64")
    return tuple(pairs), weights / weights.sum()


def draw(rng: np.random.Generator, choices: Table, n: int) -> np.ndarray:
    """`n` codes (an object array of str) drawn with the table's weights."""
    codes, weights = choices
    picked = rng.choice(len(codes), size=n, p=weights)
    return np.array(codes, dtype=object)[picked]


def draw_index(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


# Referrals per 10,000 children a year in England (632,830 / about 12.0 million, 2024-25):
# the population follows from referrals_per_year.
REFERRALS_PER_10K = 527.0

P_NFA = 0.065
P_S47 = 0.36 / (1 - P_NFA)  # of referrals not NFA
P_ICPC = 0.31  # of S47s
P_CP_AFTER_ICPC = 0.86
P_NOT_IN_NEED = {"s47": 0.36, "other": 0.47}  # closed RC8/RC9 after assessment
P_RC9 = 0.45  # of RC8/RC9 closures, once RC9 exists (returns from 2022-23)
P_DIRECT_CARE = 0.03  # of referrals not NFA: looked after within days (emergency)
P_CIN_PLAN = 0.85  # of children assessed in need, not on a CP plan
P_ESCALATE_CP = 0.05  # of CIN plans: a later S47
P_ESCALATE_CARE = 0.025  # of CIN plans: later looked after
P_CARE_AFTER_CP = 0.12
P_STEP_DOWN_AFTER_CP = 0.60
P_EH_AFTER_RC9 = 0.75
P_EH_AFTER_RC7 = 0.10
P_EH_FIRST_STEP_UP = 0.15  # early help children later referred
EH_CHILDREN_PER_REFERRAL = 0.55  # children starting early help (not from a closure)
P_DISABLED = 0.07
P_SHORT_BREAKS = 0.25  # of disabled children's CIN plans

# The chance of another referral after an episode closes, by how it ended, and the mean
# gap in days (exponential, at least one day).
P_NEXT_REFERRAL = {"nfa": 0.5, "nin": 0.46, "cin": 0.36, "cp": 0.36, "care": 0.25}
NEXT_REFERRAL_MEAN_GAP = 200.0
MAX_REFERRAL_AGE_DAYS = int(17.9 * 365.25)

SOURCES_BEFORE_5D = "5A"  # 5D (early help) is only in returns from 2022-23
REFERRAL_SOURCES = table({
    "1A": 5.0, "1B": 0.8, "1C": 0.6, "1D": 0.7, "2A": 20.0, "2B": 1.6, "3A": 2.4, "3B": 2.0,
    "3C": 0.4, "3D": 2.5, "3E": 3.5, "3F": 4.4, "4": 1.6, "5A": 5.0, "5B": 3.7, "5C": 1.4,
    "5D": 3.0, "6": 29.4, "7": 2.7, "8": 4.6, "9": 1.1, "10": 3.6,
})  # fmt: skip
# Age in years at first referral: (from, to) bands and their shares.
AGE_BANDS = np.array([[0, 1], [1, 5], [5, 10], [10, 16], [16, 17.8]])
AGE_SHARES = np.array([0.11, 0.19, 0.26, 0.35, 0.09])
ETHNICITIES = table({
    "WBRI": 64.0, "WIRI": 0.3, "WIRT": 0.3, "WOTH": 6.0, "WROM": 0.7, "MWBC": 3.0,
    "MWBA": 1.5, "MWAS": 1.5, "MOTH": 3.0, "AIND": 1.2, "APKN": 3.0, "ABAN": 1.0,
    "AOTH": 2.0, "BCRB": 1.5, "BAFR": 3.5, "BOTH": 1.0, "CHNE": 0.3, "OOTH": 2.5,
    "REFU": 0.5, "NOBT": 3.2,
})  # fmt: skip
DISABILITIES = table({
    "AUT": 30, "LD": 20, "COMM": 12, "BEH": 10, "MOB": 8, "HAND": 6, "PC": 4, "INC": 3,
    "HEAR": 3, "VIS": 2, "CON": 1, "DDA": 1,
})  # fmt: skip
NEEDS = {
    "cin": table({"N1": 40, "N3": 4, "N4": 11, "N5": 21, "N6": 5, "N7": 0.3, "N8": 3,
                  "N9": 6}),
    "nin": table({"N1": 20, "N4": 15, "N5": 20, "N6": 5, "N8": 2, "N9": 38}),
    "cp": table({"N1": 88, "N4": 5, "N5": 7}),
    "care": table({"N1": 70, "N4": 8, "N5": 10, "N6": 4, "N8": 8}),
}  # fmt: skip
FACTORS = table({
    "4B": 18, "3B": 15, "3A": 12, "17A": 10, "16A": 9, "2B": 8, "1B": 7, "4A": 6,
    "14A": 3, "15A": 3, "18C": 3, "5A": 2.5, "6A": 1, "24A": 1.5, "11A": 1, "10A": 1,
    "19C": 1, "4C": 1, "3C": 2, "20": 2,
})  # fmt: skip
ABUSE = table({"NEG": 50, "EMO": 37, "PHY": 6, "SAB": 4, "MUL": 3})
# CP plan length at its end: (from, to) in days for each band, and the band shares.
CP_BANDS = np.array([[1, 91], [92, 182], [183, 365], [366, 730], [731, 1000]])
CP_SHARES = np.array([15.9, 11.0, 43.5, 25.2, 4.4])
P_OFF_DATA_PREVIOUS_CP = 0.10  # a plan before the authority's records start

# Care (SSDA903).
P_INITIAL_LEGAL = {
    "direct": table({"L1": 10, "L2": 5, "C1": 40, "V2": 45}),
    "planned": table({"C1": 55, "V2": 45}),
    "older": table({"V2": 80, "C1": 15, "J1": 5}),
}
# How a period of care ends, by age at entry (under 5, 5-12, 13-15, 16-17).
CARE_EXITS = ("home", "adoption", "sgo", "cao", "other", "adult")
CARE_EXIT_SHARES = np.array([
    [0.30, 0.25, 0.22, 0.05, 0.05, 0.13],
    [0.40, 0.02, 0.12, 0.04, 0.11, 0.31],
    [0.40, 0.00, 0.03, 0.01, 0.16, 0.40],
    [0.20, 0.00, 0.00, 0.00, 0.10, 0.70],
])  # fmt: skip
CARE_DURATION_MEDIAN = {"home": 150, "adoption": 760, "sgo": 560, "cao": 380, "other": 220}
PLACEMENTS_CHILD = table(
    {"U6": 45, "U4": 12, "U3": 13, "U1": 3, "K2": 8, "P1": 7, "R1": 1, "S1": 1, "Z1": 1, "K1": 0.5}
)
PLACEMENTS_BABY = table({"U6": 55, "U3": 15, "U5": 8, "U2": 4, "R3": 8, "P1": 10})
PLACEMENTS_OLDER = table(
    {"H5": 35, "U6": 30, "K2": 20, "P2": 5, "U3": 5, "K1": 2, "R5": 1, "Z1": 2}
)
PLACE_PROVIDERS = {
    "U1": "PR1", "U2": "PR1", "U3": "PR1", "U4": "PR1|PR4", "U5": "PR1|PR4", "U6": "PR1|PR4",
    "K1": "PR1|PR2", "K2": "PR4|PR1", "K3": "PR4", "H5": "PR4|PR5", "P1": "PR0", "P2": "PR1",
    "R1": "PR3", "R3": "PR4", "R5": "PR3", "S1": "PR4", "Z1": "PR1", "A3": "PR1|PR5",
    "A4": "PR1|PR5", "A5": "PR1|PR5", "A6": "PR1|PR5",
}  # fmt: skip
# Placement moves a year: (in the first year of care, later).
PLACEMENT_MOVES_PER_YEAR = {"child": (0.9, 0.17), "teen": (1.4, 0.5)}
PLACE_CHANGE_REASONS = table(
    {
        "CARPL": 31,
        "CREQB": 10,
        "CREQO": 8,
        "CHILD": 6,
        "ALLEG": 2,
        "STAND": 2,
        "CLOSE": 4,
        "LAREQ": 6,
        "OTHER": 31,
    }
)
ADOPTION_RECS = table({"E11": 58, "E12": 42})
SGO_RECS = table({"E45": 35, "E46": 8, "E47": 52, "E48": 5})
ADULT_RECS = table({"E17": 25, "E5": 32, "E6": 6, "E7": 3, "E8": 34})
OTHER_RECS = table({"E13": 35, "E8": 40, "E3": 12, "E9": 6, "E14": 4, "E16": 3})
IN_TOUCH = table({"YES": 88, "NO": 4, "REFU": 3, "NREQ": 3, "RHOM": 1.7, "DIED": 0.3})
ACTIVITIES = table(
    {
        "F1": 6,
        "P1": 1,
        "F2": 22,
        "P2": 3,
        "F4": 4,
        "P4": 1,
        "F5": 18,
        "P5": 6,
        "G4": 8,
        "G5": 26,
        "G6": 5,
    }
)
ACCOMMODATION = table(
    {
        "B1": 12,
        "C1": 3,
        "D1": 22,
        "E1": 6,
        "K1": 5,
        "T1": 3,
        "U1": 28,
        "Z1": 10,
        "S2": 2,
        "V2": 2,
        "X2": 3,
        "Y1": 4,
    }
)
SB_PLACEMENTS = table({"U6": 50, "K2": 50})

# Workforce.
CASELOAD = 16.0
FTE_CHOICES = table({"1.0": 80, "0.8": 10, "0.6": 5, "0.5": 5})
PERMANENT_TENURE_YEARS = 1 / 0.118
AGENCY_TENURE_YEARS = 1.5
P_AGENCY_START = 0.13
P_AGENCY_REFILL = 0.45
P_MOVE_PER_YEAR = 0.04
SICK_SPELLS_PER_YEAR = 1.5
VACANCY_RATE = 0.142
# Visits: the plan's interval in days (CP 10 working days, CIN 20, LAC 6 weeks), and
# the share of visits where the child was not seen.
VISIT_INTERVAL = {"CP": 14, "CIN": 28, "LAC": 42}
P_NOT_SEEN = 0.05
