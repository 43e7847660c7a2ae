"""Flag rules and flags: what writes them.

Rules are data a QA lead edits (`flag_rule_create`, `flag_rule_update`,
`flag_rule_set_active`); the defaults ship in `default_flag_rules.json` and are loaded per
organisation by `flag_rules_load_defaults`. `flags_refresh` judges every active rule for
every unit and the latest quarters, and replaces the organisation's flags for those
quarters in one transaction (a flag raised again keeps the time it was first raised).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from organisation.models import Organisation, Role, User
from organisation.selectors import user_scope
from qa_system.errors import ApplicationError
from qa_system.flag_measures import (
    latest_data_end,
    measure_label,
    measure_values,
    organisation_units,
    quarter_label,
    quarters_ending,
)
from qa_system.flag_rule_checks import RULE_FIELDS, rule_problems
from qa_system.flags import FALLING, NONE, RISING, PeriodKey, evaluate, rule_spec
from qa_system.models import Flag, FlagRule

DEFAULT_RULES = Path(__file__).with_name("default_flag_rules.json")
QUARTERS_JUDGED = 4


def _require_qa_lead(*, by: User, organisation_id: int) -> None:
    scope = user_scope(user=by)
    if scope.organisation_id != organisation_id or not scope.has_role(Role.QA_LEAD):
        raise ApplicationError("Only a QA lead of the organisation can change flag rules.")


def _check(fields: dict[str, Any]) -> dict[str, Any]:
    problems = rule_problems(fields)
    if problems:
        first = next(iter(problems.values()))
        raise ApplicationError(first, {"errors": problems})
    cleaned = {name: fields.get(name) for name in RULE_FIELDS if name in fields}
    if cleaned.get("b_condition", NONE) == NONE:
        cleaned.update(
            b_source="",
            b_code="",
            b_breakdown="",
            b_comparison="",
            b_threshold=None,
            b_periods=None,
            b_min_base=0,
        )
    return cleaned


def flag_rule_create(*, organisation: Organisation, by: User, **fields: Any) -> FlagRule:
    """A new rule (QA lead). Refused with the problems by field in `extra["errors"]`."""
    _require_qa_lead(by=by, organisation_id=organisation.pk)
    cleaned = _check(fields)
    rule = FlagRule.objects.create(organisation=organisation, updated_by=by, **cleaned)
    _recompute_after_commit(organisation.pk)
    return rule


def flag_rule_update(*, rule: FlagRule, by: User, **fields: Any) -> FlagRule:
    """Change a rule (QA lead); its flags are recomputed after the change commits."""
    _require_qa_lead(by=by, organisation_id=rule.organisation_id)
    current = {name: getattr(rule, name) for name in RULE_FIELDS}
    cleaned = _check({**current, **fields})
    for name, value in cleaned.items():
        setattr(rule, name, value)
    rule.updated_by = by
    rule.updated_at = timezone.now()
    rule.save()
    _recompute_after_commit(rule.organisation_id)
    return rule


def flag_rule_set_active(*, rule: FlagRule, by: User, active: bool) -> FlagRule:
    """Turn a rule on or off (QA lead). A rule turned off raises nothing from the next
    computation, which is queued at once."""
    _require_qa_lead(by=by, organisation_id=rule.organisation_id)
    rule.active = active
    rule.updated_by = by
    rule.updated_at = timezone.now()
    rule.save(update_fields=["active", "updated_by", "updated_at"])
    _recompute_after_commit(rule.organisation_id)
    return rule


def _recompute_after_commit(organisation_id: int) -> None:
    from qa_system.tasks import refresh_flags_for_organisation  # noqa: PLC0415

    transaction.on_commit(lambda: refresh_flags_for_organisation.delay(organisation_id))


def flag_rules_load_defaults(*, organisation: Organisation) -> list[FlagRule]:
    """The shipped rules for an organisation (idempotent: a default rule already loaded,
    edited or not, is left as it is)."""
    defaults = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    loaded = []
    for entry in defaults["rules"]:
        key = entry["default_key"]
        fields = {name: entry[name] for name in RULE_FIELDS if name in entry}
        existing = FlagRule.objects.filter(organisation=organisation, default_key=key).first()
        if existing is not None:
            loaded.append(existing)
            continue
        problems = rule_problems(fields)
        if problems:  # a broken shipped file is a bug, not a user's mistake
            raise ValueError(f"default flag rule {key}: {problems}")
        loaded.append(FlagRule.objects.create(organisation=organisation, default_key=key, **fields))
    return loaded


def flags_demo_seed(*, organisation: Organisation) -> int:
    """The demo's default rules and flags (idempotent): after its core data, audits and
    surveys are loaded."""
    flag_rules_load_defaults(organisation=organisation)
    return flags_refresh(organisation_id=organisation.pk)


def flag_quarters(*, organisation_id: int, today: date, count: int) -> list[PeriodKey]:
    """The quarters flags are judged for, oldest first: the latest `count` that core
    data covers and the latest `count` complete before today (audits and surveys run
    ahead of core data, which lags by the statutory returns)."""
    core = quarters_ending(latest_data_end(organisation_id=organisation_id), count)
    recent = quarters_ending(today - timedelta(days=1), count)
    return sorted(set(core) | set(recent))


def _quarter_before(quarter: PeriodKey) -> PeriodKey:
    return quarters_ending(quarter[1] - timedelta(days=1), 1)[0]


def flags_refresh(
    *, organisation_id: int, quarters: int = QUARTERS_JUDGED, today: date | None = None
) -> int:
    """Judge every active rule of an organisation for every unit and the latest quarters
    (`flag_quarters`), and replace its flags for those quarters in one transaction.
    Returns the number of flags. Idempotent."""
    organisation = Organisation.objects.get(pk=organisation_id)
    rules = list(FlagRule.objects.filter(organisation=organisation, active=True))
    longest_trend = max(
        (r.b_periods or 0 for r in rules if r.b_condition in (RISING, FALLING)), default=0
    )
    judged = flag_quarters(
        organisation_id=organisation_id, today=today or timezone.localdate(), count=quarters
    )
    # Every quarter from the earliest a trend looks back to, without gaps.
    periods = quarters_ending(judged[-1][2], 1)
    while periods[0] > judged[0]:
        periods.insert(0, _quarter_before(periods[0]))
    for _ in range(longest_trend):
        periods.insert(0, _quarter_before(periods[0]))
    labels = [quarter_label(p) for p in periods]
    units = organisation_units(organisation=organisation)
    specs = [(rule, rule_spec(rule)) for rule in rules]
    measures = {spec.a for _, spec in specs} | {spec.b for _, spec in specs if spec.b}
    values = measure_values(
        organisation=organisation, measures=measures, units=units, periods=periods
    )
    org_key = ("organisation", organisation.pk)
    raised: list[Flag] = []
    for rule, spec in specs:
        for index, period in enumerate(periods):
            if period not in judged:
                continue
            for unit in units:
                result = evaluate(
                    spec,
                    unit=unit.key,
                    unit_name=unit.name,
                    period=period,
                    period_label=labels[index],
                    earlier=periods[:index],
                    earlier_labels=labels[:index],
                    organisation_unit=org_key,
                    values=values,
                    label_of=measure_label,
                )
                if result.raised:
                    raised.append(
                        Flag(
                            organisation=organisation,
                            rule=rule,
                            unit_type=unit.unit_type,
                            unit_id=unit.unit_id,
                            unit_name=unit.name,
                            period_type=period[0],
                            period_start=period[1],
                            period_end=period[2],
                            numbers=result.numbers or {},
                            text=result.text,
                        )
                    )
    now = timezone.now()
    with transaction.atomic():
        # One computation at a time per organisation: the second waits, then replaces.
        Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        current = Flag.objects.filter(
            organisation=organisation,
            period_type="quarter",
            period_start__in=[p[1] for p in judged],
        )
        first_raised = {
            (rule_id, unit_type, unit_id, start): at
            for rule_id, unit_type, unit_id, start, at in current.values_list(
                "rule_id", "unit_type", "unit_id", "period_start", "raised_at"
            )
        }
        current.delete()
        for flag in raised:
            flag.raised_at = first_raised.get(
                (flag.rule_id, flag.unit_type, flag.unit_id, flag.period_start), now
            )
        Flag.objects.bulk_create(raised, batch_size=500)
    return len(raised)
