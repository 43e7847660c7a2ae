"""The large authority the QA pages benchmark reads: `python -m benchmarks.bench_qa_pages_seed
OUT.json`, run by bench_qa_pages with DATABASE_URL pointing at its throwaway PostgreSQL.

- Core data: the synthetic history of a large authority (20,000 referrals a year, five
  years, 4 services of 5 teams, the staff its caseload needs), through the indicator
  engine, stored as a refresh stores it (one `UnitResults` row per unit: ~2,400 units,
  ~2.9M results). The history goes straight into the engine's frames
  (benchmarks.synthetic_frames) rather than through the importers: the pages read only
  the stored results, and importing would add minutes.
- Audits and surveys: stored result rows for every unit (organisation, services, teams,
  current practitioners) and every month, quarter and financial year of the last two
  years, with the measures their result jobs store, made directly (their results jobs
  need audits and responses behind them); and 24 months of completed audits in every
  team, whose three columns the team and practitioner pages quote.
- Flags: the QA reports' default rules, evaluated over those stored results.
- Sign-in: a session for each persona (senior leader, service manager, team manager,
  practitioner), as signing in would leave it.
- Then VACUUM (ANALYZE), as autovacuum would in time: the pages are timed on a settled
  database, not while autovacuum works through the load.

Writes the personas' session keys and the URLs to load into OUT.json.
"""

import json
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_system.settings")
django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.bench_engine import REFERRALS_PER_YEAR, SEED, TEAMS, YEARS  # noqa: E402

LA_CODE = "998"
# A smaller authority for trying the benchmark out (the figures reported use the default).
REFERRALS = int(os.environ.get("SIGHTLINE_BENCH_QA_REFERRALS", str(REFERRALS_PER_YEAR)))
PERIOD_MONTHS = 24  # audits and surveys: the last two years
AUDITS_PER_TEAM_MONTH = 8
SECTIONS = ("B", "C", "D", "E", "F", "G")
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
SURVEY_QUESTIONS = 25  # per-question rows ("q:<template>:<code>") beside the indicators


def _core_data() -> tuple[Any, tuple[Any, Any, int]]:
    from benchmarks.synthetic_frames import inputs_from_synthetic
    from coredata.indicators.registry import compute_all
    from coredata.services.refresh import unit_results_json
    from coredata.synthetic import generate

    data = generate(la_code=LA_CODE, teams=TEAMS, workers=None, start=date(2021, 4, 1),
                    years=YEARS, referrals_per_year=REFERRALS, seed=SEED)  # fmt: skip
    inputs = inputs_from_synthetic(data)
    results = compute_all(inputs)
    return data, (inputs, unit_results_json(results), len(results))


def _structure(data: Any) -> tuple[Any, dict[str, Any], dict[str, Any], dict[str, Any]]:
    from organisation.models import Organisation, Service, StaffMember, Team, TeamMembership

    organisation = Organisation.objects.create(name="Bigshire", la_code=LA_CODE)
    services = {
        code: Service.objects.create(organisation=organisation, code=code, name=name)
        for code, name in sorted({(t[2], t[3]) for t in data.teams})
    }
    teams = {
        code: Team.objects.create(organisation=organisation, service=services[service],
                                  code=code, name=name)
        for code, name, service, _ in data.teams
    }  # fmt: skip
    rows = data.staff.sort_values("start")
    latest = rows.drop_duplicates("worker_id", keep="last")
    staff = {
        m.worker_id: m
        for m in StaffMember.objects.bulk_create(
            StaffMember(organisation=organisation, worker_id=w, name=n)
            for w, n in zip(latest["worker_id"], latest["name"], strict=True)
        )
    }
    epoch = date(1970, 1, 1)
    current = latest[latest["end"] < 0]
    TeamMembership.objects.bulk_create(
        TeamMembership(staff=staff[w], team=teams[t], start_date=epoch + timedelta(days=int(s)))
        for w, t, s in zip(current["worker_id"], current["team_code"], current["start"],
                           strict=True)
    )  # fmt: skip
    return organisation, services, teams, staff


