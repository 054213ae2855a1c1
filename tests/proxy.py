"""deploy/haproxy.cfg, run on loopback in front of two replicas (the replica test and
part 8 of the benchmark). Which replica answered is the ``X-Studio-Replica`` header
the config adds; a browser (or a request) is put on one with the ``sbs_replica`` cookie.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
CONFIG = ROOT / "deploy" / "haproxy.cfg"
COOKIE = "sbs_replica"


def installed() -> bool:
    return Path(HAPROXY).exists()


def replica_of(proxy_url: str, cookie: str | None = None) -> str | None:
    """Which replica answers a health check through the proxy (None: no answer)."""
    req = urllib.request.Request(proxy_url + "/_stcore/health")
    if cookie:
        req.add_header("Cookie", f"{COOKIE}={cookie}")
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            return r.headers.get("X-Studio-Replica") if r.status == 200 else None
    except OSError:
        return None


def start(work: Path, replicas: list[str]) -> tuple[subprocess.Popen, str]:
    """HAProxy with deploy/haproxy.cfg on a free loopback port, in front of the two
    ``host:port`` replicas; returns once it routes to both (its process, its URL)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "STUDIO_PROXY_BIND": f"127.0.0.1:{port}"}
    for i, address in enumerate(replicas, start=1):
        env[f"STUDIO_REPLICA_{i}"] = address
    log = work / "haproxy.log"
    proc = subprocess.Popen(
        [HAPROXY, "-f", str(CONFIG), "-db"], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):  # until the proxy answers for both replicas (polls a process)
        if proc.poll() is not None:
            raise RuntimeError("haproxy stopped: " + log.read_text()[-600:])
        if replica_of(url, "r1") == "r1" and replica_of(url, "r2") == "r2":
            return proc, url
        time.sleep(0.05)  # polling a process start, not waiting for Streamlit
    proc.kill()
    raise RuntimeError("haproxy did not route to both replicas: " + log.read_text()[-600:])
