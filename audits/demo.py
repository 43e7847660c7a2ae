"""A year of demo audits for the demo organisation, in every state, so the audit pages,
home lists and results have something to show.

Deterministic (seeded by the month) and idempotent: an organisation that has audits
already is left alone, so `seed_demo` run twice changes nothing. The audits are drawn
from the organisation's programme with the real sampling (the seed of each month is
recorded) and written directly with their past dates: the services stamp "now" and
notify people, which would date a year of history today and flood the demo inboxes.
The states follow age: old audits closed (some with actions done late or still open),
recent ones moderated or completed, last month's in the conversation and this month's
planned or in reflection. Every inadequate audit is moderated and followed up.
"""

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from audits.casefacts import case_facts_on
from audits.demo_content import (
    GRADE_WEIGHTS,
    GRADES,
    NEXT_STEPS,
    PER_TEAM,
    WORKING_WELL,
    WORRIES,
    moment,
    month_seed,
    months_ending,
    rating_near,
)
from audits.demo_followthrough import demo_actions, demo_escalate, demo_moderation
from audits.demo_showcase import demo_showcase
from audits.models import (
    Audit,
    AuditAction,
    AuditEvent,
    AuditProgramme,
    AuditRating,
    AuditSectionState,
    AuditState,
    AuditToolVersion,
    Grade,
    SampleDraw,
    SectionKind,
)
from audits.sampling import Candidate, candidate_weight, draw_sample
from audits.selectors import audit_settings_for
from audits.selectors_work import tool_version_current
from audits.services_creation import default_auditor
from audits.services_results import audit_results_refresh
from audits.services_tools import tool_default_load
from organisation.models import Organisation, Role, StaffMember, Team
from organisation.selectors import users_with_organisation_role


def demo_audits_seed(*, organisation: Organisation, today: date | None = None) -> int:
    """Load the default tool, a programme and a year of audits ending this month (once).
    Returns the number of audits created (0 when the organisation had audits)."""
    tool = tool_default_load(organisation=organisation)
    if (
        Audit.objects.filter(organisation=organisation).exists()
        or SampleDraw.objects.filter(programme__organisation=organisation).exists()
    ):
        return 0
    today = today or timezone.localdate()
    version = tool_version_current(tool=tool)
    if version is None:  # the default tool is published when loaded; an edited one may not be
        return 0
    qa_users = users_with_organisation_role(organisation_id=organisation.pk, role=Role.QA_LEAD)
    with transaction.atomic():
        programme, _ = AuditProgramme.objects.get_or_create(
            organisation=organisation,
            name="Monthly collaborative audits",
            defaults={
                "tool": tool,
                "unit": AuditProgramme.Unit.TEAM,
                "audits_per_unit": PER_TEAM,
                "weight_long_cp": 2,
                "weight_not_seen": 1,
                "deadline_days": 28,
                "created_by": qa_users[0] if qa_users else None,
            },
        )
        builder = DemoBuilder(organisation, version, today)
        for month in months_ending(today):
            builder.month(programme, month)
        demo_showcase(builder)
    audit_results_refresh(organisation_id=organisation.pk, today=today)
    return builder.created


