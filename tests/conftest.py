import pytest

from onewindow.core import workdays
from tests.factories import DepartmentFactory


@pytest.fixture(autouse=True)
def _chinese_first(settings):
    # Pages are Chinese first; tests that check English ask for it explicitly.
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Personas are made with a password; the default PBKDF2 costs ~0.2 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
