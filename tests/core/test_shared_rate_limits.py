"""With a shared cache (Redis, CACHE_URL=redis://…) the rate-limit counters are one for every
web process: two processes counting at once lose no count, and a limit reached in one holds in the
other. A real redis-server on loopback, started for these tests."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from onewindow.core import ratelimit

PROJECT = Path(__file__).resolve().parents[2]
NOW = 7_200.0  # a fixed moment: both processes count in the same window

COUNT_IN_ANOTHER_PROCESS = """
import django
django.setup()
from onewindow.core import ratelimit
for _ in range({times}):
    ratelimit.add("shared", "203.0.113.7", window_seconds=3600, now={now})
"""


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("needs redis-server (apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def shared_cache(settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    cache.clear()
    yield redis_url
    cache.clear()


def count_elsewhere(redis_url, times):
    env = {
        **os.environ,
        "CACHE_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "onewindow.settings",
        "PYTHONPATH": str(PROJECT / "src"),
    }
    script = COUNT_IN_ANOTHER_PROCESS.format(times=times, now=NOW)
    return subprocess.Popen([sys.executable, "-c", script], env=env, cwd=PROJECT)


def test_two_processes_counting_at_once_share_one_counter(shared_cache):
    processes = [count_elsewhere(shared_cache, 25) for _ in range(2)]
    for process in processes:
        assert process.wait(timeout=60) == 0

    assert ratelimit.count("shared", "203.0.113.7", window_seconds=3600, now=NOW) == 50


def test_a_limit_reached_in_another_process_holds_here(shared_cache):
    assert count_elsewhere(shared_cache, 5).wait(timeout=60) == 0

    with pytest.raises(ratelimit.RateLimited) as caught:
        ratelimit.hit("shared", "203.0.113.7", limit=5, window_seconds=3600, now=NOW + 600)

    assert caught.value.retry_after == 3000
    # Another client is counted apart.
    assert ratelimit.hit("shared", "198.51.100.1", limit=5, window_seconds=3600, now=NOW) == 1


def test_the_settings_read_a_redis_cache_url(redis_url):
    import environ

    config = environ.Env.cache_url_config(redis_url)

    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_check_deploy_warns_about_a_per_process_cache(settings):
    from django.core import checks

    def warnings():
        found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
        return [message.id for message in found if message.id.startswith("onewindow.")]

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert warnings() == ["onewindow.W001"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert warnings() == []
