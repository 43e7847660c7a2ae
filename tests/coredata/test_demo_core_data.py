"""seed_demo loads five years of core data through the real importers, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from coredata.models import CareEpisode, Child, CPPlan, ImportRun, Referral
from organisation.models import User
from organisation.selectors import staff_current_team
from tests.coredata.helpers import snapshot


@pytest.mark.django_db
def test_seed_demo_imports_five_years_once_and_keeps_the_logins_teams() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Imported five years of core data" in out.getvalue()
    runs = ImportRun.objects.all()
    assert {run.status for run in runs} == {ImportRun.Status.SUCCEEDED}
    assert sum(run.error_count + run.warning_count for run in runs) == 0
    assert set(Referral.objects.values_list("collection_year", flat=True)) == {
        2022, 2023, 2024, 2025, 2026,
    }  # fmt: skip
    assert Child.objects.count() > 1000
    assert CPPlan.objects.exists()
    assert CareEpisode.objects.exists()
    for email in ("practitioner@demoshire.example", "team.manager@demoshire.example"):
        staff = User.objects.get(email=email).staff_member
        assert staff_current_team(staff=staff).name == "Assessment North"

    before = snapshot()
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "Imported" not in again.getvalue()
    assert snapshot() == before
