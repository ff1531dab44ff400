"""Callback URL guard: only URLs whose every resolved address is public may receive webhooks.

The guard returns the checked addresses, and delivery connects to one of them, so a DNS
answer that changes between the check and the connection (DNS rebinding) cannot redirect
the request. Delivery runs the guard again before every attempt.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from src.schemas.report import MAX_CALLBACK_URL_LENGTH

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

UNIQUE_LOCAL_NETWORK = ipaddress.ip_network("fc00::/7")
CGNAT_NETWORK = ipaddress.ip_network("100.64.0.0/10")
NAT64_NETWORKS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE_NETWORK = ipaddress.ip_network("::/96")
# inet_aton accepts decimal, octal, hexadecimal and shortened forms such as 2130706433,
# 0177.0.0.1, 0x7f.1 and 127.1; this pattern limits it to strings made of those characters.
LEGACY_IPV4_LITERAL = re.compile(r"^[0-9a-fA-FxX.]+$")


class CallbackUrlRejected(ValueError):
    """The URL may not receive callbacks. The message gives the reason and the value."""


@dataclass(frozen=True)
class AllowedHost:
    host: str
    port: int | None

    @classmethod
    def parse(cls, entry: str) -> AllowedHost:
        entry = entry.strip().lower()
        if entry.startswith("["):
            host, _, rest = entry[1:].partition("]")
            port_text = rest.removeprefix(":") or None
        elif entry.count(":") == 1:
            host, port_text = entry.split(":")
        else:
            host, port_text = entry, None
        return cls(host=host.rstrip("."), port=int(port_text) if port_text else None)

    def matches(self, host: str, port: int) -> bool:
        return self.host == host and (self.port is None or self.port == port)


@dataclass(frozen=True)
class CheckedCallbackUrl:
    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...]
    allow_listed: bool

    @property
    def host_header(self) -> str:
        default_port = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default_port else f"{host}:{self.port}"


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def blocked_reason(address: IPAddress) -> str | None:
    """Name the class of a non-public address, or return None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = blocked_reason(embedded)
            return f"{reason} embedded in IPv6 address {address}" if reason else None
        if address in UNIQUE_LOCAL_NETWORK:
            return f"unique-local IPv6 address {address}"
        if any(address in network for network in NAT64_NETWORKS):
            return f"local-use NAT64 address {address}"

    checks: tuple[tuple[bool, str], ...] = (
        (address.is_unspecified, "unspecified address"),
        (address.is_loopback, "loopback address"),
        (address.is_link_local, "link-local address"),
        (address.is_multicast, "multicast address"),
        (isinstance(address, ipaddress.IPv4Address) and address in CGNAT_NETWORK, "carrier-grade NAT address"),
        (address.is_private, "private address"),
        (address.is_reserved, "reserved address"),
        (not address.is_global, "non-public address"),
    )
    for matched, label in checks:
        if matched:
            return f"{label} {address}"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_NETWORKS[0]:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in IPV4_COMPATIBLE_NETWORK and int(address) > 1:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def parse_ip_literal(host: str) -> IPAddress | None:
    """Parse `host` as an IP address in any spelling a resolver or browser would accept."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if LEGACY_IPV4_LITERAL.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def split_callback_url(url: str) -> tuple[SplitResult, str, int]:
    """Check the URL's form and return its parts, its lower-case host and its port."""
    if len(url) > MAX_CALLBACK_URL_LENGTH:
        raise CallbackUrlRejected(
            f"callback_url is {len(url)} characters long; the maximum is {MAX_CALLBACK_URL_LENGTH}"
        )
    if any(ord(character) < 0x21 or ord(character) == 0x7F for character in url):
        raise CallbackUrlRejected(f"callback_url {url!r} contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise CallbackUrlRejected(f"callback_url {url!r} is not a valid URL: {error}") from error
    if parts.scheme not in ("http", "https"):
        raise CallbackUrlRejected(f"callback_url {url!r} has scheme {parts.scheme!r}; use http or https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise CallbackUrlRejected(f"callback_url {url!r} contains user information; remove the 'user:password@' part")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise CallbackUrlRejected(f"callback_url {url!r} has no host")
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    return parts, host, port


async def check_callback_url(
    url: str,
    *,
    resolver: Resolver,
    allowed_hosts: Sequence[AllowedHost] = (),
) -> CheckedCallbackUrl:
    """Validate `url`, resolve its host and check every address.

    Raises CallbackUrlRejected with the reason unless the host is allow-listed or every
    address it resolves to is public.
    """
    parts, host, port = split_callback_url(url)
    allow_listed = any(entry.matches(host, port) for entry in allowed_hosts)

    literal = parse_ip_literal(host)
    if literal is not None:
        addresses: tuple[IPAddress, ...] = (literal,)
    else:
        addresses = await _resolve(host, port, url, resolver)

    if not allow_listed:
        for address in addresses:
            reason = blocked_reason(address)
            if reason:
                raise CallbackUrlRejected(
                    f"callback_url {url!r} resolves to a {reason}; callbacks may only go to public addresses "
                    "(a developer can allow a local receiver with CALLBACK_ALLOWED_HOSTS)"
                )

    return CheckedCallbackUrl(
        url=url, scheme=parts.scheme, host=host, port=port, addresses=addresses, allow_listed=allow_listed
    )


async def _resolve(host: str, port: int, url: str, resolver: Resolver) -> tuple[IPAddress, ...]:
    try:
        answers = await resolver(host, port)
    except (OSError, UnicodeError) as error:
        raise CallbackUrlRejected(
            f"callback_url {url!r} has a host that does not resolve: {host!r} ({error})"
        ) from error

    addresses: list[IPAddress] = []
    for answer in answers:
        # getaddrinfo reports IPv6 scope ids as "fe80::1%eth0"; the scope does not change the class.
        address = ipaddress.ip_address(answer.split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise CallbackUrlRejected(f"callback_url {url!r} has a host that resolves to no address: {host!r}")
    return tuple(addresses)
