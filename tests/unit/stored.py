"""Looking under the store, on either backend: the bytes it keeps on disk, one value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from studio.store import Store


def sqlite_file_bytes(db_path: Path) -> dict[str, bytes]:
    out = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db_path) + suffix)
        if p.exists():
            out[p.name] = p.read_bytes()
    return out


def stored_bytes(store: Store) -> dict[str, bytes]:
    """Every byte the database keeps for this store, by file name.

    SQLite: the data file, its write-ahead log and lock files. Postgres: every file of
    the store's database (tables, TOAST, indexes, free-space maps) after a CHECKPOINT,
    so nothing waits in the server's memory. The server's own WAL is not in here: it is
    the operator's to rotate and archive (README, "Running a big workshop")."""
    if store.is_sqlite:
        assert store.path is not None
        return sqlite_file_bytes(store.path)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CHECKPOINT")
        data_dir = conn.exec_driver_sql("SHOW data_directory").scalar()
        oid = conn.exec_driver_sql(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).scalar()
    folder = Path(str(data_dir)) / "base" / str(oid)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def scalar(store: Store, sql: str, **params: Any) -> Any:
    with store.read() as conn:
        return conn.execute(text(sql), params).scalar()