def _periods(today: date) -> list[tuple[str, date, date]]:
    """Months, quarters and financial years of the last PERIOD_MONTHS complete months."""
    last = today.replace(day=1) - timedelta(days=1)
    months = []
    for back in range(PERIOD_MONTHS):
        index = last.year * 12 + last.month - 1 - back
        start = date(index // 12, index % 12 + 1, 1)
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        months.append(("month", start, end))
    quarters = {(s.replace(month=(s.month - 1) // 3 * 3 + 1)) for _, s, _ in months}
    periods = list(months)
    for start in sorted(quarters):
        end = (start.replace(month=start.month + 2, day=28) + timedelta(days=4)).replace(day=1)
        periods.append(("quarter", start, end - timedelta(days=1)))
    years = {s.year if s.month >= 4 else s.year - 1 for _, s, _ in months}
    periods += [("year", date(y, 4, 1), date(y + 1, 3, 31)) for y in sorted(years)]
    return periods


AUDIT_COLUMNS = ("organisation_id", "unit_type", "unit_id", "period_type", "period_start",
                 "period_end", "measure", "breakdown", "numerator", "denominator", "value",
                 "computed_at")  # fmt: skip
SURVEY_COLUMNS = ("organisation_id", "unit_type", "unit_id", "period_type", "period_start",
                  "period_end", "measure", "respondents", "numerator", "denominator", "value",
                  "distribution", "suppressed")  # fmt: skip


def _copy(model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> int:
    """Rows into a model's table with PostgreSQL's COPY (a million rows in seconds)."""
    from django.db import connection

    names = ", ".join(columns)
    with (
        connection.cursor() as cursor,
        cursor.copy(  # type: ignore[attr-defined]
            f"COPY {model._meta.db_table} ({names}) FROM STDIN"  # noqa: S608 - our own names
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)
    return len(rows)


def _audit_rows(rng: np.random.Generator, unit: tuple[str, int], periods: list[Any],
                organisation_id: int) -> list[tuple[Any, ...]]:  # fmt: skip
    now = timezone.now()
    rows = []
    for period_type, start, end in periods:
        completed = int(rng.integers(4, 40))
        shares = rng.dirichlet([1, 4, 3, 1])

        def row(measure: str, breakdown: str = "", n: float = 0.0, d: float | None = None,
                value: float | None = None, span: tuple[Any, ...] = (period_type, start, end),
                ) -> tuple[Any, ...]:  # fmt: skip
            return (organisation_id, unit[0], unit[1], *span, measure, breakdown, float(n), d,
                    value, now)  # fmt: skip

        rows.append(row("completed", n=completed, value=completed))
        for grade, share in zip(GRADES, shares, strict=True):
            rows.append(row("grade", f"grade={grade}", share * completed, completed, share))
        good = float(shares[0] + shares[1])
        rows.append(row("good_or_better", n=good * completed, d=completed, value=good))
        rows.append(row("practice_scale", n=6.4 * completed, d=completed, value=6.4))
        rows.append(row("agreement", n=80, d=100, value=0.8))
        for section in SECTIONS:
            for grade, share in zip(GRADES, rng.dirichlet([1, 4, 3, 1]), strict=True):
                rows.append(row("section_grade", f"section={section};grade={grade}",
                                share * 20, 20, float(share)))  # fmt: skip
            rows.append(row("agreement", f"section={section}", 16, 20, 0.8))
        for measure, n, d in (
            ("moderated", 3, None),
            ("moderation_agreement", 2, 3),
            ("completed_on_time", completed - 2, completed),
            ("actions_due", 12, None),
            ("actions_done_on_time", 9, 12),
            ("actions_open", 7, None),
            ("actions_overdue", 2, None),
            ("escalations", 1, None),
            ("escalations_unacknowledged", 0, None),
        ):
            rows.append(row(measure, n=n, d=d, value=n / d if d else n))  # fmt: skip
    return rows


def _survey_rows(rng: np.random.Generator, unit: tuple[str, int], periods: list[Any],
                 organisation_id: int) -> list[tuple[Any, ...]]:  # fmt: skip
    from surveys.models import SurveyIndicator

    measures = [m.value for m in SurveyIndicator]
    if unit[0] == "practitioner":
        measures = [m for m in measures if not m.startswith("staff_")]
    measures += ["rate:family", *([] if unit[0] == "practitioner" else ["rate:staff"])]
    measures += [f"q:parents:q{i}" for i in range(SURVEY_QUESTIONS)]
    rows = []
    for period_type, start, end in periods:
        respondents = int(rng.integers(0, 30))
        for measure in measures:
            suppressed = respondents < 5
            n = int(rng.integers(0, respondents + 1))
            d = respondents * 3 if measure.startswith("rate:") else respondents
            rows.append((
                organisation_id, unit[0], unit[1], period_type, start, end, measure,
                None if suppressed else respondents, None if suppressed else n,
                None if suppressed else d, None if suppressed else 100 * n / d, "{}", suppressed,
            ))  # fmt: skip
    return rows


def _audits(organisation: Any, teams: dict[str, Any], today: date) -> int:
    from audits.models import Audit
    from audits.services_tools import tool_default_load
    from coredata.models import Child
    from organisation.models import StaffMember

    version = tool_default_load(organisation=organisation).versions.get(number=1)
    made = 0
    for number, team in enumerate(teams.values()):
        people = list(StaffMember.objects.filter(memberships__team=team)[:2])
        if len(people) < 2:
            continue
        children = Child.objects.bulk_create(
            Child(organisation=organisation, child_id=f"A{number}-{i}", pseudonym=f"PA{number}-{i}")
            for i in range(PERIOD_MONTHS * AUDITS_PER_TEAM_MONTH)
        )  # fmt: skip
        audits = []
        for i, child in enumerate(children):
            completed = datetime.combine(today, datetime.min.time(), tzinfo=UTC) - timedelta(
                days=3 * i + 1
            )
            audits.append(Audit(
                organisation=organisation, child=child, tool_version=version, state="closed",
                practitioner=people[1], auditor=people[0], team=team,
                month=completed.date().replace(day=1), due_date=completed.date(),
                overall_grade="good", practice_scale=7, completed_at=completed,
                working_well="The family network meets every fortnight and keeps to the plan.",
                worries="School attendance has dropped since the move.",
                next_steps="Agree with the school who checks attendance each week.",
            ))  # fmt: skip
        made += len(Audit.objects.bulk_create(audits, batch_size=1000))
    return made


def _session(user: Any) -> str:
    from organisation.middleware import AUTHENTICATED_AT, LAST_SEEN_AT

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[AUTHENTICATED_AT] = session[LAST_SEEN_AT] = int(time.time())
    session.create()
    return str(session.session_key)


def _personas(organisation: Any, services: dict[str, Any], teams: dict[str, Any]) -> dict:
    from organisation.models import Role, RoleAssignment, StaffMember, User

    team = teams["N01"]
    members = list(StaffMember.objects.filter(memberships__team=team).order_by("worker_id"))
    plan = {
        "senior_leader": (StaffMember.objects.create(organisation=organisation, worker_id="SL",
                                                     name="Senior Leader"),
                          Role.SENIOR_LEADER, None, None),
        "service_manager": (StaffMember.objects.create(organisation=organisation, worker_id="SM",
                                                       name="Service Manager"),
                            Role.SERVICE_MANAGER, None, services["N"]),
        "team_manager": (members[0], Role.TEAM_MANAGER, team, None),
        "practitioner": (members[1], Role.PRACTITIONER, None, None),
    }  # fmt: skip
    sessions = {}
    for persona, (staff, role, on_team, on_service) in plan.items():
        user = User.objects.create_user(email=f"{persona}@bigshire.example")
        staff.user = user
        staff.save(update_fields=["user"])
        RoleAssignment.objects.create(staff=staff, role=role, team=on_team, service=on_service)
        sessions[persona] = _session(user)
    return sessions


def main(out: Path) -> None:
    from coredata.models import RefreshRun
    from coredata.services.refresh import unit_results_insert

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    data, (inputs, units, result_count) = _core_data()
    organisation, services, teams, staff = _structure(data)
    run = RefreshRun.objects.create(
        organisation=organisation, status=RefreshRun.Status.SUCCEEDED,
        started_at=timezone.now(), finished_at=timezone.now(),
        first_month_end=inputs.first_month_end, last_month_end=inputs.last_month_end,
        unit_count=len(units), result_count=result_count,
    )  # fmt: skip
    unit_results_insert(run_id=run.pk, units=units)
    core_seconds = time.perf_counter() - started
    today = timezone.localdate()
    periods = _periods(today)
    current = {m.pk for m in staff.values() if m.memberships.exists()}
    stored_units = [("organisation", organisation.pk),
                    *(("service", s.pk) for s in services.values()),
                    *(("team", t.pk) for t in teams.values()),
                    *(("practitioner", pk) for pk in sorted(current))]  # fmt: skip
    rng = np.random.default_rng(SEED)
    from audits.models import AuditUnitResult
    from surveys.models import SurveyUnitResult

    audit_rows = survey_rows = 0
    for unit in stored_units:
        # Practitioners' rows are sparser (a few audits and responses each): quarters and
        # financial years only.
        spans = [p for p in periods if unit[0] != "practitioner" or p[0] != "month"]
        audit_rows += _copy(AuditUnitResult, AUDIT_COLUMNS,
                            _audit_rows(rng, unit, spans, organisation.pk))  # fmt: skip
        survey_rows += _copy(SurveyUnitResult, SURVEY_COLUMNS,
                             _survey_rows(rng, unit, spans, organisation.pk))  # fmt: skip
    audits = _audits(organisation, teams, today)
    flags = _flags(organisation)
    sessions = _personas(organisation, services, teams)
    team, practitioner = teams["N01"], staff[min(staff)]
    members = [m for m in staff.values() if m.pk in current and m.memberships.filter(team=team)]
    urls = [("senior_leader", reverse("qa:unit_organisation"))]
    urls += [("senior_leader", reverse("qa:unit_service", args=[s.pk])) for s in services.values()]
    urls += [("service_manager", reverse("qa:unit_service", args=[services["N"].pk]))]
    urls += [("senior_leader", reverse("qa:unit_team", args=[t.pk])) for t in teams.values()]
    urls += [("team_manager", reverse("qa:unit_team", args=[team.pk]))]
    urls += [("team_manager", reverse("qa:unit_practitioner", args=[m.pk])) for m in members[:8]]
    urls += [("practitioner", reverse("qa:my_practice"))]
    urls += [("senior_leader", reverse("api:qa-unit", kwargs={"kind": "teams", "pk": t.pk}))
             for t in list(teams.values())[:4]]  # fmt: skip
    del practitioner
    _settle()
    out.write_text(json.dumps({
        "sessions": sessions, "urls": urls, "cookie": settings.SESSION_COOKIE_NAME,
        "figures": {
            "units_with_core_data": len(units), "core_results": run.result_count,
            "audit_result_rows": audit_rows, "survey_result_rows": survey_rows,
            "audits": audits, "flags": flags, "current_practitioners": len(current),
            "core_data_seconds": core_seconds, "seed_seconds": time.perf_counter() - started,
        },
    }))  # fmt: skip


def _settle() -> None:
    """Leave the database as a server in use has it, not as a bulk load leaves it: after
    millions of new rows autovacuum would vacuum and analyse every table, using the CPU
    the pages need, while the pages are timed (measured: p95 over 1 s, ten times the
    query time of the settled database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _flags(organisation: Any) -> int:
    """The QA reports' default flag rules over the stored results (0 if not installed)."""
    try:
        from qa_system.services_flags import flag_rules_load_defaults, flags_refresh
    except ImportError:
        return 0
    flag_rules_load_defaults(organisation=organisation)
    return flags_refresh(organisation_id=organisation.pk)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
