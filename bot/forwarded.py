"""Who is asking: the client's address and scheme, read through the proxies Relais trusts.

Behind a TLS proxy every connection comes from the proxy's address. The
proxy says who the client is in ``X-Forwarded-For`` (each proxy appends
the address it received the request from) and which scheme the browser
used in ``X-Forwarded-Proto``. Anyone can send those headers, so they are
read only when the direct peer is a trusted proxy (``RELAIS_TRUSTED_PROXIES``:
comma-separated addresses or CIDR ranges; by default the loopback
addresses, i.e. a proxy on the same machine; ``none`` trusts no one):

- the client's address is found by walking ``X-Forwarded-For`` from the
  right, skipping the hops that are themselves trusted proxies; the first
  untrusted hop is the client. When every hop is trusted the leftmost one
  is the client; an unreadable hop ends the walk at the last trusted hop.
- the scheme is the rightmost value of ``X-Forwarded-Proto`` (the one the
  nearest proxy set); ``https`` there, or a TLS connection to Relais itself,
  means the browser is on HTTPS.

From any other peer the peer's own address and the connection's scheme are
used, whatever the headers say.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from aiohttp import web

from bot.errors import ConfigError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

LOOPBACK_PROXIES = ("127.0.0.1/32", "::1/128")


def parse_proxies(raw: str, key: str = "RELAIS_TRUSTED_PROXIES") -> tuple[str, ...]:
    """The trusted proxies of a setting (``none`` for no one) as normalised CIDR strings;
    ConfigError naming ``key`` for an entry that is not an address or a range."""
    if raw.strip().lower() == "none":
        return ()
    out = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        try:
            out.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise ConfigError(f"setting {key}: {entry!r} is not an IP address or CIDR range") from None
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str) -> Address | None:
    """An address as a peer or a proxy writes it (``::ffff:`` mapped, ``[v6]:port`` or ``v4:port``), or None."""
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address | None, networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def _header_values(request: web.BaseRequest, name: str) -> list[str]:
    return [v.strip() for line in request.headers.getall(name, []) for v in line.split(",") if v.strip()]


def client_address(request: web.BaseRequest, proxies: tuple[str, ...]) -> str:
    """The address of the client that sent the request ("unknown" when there is none to read)."""
    peer = _address(request.remote or "")
    networks = _networks(proxies)
    if not _trusted(peer, networks):
        return str(peer) if peer is not None else (request.remote or "unknown")
    client: Address = peer  # type: ignore[assignment]
    for hop in reversed(_header_values(request, "X-Forwarded-For")):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def is_https(request: web.BaseRequest, proxies: tuple[str, ...]) -> bool:
    """Whether the browser reached Relais over HTTPS: directly, or through a trusted proxy that says so."""
    if request.secure:
        return True
    if not _trusted(_address(request.remote or ""), _networks(proxies)):
        return False
    schemes = _header_values(request, "X-Forwarded-Proto")
    return bool(schemes) and schemes[-1].lower() == "https"
