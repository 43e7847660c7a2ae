from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from organisation.models import la_code_validator
from organisation.services import organisation_create


class Command(BaseCommand):
    help = "Set up an organisation (local authority) by its DfE LA code. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("la_code", help="The DfE LA code, three digits.")
        parser.add_argument("name", help="The authority's name.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            la_code_validator(options["la_code"])
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        organisation = organisation_create(la_code=options["la_code"], name=options["name"])
        self.stdout.write(f"{organisation} is ready.")
