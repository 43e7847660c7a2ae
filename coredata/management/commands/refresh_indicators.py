from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coredata.models import RefreshRun
from coredata.services.refresh import RefreshBusy, refresh_now
from organisation.models import Organisation


class Command(BaseCommand):
    help = "Recompute every indicator of an organisation now, and print the run's result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="The DfE LA code.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(la_code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation has LA code {options['organisation']}.")
        try:
            run = refresh_now(organisation=organisation)
        except RefreshBusy as busy:
            raise CommandError("Another refresh of this organisation is running.") from busy
        self.stdout.write(
            f"Refresh {run.pk}: {run.get_status_display()}; {run.unit_count} units, "
            f"{run.result_count} results, months {run.first_month_end} to "
            f"{run.last_month_end}, {run.duration_seconds or 0:.1f} s."
        )
        if run.status != RefreshRun.Status.SUCCEEDED:
            raise CommandError(run.failure_reason or "The refresh failed.")
