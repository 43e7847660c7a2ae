"""factory_boy factories for the organisation's records."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from organisation.models import (
    Organisation,
    Role,
    RoleAssignment,
    Service,
    StaffMember,
    Team,
    TeamMembership,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("la_code",)

    name = factory.Sequence(lambda n: f"Authority {n}")
    la_code = factory.Sequence(lambda n: f"{800 + n % 199:03d}")


class ServiceFactory(DjangoModelFactory[Service]):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Locality {n}")


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    service = factory.SubFactory(ServiceFactory)
    organisation = factory.SelfAttribute("service.organisation")
    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class StaffMemberFactory(DjangoModelFactory[StaffMember]):
    class Meta:
        model = StaffMember

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    worker_id = factory.Sequence(lambda n: f"W{n:05d}")
    name = factory.Sequence(lambda n: f"Staff Member {n}")


class TeamMembershipFactory(DjangoModelFactory[TeamMembership]):
    class Meta:
        model = TeamMembership

    staff = factory.SubFactory(StaffMemberFactory)
    team = factory.SubFactory(TeamFactory)
    start_date = date(2020, 1, 1)
    end_date = None


class RoleAssignmentFactory(DjangoModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    staff = factory.SubFactory(StaffMemberFactory)
    role = Role.PRACTITIONER
    team = None
    service = None


def person(
    *,
    team: Team | None = None,
    organisation: Organisation | None = None,
    roles: list[tuple[Role, Team | Service | None]] = (),  # type: ignore[assignment]
    email: str | None = None,
) -> User:
    """A user with a staff record in `team` (from 2020) holding `roles`."""
    organisation = organisation or (team.organisation if team else OrganisationFactory())
    user = UserFactory(**({"email": email} if email else {}))
    staff = StaffMemberFactory(organisation=organisation, user=user)
    if team is not None:
        TeamMembershipFactory(staff=staff, team=team)
    for role, unit in roles:
        RoleAssignmentFactory(
            staff=staff,
            role=role,
            team=unit if isinstance(unit, Team) else None,
            service=unit if isinstance(unit, Service) else None,
        )
    return user
