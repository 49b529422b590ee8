"""bench.settings (the project's settings plus the bare baseline view) for the gunicorn of bench.suite, which
renders pages too: static files are named as they are in the source tree rather than through the manifest that
`collectstatic` writes at deployment, so the measurement never depends on a collected tree being up to date (the
in-process page measurements do the same; the manifest costs a dictionary look-up per file)."""

from bench.settings import *  # noqa: F403

STORAGES = {**STORAGES,  # noqa: F405
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
