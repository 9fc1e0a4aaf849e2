"""The public cache: whole responses of the public pages, badges and results API, found without a database query.

A public page depends only on the publications (which never change), the edition frame they are shown in (names,
whether class rankings are published, class slugs), the language and the address. All of that but the last two is
summed up in one short string, the *publications' version*, kept in the cache under `publications:version`. A request
takes it, then its whole response under a key made of the version, the language, the site's address, the path and
the query parameters that matter. Both are also kept in the process itself, so a hit reads no database and, most of
the time, no shared cache either (docs/operations.md, "Caching").

The version is read again from the database at most every VERSION_SECONDS per cache, and at once when a publication
commits (publication_create calls publications_version_changed): in a shared cache (Redis) for every worker, in a
local memory cache for the publishing process. A process trusts the version it has for LOCAL_SECONDS.

Only readers with nothing of their own on the page are served from the cache or stored into it: no session cookie
(so nobody logged in, and no messages kept in a session) and no messages cookie. Their pages carry no CSRF token (the
language switch needs none, config/urls.py), so one copy serves every such reader, and a proxy may hold it. Anyone
else gets the page made for them, marked private.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from time import monotonic
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import get_language

from award.models import AwardClass, Edition
from publications.models import Publication

VERSION_KEY = "publications:version"
# How long a process trusts the version it has, and the cache a version read from the database: a new publication
# reaches every worker within LOCAL_SECONDS on a shared cache (its commit writes the version there), within
# LOCAL_SECONDS + VERSION_SECONDS on a local memory cache (one per process), and so does an edition's new name or
# setting or a class's new slug, which nothing announces, on either.
LOCAL_SECONDS = 1
VERSION_SECONDS = 1
# Entries are keyed by the version, so a stale one is never read; the timeout only lets the old ones go.
RESPONSE_SECONDS = 60 * 60
LOCAL_ENTRIES = 300  # the most whole responses a process keeps in its own memory (at most a few MB)
# What a browser, proxy or CDN may keep without asking again, and serve while it asks (docs/operations.md).
MAX_AGE = 60
STALE_WHILE_REVALIDATE = 60
VARY = ("Accept-Language", "Cookie")  # the language comes from either

View = Callable[..., HttpResponse]
AnyResponse = TypeVar("AnyResponse", bound=HttpResponse)
Entry = tuple[bytes, list[tuple[str, str]], str, int | None]  # content, headers, ETag, Last-Modified (epoch seconds)


@dataclass
class _Local:
    """This process's own copies, so that a hit asks nothing of a shared cache either: the version it has (trusted
    until `until`, on the monotonic clock) and whole responses. A response's key holds its version, so a copy is
    never stale; those of an older version are let go when the process takes a new one."""

    version: str = ""
    until: float = 0.0
    responses: dict[str, Entry] = field(default_factory=dict)

    def take(self, version: str) -> str:
        if version != self.version:
            self.responses = {}
        self.version, self.until = version, monotonic() + LOCAL_SECONDS
        return version

    def keep(self, key: str, entry: Entry) -> Entry:
        if len(self.responses) >= LOCAL_ENTRIES:
            self.responses = {}
        self.responses[key] = entry
        return entry


_local = _Local()


def _version_from_database() -> str:
    """What public pages are made of but the payloads, in two small queries: each edition's newest publication (they
    are never changed nor deleted, and each carries the link of the one before, so it stands for all of them), the
    editions' names and settings, the classes' names and slugs."""
    newest = Publication.objects.filter(edition=OuterRef("pk")).order_by("-pk")
    editions = list(
        Edition.objects.order_by("year")
        .annotate(newest=Subquery(newest.values("pk")[:1]), digest=Subquery(newest.values("digest")[:1]))
        .values_list("year", "name", "publish_rankings", "newest", "digest")
    )
    classes = list(AwardClass.objects.order_by("pk").values_list("edition_id", "name", "slug"))
    return hashlib.sha256(repr((editions, classes)).encode()).hexdigest()[:32]


def publications_version() -> str:
    """The publications' version: this process's for LOCAL_SECONDS, else the cache's, else the database's (which the
    cache keeps for VERSION_SECONDS)."""
    if _local.version and monotonic() < _local.until:
        return _local.version
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _version_from_database()
        cache.add(VERSION_KEY, version, VERSION_SECONDS)  # add: never over a newer one a publication has just set
    return _local.take(version)


def publications_version_refresh() -> str:
    """Read the version from the database and keep it, in the cache and in this process: what their timeouts bring."""
    version = _version_from_database()
    cache.set(VERSION_KEY, version, VERSION_SECONDS)
    return _local.take(version)


def publications_version_changed() -> None:
    """A publication is being made: forget the version now (this process's next page reads its own transaction's
    publication) and read it again once the transaction commits (every worker, on a shared cache)."""
    publications_cache_forget_local()
    cache.delete(VERSION_KEY)
    transaction.on_commit(publications_version_refresh)


def publications_cache_forget_local() -> None:
    """Forget this process's own copies (the tests do, with the cache, before each test)."""
    _local.version, _local.until, _local.responses = "", 0.0, {}


