"""Loaded by the test server only (this folder is first on its PYTHONPATH): every
connection or name look-up to anything but this machine is written to the file named
by ``STUDIO_NETGUARD_RECORD`` and refused. The e2e session fails if that file is not
empty at the end (tests/e2e/conftest.py)."""

from __future__ import annotations

import ipaddress
import os
import socket
import traceback

_RECORD = os.environ.get("STUDIO_NETGUARD_RECORD", "")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host: object) -> bool:
    if host is None:
        return True  # a passive (bind) look-up
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip("[]").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False  # a name that would need a DNS look-up
    return ip.is_loopback or ip.is_unspecified


def _refuse(what: str, host: object, port: object) -> None:
    where = "".join(traceback.format_stack(limit=12)[:-2])
    if _RECORD:
        with open(_RECORD, "a", encoding="utf-8") as fh:
            fh.write(f"{what} {host!r}:{port!r} (pid {os.getpid()})\n{where}\n")
    raise OSError(f"netguard: {what} to {host!r} refused in the test server")


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_sendto = socket.socket.sendto
_getaddrinfo = socket.getaddrinfo
_create_connection = socket.create_connection


def _address(sock: socket.socket, address: object) -> tuple[object, object]:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return None, None
    if isinstance(address, tuple) and address:
        return address[0], address[1] if len(address) > 1 else None
    return address, None


def connect(self, address):
    host, port = _address(self, address)
    if not _is_local(host):
        _refuse("connect", host, port)
    return _connect(self, address)


def connect_ex(self, address):
    host, port = _address(self, address)
    if not _is_local(host):
        _refuse("connect_ex", host, port)
    return _connect_ex(self, address)


def sendto(self, data, *args):
    address = args[-1]
    host, port = _address(self, address)
    if not _is_local(host):
        _refuse("sendto", host, port)
    return _sendto(self, data, *args)


def getaddrinfo(host, port, *args, **kwargs):
    if not _is_local(host):
        _refuse("getaddrinfo", host, port)
    return _getaddrinfo(host, port, *args, **kwargs)


def create_connection(address, *args, **kwargs):
    host, port = address[0], address[1]
    if not _is_local(host):
        _refuse("create_connection", host, port)
    return _create_connection(address, *args, **kwargs)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.socket.sendto = sendto
socket.getaddrinfo = getaddrinfo
socket.create_connection = create_connection
