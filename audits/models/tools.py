"""Audit tools: versioned templates of sections and items.

A tool belongs to one organisation. Its content lives in versions: one draft at most
(editable) and any number of published versions (immutable, numbered 1, 2, 3...). An
audit keeps the published version it started with, so editing a tool never changes an
audit already under way. Immutability is enforced by the services (`audits.services_tools`),
which refuse any change to a published version's sections or items.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisation.models import Organisation


class RatingScale(models.TextChoices):
    """How an item is rated. Set per tool version; an item may override it."""

    OFSTED = "ofsted", "Ofsted grades (outstanding, good, requires improvement, inadequate)"
    ZERO_TEN = "zero_ten", "A scale from 0 to 10"
    YES_PARTLY_NO = "yes_partly_no", "Yes, partly or no"
    FREE_TEXT = "free_text", "Comments only (no rating)"


class Grade(models.TextChoices):
    """Ofsted's four grades, best first. Also the overall grade of every audit."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class YesPartlyNo(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


# The values a rating may take on each scale (ratings are stored as text).
SCALE_VALUES: dict[str, tuple[str, ...]] = {
    RatingScale.OFSTED: tuple(Grade.values),
    RatingScale.ZERO_TEN: tuple(str(n) for n in range(11)),
    RatingScale.YES_PARTLY_NO: tuple(YesPartlyNo.values),
    RatingScale.FREE_TEXT: (),
}


class SectionKind(models.TextChoices):
    """What a section holds, which decides how the audit form shows it."""

    CONTEXT = "context", "Case context (filled from core data)"
    RATED = "rated", "Rated items"
    JUDGEMENT = "judgement", "Overall judgement (grade and 0 to 10 scale)"
    LEARNING = "learning", "Learning and actions (three columns and actions)"
    FAMILY_FEEDBACK = "family_feedback", "Family feedback"
    ESCALATION = "escalation", "Safeguarding escalation"


class AuditTool(models.Model):
    """An audit tool of one organisation (for example the shipped default, or the
    authority's licensed Signs of Safety tool)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_tools"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The tool shipped with the product, loaded per organisation by `tool_default_load`.
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="audit_tool_name_unique_in_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AuditToolVersion(models.Model):
    """One version of a tool. A draft is editable; publishing fixes it for good."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="versions")
    # 1, 2, 3... in order of publication; a draft carries the number it will publish as.
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    rating_scale = models.CharField(
        max_length=16, choices=RatingScale.choices, default=RatingScale.OFSTED
    )
    notes = models.TextField(blank=True, help_text="What changed in this version.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["tool", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "number"], name="tool_version_number_unique"),
            models.UniqueConstraint(
                fields=["tool"], condition=Q(status="draft"), name="tool_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="tool_version_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        suffix = " (draft)" if self.status == self.Status.DRAFT else ""
        return f"{self.tool} v{self.number}{suffix}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class AuditToolSection(models.Model):
    version = models.ForeignKey(AuditToolVersion, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=8, help_text="A short code, such as B.")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SectionKind.choices, default=SectionKind.RATED)
    guidance = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="tool_section_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class AuditToolItem(models.Model):
    section = models.ForeignKey(AuditToolSection, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=12, help_text="A short code, such as B1.")
    text = models.TextField()
    guidance = models.TextField(blank=True)
    # Blank: the version's scale. Set: this item's own (for example comments only).
    rating_scale = models.CharField(max_length=16, choices=RatingScale.choices, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="tool_item_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    def scale(self, version_scale: str) -> str:
        """The scale this item is rated on, given its version's."""
        return self.rating_scale or version_scale
