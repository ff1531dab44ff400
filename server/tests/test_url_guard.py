"""The callback URL guard. No test here can open a connection: names resolve through a stub
resolver and the app's callback transport fails the test if it is ever asked to connect."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from src.config import Settings
from src.services.url_guard import AllowedHost, CallbackUrlRejected, check_callback_url
from tests.conftest import running_app
from tests.support import ForbidConnectionsTransport, RefuseConnectionsTransport, stub_resolver, wait_for

# A public address for stub DNS results. The forbidding transport ensures nothing connects to it.
PUBLIC_ADDRESS = "93.184.216.34"

RESOLVER = stub_resolver(
    {
        "hooks.example.com": [PUBLIC_ADDRESS],
        "localhost": ["127.0.0.1", "::1"],
        "mixed.example.com": [PUBLIC_ADDRESS, "10.1.2.3"],
        "metadata.example.com": ["169.254.169.254"],
        "v6private.example.com": ["fd12:3456::1"],
    }
)

BLOCKED_URLS = {
    "loopback dotted": "http://127.0.0.1/hook",
    "loopback short": "http://127.1/hook",
    "loopback decimal": "http://2130706433/hook",
    "loopback hex": "http://0x7f000001/hook",
    "loopback octal": "http://0177.0.0.1/hook",
    "loopback mixed short hex": "http://0x7f.1/hook",
    "loopback ipv6": "http://[::1]/hook",
    "loopback by name": "http://localhost:8000/hook",
    "private 10/8": "http://10.0.0.1/hook",
    "private 10/8 octal": "http://012.0.0.1/hook",
    "private 172.16/12": "http://172.16.0.1/hook",
    "private 192.168/16": "https://192.168.1.1/hook",
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "metadata hex": "http://0xa9fea9fe/",
    "metadata decimal": "http://2852039166/",
    "metadata by name": "http://metadata.example.com/",
    "link-local ipv6": "http://[fe80::1]/hook",
    "cgnat": "http://100.64.0.1/hook",
    "unspecified zero": "http://0/hook",
    "unspecified dotted": "http://0.0.0.0/hook",
    "unspecified ipv6": "http://[::]/hook",
    "multicast": "http://224.0.0.1/hook",
    "multicast ipv6": "http://[ff02::1]/hook",
    "reserved": "http://240.0.0.1/hook",
    "broadcast": "http://255.255.255.255/hook",
    "unique-local ipv6": "http://[fd00::1]/hook",
    "unique-local by name": "http://v6private.example.com/hook",
    "ipv4-mapped loopback": "http://[::ffff:127.0.0.1]/hook",
    "ipv4-mapped hex": "http://[::ffff:7f00:1]/hook",
    "ipv4-mapped metadata": "http://[::ffff:169.254.169.254]/",
    "ipv4-compatible loopback": "http://[::127.0.0.1]/hook",
    "nat64 loopback": "http://[64:ff9b::7f00:1]/hook",
    "nat64 metadata": "http://[64:ff9b::a9fe:a9fe]/",
    "6to4 loopback": "http://[2002:7f00:1::]/hook",
    "6to4 private": "http://[2002:0a00:0001::1]/hook",
    "any address private": "http://mixed.example.com/hook",
}

MALFORMED_URLS = {
    "ftp scheme": ("ftp://hooks.example.com/x", "scheme 'ftp'"),
    "file scheme": ("file:///etc/passwd", "scheme 'file'"),
    "javascript scheme": ("javascript:alert(1)", "scheme 'javascript'"),
    "user info": ("http://user:secret@hooks.example.com/x", "user information"),
    "user only": ("http://user@hooks.example.com/x", "user information"),
    "no host": ("http:///x", "has no host"),
    "bad port": ("http://hooks.example.com:99999/x", "not a valid URL"),
    "whitespace": ("http://hooks.example.com/a b", "whitespace or control"),
    "unresolvable": ("http://nxdomain.example.com/x", "does not resolve"),
    "too long": ("http://hooks.example.com/" + "a" * 2100, "the maximum is 2048"),
}


@pytest.mark.parametrize("url", list(BLOCKED_URLS.values()), ids=list(BLOCKED_URLS))
async def test_blocked_address_is_rejected(url: str) -> None:
    with pytest.raises(CallbackUrlRejected, match="callbacks may only go to public addresses"):
        await check_callback_url(url, resolver=RESOLVER)


@pytest.mark.parametrize(("url", "reason"), list(MALFORMED_URLS.values()), ids=list(MALFORMED_URLS))
async def test_malformed_url_is_rejected(url: str, reason: str) -> None:
    with pytest.raises(CallbackUrlRejected, match=reason):
        await check_callback_url(url, resolver=RESOLVER)


async def test_public_name_is_accepted_with_its_address() -> None:
    checked = await check_callback_url("https://hooks.example.com/x?a=1", resolver=RESOLVER)

    assert [str(address) for address in checked.addresses] == [PUBLIC_ADDRESS]
    assert checked.host_header == "hooks.example.com"
    assert checked.allow_listed is False


async def test_allow_list_matches_host_and_port() -> None:
    allowed = [AllowedHost.parse("127.0.0.1:9000"), AllowedHost.parse("localhost")]

    exact = await check_callback_url("http://127.0.0.1:9000/hook", resolver=RESOLVER, allowed_hosts=allowed)
    any_port = await check_callback_url("http://localhost:1234/hook", resolver=RESOLVER, allowed_hosts=allowed)

    assert exact.allow_listed is True
    assert any_port.allow_listed is True
    with pytest.raises(CallbackUrlRejected, match="loopback"):
        await check_callback_url("http://127.0.0.1:9001/hook", resolver=RESOLVER, allowed_hosts=allowed)


def test_allowed_host_parses_ipv6_with_port() -> None:
    assert AllowedHost.parse("[::1]:9000") == AllowedHost(host="::1", port=9000)
    assert AllowedHost.parse("Example.COM.") == AllowedHost(host="example.com", port=None)


def async_body(callback_url: str, *, delay_ms: int = 0) -> dict[str, object]:
    return {
        "payload": {"num_transactions": 10, "report_name": "guard", "simulated_delay_ms": delay_ms},
        "callback_url": callback_url,
    }


@pytest.mark.parametrize(
    "url",
    [BLOCKED_URLS["metadata"], BLOCKED_URLS["loopback decimal"], BLOCKED_URLS["any address private"]],
)
async def test_api_rejects_blocked_callback_without_connecting(
    make_settings: Callable[..., Settings], url: str
) -> None:
    transport = ForbidConnectionsTransport()

    async with running_app(make_settings(), resolver=RESOLVER, callback_transport=transport) as api:
        response = await api.post("/api/async", json=async_body(url))
        listing = (await api.get("/api/requests")).json()

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Callback URL rejected"
    assert url in problem["detail"]
    assert problem["callback_url"] == url
    assert listing["total"] == 0
    assert transport.attempts == []


async def test_delivery_connects_to_checked_address_not_name(make_settings: Callable[..., Settings]) -> None:
    transport = RefuseConnectionsTransport()

    async with running_app(make_settings(), resolver=RESOLVER, callback_transport=transport) as api:
        accepted = (await api.post("/api/async", json=async_body("http://hooks.example.com:8080/in?x=1"))).json()
        await wait_for(lambda: transport.attempts)
        await asyncio.sleep(0.2)
        logs = (await api.get(f"/api/requests/{accepted['request_id']}/callback-logs")).json()

    request = transport.attempts[0]
    assert str(request.url) == f"http://{PUBLIC_ADDRESS}:8080/in?x=1"
    assert request.headers["host"] == "hooks.example.com:8080"
    assert logs[0]["status_code"] is None
    assert logs[0]["success"] is False
    assert "ConnectError" in logs[0]["error_message"]


async def test_rebinding_to_private_address_is_refused_at_delivery(make_settings: Callable[..., Settings]) -> None:
    table = {"rebind.example.com": [PUBLIC_ADDRESS]}
    transport = ForbidConnectionsTransport()

    async with running_app(make_settings(), resolver=stub_resolver(table), callback_transport=transport) as api:
        accepted = await api.post("/api/async", json=async_body("http://rebind.example.com/hook", delay_ms=400))
        assert accepted.status_code == 202
        table["rebind.example.com"] = ["10.0.0.7"]
        request_id = accepted.json()["request_id"]

        async def delivery_failed() -> bool:
            detail = (await api.get(f"/api/requests/{request_id}")).json()
            return detail["callback_status"] == "FAILED"

        await wait_for(delivery_failed)
        logs = (await api.get(f"/api/requests/{request_id}/callback-logs")).json()

    assert transport.attempts == []
    assert len(logs) == 1
    assert logs[0]["status_code"] is None
    assert "private address 10.0.0.7" in logs[0]["error_message"]
