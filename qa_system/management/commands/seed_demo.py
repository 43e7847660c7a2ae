from typing import Any

from django.core.management.base import BaseCommand

from organisation.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_organisation_seed


class Command(BaseCommand):
    help = "Load the demo organisation (Demoshire) and its logins. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = demo_organisation_seed()
        self.stdout.write(
            f"{organisation.name}: {organisation.staff.count()} staff, "
            f"{organisation.teams.count()} teams, {organisation.services.count()} services."
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<36} {login.role.label}, {login.description}")
