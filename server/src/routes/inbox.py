"""The built-in demo webhook inbox, so a new user sees an async round trip with nothing else running."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from src.controllers.inbox import list_inbox, receive_callback
from src.routes.deps import RuntimeDep, SessionDep
from src.routes.responses import problem_responses
from src.schemas.inbox import InboxMessageOut, InboxPage, InboxReceipt

router = APIRouter(prefix="/webhooks/inbox", tags=["webhook inbox"])


@router.post(
    "",
    summary="Receive a callback (demo receiver)",
    responses={
        200: {"model": InboxReceipt},
        "4XX": {"model": InboxReceipt, "description": "The failure chosen with fail_status."},
        "5XX": {"model": InboxReceipt, "description": "The failure chosen with fail_status."},
        **problem_responses(413, 422),
    },
)
async def receive(
    request: Request,
    response: Response,
    session: SessionDep,
    runtime: RuntimeDep,
    fail_first: Annotated[
        int, Query(ge=0, le=10, description="Respond with fail_status to the first N deliveries of each webhook-id.")
    ] = 0,
    fail_status: Annotated[int, Query(ge=400, le=599, description="The failure status to respond with.")] = 503,
) -> InboxReceipt:
    message = await receive_callback(
        session,
        raw_body=await request.body(),
        headers={name.lower(): value for name, value in request.headers.items()},
        secret=runtime.webhook_secret,
        fail_first=fail_first,
        fail_status=fail_status,
    )
    response.status_code = message.response_status
    return InboxReceipt(received=True, signature_valid=message.signature_valid, response_status=message.response_status)


@router.get("", summary="List received callbacks, newest first", responses=problem_responses(422))
async def list_received(session: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> InboxPage:
    rows, total = await list_inbox(session, limit=limit)
    return InboxPage(items=[InboxMessageOut.model_validate(row, from_attributes=True) for row in rows], total=total)
