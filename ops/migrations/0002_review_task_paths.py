"""The legal team's tasks moved from ``claims/tasks_review.py`` to ``claims/review/tasks.py``
(issue 10): django-tasks stores each task by its dotted path, so a row queued (or kept)
under the old path would no longer import in ``db_worker``. Rewrite the stored paths,
both ways. Here rather than in ``claims`` because ``ops`` owns the worker's queue."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

OLD = "claims.tasks_review."
NEW = "claims.review.tasks."


def _rewrite(apps, old: str, new: str) -> None:
    result = apps.get_model("django_tasks_database", "DBTaskResult")
    result.objects.filter(task_path__startswith=old).update(
        task_path=Replace("task_path", Value(old), Value(new))
    )


def forwards(apps, schema_editor):
    _rewrite(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
