from django.apps import AppConfig


class CoredataConfig(AppConfig):
    name = "coredata"
    verbose_name = "Core data"
