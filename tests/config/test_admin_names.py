"""The admin names the background-task app in the page's language: django-tasks-db's own
English names ("Tasks Database Backend", "Task Results") no longer show through."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Tâches en arrière-plan"), ("nl", "Achtergrondtaken"), ("en", "Background tasks")],
)
def test_the_admin_index_names_the_task_app_in_the_pages_language(admin_client, language, expected):
    admin_client.cookies["django_language"] = language
    page = admin_client.get("/admin/").content.decode()
    assert expected in page
    assert "Tasks Database Backend" not in page
    assert "Task Results" not in page
