"""The site's settings for bench/bench_pages.py's gunicorn: the product's, with a trivial view beside it (bench/urls.py).

DEBUG is off as in production (bench_pages sets the environment: a random key, the host, no HTTPS redirect). Static
files are served by name, without collectstatic's manifest: a page from the cache renders nothing, and a page made
again looks up its stylesheet's address either way.
"""

from __future__ import annotations

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STORAGES = STORAGES | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