class DemoBuilder:
    def __init__(self, organisation: Organisation, version: AuditToolVersion, today: date) -> None:
        self.organisation = organisation
        self.version = version
        self.today = today
        self.this_month_count = 0
        self.cancelled_any = False
        self.settings = audit_settings_for(organisation_id=organisation.pk)
        self.sections = list(version.sections.prefetch_related("items"))
        self.items = [
            (item, item.scale(version.rating_scale))
            for section in self.sections
            if section.kind == SectionKind.RATED
            for item in section.items.all()
        ]
        self.staff = {s.pk: s for s in StaffMember.objects.filter(organisation=organisation)}
        # Moderators: the QA leads (in the staff's order), looked up once, not once per
        # moderated audit.
        qa_lead_ids = set(
            StaffMember.objects.filter(
                organisation=organisation, roles__role=Role.QA_LEAD
            ).values_list("pk", flat=True)
        )
        self.qa_leads = [s for s in self.staff.values() if s.pk in qa_lead_ids]
        self.teams = {t.pk: t for t in Team.objects.filter(organisation=organisation)}
        self.created = 0
        self.escalations = 0
        self.open_children: set[int] = set()

    # --- one month ---------------------------------------------------------------------

    def month(self, programme: AuditProgramme, month: date) -> None:
        seed = month_seed(self.organisation.pk, month)
        facts = case_facts_on(organisation_id=self.organisation.pk, on=month)
        eligible = [f for f in facts.values() if f.child_id not in self.open_children]
        candidates = [
            Candidate(
                f.child_id,
                f.worker_id,
                f.team_id,
                candidate_weight(
                    long_cp=f.long_cp,
                    re_referral=f.re_referral,
                    not_seen=f.not_seen,
                    weights=(2, 0, 1),
                ),
            )
            for f in eligible
        ]
        picks = draw_sample(candidates, unit="team", per_unit=PER_TEAM, seed=seed)
        draw = SampleDraw.objects.create(
            programme=programme,
            month=month,
            seed=seed,
            drawn_at=moment(month, 6),
            eligible_count=len(eligible),
        )
        rng = random.Random(seed)  # noqa: S311 - demo data
        made = 0
        for pick in picks:
            practitioner = self.staff[pick.worker_id]
            team = self.teams[pick.team_id]
            auditor = default_auditor(team=team, practitioner=practitioner)
            if auditor is None:
                continue
            audit = self.add_audit(
                child_id=pick.child_id,
                practitioner=practitioner,
                auditor=auditor,
                team=team,
                month=month,
                due_date=month + timedelta(days=28),
                kind=Audit.Kind.PROGRAMME,
                programme=programme,
                draw=draw,
                context=facts[pick.child_id],
            )
            self._progress(audit, rng)
            made += 1
        draw.selected_count = made
        draw.save(update_fields=["selected_count"])

    def add_audit(self, *, context: Any, **fields: Any) -> Audit:
        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        audit = Audit.objects.create(
            organisation=self.organisation,
            tool_version=self.version,
            created_at=moment(fields["month"], 6),
            context={
                "tier": context.tier if context else None,
                "team": fields["team"].name,
                "worker": fields["practitioner"].name,
                "referral_date": iso(context.referral_date) if context else None,
                "plan_start_date": iso(context.plan_start_date) if context else None,
                "last_visit_date": iso(context.last_visit_date) if context else None,
            },
            **fields,
        )
        AuditSectionState.objects.bulk_create(
            AuditSectionState(audit=audit, section=section) for section in self.sections
        )
        self.event(
            audit, fields["month"], None, AuditEvent.Kind.CREATED, new=audit.get_kind_display()
        )
        self.created += 1
        self.open_children.add(audit.child_id)
        return audit

    def event(self, audit: Audit, day: date, by: Any, kind: str, **values: Any) -> None:
        AuditEvent.objects.create(audit=audit, at=moment(day, 11), by=by, kind=kind, **values)

    def login_of(self, staff: StaffMember) -> Any:
        return staff.user if staff.user_id else None

    def move(self, audit: Audit, day: date, by: StaffMember, to: str, **stamps: Any) -> None:
        self.event(
            audit,
            day,
            self.login_of(by),
            AuditEvent.Kind.STATE,
            field="state",
            old=audit.state,
            new=to,
        )
        audit.state = to
        for name, value in stamps.items():
            setattr(audit, name, value)
        audit.save()

    # --- the life of an audit ------------------------------------------------------------

    def _progress(self, audit: Audit, rng: random.Random) -> None:
        """Take the audit as far as its age allows."""
        age = (self.today - audit.month).days
        if audit.month == self.today.replace(day=1):
            self._this_month(audit, rng)
            return
        # About 3% of older audits are cancelled, and at least one (so the state shows).
        if age > 60 and (not self.cancelled_any or rng.random() < 0.03):
            self.cancelled_any = True
            day = audit.month + timedelta(days=5)
            self.move(
                audit,
                day,
                audit.auditor,
                AuditState.CANCELLED,
                cancelled_reason="The case closed before the audit.",
            )
            self.open_children.discard(audit.child_id)
            return
        reflected = audit.month + timedelta(days=rng.randint(3, 10))
        self.move(
            audit,
            audit.month + timedelta(days=2),
            audit.practitioner,
            AuditState.REFLECTION,
            reflection_started_at=moment(audit.month + timedelta(days=2)),
        )
        self.rate(audit, rng, practitioner=True)
        self.move(
            audit,
            reflected,
            audit.practitioner,
            AuditState.CONVERSATION,
            conversation_started_at=moment(reflected),
        )
        if age < 40 and rng.random() < 0.6:
            self.rate(audit, rng, practitioner=False, partial=True)
            return
        grade = rng.choices(GRADES, GRADE_WEIGHTS)[0]
        completed = min(
            reflected + timedelta(days=rng.randint(5, 30)), self.today - timedelta(days=1)
        )
        self.rate(audit, rng, practitioner=False, grade=grade)
        audit.overall_grade = grade
        audit.practice_scale = {
            "outstanding": 9,
            "good": 7,
            "requires_improvement": 5,
            "inadequate": 2,
        }[grade] + rng.choice([-1, 0, 0, 1])
        audit.working_well = rng.choice(WORKING_WELL)
        audit.worries = rng.choice(WORRIES)
        audit.next_steps = rng.choice(NEXT_STEPS)
        if rng.random() < 0.3:
            audit.family_feedback = "Dad said the plan was clearer after the network meeting."
        self.move(
            audit,
            completed,
            audit.auditor,
            AuditState.COMPLETED,
            completed_at=moment(completed, 15),
        )
        demo_actions(self, audit, rng, completed)
        if grade == Grade.INADEQUATE or (rng.random() < 0.04 and self.escalations < 4):
            demo_escalate(self, audit, rng, completed)
        moderation = demo_moderation(self, audit, rng, completed)
        followed_up = grade == Grade.INADEQUATE and self._follow_up(audit, rng, completed)
        outstanding = audit.actions.filter(status=AuditAction.Status.OPEN).exists() or (
            moderation is not None and moderation.moderated_at is None
        )
        if not outstanding:
            closed = max(
                [
                    completed,
                    *(
                        timezone.localdate(a.completed_at)
                        for a in audit.actions.filter(status=AuditAction.Status.DONE)
                        if a.completed_at
                    ),
                ]
            )
            self.move(audit, closed, audit.auditor, AuditState.CLOSED, closed_at=moment(closed, 16))
        if not followed_up:
            self.open_children.discard(audit.child_id)

    def rate(
        self,
        audit: Audit,
        rng: random.Random,
        *,
        practitioner: bool,
        partial: bool = False,
        grade: str | None = None,
    ) -> None:
        items = self.items[: len(self.items) // 2] if partial else self.items
        existing = {r.item_id: r for r in AuditRating.objects.filter(audit=audit)}
        centre = GRADES.index(grade) if grade else rng.randint(1, 2)
        for item, scale in items:
            rating = existing.get(item.pk) or AuditRating(audit=audit, item=item)
            value = rating_near(scale, centre, rng)
            if practitioner:
                rating.practitioner_rating = value
            else:
                rating.auditor_rating = value
                if rating.practitioner_rating == value or rng.random() < 0.5:
                    rating.agreed_rating = value
                elif rng.random() < 0.5:
                    rating.agreed_comment = "Both views kept: we did not agree on this item."
            rating.save()
        day = audit.month + timedelta(days=3)
        self.event(
            audit,
            day,
            self.login_of(audit.practitioner if practitioner else audit.auditor),
            AuditEvent.Kind.RATING,
            field="ratings",
            note=f"{len(items)} {'practitioner' if practitioner else 'auditor'} ratings recorded",
        )

    def _this_month(self, audit: Audit, rng: random.Random) -> None:
        """This month's audits: in turn planned, in reflection and already in the
        conversation (in turn, not at random, so that even a small organisation's demo has
        audits in each of these states)."""
        self.this_month_count += 1
        stage = self.this_month_count % 3
        if stage == 1:
            return
        started = min(audit.month + timedelta(days=2), self.today)
        self.move(
            audit,
            started,
            audit.practitioner,
            AuditState.REFLECTION,
            reflection_started_at=moment(started),
        )
        if stage == 2:
            self.rate(audit, rng, practitioner=True, partial=True)
            return
        self.rate(audit, rng, practitioner=True)
        self.move(
            audit,
            self.today,
            audit.practitioner,
            AuditState.CONVERSATION,
            conversation_started_at=moment(self.today, 9),
        )
        self.rate(audit, rng, practitioner=False, partial=True)

    def _follow_up(self, audit: Audit, rng: random.Random, completed: date) -> bool:
        """A follow-up audit of the case, from the month after (taken as far as its own
        age allows), or planned now when that month has not come. True when made."""
        due = completed + timedelta(weeks=self.settings.follow_up_weeks)
        next_month = (completed.replace(day=1) + timedelta(days=32)).replace(day=1)
        month = next_month if next_month <= self.today else completed.replace(day=1)
        follow_up = self.add_audit(
            child_id=audit.child_id,
            practitioner=audit.practitioner,
            auditor=audit.auditor,
            team=audit.team,
            month=month,
            due_date=due,
            kind=Audit.Kind.FOLLOW_UP,
            follow_up_of=audit,
            context=None,
        )
        follow_up.context = audit.context
        follow_up.save(update_fields=["context"])
        if month == next_month:
            self._progress(follow_up, rng)
        return True
