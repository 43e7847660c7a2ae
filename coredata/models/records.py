"""The normalised child-level records the indicators are computed from.

Children are identified by the authority's own child ID and a keyed pseudonym; no
names, no postcodes. Dates of birth are kept because age-based measures need them.
"""

from datetime import date

from django.db import models
from django.db.models import F, Q

from organisation.models import Organisation, Service, StaffMember, Team


def _ends_after_start(start: str, end: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}), name=name
    )


class Child(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    child_id = models.CharField("LA child ID", max_length=64)
    # HMAC of the organisation and child ID under the installation's key: shown where a
    # reference is needed without the authority's own ID (URLs, exports for research).
    pseudonym = models.CharField(max_length=32, unique=True)
    # Both sources' dates of birth; the SSDA903 one wins (Resolved detail 3).
    birth_date_cin = models.DateField(null=True, blank=True)
    birth_date_903 = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)  # M, F or U

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "child_id"], name="child_id_unique_in_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"Child {self.pseudonym}"

    @property
    def birth_date(self) -> date | None:
        return self.birth_date_903 or self.birth_date_cin


class ReturnRecord(models.Model):
    """A record as one statutory return (one collection year) stated it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    collection_year = models.PositiveSmallIntegerField()
    run = models.ForeignKey("coredata.ImportRun", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk} ({self.collection_year} return)"


class Referral(ReturnRecord):
    """An episode of need (CINdetails): from the referral to its closure."""

    referral_date = models.DateField()
    source = models.CharField(max_length=2)
    primary_need = models.CharField(max_length=2, blank=True)
    nfa = models.BooleanField("no further action")
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, blank=True)
    initial_cpc_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year", "referral_date"], name="referral_unique"
            ),
            _ends_after_start("referral_date", "closure_date", "referral_closed_after_start"),
        ]


class Assessment(ReturnRecord):
    referral_date = models.DateField()
    start_date = models.DateField()
    authorisation_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year", "start_date"], name="assessment_unique"
            ),
        ]


class Section47(ReturnRecord):
    referral_date = models.DateField()
    start_date = models.DateField()
    icpc_date = models.DateField(null=True, blank=True)
    icpc_not_required = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year", "start_date"], name="section47_unique"
            ),
        ]


class CINPlan(ReturnRecord):
    referral_date = models.DateField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year", "start_date"], name="cin_plan_unique"
            ),
            _ends_after_start("start_date", "end_date", "cin_plan_ends_after_start"),
        ]


class CPPlan(ReturnRecord):
    referral_date = models.DateField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3)
    latest_category = models.CharField(max_length=3)
    previous_plans = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year", "start_date"], name="cp_plan_unique"
            ),
            _ends_after_start("start_date", "end_date", "cp_plan_ends_after_start"),
        ]


class CareEpisode(ReturnRecord):
    """An SSDA903 episode, as one annual return stated it (stitched when read)."""

    decom = models.DateField()
    rne = models.CharField(max_length=1)
    legal_status = models.CharField(max_length=2)
    cin = models.CharField(max_length=2, blank=True)
    place = models.CharField(max_length=2)
    place_provider = models.CharField(max_length=3, blank=True)
    dec = models.DateField(null=True, blank=True)
    rec = models.CharField(max_length=3, blank=True)
    reason_place_change = models.CharField(max_length=6, blank=True)
    urn = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year", "decom"], name="care_episode_unique"
            ),
            _ends_after_start("decom", "dec", "care_episode_ends_after_start"),
        ]


class CareLeaverReturn(ReturnRecord):
    """SSDA903 OC3: a care leaver's 17th–21st birthday return."""

    in_touch = models.CharField(max_length=4)
    activity = models.CharField(max_length=2, blank=True)
    accommodation = models.CharField(max_length=2, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year"], name="care_leaver_return_unique"
            ),
        ]


