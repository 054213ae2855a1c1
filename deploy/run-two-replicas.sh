#!/usr/bin/env bash
# Two studio replicas and HAProxy on this machine, one PostgreSQL (an example for a
# single big server; on several machines run one replica each and point the proxy at
# them). Needs: pip install -r requirements-postgres.txt, Debian's haproxy.
#
#   STUDIO_DATABASE_URL=postgresql+psycopg://studio:…@db.example/studio \
#   STREAMLIT_SERVER_COOKIE_SECRET=$(openssl rand -hex 32) \
#   STUDIO_PUBLIC_URL=https://workshop.example.org deploy/run-two-replicas.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${STUDIO_DATABASE_URL:?set STUDIO_DATABASE_URL to the shared PostgreSQL}"
: "${STREAMLIT_SERVER_COOKIE_SECRET:?set STREAMLIT_SERVER_COOKIE_SECRET: the same for every replica}"
PY=${PY:-.venv/bin/python}
export STUDIO_PROXY_BIND=${STUDIO_PROXY_BIND:-0.0.0.0:8080}
export STUDIO_REPLICA_1=127.0.0.1:${REPLICA_1_PORT:-8601}
export STUDIO_REPLICA_2=127.0.0.1:${REPLICA_2_PORT:-8602}
pids=()
for addr in "$STUDIO_REPLICA_1" "$STUDIO_REPLICA_2"; do
  "$PY" -m studio.ui.launch --server.address 127.0.0.1 --server.port "${addr##*:}" \
    --server.headless true --browser.gatherUsageStats false &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
haproxy -f deploy/haproxy.cfg
