"""Helpers for import tests: run an import of in-memory files and snapshot the tables."""

import io
from typing import Any

from django.db import models

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
    Population,
    Referral,
    Section47,
    SicknessAbsence,
    SocialWorkerEpisode,
    StaffRecord,
    Vacancy,
    Visit,
)
from coredata.services.imports import import_run_create, import_run_execute
from organisation.models import Organisation, StaffMember, Team, TeamMembership

RECORD_MODELS: list[type[models.Model]] = [
    Child, Referral, Assessment, Section47, CINPlan, CPPlan, CareEpisode, CareLeaverReturn,
    SocialWorkerEpisode, EarlyHelpEpisode, Visit, Allocation, StaffRecord, SicknessAbsence,
    Vacancy, Population, StaffMember, Team, TeamMembership, AllocationSnapshot,
]  # fmt: skip


def run_import(
    organisation: Organisation, files: dict[str, str | bytes], **options: Any
) -> ImportRun:
    uploads = [
        (name, io.BytesIO(content.encode() if isinstance(content, str) else content))
        for name, content in files.items()
    ]
    run = import_run_create(
        organisation=organisation, user=None, uploads=uploads, enqueue=False, **options
    )
    return import_run_execute(run_id=run.pk)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every record table, in primary key order."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values_list())
        for model in RECORD_MODELS
    }


def problems(run: ImportRun) -> list[tuple[str, str, str, str, str]]:
    return list(run.problems.values_list("level", "file", "location", "field", "value"))
