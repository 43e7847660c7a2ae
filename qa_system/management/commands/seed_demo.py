from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audits.demo import demo_audits_seed
from coredata.demo import demo_core_data_seed
from organisation.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_organisation_seed
from qa_system.services_flags import flags_demo_seed
from surveys.demo import demo_surveys_seed


class Command(BaseCommand):
    help = (
        "Load the demo organisation (Demoshire), its logins and five years of synthetic "
        "core data (through the real importers). Safe to run again: it changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--without-core-data",
            action="store_true",
            help="Only the organisation, its people and logins.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = demo_organisation_seed()
        if not options["without_core_data"]:
            runs = demo_core_data_seed(organisation=organisation)
            if runs:
                loaded = sum(sum(run.counts.values()) for run in runs)
                self.stdout.write(f"Imported five years of core data: {loaded} records.")
            demo_surveys_seed(organisation=organisation)  # a year of surveys (once)
            demo_audits_seed(organisation=organisation)  # a year of audits (once)
        flags_demo_seed(organisation=organisation)  # flag rules and flags (idempotent)
        self.stdout.write(
            f"{organisation.name}: {organisation.staff.count()} staff, "
            f"{organisation.teams.count()} teams, {organisation.services.count()} services."
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<36} {login.role.label}, {login.description}")
