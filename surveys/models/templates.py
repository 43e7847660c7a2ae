"""Survey templates (versioned, like audit tools), their questions, and the
organisation's survey settings."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisation.models import Organisation, User


class Audience(models.TextChoices):
    PARENTS = "parents", "Parents and carers"
    CHILD_4_7 = "child_4_7", "Children aged 4 to 7"
    CHILD_8_12 = "child_8_12", "Children aged 8 to 12"
    CHILD_13_PLUS = "child_13_plus", "Young people aged 13 and over"
    STAFF = "staff", "Staff"


CHILD_AUDIENCES = frozenset({Audience.CHILD_4_7, Audience.CHILD_8_12, Audience.CHILD_13_PLUS})
FAMILY_AUDIENCES = CHILD_AUDIENCES | {Audience.PARENTS}


class QuestionKind(models.TextChoices):
    """How a question is answered and the integer each answer is stored as.

    - agree5: 1 strongly disagree, 2 disagree, 3 neither, 4 agree, 5 strongly agree;
    - scale_0_10: 0 to 10;
    - yes_no: 1 yes, 0 no;
    - faces3: 1 sad, 2 in between, 3 happy; faces5: 1 very sad ... 5 very happy;
    - free_text: text (at most 2,000 characters), never a number.
    """

    AGREE5 = "agree5", "Agree scale (5 points)"
    SCALE_0_10 = "scale_0_10", "Scale 0 to 10"
    YES_NO = "yes_no", "Yes or no"
    FACES3 = "faces3", "Faces (3)"
    FACES5 = "faces5", "Faces (5)"
    FREE_TEXT = "free_text", "Free text"


class SafetyPlace(models.TextChoices):
    """Where a 'feel safe' question asks about; an unsafe answer raises an alert."""

    HOME = "home", "At home"
    SCHOOL = "school", "At school"
    COMMUNITY = "community", "Where I live"


class FreeTextColumn(models.TextChoices):
    """The three columns free text is shown in for managers."""

    WORKING_WELL = "working_well", "What's working well"
    WORRIES = "worries", "What are we worried about"
    NEEDS_TO_HAPPEN = "needs_to_happen", "What needs to happen"


class SurveyIndicator(models.TextChoices):
    """The survey indicators the core data set proposal names. A question carrying one
    counts its positive answers (QuestionKind: agree5 >= 4, scale_0_10 >= 7, yes_no = 1,
    faces3 = 3, faces5 >= 4) over its answers."""

    CHILD_SAFE_HOME = "child_safe_home", "Children feeling safe at home"
    CHILD_SAFE_SCHOOL = "child_safe_school", "Children feeling safe at school"
    CHILD_SAFE_COMMUNITY = "child_safe_community", "Children feeling safe in their community"
    PARENT_SATISFACTION = "parent_satisfaction", "Parents' overall satisfaction"
    PARENT_UNDERSTAND = "parent_understand", "Parents who understand what needs to happen"
    STAFF_CHILDREN_SAFER = "staff_children_safer", "Staff saying children are safer"
    STAFF_CASELOAD = "staff_caseload", "Staff saying caseloads are manageable"
    STAFF_SUPERVISION = "staff_supervision", "Staff saying supervision is adequate"
    STAFF_TIME = "staff_time", "Staff saying they have enough time with families"


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class SurveySettings(models.Model):
    """An organisation's survey settings (defaults apply while it has no row)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="survey_settings"
    )
    min_responses = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text="Results for fewer responses than this are not shown.",
    )
    alert_escalation_hours = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text="A child safety alert not acknowledged within this many hours goes to "
        "the service manager.",
    )
    invitation_valid_days = models.PositiveSmallIntegerField(
        default=28, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    reminder_after_days = models.JSONField(
        default=list,
        blank=True,
        help_text="Days after the invitation when reminders go (for example [7, 14]).",
    )

    class Meta:
        verbose_name = "survey settings"
        verbose_name_plural = "survey settings"

    def __str__(self) -> str:
        return f"Survey settings of {self.organisation}"


class SurveyTemplate(models.Model):
    """One version of a survey. A draft can be edited; publishing freezes it (a
    published or retired version never changes: responses refer to it), and a change
    is made on a new draft version with the same key (`survey_template_new_version`).

    Texts are JSON objects of language code to text ({"en": "...", "cy": "..."});
    English is required. `safety_notice` is what a child is told before answering the
    'feel safe' questions (that someone will be told if they say they don't feel safe).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="survey_templates"
    )
    key = models.SlugField(max_length=50, help_text="The same for every version.")
    version = models.PositiveIntegerField(default=1)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    status = models.CharField(
        max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT
    )
    title = models.JSONField(default=dict)
    intro = models.JSONField(default=dict, blank=True)
    safety_notice = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key", "version"], name="survey_template_version_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "key"],
                condition=Q(status="draft"),
                name="survey_template_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title.get('en', self.key)} (version {self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == TemplateStatus.DRAFT

    @property
    def is_family(self) -> bool:
        return self.audience in FAMILY_AUDIENCES

    @property
    def is_child(self) -> bool:
        return self.audience in CHILD_AUDIENCES


class SurveyQuestion(models.Model):
    """A question of one template version, shown one per page in `position` order.

    `code` names the question within the template's key across versions (answers are
    stored by code). `safety_place` marks a 'feel safe' question: an unsafe answer
    (agree5 <= 2, faces3 = 1, faces5 <= 2, yes_no = 0, scale_0_10 <= 3) raises a child
    safety alert. `indicator` makes the question count towards a survey indicator;
    `column` puts a free-text answer in one of the three columns.
    """

    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=50)
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    text = models.JSONField(default=dict)
    hint = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=False)
    safety_place = models.CharField(max_length=10, choices=SafetyPlace.choices, blank=True)
    indicator = models.CharField(max_length=24, choices=SurveyIndicator.choices, blank=True)
    column = models.CharField(max_length=16, choices=FreeTextColumn.choices, blank=True)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="survey_question_code"),
            models.UniqueConstraint(
                fields=["template", "position"], name="survey_question_position"
            ),
            models.CheckConstraint(
                condition=Q(column="") | Q(kind="free_text"), name="survey_column_only_free_text"
            ),
            models.CheckConstraint(
                condition=Q(safety_place="") | ~Q(kind="free_text"),
                name="survey_safety_not_free_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text.get('en', '')}"

    def text_in(self, language: str) -> str:
        """The question in `language`, or in English when it has no translation."""
        return str(self.text.get(language) or self.text.get("en", ""))

    def hint_in(self, language: str) -> str:
        return str(self.hint.get(language) or self.hint.get("en", ""))
