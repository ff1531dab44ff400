"""Finding a generated CSV file, accepting only names the server made."""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from src.errors import NotFoundError
from src.models import ReportRequest
from src.services.report_generator import REPORT_FILE_PATTERN

UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(frozen=True)
class ReportFile:
    path: Path
    content_disposition: str


def content_disposition(report_name: str) -> str:
    """Build an attachment header named after the report, safe for any report name (RFC 6266).

    `filename` carries an ASCII fallback for old clients; `filename*` carries the UTF-8 name.
    """
    ascii_name = unicodedata.normalize("NFKD", report_name).encode("ascii", "ignore").decode("ascii")
    fallback = UNSAFE_FILENAME_CHARACTERS.sub("_", ascii_name).strip(" ._") or "report"
    unicode_name = "".join(c for c in report_name if c.isprintable() and c not in '"\\/').strip(" .") or "report"
    return f'attachment; filename="{fallback[:100]}.csv"; filename*=UTF-8\'\'{quote(unicode_name[:100] + ".csv")}'


def _served_path(reports_dir: Path, file_name: str) -> Path | None:
    root = reports_dir.resolve()
    path = root / file_name
    if path.is_symlink() or not path.is_file() or path.resolve().parent != root:
        return None
    return path


async def locate_report(session: AsyncSession, file_name: str, *, reports_dir: Path) -> ReportFile:
    """Return the path of a generated report, or raise NotFoundError.

    Only names of the form <32 hex digits>.csv that a stored request refers to are served;
    the path must be a regular file directly inside `reports_dir`, not a symbolic link.
    """
    not_found = NotFoundError(f"report file {file_name!r} was not found; use the download_url of a completed request")
    if not REPORT_FILE_PATTERN.fullmatch(file_name):
        raise not_found

    request = await session.scalar(select(ReportRequest).where(ReportRequest.report_file == file_name))
    if request is None:
        raise not_found

    path = await asyncio.to_thread(_served_path, reports_dir, file_name)
    if path is None:
        raise not_found
    report_name = str(request.input_payload.get("report_name", "report"))
    return ReportFile(path=path, content_disposition=content_disposition(report_name))
