"""Production mode (ONEWINDOW_MODE=production): safe defaults, refusals to start with demo or weak
secrets or DEBUG, and a `check --deploy` without warnings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from onewindow.delivery import signing

ONEWINDOW = Path(sys.executable).parent / "onewindow"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "signing.pem"
    signing.generate_key_file(path)
    return path


@pytest.fixture
def production_env(key_file, tmp_path):
    """What an operator sets for production, each secret long and random enough."""
    # Nothing of the test run's own settings: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE,
    # which the deploy check rightly refuses.
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ONEWINDOW_", "SECURE_", "SESSION_", "CSRF_", "DJANGO_"))
        and k not in {"SECRET_KEY", "ALLOWED_HOSTS"}
    }
    environment.update(
        ONEWINDOW_MODE="production",
        ONEWINDOW_VAR_DIR=str(tmp_path),
        SECRET_KEY="k7Qp2vX9mR4tL8wZ1nB6cF3hJ5yD0sG7aE2uI9oP4qW8xV1zN3",
        ONEWINDOW_COURIER_WEBHOOK_SECRET="3f9a7c1e5b2d8f4a6c0e9b7d1f3a5c8e",
        ONEWINDOW_COURIER_KEY="ems-7f3a9c1e5b2d8f4a",
        ONEWINDOW_SIGNING_KEY_FILE=str(key_file),
        ALLOWED_HOSTS="zwfw.example.gov.cn",
        ONEWINDOW_PUBLIC_URL="https://zwfw.example.gov.cn",
        # Rate limits counted once for all web processes (onewindow.W001 otherwise).
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    return environment


def settings_of(environment, *names):
    """Import the settings in a fresh interpreter; (returncode, stderr, {name: repr(value)})."""
    code = "import onewindow.settings as s\n" + "".join(
        f"print({name!r}, repr(s.{name}), sep='=')\n" for name in names
    )
    run = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True
    )
    values = dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)
    return run.returncode, run.stderr, values


def test_production_starts_with_https_and_secure_cookies_by_default(production_env):
    returncode, stderr, values = settings_of(
        production_env,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "ONEWINDOW_COURIER_SIMULATOR",
        "SESSION_COOKIE_AGE",
    )

    assert returncode == 0, stderr
    assert values == {
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
        "SECURE_HSTS_PRELOAD": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        # Trusting nothing by default: a forged header would otherwise pass for HTTPS.
        "SECURE_PROXY_SSL_HEADER": "None",
        "ONEWINDOW_COURIER_SIMULATOR": "False",
        "SESSION_COOKIE_AGE": "1800",
    }


def test_each_https_setting_can_be_set_from_the_environment(production_env):
    production_env.update(
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        ONEWINDOW_SESSION_IDLE_MINUTES="10",
    )

    returncode, stderr, values = settings_of(
        production_env,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_AGE",
    )

    assert returncode == 0, stderr
    assert values == {
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "3600",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "False",
        "SECURE_HSTS_PRELOAD": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "SESSION_COOKIE_AGE": "600",
    }


def test_the_demo_keeps_plain_http_on_loopback(production_env):
    production_env["ONEWINDOW_MODE"] = "demo"
    returncode, stderr, values = settings_of(
        production_env, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"
    )
    assert returncode == 0, stderr
    assert values == {
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "False",
    }


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ONEWINDOW_DEBUG", "true", "ONEWINDOW_DEBUG must be off in production."),
        (
            "SECRET_KEY",
            "short-but-not-the-demo-key",
            "SECRET_KEY must be at least 50 random characters in production.",
        ),
        (
            "ONEWINDOW_COURIER_WEBHOOK_SECRET",
            "demo-courier-webhook-secret",
            "ONEWINDOW_COURIER_WEBHOOK_SECRET must be set in production, "
            "at least 32 random characters.",
        ),
        (
            "ONEWINDOW_COURIER_WEBHOOK_SECRET",
            "a-production-webhook-secret",
            "ONEWINDOW_COURIER_WEBHOOK_SECRET must be set in production, "
            "at least 32 random characters.",
        ),
        (
            "ONEWINDOW_COURIER_KEY",
            "demo-courier-key",
            "ONEWINDOW_COURIER_KEY must be set in production, at least 16 characters.",
        ),
        (
            "ONEWINDOW_COURIER_KEY",
            "ems-key-123",
            "ONEWINDOW_COURIER_KEY must be set in production, at least 16 characters.",
        ),
    ],
)
def test_production_refuses_to_start_with(production_env, variable, value, message):
    production_env[variable] = value

    returncode, stderr, _ = settings_of(production_env)

    assert returncode != 0
    assert f"ImproperlyConfigured: {message}" in stderr


@pytest.mark.parametrize("variable", ["ONEWINDOW_COURIER_WEBHOOK_SECRET", "ONEWINDOW_COURIER_KEY"])
def test_production_refuses_to_start_with_the_demo_default(production_env, variable):
    del production_env[variable]

    returncode, stderr, _ = settings_of(production_env)

    assert returncode != 0 and f"ImproperlyConfigured: {variable} must be set" in stderr


def test_production_refuses_to_start_without_the_public_url(production_env):
    # The QR code of every certificate opens the verification page at that address.
    del production_env["ONEWINDOW_PUBLIC_URL"]

    returncode, stderr, _ = settings_of(production_env)

    assert returncode != 0
    assert "ImproperlyConfigured: ONEWINDOW_PUBLIC_URL must be set in production" in stderr


def test_the_demo_starts_with_the_demo_secrets_and_debug(production_env):
    for variable in ("SECRET_KEY", "ONEWINDOW_COURIER_WEBHOOK_SECRET", "ONEWINDOW_COURIER_KEY"):
        del production_env[variable]
    production_env.update(ONEWINDOW_MODE="demo", ONEWINDOW_DEBUG="true")

    returncode, stderr, values = settings_of(production_env, "DEBUG")

    assert returncode == 0, stderr
    assert values == {"DEBUG": "True"}


def test_check_deploy_in_production_prints_no_warning(production_env):
    run = subprocess.run(
        [ONEWINDOW, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env,
        capture_output=True,
        text=True,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues (0 silenced)." in run.stdout
    assert "WARNING" not in run.stdout + run.stderr


def test_check_deploy_names_what_a_weakened_production_turns_off(production_env):
    # The check is a real one: the same run with HTTPS turned off by hand warns about each.
    production_env.update(SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false")

    run = subprocess.run(
        [ONEWINDOW, "check", "--deploy"], env=production_env, capture_output=True, text=True
    )

    assert "security.W008" in run.stderr and "security.W012" in run.stderr