def _response_get(key: str) -> Entry | None:
    entry: Entry | None = _local.responses.get(key)
    if entry is None:
        entry = cache.get(f"public-response:{key}")
        if entry is not None:
            _local.keep(key, entry)
    return entry


def _response_set(key: str, entry: Entry) -> Entry:
    cache.set(f"public-response:{key}", entry, RESPONSE_SECONDS)
    return _local.keep(key, entry)


def last_modified(response: AnyResponse, moment: datetime) -> AnyResponse:
    """The response shows what was published at `moment` (its Last-Modified)."""
    response["Last-Modified"] = http_date(moment.timestamp())
    return response


def _own(request: HttpRequest) -> bool:
    """Whether the page has something of the reader's own in it: a login, messages (in a session or a cookie)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES


def _cacheable_query(request: HttpRequest, query: Mapping[str, Collection[str]]) -> bool:
    """Only the parameters that matter, each once and with a known value: anything else is served but not kept."""
    return all(name in query and len(values) == 1 and values[0] in query[name] for name, values in request.GET.lists())


def _key(request: HttpRequest, *, parts: tuple[Any, ...]) -> str:
    every = (
        *parts,
        get_language(),
        request.scheme,
        request.get_host(),  # pages carry absolute addresses (the badge snippets)
        request.path,
    )
    return hashlib.sha256(repr(every).encode()).hexdigest()[:32]


def _entry(response: HttpResponse, *, etag: str) -> Entry:
    patch_cache_control(response, public=True, max_age=MAX_AGE, stale_while_revalidate=STALE_WHILE_REVALIDATE)
    patch_vary_headers(response, VARY)
    response["ETag"] = etag
    modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return (response.content, list(response.items()), etag, modified)


def _kept(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether an answer may be kept for every reader: never an error or a 404 (a first publication shows at once),
    nor an answer that used or set something of the reader's own (a CSRF token, a cookie)."""
    return response.status_code == 200 and not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def _personal(response: HttpResponse) -> HttpResponse:
    """Made for this reader: no shared cache keeps it, and the browser asks again each time."""
    patch_cache_control(response, private=True, no_cache=True)
    response.headers.pop("Last-Modified", None)
    return response


def public_response(
    *, version: int, query: Mapping[str, Collection[str]] | None = None, frame: bool = True, publications: bool = True
) -> Callable[[View], View]:
    """Serve a public view's 200 answers whole from the cache, with ETag, Last-Modified, 304s and Cache-Control.

    `version`: the caller's template version (raise it when what the view renders changes for the same
    publications). `query`: the query parameters the answer depends on, and their known values. `frame`: the view
    renders the site's frame, which is the reader's own when they have a session or messages; without it (the API)
    every reader gets the same answer. `publications`: False for a page that shows none (how it works).
    """
    wanted: Mapping[str, Collection[str]] = query or {}

    def decorator(view: View) -> View:
        @wraps(view)
        def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if frame and _own(request):
                return _personal(view(request, *args, **kwargs))
            if not _cacheable_query(request, wanted):
                return view(request, *args, **kwargs)
            parts = (version, publications_version() if publications else "", *(request.GET.get(name) for name in wanted))
            key = _key(request, parts=parts)
            entry = _response_get(key)
            if entry is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()  # an API view's answer is rendered after the view, too late to keep
                if not _kept(request, response):
                    return response
                entry = _response_set(key, _entry(response, etag=quote_etag(key)))
            content, headers, etag, modified = entry
            response = HttpResponse(content, headers=dict(headers))
            # A 304 when the reader's copy is this one (If-None-Match, else If-Modified-Since), RFC 9110 §13.2.2.
            return get_conditional_response(request, etag=etag, last_modified=modified, response=response) or response

        return cached

    return decorator