class SocialWorkerEpisode(ReturnRecord):
    """SSDA903 sw_episodes: which social worker held a looked-after child, when."""

    worker_id = models.CharField(max_length=64)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=6, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year", "start_date"], name="sw_episode_unique"
            ),
        ]


class LocalRecord(models.Model):
    """A record from the authority's own files, upserted on its natural key."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey("coredata.ImportRun", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class EarlyHelpEpisode(LocalRecord):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "start_date"], name="early_help_unique"),
            _ends_after_start("start_date", "end_date", "early_help_ends_after_start"),
        ]


class Visit(LocalRecord):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    visit_date = models.DateField()
    seen = models.BooleanField()
    seen_alone = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "visit_date"], name="visit_unique"),
        ]


class Allocation(LocalRecord):
    """Which worker and team held a child, start and end inclusive. One child's
    allocations never overlap (the importer refuses overlaps)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "start_date"], name="allocation_unique"),
            _ends_after_start("start_date", "end_date", "allocation_ends_after_start"),
        ]
        indexes = [models.Index(fields=["worker", "start_date"], name="allocation_worker")]


class StaffRecord(LocalRecord):
    """A row of the staff file: a worker's post in a team over a period."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    fte = models.DecimalField(max_digits=4, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    agency = models.BooleanField()
    case_holding = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "start_date"], name="staff_record_unique"),
            _ends_after_start("start_date", "end_date", "staff_record_ends_after_start"),
            models.CheckConstraint(condition=Q(fte__gte=0), name="staff_record_fte_not_negative"),
        ]


class SicknessAbsence(LocalRecord):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()
    working_days_lost = models.DecimalField(max_digits=6, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "start_date"], name="sickness_unique"),
            _ends_after_start("start_date", "end_date", "sickness_ends_after_start"),
        ]


class Vacancy(LocalRecord):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    vacant_fte = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "date"], name="vacancy_unique"),
            models.CheckConstraint(condition=Q(vacant_fte__gte=0), name="vacancy_not_negative"),
        ]


class Population(LocalRecord):
    """Children aged 0–17 in the organisation's area (or a service's) at mid-year."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area_code = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField(help_text="The mid-year of the estimate.")
    population_0_17 = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "area_code", "year"], name="population_unique"
            ),
        ]


class WorkforceCensusWorker(models.Model):
    """A social worker as the workforce census (CSWW) of one collection year stated it.

    The census names no team, so it gives organisation-level workforce figures;
    team-level ones come from the local staff, sickness and vacancy files.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey("coredata.ImportRun", on_delete=models.PROTECT, related_name="+")
    collection_year = models.PositiveSmallIntegerField()
    swe_no = models.CharField("Social Work England number", max_length=32)
    agency = models.BooleanField()
    fte = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    role_start_date = models.DateField(null=True, blank=True)
    role_end_date = models.DateField(null=True, blank=True)
    org_role = models.CharField(max_length=4, blank=True)
    working_days_lost = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    cases = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "collection_year", "swe_no"], name="csww_worker_unique"
            ),
        ]


class WorkforceCensusVacancies(models.Model):
    """The census's organisation-level vacancy figures at its reference date."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey("coredata.ImportRun", on_delete=models.PROTECT, related_name="+")
    collection_year = models.PositiveSmallIntegerField()
    reference_date = models.DateField()
    vacancies_fte = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    agency_fte = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    agency_headcount = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "workforce census vacancies"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "collection_year"], name="csww_vacancies_unique"
            ),
        ]


class AllocationSnapshot(LocalRecord):
    """A child's allocated team and worker as an Ofsted Annex A list stated them, as at
    the workbook's date (its latest date). Names are kept as written; the team and
    worker are linked when a known one has that name."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    as_at = models.DateField()
    list_name = models.CharField(max_length=32)
    team_name = models.CharField(max_length=200, blank=True)
    worker_name = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "as_at", "list_name"], name="allocation_snapshot_unique"
            ),
        ]
