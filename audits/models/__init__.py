"""The audits app's models: tools, the programme, audits and their parts, results."""

from audits.models.audit import (
    FINISHED_STATES,
    OPEN_STATES,
    Audit,
    AuditAction,
    AuditEvent,
    AuditModeration,
    AuditRating,
    AuditSectionState,
    AuditState,
    SafeguardingEscalation,
)
from audits.models.programme import AuditProgramme, AuditSettings, SampleDraw, Tier
from audits.models.results import AuditUnitResult
from audits.models.tools import (
    SCALE_VALUES,
    AuditTool,
    AuditToolItem,
    AuditToolSection,
    AuditToolVersion,
    Grade,
    RatingScale,
    SectionKind,
    YesPartlyNo,
)

__all__ = [
    "FINISHED_STATES",
    "OPEN_STATES",
    "SCALE_VALUES",
    "Audit",
    "AuditAction",
    "AuditEvent",
    "AuditModeration",
    "AuditProgramme",
    "AuditRating",
    "AuditSectionState",
    "AuditSettings",
    "AuditState",
    "AuditTool",
    "AuditToolItem",
    "AuditToolSection",
    "AuditToolVersion",
    "AuditUnitResult",
    "Grade",
    "RatingScale",
    "SafeguardingEscalation",
    "SampleDraw",
    "SectionKind",
    "Tier",
    "YesPartlyNo",
]
