"""One HTTP POST to a checked callback address, with a deadline and a capped response read."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from src.services.url_guard import CheckedCallbackUrl


@dataclass(frozen=True)
class SendOutcome:
    status_code: int | None
    error: str | None
    response_excerpt: str | None
    elapsed_ms: int


async def post_to_checked_address(
    client: httpx.AsyncClient,
    target: CheckedCallbackUrl,
    *,
    body: bytes,
    headers: dict[str, str],
    deadline_seconds: float,
    max_response_bytes: int,
) -> SendOutcome:
    """POST `body` to the first checked address of `target`, never resolving the name again.

    The URL's host is replaced by the address. The Host header and the TLS server name keep
    the original name, so virtual hosting and certificate checks work as usual. The deadline
    covers connecting, sending and reading together. Redirects are not followed.
    """
    address = target.addresses[0]
    pinned_url = httpx.URL(target.url).copy_with(host=str(address))
    request_headers = {**headers, "Host": target.host_header, "Content-Type": "application/json"}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    started = time.perf_counter()

    try:
        async with asyncio.timeout(deadline_seconds):
            request = client.build_request(
                "POST", pinned_url, content=body, headers=request_headers, extensions=extensions
            )
            response = await client.send(request, stream=True, follow_redirects=False)
            try:
                excerpt = await _read_capped(response, max_response_bytes)
            finally:
                await response.aclose()
    except TimeoutError:
        return SendOutcome(None, f"timed out after {deadline_seconds:g} s", None, _elapsed_ms(started))
    except httpx.HTTPError as error:
        return SendOutcome(
            None, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__, None, _elapsed_ms(started)
        )

    return SendOutcome(response.status_code, None, excerpt, _elapsed_ms(started))


async def _read_capped(response: httpx.Response, max_bytes: int) -> str:
    received = bytearray()
    async for chunk in response.aiter_raw():
        received.extend(chunk[: max_bytes - len(received)])
        if len(received) >= max_bytes:
            break
    text = received.decode("utf-8", errors="replace")
    # Keep the excerpt printable: it is stored and shown in the dashboard.
    return "".join(character if character.isprintable() or character in "\n\t" else "?" for character in text)


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
