from django.conf import settings
from django.db import models
from django.utils import timezone

from organisation.models import Organisation


class ImportKind(models.TextChoices):
    CIN_CENSUS = "cin_census", "CIN census (XML)"
    SSDA903 = "ssda903", "SSDA903 (CSV or XML)"
    ANNEX_A = "annex_a", "Ofsted Annex A (xlsx)"
    WORKFORCE_CENSUS = "workforce_census", "Social work workforce census (XML)"
    ONS_MYE2 = "ons_mye2", "ONS mid-year population (MYE2 CSV)"
    TEAMS = "teams", "Local file: teams.csv"
    STAFF = "staff", "Local file: staff.csv"
    SICKNESS = "sickness", "Local file: sickness.csv"
    VACANCIES = "vacancies", "Local file: vacancies.csv"
    ALLOCATIONS = "allocations", "Local file: allocations.csv"
    EARLY_HELP = "early_help", "Local file: early_help.csv"
    VISITS = "visits", "Local file: visits.csv"
    POPULATION = "population", "Local file: population.csv"


class ImportRun(models.Model):
    """One import of one or several files: who, when, what, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Rejected"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="import_runs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_runs",
        help_text="Empty for imports from the command line.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # Progress of a running import, 0 to 100, for the progress bar.
    progress = models.PositiveSmallIntegerField(default=0)
    # Per file: [{"name", "kind", "checksum", "size", "collection_year"}].
    files = models.JSONField(default=list)
    # Records written, per record type: {"referrals": 120, ...}.
    counts = models.JSONField(default=dict)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    # Why a run failed when the reason is not a problem in a file (e.g. a crash).
    failure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        names = ", ".join(f["name"] for f in self.files) or "no files"
        return f"Import {self.pk} ({names}): {self.get_status_display()}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ImportProblem(models.Model):
    """One problem found in a file of an import run. Values may hold child IDs: reading
    them writes the access log."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    level = models.CharField(max_length=8, choices=[("error", "Error"), ("warning", "Warning")])
    file = models.CharField(max_length=255)
    location = models.CharField(max_length=255)
    field = models.CharField(max_length=100)
    value = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["run", "pk"]
        indexes = [models.Index(fields=["run", "level"], name="import_problem_run_level")]

    def __str__(self) -> str:
        return f"{self.level}: {self.file} {self.location} {self.field}: {self.reason}"
