"""Fast settings for the test suite: cheap password hashing, local-memory cache."""

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A real file in WAL mode, not shared-cache memory, so that tests with
    # several threads see the locking behaviour production has.
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"{tempfile.gettempdir()}/portal-test-{os.getpid()}.sqlite3"  # noqa: F405
    }

# Tasks run at once, in the test's process; tests/test_worker.py runs the real worker.
HUEY = {"name": "portal-tests", "huey_class": "huey.MemoryHuey", "immediate": True}
