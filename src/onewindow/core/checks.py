"""System checks of the deployment (`onewindow check --deploy`)."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def shared_rate_limit_cache(app_configs, **kwargs):
    """The rate limits count in the default cache: per process, each web process would allow the
    whole limit again (docs/security.md, "Rate limits")."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            "The default cache is kept in each process's memory, so every web process counts "
            "the rate limits (progress query, verification, locker keypads) on its own.",
            hint="Set CACHE_URL to a cache shared by all web processes, e.g. "
            "redis://127.0.0.1:6379/0 (docs/security.md, 'Rate limits').",
            id="onewindow.W001",
        )
    ]
