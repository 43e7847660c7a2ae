from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = "Organisation and people"

    def ready(self) -> None:
        from organisation import checks  # noqa: F401 - registers system checks


class QAAdminConfig(AdminConfig):
    """Django's admin, on a site that only the organisation's administrators enter."""

    default_site = "organisation.admin_site.QAAdminSite"
