"""App configurations the project substitutes for a third-party one."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks-db names itself in English only ("Tasks Database Backend", "Task
    Results"), so the admin showed English words in French and Dutch pages. The same app
    (same label, same tables), named through this project's catalogues."""

    verbose_name = _("Background tasks")

    def ready(self) -> None:
        super().ready()
        result = self.get_model("DBTaskResult")
        result._meta.verbose_name = _("Background task")
        result._meta.verbose_name_plural = _("Background tasks (results)")
