"""Child-level records and the import runs that load them.

Statutory returns (CIN census, SSDA903) are kept **per return**: every record carries the
collection year of the return it came from, and loading a return for a year replaces
exactly that year's rows. The effective view (the latest return's version of each record,
modules unioned across returns, 903 episodes stitched) is built when the records are read
into frames for the indicator engine (INDICATORS.md, Resolved details 1–3). This keeps
year replacement exact and every import idempotent.

Local files (allocations, staff, sickness, vacancies, early help, visits, population) are
upserted on their natural keys: a file adds and corrects, it never deletes what an
earlier file said about other records.
"""

from coredata.models.imports import ImportProblem, ImportRun
from coredata.models.indicators import RefreshRun, UnitResults
from coredata.models.records import (
    Allocation,
    AllocationSnapshot,
    Assessment,
    CareEpisode,
    CareLeaverReturn,
    Child,
    CINPlan,
    CPPlan,
    EarlyHelpEpisode,
    Population,
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

__all__ = [
    "Allocation",
    "AllocationSnapshot",
    "Assessment",
    "CINPlan",
    "CPPlan",
    "CareEpisode",
    "CareLeaverReturn",
    "Child",
    "EarlyHelpEpisode",
    "ImportProblem",
    "ImportRun",
    "Population",
    "Referral",
    "RefreshRun",
    "Section47",
    "SicknessAbsence",
    "SocialWorkerEpisode",
    "StaffRecord",
    "UnitResults",
    "Vacancy",
    "Visit",
    "WorkforceCensusVacancies",
    "WorkforceCensusWorker",
]
