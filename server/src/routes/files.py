"""GET /api/reports/{file_name}: download a generated CSV."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from src.controllers.report_files import locate_report
from src.routes.deps import RuntimeDep, SessionDep
from src.routes.responses import problem_responses

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/{file_name}",
    summary="Download a generated CSV report",
    response_class=FileResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The CSV file."}, **problem_responses(404)},
)
async def download_report(file_name: str, session: SessionDep, runtime: RuntimeDep) -> FileResponse:
    report = await locate_report(session, file_name, reports_dir=runtime.settings.reports_dir)
    return FileResponse(
        report.path,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": report.content_disposition},
    )
