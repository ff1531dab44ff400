"""GET /api/health."""

from __future__ import annotations

from fastapi import APIRouter, Response

from src import __version__
from src.controllers.health import check_health
from src.routes.deps import RuntimeDep
from src.schemas.health import HealthResponse

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    summary="Service, database and worker state",
    responses={503: {"model": HealthResponse, "description": "The database is unreachable."}},
)
async def health(runtime: RuntimeDep, response: Response) -> HealthResponse:
    report = await check_health(
        runtime.session_factory,
        dialect=runtime.dialect,
        pool=runtime.pool,
        dispatcher=runtime.dispatcher,
        version=__version__,
        started_at=runtime.started_at,
    )
    if not report.database.ok:
        response.status_code = 503
    return report
