"""The addresses phones on the same network can reach this computer by, for
``make workshop``. Pure Python; nothing is sent anywhere: the machine's own name is
resolved and, on Linux, ``hostname -I`` lists the addresses its interfaces have.
"""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import subprocess
from collections.abc import Iterable
from urllib.parse import urlsplit


def reachable(addresses: Iterable[str]) -> list[str]:
    """The private IPv4 addresses among ``addresses`` (the ones a phone on the same
    Wi-Fi can use), without loopback and link-local ones, sorted and unique."""
    out = set()
    for raw in addresses:
        try:
            ip = ipaddress.ip_address(raw.strip())
        except ValueError:
            continue
        if ip.version == 4 and ip.is_private and not ip.is_loopback and not ip.is_link_local:
            out.add(str(ip))
    return sorted(out, key=lambda a: tuple(int(p) for p in a.split(".")))


def lan_addresses() -> list[str]:
    """This computer's addresses on its local networks (may be empty)."""
    found: list[str] = []
    with contextlib.suppress(OSError):
        found += [
            str(i[4][0]) for i in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        ]
    tool = shutil.which("hostname")
    if tool:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(  # noqa: S603 - a fixed argument list
                [tool, "-I"], capture_output=True, text=True, timeout=3, check=False
            )
            found += done.stdout.split()
    return reachable(found)


def public_url(configured: str | None, addresses: list[str], port: int) -> str | None:
    """The address couples' devices use: STUDIO_PUBLIC_URL when set, else the first LAN
    address with the port; None when there is neither."""
    if configured and configured.strip():
        return configured.strip().rstrip("/")
    if addresses:
        return f"http://{addresses[0]}:{port}"
    return None


def only_here(url: str) -> bool:
    """True for an address that works on this computer only (never to be projected)."""
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", ""):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host.endswith(".localhost")
    return ip.is_loopback or ip.is_unspecified
