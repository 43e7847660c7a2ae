"""The demo organisation: Demoshire, its services, teams, staff, roles and logins.

Deterministic (a fixed seed and fixed dates) and idempotent: running it again changes
nothing, so `make run` can call it every time.
"""

import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from organisation.models import Organisation, Role, StaffMember, Team
from organisation.services import (
    organisation_create,
    role_assign,
    service_upsert,
    staff_member_upsert,
    team_membership_start,
    team_upsert,
)

DEMO_LA_CODE = "970"  # Three digits like a DfE LA code, but used by no real authority.
DEMO_NAME = "Demoshire"
DEMO_PASSWORD = "demo-sightline-2026"  # Printed by `make run`; demo data only.
DEMO_DOMAIN = "demoshire.example"

SERVICES = [
    ("N", "North locality", ["Assessment North", "Child in Need North", "Child Protection North"]),
    (
        "C",
        "Central locality",
        ["Assessment Central", "Child in Need Central", "Child Protection Central"],
    ),
    (
        "S",
        "South locality",
        ["Assessment South", "Family Support South", "Children in Care", "Leaving Care"],
    ),
]
# Staff joined the authority from this date; a few moved team on MOVE_DATE.
FIRST_START = date(2021, 4, 1)
MOVE_DATE = date(2024, 9, 2)
PRACTITIONERS_PER_TEAM = 6

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Ellie",
    "Femi",
    "Grace",
    "Harry",
    "Imran",
    "Jade",
    "Kofi",
    "Laura",
    "Mohammed",
    "Nia",
    "Oliver",
    "Priya",
    "Quinn",
    "Rosie",
    "Sam",
    "Tariq",
    "Uma",
    "Vikram",
    "Wendy",
    "Yusuf",
    "Zara",
]
LAST_NAMES = [
    "Adams",
    "Begum",
    "Clarke",
    "Davies",
    "Evans",
    "Farah",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Owen",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Walker",
    "Wright",
    "Young",
]


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    description: str


DEMO_LOGINS = [
    DemoLogin(Role.PRACTITIONER, f"practitioner@{DEMO_DOMAIN}", "in Assessment North"),
    DemoLogin(Role.TEAM_MANAGER, f"team.manager@{DEMO_DOMAIN}", "of Assessment North"),
    DemoLogin(Role.SERVICE_MANAGER, f"service.manager@{DEMO_DOMAIN}", "of North locality"),
    DemoLogin(Role.QA_LEAD, f"qa.lead@{DEMO_DOMAIN}", "whole organisation"),
    DemoLogin(Role.SENIOR_LEADER, f"senior.leader@{DEMO_DOMAIN}", "whole organisation"),
    DemoLogin(Role.DATA_OFFICER, f"data.officer@{DEMO_DOMAIN}", "imports"),
    DemoLogin(Role.ADMINISTRATOR, f"admin@{DEMO_DOMAIN}", "accounts and roles"),
]
LOGIN_EMAIL = {login.role: login.email for login in DEMO_LOGINS}


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in used:
            used.add(name)
            return name


def demo_organisation_seed() -> Organisation:
    """Create (or leave unchanged) Demoshire with about 80 staff and a login per role."""
    rng = random.Random(970)
    used_names: set[str] = set()
    counter = iter(range(1, 10_000))

    def worker_id() -> str:
        return f"W{next(counter):04d}"

    with transaction.atomic():
        organisation = organisation_create(la_code=DEMO_LA_CODE, name=DEMO_NAME)
        # Team history is set when the demo is first made; after that the staff file
        # (loaded with the demo's core data) owns it.
        fresh = not StaffMember.objects.filter(organisation=organisation).exists()
        teams: list[Team] = []
        services = {}
        for service_code, service_name, team_names in SERVICES:
            service = service_upsert(
                organisation=organisation, code=service_code, name=service_name
            )
            services[service_code] = service
            for index, team_name in enumerate(team_names, start=1):
                teams.append(
                    team_upsert(service=service, code=f"{service_code}{index:02d}", name=team_name)
                )

        def person(team: Team | None, email: str | None = None) -> StaffMember:
            staff = staff_member_upsert(
                organisation=organisation,
                worker_id=worker_id(),
                name=_name(rng, used_names),
                email=email,
                password=DEMO_PASSWORD if email else None,
            )
            if team is not None and fresh:
                team_membership_start(staff=staff, team=team, start_date=FIRST_START)
            return staff

        first_team = teams[0]
        # Each team: a manager and practitioners. The first team's manager and first
        # practitioner are the demo logins of those roles.
        practitioners: list[StaffMember] = []
        for team in teams:
            is_first = team == first_team
            manager = person(team, LOGIN_EMAIL[Role.TEAM_MANAGER] if is_first else None)
            role_assign(staff=manager, role=Role.TEAM_MANAGER, team=team)
            for number in range(PRACTITIONERS_PER_TEAM):
                email = LOGIN_EMAIL[Role.PRACTITIONER] if is_first and number == 0 else None
                practitioner = person(team, email)
                role_assign(staff=practitioner, role=Role.PRACTITIONER)
                practitioners.append(practitioner)
            if is_first:
                role_assign(staff=manager, role=Role.PRACTITIONER)  # managers hold cases too

        service_manager = person(None, LOGIN_EMAIL[Role.SERVICE_MANAGER])
        role_assign(staff=service_manager, role=Role.SERVICE_MANAGER, service=services["N"])
        for other in ("C", "S"):
            role_assign(staff=person(None), role=Role.SERVICE_MANAGER, service=services[other])
        qa_lead = person(None, LOGIN_EMAIL[Role.QA_LEAD])
        role_assign(staff=qa_lead, role=Role.QA_LEAD)
        role_assign(staff=person(None), role=Role.QA_LEAD)
        senior = person(None, LOGIN_EMAIL[Role.SENIOR_LEADER])
        role_assign(staff=senior, role=Role.SENIOR_LEADER)
        role_assign(staff=person(None), role=Role.SENIOR_LEADER)
        data_officer = person(None, LOGIN_EMAIL[Role.DATA_OFFICER])
        role_assign(staff=data_officer, role=Role.DATA_OFFICER)
        administrator = person(None, LOGIN_EMAIL[Role.ADMINISTRATOR])
        role_assign(staff=administrator, role=Role.ADMINISTRATOR)

        # A few people moved team, so history attributes their earlier work elsewhere.
        movers = rng.sample(practitioners[1:], 5)
        for mover in movers if fresh else []:
            current = mover.memberships.get(start_date=FIRST_START).team
            destination = rng.choice([t for t in teams if t != current])
            team_membership_start(staff=mover, team=destination, start_date=MOVE_DATE)
    return organisation
