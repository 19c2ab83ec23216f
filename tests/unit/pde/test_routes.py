"""The app's routes are tried in order, and the share viewer's API comes right after
the health check (pde/app.py: a crowd opening a share is the busiest route). That
is only safe while no other route can take a path of the viewer's API, or the
reverse: checked here on every route the app serves."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import BaseRoute, Route

from pde.app import create_app
from pde.settings import Settings
from wallet.db import migrate

VIEWER_API = "/api/v1/s/"


def served_routes(routes: list[BaseRoute]) -> list[Route]:
    """Every route, included routers walked into."""
    found: list[Route] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found += served_routes(included.routes)
        elif isinstance(route, Route):
            found.append(route)
    return found


def a_path_of(route: Route) -> str:
    """A path the route takes: each parameter given a plain value."""
    return re.sub(r"\{[^}]+\}", "AAAAAAAAAAAAAAAAAAAAAA", route.path)


def test_no_other_route_takes_a_path_of_the_share_viewers_api_nor_the_reverse(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path)
    migrate(settings.sqlalchemy_url)
    routes = served_routes(create_app(settings).router.routes)
    viewer = [route for route in routes if route.path.startswith(VIEWER_API)]
    others = [route for route in routes if not route.path.startswith(VIEWER_API)]
    assert len(viewer) >= 4 and len(others) > 50
    for route in viewer:
        for other in others:
            assert not other.path_regex.match(a_path_of(route)), (other.path, route.path)
            assert not route.path_regex.match(a_path_of(other)), (route.path, other.path)
