"""POST /api/benchmark/both and the stored runs, plus the dependency that binds a benchmark token to a request."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from slowapi import Limiter

from src.config import Settings
from src.controllers import benchmark as controller
from src.errors import AppError
from src.models import BenchmarkRun, BenchmarkRunStatus
from src.routes.deps import RuntimeDep, SessionDep
from src.routes.responses import problem_responses
from src.schemas.benchmark import BenchmarkRequest, BenchmarkRunDetail, BenchmarkRunPage
from src.services.benchmark_registry import BenchmarkRegistry

MAX_PAGE_SIZE = 100


def get_registry(request: Request) -> BenchmarkRegistry:
    registry: BenchmarkRegistry = request.app.state.benchmark_registry
    return registry


def to_run_detail(run: BenchmarkRun) -> BenchmarkRunDetail:
    results = run.results or {}
    modes = results.get("modes", {})
    return BenchmarkRunDetail.model_validate(
        {
            "id": run.id,
            "status": run.status,
            "parameters": run.parameters,
            "sync": modes.get("sync"),
            "async": modes.get("async"),
            "error": run.error,
            "leftover_requests": run.leftover_requests,
            "callback_receiver": run.callback_receiver,
            "started_at": run.started_at,
            "deadline_at": run.deadline_at,
            "finished_at": run.finished_at,
        }
    )


def build_benchmark_router(limiter: Limiter, settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/benchmark", tags=["benchmark"])

    @router.post(
        "/both",
        summary="Send the same load through /api/sync and /api/async and compare them",
        description="Waits until the run ends, at most BENCHMARK_MAX_SECONDS plus cleanup. One run at a time. "
        "The run's report requests, callback logs and files are deleted when it ends; its figures are kept.",
        responses=problem_responses(409, 413, 415, 422, 429, 500),
    )
    @limiter.limit(settings.rate_limit_benchmark)
    async def run_both(
        request: Request, response: Response, body: BenchmarkRequest, runtime: RuntimeDep
    ) -> BenchmarkRunDetail:
        task = await controller.start_benchmark(
            body=body, runtime=runtime, registry=get_registry(request), app=request.app
        )
        # A client that disconnects cancels this handler, but not the run and its cleanup.
        run = await asyncio.shield(task)
        if run.status == BenchmarkRunStatus.FAILED:
            raise AppError(f"benchmark run {run.id} failed: {run.error}", extensions={"run_id": str(run.id)})
        return to_run_detail(run)

    @router.get("/runs", summary="List benchmark runs, newest first", responses=problem_responses(422))
    async def list_runs(
        session: SessionDep,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> BenchmarkRunPage:
        runs, total = await controller.list_runs(session, limit=limit, offset=offset)
        return BenchmarkRunPage(items=[to_run_detail(run) for run in runs], total=total, limit=limit, offset=offset)

    @router.get("/runs/{run_id}", summary="Read one benchmark run", responses=problem_responses(404, 422))
    async def get_run(run_id: uuid.UUID, session: SessionDep) -> BenchmarkRunDetail:
        return to_run_detail(await controller.get_run(session, run_id))

    return router
