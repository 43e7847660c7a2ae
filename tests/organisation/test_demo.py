from io import StringIO

import pytest
from django.core.management import call_command

from organisation.demo import DEMO_LOGINS, DEMO_PASSWORD
from organisation.models import Organisation, Role, StaffMember, TeamMembership, User
from organisation.selectors import user_scope


@pytest.mark.django_db
def test_seed_demo_makes_demoshire_and_is_idempotent() -> None:
    call_command("seed_demo", "--without-core-data", stdout=StringIO())
    counts = (StaffMember.objects.count(), TeamMembership.objects.count(), User.objects.count())
    call_command("seed_demo", "--without-core-data", stdout=StringIO())
    assert (
        StaffMember.objects.count(),
        TeamMembership.objects.count(),
        User.objects.count(),
    ) == counts
    demoshire = Organisation.objects.get(la_code="970")
    assert demoshire.services.count() == 3
    assert demoshire.teams.count() == 10
    assert 75 <= demoshire.staff.count() <= 85
    # Five practitioners moved team: they have two memberships, the first one ended.
    movers = [staff for staff in demoshire.staff.all() if staff.memberships.count() == 2]
    assert len(movers) == 5


@pytest.mark.django_db
def test_each_demo_login_holds_its_role() -> None:
    call_command("seed_demo", "--without-core-data", stdout=StringIO())
    for login in DEMO_LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(DEMO_PASSWORD)
        assert user_scope(user=user).has_role(login.role), login.email
    manager_scope = user_scope(user=User.objects.get(email="team.manager@demoshire.example"))
    assert len(manager_scope.managed_team_ids) == 1
    assert not user_scope(user=User.objects.get(email="practitioner@demoshire.example")).has_role(
        Role.TEAM_MANAGER
    )
