"""A flat list of the app's routes with the permission each declares.

FastAPI may keep included routers as nested objects; this flattens them so the route-walking tests
(and anyone auditing the app) see every route with its path, methods and declared permission.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from withcare.security.authorisation import Permission
from withcare.web.guard import Guard


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    permission: Permission | None


def _permission(dependant: Any) -> Permission | None:
    for dependency in getattr(dependant, "dependencies", ()):
        if isinstance(dependency.call, Guard):
            return dependency.call.permission
    return None


def _flatten(routes: Iterable[Any]) -> Iterator[Any]:
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            yield from _flatten(contexts() if callable(contexts) else contexts)
        elif hasattr(route, "original_router"):
            yield from _flatten(route.original_router.routes)
        else:
            yield route


def api_routes(app: FastAPI) -> list[RouteInfo]:
    """Every FastAPI endpoint (pages and API)."""
    found = []
    for route in _flatten(app.router.routes):
        if isinstance(route, APIRoute) or hasattr(route, "dependant"):
            found.append(
                RouteInfo(route.path, frozenset(route.methods or ()), _permission(route.dependant))
            )
    return found


def other_routes(app: FastAPI) -> list[str]:
    """Paths of routes that are not FastAPI endpoints (static files, the OpenAPI document)."""
    return [
        str(getattr(route, "path", route))
        for route in _flatten(app.router.routes)
        if not (isinstance(route, APIRoute) or hasattr(route, "dependant"))
    ]
