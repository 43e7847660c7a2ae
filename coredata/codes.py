"""DfE code lists the importers validate against (DATA-FORMATS.md §1)."""

REFERRAL_SOURCES = frozenset(
    ["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4",
     "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"]
)  # fmt: skip
REFERRAL_SOURCE_GROUPS = {
    "1A": "individual", "1B": "individual", "1C": "individual", "1D": "individual",
    "2A": "education", "2B": "education",
    "3A": "health", "3B": "health", "3C": "health", "3D": "health", "3E": "health",
    "3F": "health",
    "4": "housing",
    "5A": "la_services", "5B": "la_services", "5C": "la_services", "5D": "la_services",
    "6": "police", "7": "other_legal", "8": "other", "9": "anonymous", "10": "unknown",
}  # fmt: skip
CLOSURE_REASONS = frozenset(["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"])
PRIMARY_NEED_CODES = frozenset(["N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"])
ABUSE_CATEGORIES = frozenset(["NEG", "PHY", "SAB", "EMO", "MUL"])
# CIN census GenderCurrent (to 2023-24) and Sex (from 2024-25), both mapped to M/F/U.
GENDER_CURRENT_TO_SEX = {"1": "M", "2": "F", "0": "U", "9": "U"}
SEX_CODES = frozenset(["M", "F", "U"])

# SSDA903
RNE_CODES = frozenset(["S", "L", "P", "T", "B", "U"])
LEGAL_STATUSES = frozenset(
    ["C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"]
)
SHORT_BREAK_LEGAL_STATUSES = frozenset(["V3", "V4"])
CIN_CATEGORIES = frozenset(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"])
PLACEMENT_TYPES = frozenset(
    ["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6", "K1", "K2", "K3", "H5",
     "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3", "T4", "Z1"]
)  # fmt: skip
PLACEMENT_PROVIDERS = frozenset(["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"])
REASONS_EPISODE_CEASED = frozenset(
    ["X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E43", "E44", "E45", "E46",
     "E47", "E48", "E5", "E6", "E7", "E9", "E14", "E15", "E16", "E17", "E8",
     "E99"]  # E99: closed by the importer when stitching annual returns (DATA-FORMATS §3.4)
)  # fmt: skip
REASONS_PLACE_CHANGE = frozenset(
    ["CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ",
     "PLACE", "CUSTOD", "OTHER", "LIIAF"]
)  # fmt: skip
ADOPTION_REASONS = frozenset(["E11", "E12"])
SGO_REASONS = frozenset(["E43", "E44", "E45", "E46", "E47", "E48"])
IN_TOUCH_CODES = frozenset(["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"])
