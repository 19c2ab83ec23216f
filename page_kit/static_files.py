"""Public static files, and how long a browser may keep them (issue 12: a first
visit on a slow line, and the visits after it).

- A file asked for with `?v=<its version>` (the first 16 hex digits of its
  SHA-256), as the templates write it with `static_url`, is the same bytes
  forever: `Cache-Control: public, max-age=31536000, immutable`. When the file
  changes, its version changes, the page (never cached) names the new URL, and
  the browser cannot keep serving the old one. A `?v=` that is not the file's
  version gets the current file and no promise.
- Every other file, ES modules among them, is kept and revalidated:
  `Cache-Control: no-cache` with its ETag and Last-Modified, so a browser asks
  each time and gets `304 Not Modified` while the file is unchanged. Modules
  import each other by plain relative paths (`./api.js`): without a build step
  that rewrites every import, a version in the page's URL would not reach the
  modules it imports, and two URLs for one module would run it twice. The
  modulepreload hints (page_kit/es_modules.py) ask for the whole graph in one
  round trip, revalidations included.

Nothing here is personal: pages and API answers stay `no-store`."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qs

from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from page_kit.es_modules import Mounts

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
VERSION_LENGTH = 16


class FileVersions:
    """The version of each file: a prefix of its SHA-256, computed again only when
    the file's size or modification time changes."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[int, int, str]] = {}

    def of(self, path: Path) -> str:
        stat = path.stat()
        known = self._known.get(path)
        if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_LENGTH]
        self._known[path] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest


class VersionedStaticFiles(StaticFiles):
    """Starlette's StaticFiles with the caching rules above."""

    def __init__(self, *, directory: Path, versions: FileVersions) -> None:
        super().__init__(directory=directory)
        self.versions = versions

    def cache_control(self, path: Path, scope: Scope) -> str:
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [])
        return IMMUTABLE if asked == [self.versions.of(path)] else REVALIDATE

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        response.headers["Cache-Control"] = self.cache_control(Path(full_path), scope)
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


class StaticUrls:
    """The versioned URL of a static file, for the templates (`static_url`)."""

    def __init__(self, mounts: Mounts, versions: FileVersions) -> None:
        self.mounts = tuple(mounts)
        self.versions = versions

    def url(self, url: str) -> str:
        for prefix, folder in self.mounts:
            if url.startswith(prefix + "/"):
                path = folder / url.removeprefix(prefix + "/")
                return f"{url}?v={self.versions.of(path)}" if path.is_file() else url
        return url


@pass_context
def static_url(context: Context, url: str) -> str:
    """Jinja global: `url` with its file's version, from the app's StaticUrls
    (`app.state.static_urls`); `url` unchanged when the app has none."""
    state = getattr(getattr(context.get("request"), "app", None), "state", None)
    urls = getattr(state, "static_urls", None)
    return urls.url(url) if isinstance(urls, StaticUrls) else url
