"""Fixtures shared by every test: users of each role and a headless Chromium."""

import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.test.utils import override_settings
from hypothesis import settings as hypothesis_settings

from accounts.permissions import REVIEWERS_GROUP
from accounts.services import doctor_register

# Property-based tests: no per-example deadline (a loaded CI machine is slow, not wrong),
# and the same examples on every CI run, so a red CI is reproducible.
hypothesis_settings.register_profile(
    "project", deadline=None, derandomize=bool(os.environ.get("CI")), print_blob=True
)
hypothesis_settings.load_profile("project")

# PostgreSQL: the test databases' commits do not wait for their write-ahead log to reach
# the disk (asynchronous commit). A crash could lose the last commits of a database that is
# thrown away anyway; what other connections see is unchanged. The migrations, flushes and
# thousands of commits of the suite no longer wait for an fsync each. libpq reads the
# variable at every connection, so it also holds for the db_worker processes tests start.
os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """One fast hasher for the whole session, as Healthchecks does: PBKDF2's 1,000,000
    rounds cost about 0.3 s per user created or logged in, and prove nothing here."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Stored dossiers and raw import files go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _dossier_queued(request, monkeypatch):
    """In a module marked ``dossier_queued`` (none of its tests reads a dossier), a submitted
    claim's dossier job stays queued, as it is in production until a worker takes it,
    instead of being rendered at once by the immediate task backend: WeasyPrint costs one
    to three seconds per dossier. Every other test makes and stores the real one."""
    if request.node.get_closest_marker("dossier_queued"):
        monkeypatch.setattr("claims.services.claims.dossier_job_start", lambda *, claim: False)


def make_doctor(
    riziv="12345678004", email=None, language="fr", first_name="Anne", last_name="Dupont"
):
    return doctor_register(
        email=email or f"doctor-{riziv}@example.org",
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name,
        riziv=riziv,
        language=language,
    )


@pytest.fixture
def doctor(db):
    return make_doctor()


@pytest.fixture
def other_doctor(db):
    return make_doctor(riziv="98765432101", first_name="Bart", last_name="Janssens", language="nl")


@pytest.fixture
def reviewer(db, django_user_model):
    user = django_user_model.objects.create_user(
        email="reviewer@example.org",
        password=PASSWORD,
        is_staff=True,
        first_name="Luc",
        last_name="Peeters",
    )
    user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    return user


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser(email="admin@example.org", password=PASSWORD)


@pytest.fixture
def doctor_client(client, doctor):
    client.force_login(doctor.user)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# --- Browser tests -----------------------------------------------------------------


@pytest.fixture(scope="session")
def _browser():
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium.")
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's async-safety
    # check would otherwise refuse the ORM calls that tests make around the browser.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections

    # Playwright's sync API switches this thread's context, and Django keeps database
    # connections per context: the tests that follow get new connection objects, without
    # the serialized copy of the migrated database that serialized rollback restores.
    # Carry it over (the test database may have been created before the browser).
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def pytest_collection_modifyitems(items):
    """Browser tests need a transactional database (the live server runs in another
    thread), which Django empties after each test; serialized rollback puts back what
    migrations created (services, methodology, the reviewers group) for the next one."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture
def page(_browser, live_server, settings):
    """A fresh browser tab on the live server, in French unless a test says otherwise."""
    # The live server speaks plain HTTP on localhost.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = _browser.new_context(base_url=live_server.url, locale="fr-BE", accept_downloads=True)
    context.set_default_timeout(15_000)
    # Every page a browser test visits reports Content-Security-Policy violations
    # (README, "Hardening"): the browser's own console errors and the DOM's
    # securitypolicyviolation events; a test that met one fails.
    violations: list[str] = []
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    tab = context.new_page()

    def _record(message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "CSP" in text):
            violations.append(f"{tab.url}: {text}")

    context.on("page", lambda new: new.on("console", _record))
    tab.on("console", _record)
    tab.csp_violations = violations
    yield tab
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
