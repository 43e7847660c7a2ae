from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coredata.selectors import refresh_current
from coredata.services.export import (
    PERIOD_TYPES,
    of_period_type,
    results_for_export,
    suppress_for_publication,
    write_export,
)
from organisation.models import Organisation


class Command(BaseCommand):
    help = (
        "Write an organisation's current indicator results in the results format: CSV to "
        "standard output (or --output), or XLSX to --output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="The DfE LA code.")
        parser.add_argument("--unit-type", choices=["organisation", "service", "team",
                                                    "practitioner", "unallocated"])  # fmt: skip
        parser.add_argument("--indicator", action="append", help="Only this code (repeatable).")
        parser.add_argument("--period-type", choices=sorted(PERIOD_TYPES))
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", type=Path)
        parser.add_argument(
            "--for-publication",
            action="store_true",
            help="Replace counts of 1 to 4 with c, and any figure that would reveal one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(la_code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation has LA code {options['organisation']}.")
        run = refresh_current(organisation_id=organisation.pk)
        if run is None:
            raise CommandError("No refresh has finished yet: run refresh_indicators first.")
        results = results_for_export(
            run=run, unit_type=options["unit_type"], indicators=options["indicator"]
        )
        if options["period_type"]:
            results = of_period_type(results, options["period_type"])
        if options["for_publication"]:
            results = suppress_for_publication(results)
        if options["format"] == "xlsx" and options["output"] is None:
            raise CommandError("An XLSX export needs --output.")
        data = write_export(results, path=options["output"], file_format=options["format"])
        if data is not None:
            self.stdout.write(data.decode(), ending="")
