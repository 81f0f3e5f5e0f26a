import pytest
from django.utils import translation

from onewindow.core import testclock, workdays
from tests.factories import DepartmentFactory

# ONEWINDOW_TEST_NOW=2027-02-05T10:00:00+08:00 runs the whole suite from that moment on, in this
# process and in every `onewindow` process the tests start (core/testclock.py).
testclock.start_from_environment()


@pytest.fixture(autouse=True)
def _chinese_first(settings):
    # Pages are Chinese first; tests that check English ask for it explicitly.
    settings.LANGUAGE_CODE = "zh-hans"
    yield
    # A request through LocaleMiddleware leaves its language active on the thread.
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Outbox messages are sent by tasks enqueued on commit: here they run at once, in the
    # enqueuing process, so that a test sees the SMS right after the action's commit. Tests of
    # retries use the database backend and a real worker (tests/notifications/conftest.py).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _issue_by_hand(settings):
    # Tests issue decided cases themselves (do_issue_result, the 出件 button), whether or not
    # their transaction commits; tests of the automatic issue turn it on with `database_tasks`.
    settings.ONEWINDOW_ISSUE_AFTER_DECISION = False


@pytest.fixture
def still_clock():
    """The clock stands still at the current moment. Rate limits count in fixed windows aligned to
    the clock (a minute, a quarter hour): a test that makes N requests and expects the N+1th to be
    refused would pass or fail by the second it ran at, if the clock could cross into a new window
    between them."""
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def database_tasks(settings):
    """The database task backend that production uses: enqueued tasks wait for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Personas are made with a password; the default PBKDF2 costs ~0.2 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the default cache, which outlives a test's database rollback
    # (and rolled-back ids come back on SQLite, so a cabinet's counters would pass to the next).
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_default_calendar():
    # A test's rollback sends no signals, so a calendar cached from a test's rows would outlive them.
    workdays.invalidate()
    yield
    workdays.invalidate()


@pytest.fixture(scope="session")
def _signing_key_file(tmp_path_factory):
    from onewindow.delivery.signing import generate_key_file

    path = tmp_path_factory.mktemp("keys") / "certificate-signing.pem"
    generate_key_file(path)
    return path


@pytest.fixture(autouse=True)
def _signing_key(settings, _signing_key_file):
    # One test key for the run: certificates issued by any test never touch var/keys/.
    settings.ONEWINDOW_SIGNING_KEY_FILE = str(_signing_key_file)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Issued certificates (PDFs) and uploaded scans land in the test's own directory.
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def market(db):
    """The market regulation department (市场监管局), the reviewer_market persona's department."""
    return DepartmentFactory(code="SCJGJ", name="惠州市惠阳区市场监督管理局")


@pytest.fixture
def fire(db):
    """The fire and rescue brigade (消防救援大队), the reviewer_fire persona's department."""
    return DepartmentFactory(code="XFJYDD", name="惠州市惠阳区消防救援大队")


@pytest.fixture
def sms_gateway(settings):
    """A recording SMS gateway on loopback, configured as the platform's gateway."""
    from tests.servers import RecordingHTTPServer

    server = RecordingHTTPServer().start()
    settings.ONEWINDOW_SMS_GATEWAY_URL = server.url + "/sms/send"
    settings.ONEWINDOW_SMS_GATEWAY_KEY = "test-gateway-key"
    yield server
    server.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback, configured as the platform's mail server;
    `smtp_server.messages` are the mails it received (email.message.EmailMessage)."""
    from tests.servers import RecordingSMTPServer

    server = RecordingSMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


@pytest.fixture
def terminal(monkeypatch):
    """terminal("en_US.UTF-8"): the locale a command sees, which picks its language (core/i18n.py)."""
    from onewindow.core.i18n import LOCALE_VARIABLES

    def use(locale):
        for name in LOCALE_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", locale)

    return use
