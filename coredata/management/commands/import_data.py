from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coredata.models import ImportRun
from coredata.models.imports import ImportKind
from coredata.services.imports import import_run_create, import_run_execute
from organisation.models import Organisation


class Command(BaseCommand):
    help = (
        "Import data files for an organisation, all or nothing. The kind of each file is "
        "told from its content unless --kind is given. Exits 1 when the import is rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--organisation", required=True, help="The DfE LA code.")
        parser.add_argument("--kind", choices=ImportKind.values)
        parser.add_argument(
            "--year", type=int, help="The collection year of an SSDA903 return (e.g. 2024)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(la_code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation has LA code {options['organisation']}.")
        for path in options["paths"]:
            if not path.is_file():
                raise CommandError(f"{path} is not a file.")
        streams = [(path.name, path.open("rb")) for path in options["paths"]]
        try:
            run = import_run_create(
                organisation=organisation,
                user=None,
                uploads=streams,
                kind=options["kind"],
                collection_year=options["year"],
                enqueue=False,
            )
        finally:
            for _, stream in streams:
                stream.close()
        # Run it here rather than wait for a worker: scheduled loads want the answer.
        run = import_run_execute(run_id=run.pk)
        self._report(run)
        if run.status != ImportRun.Status.SUCCEEDED:
            raise CommandError(f"Import {run.pk} was rejected: nothing was changed.")

    def _report(self, run: ImportRun) -> None:
        self.stdout.write(f"Import {run.pk}: {run.get_status_display()}")
        for entry in run.files:
            self.stdout.write(f"  {entry['name']}: {entry['kind'] or 'unrecognised'}")
        for name, count in sorted(run.counts.items()):
            self.stdout.write(f"  {name}: {count}")
        if run.failure_reason:
            self.stdout.write(f"  {run.failure_reason}")
        for problem in run.problems.all():
            self.stdout.write(
                f"  {problem.level.upper()} {problem.file} {problem.location} "
                f"{problem.field}={problem.value!r}: {problem.reason}"
            )
