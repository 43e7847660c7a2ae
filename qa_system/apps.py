from django.apps import AppConfig


class QASystemConfig(AppConfig):
    name = "qa_system"
    verbose_name = "QA system"
