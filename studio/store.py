"""Persistence: SQLAlchemy Core over SQLite by default, any SQLAlchemy URL by config.

Why SQLAlchemy Core: one small dialect-neutral layer gives us SQLite for a couple at
home and Postgres for a workshop server behind a load balancer, with real
transactions, parameter binding (no hand-built SQL strings) and a connection pool
that is safe to share between Streamlit's script threads.

Rules kept here:
- every write is its own committed transaction before the call returns;
- no state shared between sessions lives in process memory (only the engine);
- SQLite runs in WAL mode with foreign keys, a busy timeout, ``secure_delete`` and
  ``BEGIN IMMEDIATE`` for writes, so concurrent writers wait instead of failing;
- "forget" deletes by cascade, checkpoints the WAL and VACUUMs, so the couple's
  words are gone from the file's bytes too.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from studio import tokens

_LOG = logging.getLogger("studio.store")

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", Float, nullable=False),
)

couples = Table(
    "couples",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("name_a", String(80), nullable=False),
    Column("name_b", String(80), nullable=False),
    Column("color_a", String(20), nullable=False),
    Column("color_b", String(20), nullable=False),
    Column("symbol_a", String(20), nullable=False),
    Column("symbol_b", String(20), nullable=False),
    Column("stage", String(20), nullable=False, default="safety_a"),
    Column("paused_at", Float, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

# Version 2: the safety map.
safety_runs = Table(
    "safety_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("couple_id", Integer, ForeignKey("couples.id", ondelete="CASCADE"), nullable=False),
    Column("exercise_id", String(60), nullable=False),
    Column("state", Text, nullable=False),  # JSON of studio.safety_flow.FlowState
    Column("started_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

safety_answers = Table(
    "safety_answers",
    metadata,
    Column("run_id", Integer, ForeignKey("safety_runs.id", ondelete="CASCADE"), nullable=False),
    Column("partner", String(1), nullable=False),
    Column("item", String(80), nullable=False),
    Column("value", Text, nullable=True),  # JSON; NULL with skipped = "I'd rather not say"
    Column("skipped", Boolean, nullable=False, default=False),
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("run_id", "partner", "item", name="uq_answer"),
)

topics = Table(
    "topics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("couple_id", Integer, ForeignKey("couples.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("source", String(20), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("used_at", Float, nullable=True),
)

# Version 3: the dialogue.
dialogues = Table(
    "dialogues",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("couple_id", Integer, ForeignKey("couples.id", ondelete="CASCADE"), nullable=False),
    Column("state", Text, nullable=False),  # JSON of studio.dialogue.DialogueState
    Column("extra", Text, nullable=False, default="{}"),  # JSON: notes on/off, rating flow
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

dialogue_notes = Table(
    "dialogue_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dialogue_id", Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False),
    Column("partner", String(1), nullable=False),
    Column("step", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

dialogue_ratings = Table(
    "dialogue_ratings",
    metadata,
    Column("dialogue_id", Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False),
    Column("partner", String(1), nullable=False),
    Column("heard", Integer, nullable=True),
    Column("safe", Integer, nullable=True),
    Column("word", Text, nullable=True),
    Column("sealed", Boolean, nullable=False, default=False),
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("dialogue_id", "partner", name="uq_rating"),
)

# Version 4: workshop rooms.
rooms = Table(
    "rooms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(12), nullable=False, unique=True),
    Column("secret", String(64), nullable=False, unique=True),
    Column("script_id", String(60), nullable=False),
    Column("phase", String(40), nullable=False),
    Column("phase_started_at", Float, nullable=False),
    Column("timer_started_at", Float, nullable=True),
    Column("timer_seconds", Float, nullable=True),
    Column("min_group", Integer, nullable=False),
    Column("results", Text, nullable=True),  # JSON of released RoomResults, or NULL
    Column("results_released_at", Float, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("closed_at", Float, nullable=True),
)

room_members = Table(
    "room_members",
    metadata,
    Column("room_id", Integer, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    Column("couple_id", Integer, ForeignKey("couples.id", ondelete="CASCADE"), nullable=False),
    Column("joined_at", Float, nullable=False),
    Column("done_phases", Text, nullable=False, default="[]"),
    UniqueConstraint("room_id", "couple_id", name="uq_member"),
)

room_shares = Table(
    "room_shares",
    metadata,
    Column("room_id", Integer, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    Column("couple_id", Integer, ForeignKey("couples.id", ondelete="CASCADE"), nullable=False),
    Column("share", Text, nullable=False),  # JSON: positions and needs only
    Column("shared_at", Float, nullable=False),
    UniqueConstraint("room_id", "couple_id", name="uq_share"),
)

join_attempts = Table(
    "join_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client", String(80), nullable=False, index=True),
    Column("at", Float, nullable=False),
)

# Version 5: a delete whose clean-up (checkpoint, VACUUM) has not finished yet. Written
# in the same transaction as the delete, removed once the file is scrubbed; a store
# that opens and finds one finishes the clean-up. Holds no words, only a time.
pending_scrubs = Table(
    "pending_scrubs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("requested_at", Float, nullable=False),
)

# Version 6: a partner's optional private PIN, kept only as a slow salted hash
# (studio.pins), with the wrong tries and the pause they started. Never exported;
# "Forget us" takes it with the couple (cascade).
partner_pins = Table(
    "partner_pins",
    metadata,
    Column("couple_id", Integer, ForeignKey("couples.id", ondelete="CASCADE"), nullable=False),
    Column("partner", String(1), nullable=False),
    Column("pin_hash", String(200), nullable=False),
    Column("failed", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=True),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("couple_id", "partner", name="uq_pin"),
)

# Version 7: a room's screen (the projector's own link) and whether it shows results.
# The screen token only lets a screen follow the room; only its SHA-256 is kept. No
# words here, and the row goes with its room (cascade).
room_screens = Table(
    "room_screens",
    metadata,
    Column("room_id", Integer, ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("show_results", Boolean, nullable=False, default=False),
    Column("updated_at", Float, nullable=False),
)

# Version 8: a couple's private "we'd like a facilitator" flag in a room. Holds only
# the table number or nickname the couple typed for the facilitator (never names), and
# goes with the room or the couple (cascade); the facilitator's "On my way" deletes it.
room_help = Table(
    "room_help",
    metadata,
    Column("room_id", Integer, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    Column("couple_id", Integer, ForeignKey("couples.id", ondelete="CASCADE"), nullable=False),
    Column("place", String(40), nullable=False),
    Column("asked_at", Float, nullable=False),
    UniqueConstraint("room_id", "couple_id", name="uq_help"),
)

# Version 9: the weekly check-in. The state (steps, seals, the next day) is JSON of
# studio.checkin.CheckinState; answers are one row per partner and item, like the
# safety map's: appreciations and repair words (said together), private ratings.
checkins = Table(
    "checkins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "couple_id",
        Integer,
        ForeignKey("couples.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("exercise_id", String(60), nullable=False),
    Column("state", Text, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

checkin_answers = Table(
    "checkin_answers",
    metadata,
    Column("checkin_id", Integer, ForeignKey("checkins.id", ondelete="CASCADE"), nullable=False),
    Column("partner", String(1), nullable=False),
    Column("item", String(80), nullable=False),
    Column("value", Text, nullable=True),  # JSON; NULL with skipped = "I'd rather not say"
    Column("skipped", Boolean, nullable=False, default=False),
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("checkin_id", "partner", "item", name="uq_checkin_answer"),
)

# Version 10: conversation cards. A run is one couple with one deck: its state (the pile,
# whose turn, favourites) is JSON of studio.cards.DeckState. Words are written only in
# "guess first" mode: a guess and an answer per deal, shown once both are in (``shown``);
# the words of a deal never shown are deleted when the next card is dealt.
card_runs = Table(
    "card_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "couple_id",
        Integer,
        ForeignKey("couples.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("exercise_id", String(60), nullable=False),
    Column("state", Text, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

card_words = Table(
    "card_words",
    metadata,
    Column("run_id", Integer, ForeignKey("card_runs.id", ondelete="CASCADE"), nullable=False),
    Column("deal", Integer, nullable=False),
    Column("card", String(60), nullable=False),
    Column("partner", String(1), nullable=False),
    Column("role", String(10), nullable=False),  # "guess" or "answer"
    Column("text", Text, nullable=True),  # NULL: "I'd rather not say"
    Column("shown", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("run_id", "deal", "partner", name="uq_card_word"),
)

# The card a facilitator dealt to a whole room (content keys only, never a couple's words).
room_cards = Table(
    "room_cards",
    metadata,
    Column("room_id", Integer, ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True),
    Column("exercise_id", String(60), nullable=False),
    Column("state", Text, nullable=False),  # JSON of studio.cards.DeckState
    Column("dealt_at", Float, nullable=False),
)

# Forward migrations: version -> tables it adds. Each runs once, in order.
MIGRATIONS: list[tuple[int, list[Table]]] = [
    (1, [couples]),
    (2, [safety_runs, safety_answers, topics]),
    (3, [dialogues, dialogue_notes, dialogue_ratings]),
    (4, [rooms, room_members, room_shares, join_attempts]),
    (5, [pending_scrubs]),
    (6, [partner_pins]),
    (7, [room_screens]),
    (8, [room_help]),
    (9, [checkins, checkin_answers]),
    (10, [card_runs, card_words, room_cards]),
]
# The tables that hold a couple's words (cleaned after a delete on servers too).
WORD_TABLES: tuple[Table, ...] = (
    couples,
    safety_runs,
    safety_answers,
    topics,
    dialogues,
    dialogue_notes,
    dialogue_ratings,
    rooms,
    room_members,
    room_shares,
    join_attempts,
    partner_pins,
    room_help,
    checkins,
    checkin_answers,
    card_runs,
    card_words,
)
LATEST_VERSION = MIGRATIONS[-1][0]


# Postgres advisory-lock keys (any two fixed numbers of our own). Every write transaction
# takes WRITE_LOCK first, so writes are serialised across every replica exactly as SQLite's
# BEGIN IMMEDIATE serialises them in one file: a read-check-write (seal, save an answer,
# join a room) can't interleave with another, with no retry loops. Writes are short (one
# couple's click); docs/PERFORMANCE.md has what this costs at 500 couples. The migration
# holds the same lock, so two replicas starting at once migrate one after the other.
WRITE_LOCK = 0x5B5_0001


class StoreUnavailable(RuntimeError):
    """The database cannot be opened or read. ``str()`` is a sentence for people."""


class StoreTooNew(StoreUnavailable):
    """The database was last used by a newer version of the studio: we don't touch it."""


class StoreFull(StoreUnavailable):
    """The disk is full: the write was rolled back, nothing before it was lost."""


UNREACHABLE_MESSAGE = (
    "The studio's database is out of reach for a moment. Everything saved before is "
    "safe. If you just pressed something, it wasn't saved: try it again in a moment."
)


class StoreUnreachable(StoreUnavailable):
    """A database server (Postgres) can't be reached: down, restarting, or its network
    gone. The transaction did not commit; the next action tries again."""


FULL_MESSAGE = (
    "The disk is full — nothing was lost. What you just did couldn't be saved, and "
    "everything from before is safe. Free some space on this computer, then try again."
)


def is_disk_full(exc: BaseException) -> bool:
    """True when a database error means "no space left" (SQLite or Postgres)."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code == sqlite3.SQLITE_FULL
    if getattr(orig, "sqlstate", None) == "53100" or getattr(orig, "pgcode", None) == "53100":
        return True  # Postgres: disk_full
    text = str(orig).lower()
    return "database or disk is full" in text or "no space left on device" in text


@dataclass(frozen=True)
class Couple:
    id: int
    token: str
    name_a: str
    name_b: str
    color_a: str
    color_b: str
    symbol_a: str
    symbol_b: str
    stage: str
    paused_at: float | None
    created_at: float

    def name(self, partner: str) -> str:
        return self.name_a if partner == "a" else self.name_b

    def color(self, partner: str) -> str:
        return self.color_a if partner == "a" else self.color_b

    def symbol(self, partner: str) -> str:
        return self.symbol_a if partner == "a" else self.symbol_b


@dataclass(frozen=True, slots=True)
class SafetyRunRow:
    """One stored round of a scales exercise (its state is the flow's JSON, parsed)."""

    id: int
    couple_id: int
    exercise_id: str
    state: Any
    started_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class TopicRow:
    """A topic carried over to the dialogue, not used yet."""

    id: int
    couple_id: int
    text: str
    source: str
    created_at: float
    used_at: float | None


@dataclass(frozen=True, slots=True)
class NoteRow:
    """A note one partner wrote during a dialogue step."""

    id: int
    dialogue_id: int
    partner: str
    step: str
    text: str
    created_at: float


def _row(cls: Any, row: Any, **override: Any) -> Any:
    """A frozen row from a result mapping: the dataclass's fields, nothing else."""
    return cls(**{f: override.get(f, row[f]) for f in cls.__dataclass_fields__})


def default_database_url() -> str:
    """``STUDIO_DATABASE_URL`` wins; else ``$STUDIO_DATA_DIR/studio.db`` (default ./data)."""
    url = os.environ.get("STUDIO_DATABASE_URL", "").strip()
    if url:
        return url
    data_dir = Path(os.environ.get("STUDIO_DATA_DIR", "data")).expanduser()
    return f"sqlite:///{data_dir.resolve() / 'studio.db'}"


def _parse(url: str) -> URL | None:
    try:
        return make_url(url)
    except (ArgumentError, ValueError, TypeError):
        return None


def _sqlite_path(url: str) -> Path | None:
    parsed = _parse(url)
    if parsed is None or parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _describe(url: str) -> str:
    """The database in words, never with a password: a user:password@ is hidden and
    query parameters (``?password=…``, ``?sslpassword=…``) are dropped."""
    path = _sqlite_path(url)
    if path is not None:
        return f"the data file {path}"
    parsed = _parse(url)
    if parsed is None:
        return "the database in STUDIO_DATABASE_URL"
    shown = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
    )
    return "the database " + shown.render_as_string(hide_password=True)


def _redact(text: str, url: str) -> str:
    """``text`` without the URL's password, wherever a driver may have repeated it."""
    parsed = _parse(url)
    secrets_ = [parsed.password] if parsed is not None and parsed.password else []
    if parsed is not None:
        secrets_ += [str(v) for k, v in parsed.query.items() if "pass" in k.lower()]
    for secret in secrets_:
        if secret:
            text = text.replace(str(secret), "***")
    return text


def _engine_problem(url: str, exc: BaseException) -> str:
    """A sentence for people about a URL SQLAlchemy can't make an engine for."""
    described = _describe(url)
    parsed = _parse(url)
    if parsed is None:
        return (
            "STUDIO_DATABASE_URL isn't a database address we can read. It should look "
            "like postgresql+psycopg://user@host/name, or leave it out to keep the data "
            "in STUDIO_DATA_DIR."
        )
    scheme = parsed.drivername
    if scheme == "postgres" or scheme.startswith("postgres+"):
        return (
            f"STUDIO_DATABASE_URL starts with '{scheme}://', a name the studio doesn't "
            "know: write 'postgresql+psycopg://…' (or 'postgresql://…') instead. "
            "Nothing was changed."
        )
    if isinstance(exc, ImportError):
        module = getattr(exc, "name", None) or "its driver"
        how = (
            " (for Postgres: pip install 'psycopg[binary]')"
            if parsed.get_backend_name() == "postgresql"
            else ""
        )
        return (
            f"To use {described} (STUDIO_DATABASE_URL) the studio needs the Python "
            f"package '{module}', "
            f"which isn't installed here. Install it{how}, then start the studio again. "
            "Nothing was changed."
        )
    return (
        f"We don't know how to talk to '{scheme}' databases ({described}). Check the "
        "start of STUDIO_DATABASE_URL, for example postgresql+psycopg://…. "
        "Nothing was changed."
    )


def _set_wal(cur: Any, attempts: int = 100) -> None:
    """Switch to WAL. On a brand-new file that several processes open at the same moment,
    SQLite reports "database is locked" at once instead of waiting: try again briefly."""
    for attempt in range(attempts):
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.01 + 0.01 * min(attempt, 10))


def _json_or_none(raw: Any) -> Any:
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return None


def left_out_sentences(left_out: Mapping[str, int]) -> list[str]:
    """What an export leaves out, in words (for the file and the page)."""
    out = []
    rounds = int(left_out.get("safety_map_rounds", 0))
    if rounds:
        out.append(
            f'{rounds} round{"s" if rounds > 1 else ""} of "What makes you feel safe?" '
            f"{'is' if rounds == 1 else 'are'}n't in here yet: you haven't looked at "
            f"{'it' if rounds == 1 else 'them'} together."
        )
    ratings = int(left_out.get("dialogue_ratings", 0))
    if ratings:
        out.append(
            f"The ratings of {ratings} talk{'s' if ratings > 1 else ''} aren't in here "
            "yet: you haven't looked at them together."
        )
    weeks = int(left_out.get("checkin_ratings", 0))
    if weeks:
        out.append(
            f"How the week felt, from {weeks} check-in{'s' if weeks > 1 else ''}, isn't in "
            "here yet: you haven't looked at it together."
        )
    words = int(left_out.get("card_words", 0))
    if words:
        out.append(
            "A guess or an answer on the card you're on isn't in here yet: you haven't "
            "looked at it together."
        )
    return out


def _new_id(result: Any) -> int:
    """The id the database gave the row just inserted."""
    key = result.inserted_primary_key
    assert key is not None, "an insert without a primary key"
    return int(key[0])


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Store:
    """One per process (the UI caches it); every method is a short transaction."""

    def __init__(self, url: str | None = None):
        self.url = url or default_database_url()
        self._unreachable_logged = -1e9
        parsed = _parse(self.url)
        self.is_sqlite = parsed is not None and parsed.get_backend_name() == "sqlite"
        path = _sqlite_path(self.url)
        self.path = path
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailable(
                    f"We couldn't create the folder for {_describe(self.url)} ({exc.strerror})."
                ) from None
        # hide_parameters: an error's text never carries the values sent (a couple's
        # token, names or answers), so a failed write can't put them in a log.
        kwargs: dict[str, Any] = {"hide_parameters": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            # A server restarts, a proxy drops idle links: test a pooled connection before
            # lending it out, so the first click after a restart works instead of failing.
            kwargs["pool_pre_ping"] = True
            if parsed is not None and parsed.get_backend_name() == "postgresql":
                kwargs["pool_size"] = int(os.environ.get("STUDIO_DB_POOL_SIZE", "5"))
                kwargs["connect_args"] = {"connect_timeout": 10}
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except (ArgumentError, NoSuchModuleError, ImportError, ValueError, TypeError) as exc:
            raise StoreUnavailable(_engine_problem(self.url, exc)) from None
        if self.is_sqlite:
            self._setup_sqlite(self.engine)
        elif self.engine.dialect.name == "postgresql":
            self._setup_postgres(self.engine)
        self._open()

    # -- set-up -------------------------------------------------------------------------

    @staticmethod
    def _setup_sqlite(engine: Engine) -> None:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised via every test
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout = 30000")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA secure_delete = ON")
            _set_wal(cur)
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # writes take the lock up front: no upgrade deadlocks
            mode = "IMMEDIATE" if conn.get_execution_options().get("write") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

    @staticmethod
    def _setup_postgres(engine: Engine) -> None:
        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # writes wait their turn, as BEGIN IMMEDIATE does on SQLite
            if conn.get_execution_options().get("write"):
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    def _open(self) -> None:
        try:
            self.migrate()
        except StoreUnreachable as exc:
            self.engine.dispose()
            raise StoreUnreachable(
                self._unreachable(exc.__context__ or exc, at_start=True)
            ) from None
        except StoreUnavailable:
            self.engine.dispose()
            raise
        except (DBAPIError, OSError) as exc:
            self.engine.dispose()
            if not self.is_sqlite:
                raise StoreUnreachable(self._unreachable(exc, at_start=True)) from None
            detail = str(getattr(exc, "orig", exc)) or exc.__class__.__name__
            raise StoreUnavailable(
                f"We couldn't open {_describe(self.url)}: {_redact(detail, self.url)}. "
                "Nothing was changed or overwritten. If you moved or copied the file, "
                "put the original back, or set STUDIO_DATA_DIR to a new folder."
            ) from None
        self.finish_pending_scrub()

    def _unreachable(self, exc: BaseException, *, at_start: bool = False) -> str:
        """A sentence for people when a database server can't be reached (never its
        password, never what was being written)."""
        orig = getattr(exc, "orig", exc)
        first = (str(orig).strip().splitlines() or [""])[0]
        why = _redact(first, self.url)[:200] or exc.__class__.__name__
        where = _describe(self.url)
        if at_start:
            return (
                f"We couldn't reach {where} ({why}). Nothing was changed. Check that the "
                "database server is running and that STUDIO_DATABASE_URL points to it, "
                "then reload this page."
            )
        # In use, the words go on a couple's phone or the room's projector: no server
        # names there. Who runs the server finds them in the log (once a minute).
        now = time.monotonic()
        if now - self._unreachable_logged > 60:
            self._unreachable_logged = now
            _LOG.warning(
                "%s is out of reach (%s); each new action tries again.",
                where[0].upper() + where[1:],
                why,
            )
        return UNREACHABLE_MESSAGE

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One committed transaction; rolled back whole if anything in it fails. A full
        disk becomes ``StoreFull`` and a database server out of reach (restarting,
        its network gone) ``StoreUnreachable``: kind sentences, not database errors."""
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                yield conn
        except DBAPIError as exc:
            if is_disk_full(exc):
                raise StoreFull(FULL_MESSAGE) from None
            if isinstance(exc, OperationalError) and not self.is_sqlite:
                raise StoreUnreachable(self._unreachable(exc)) from None
            raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except DBAPIError as exc:
            if is_disk_full(exc):  # a sort spilling to a temporary file, for example
                raise StoreFull(FULL_MESSAGE) from None
            if isinstance(exc, OperationalError) and not self.is_sqlite:
                raise StoreUnreachable(self._unreachable(exc)) from None
            raise

    def _insert(self, table: Table, **values: Any) -> int:
        """Insert one row in its own committed transaction; return its id."""
        with self.write() as conn:
            result = conn.execute(insert(table).values(**values))
            return _new_id(result)

    def version(self) -> int:
        with self.read() as conn:
            if not self.engine.dialect.has_table(conn, "schema_version"):
                return 0
            return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0

    def migrate(self) -> int:
        """Apply missing forward migrations; running it again changes nothing. A database
        from a newer studio (a version this code doesn't know) is refused before anything
        is written: ``StoreTooNew``, and the transaction is rolled back untouched."""
        with self.write() as conn:
            current = 0
            if self.engine.dialect.has_table(conn, "schema_version"):
                current = conn.execute(select(func.max(schema_version.c.version))).scalar() or 0
            if current > LATEST_VERSION:
                where = _describe(self.url)
                raise StoreTooNew(
                    f"{where[0].upper()}{where[1:]} was last used by a newer version of "
                    f"Side by Side (data version {current}); this version knows data up to "
                    f"version {LATEST_VERSION}. Nothing was changed. Open it with the newer "
                    "studio, or point STUDIO_DATA_DIR to another folder to begin afresh."
                )
            schema_version.create(conn, checkfirst=True)
            for version, tables in MIGRATIONS:
                if version <= current:
                    continue
                for table in tables:
                    table.create(conn, checkfirst=True)
                conn.execute(insert(schema_version).values(version=version, applied_at=time.time()))
                current = version
        return current

    def dispose(self) -> None:
        self.engine.dispose()

    # -- couples --------------------------------------------------------------------------

    def create_couple(
        self,
        *,
        name_a: str,
        name_b: str,
        color_a: str,
        color_b: str,
        symbol_a: str,
        symbol_b: str,
        now: float | None = None,
    ) -> Couple:
        now = time.time() if now is None else now
        token = tokens.new_token()
        with self.write() as conn:
            conn.execute(
                insert(couples).values(
                    token=token,
                    name_a=name_a,
                    name_b=name_b,
                    color_a=color_a,
                    color_b=color_b,
                    symbol_a=symbol_a,
                    symbol_b=symbol_b,
                    stage="safety_a",
                    created_at=now,
                    updated_at=now,
                )
            )
        couple = self.couple_by_token(token)
        assert couple is not None
        return couple

    def couple_by_token(self, token: str | None) -> Couple | None:
        if not tokens.looks_valid(token):
            return None
        with self.read() as conn:
            row = conn.execute(select(couples).where(couples.c.token == token)).mappings().first()
        if row is None:
            return None
        return Couple(**{k: row[k] for k in Couple.__dataclass_fields__})

    def couple_by_id(self, couple_id: int) -> Couple | None:
        with self.read() as conn:
            row = conn.execute(select(couples).where(couples.c.id == couple_id)).mappings().first()
        return None if row is None else Couple(**{k: row[k] for k in Couple.__dataclass_fields__})

    def update_couple(self, couple_id: int, **fields: Any) -> None:
        allowed = {"name_a", "name_b", "color_a", "color_b", "symbol_a", "symbol_b", "stage"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"unknown couple fields: {sorted(bad)}")
        with self.write() as conn:
            conn.execute(
                update(couples)
                .where(couples.c.id == couple_id)
                .values(**fields, updated_at=time.time())
            )

    def pause(self, couple_id: int, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self.write() as conn:
            conn.execute(
                update(couples)
                .where(couples.c.id == couple_id, couples.c.paused_at.is_(None))
                .values(paused_at=now, updated_at=now)
            )

    def resume(self, couple_id: int, now: float | None = None) -> float:
        """End the break; returns how many seconds it lasted (0 if there was none)."""
        now = time.time() if now is None else now
        with self.write() as conn:
            started = conn.execute(
                select(couples.c.paused_at).where(couples.c.id == couple_id)
            ).scalar()
            if started is None:
                return 0.0
            conn.execute(
                update(couples)
                .where(couples.c.id == couple_id)
                .values(paused_at=None, updated_at=now)
            )
        return max(0.0, now - started)

    def forget_couple(self, couple_id: int) -> None:
        """Delete the couple and everything of theirs, then scrub the file. The delete
        and a "scrub pending" marker commit together, so if the clean-up is interrupted
        (the process killed, the disk full) the next store that opens finishes it."""
        with self.write() as conn:
            conn.execute(delete(couples).where(couples.c.id == couple_id))
            conn.execute(insert(pending_scrubs).values(requested_at=time.time()))
        self.scrub()

    def scrub_pending(self) -> int:
        """How many deletes still wait for their clean-up (0 when the file is clean)."""
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(pending_scrubs)).scalar() or 0)

    def finish_pending_scrub(self) -> None:
        """At start: finish the clean-up of a delete that was interrupted (a cheap read
        when there is none)."""
        try:
            pending = self.scrub_pending()
        except (DBAPIError, StoreUnavailable):
            return
        if pending:
            self.scrub()

    def scrub(self) -> None:
        """Make deleted rows unrecoverable, then clear the "scrub pending" markers.

        SQLite: checkpoint the WAL, VACUUM (with secure_delete on), truncate the WAL.
        Other databases: VACUUM the tables that hold a couple's words, outside any
        transaction (what the studio can do; backups and the server's own WAL are the
        operator's, see the README). A clean-up that fails is logged without any detail
        of the data and stays pending for the next start; the delete itself stands.
        """
        try:
            with self.read() as conn:
                upto = conn.execute(select(func.max(pending_scrubs.c.id))).scalar()
            self._scrub_file()
            if upto is not None:
                with self.write() as conn:
                    conn.execute(delete(pending_scrubs).where(pending_scrubs.c.id <= upto))
                if self.is_sqlite:
                    self._checkpoint()
        except (DBAPIError, sqlite3.Error, StoreUnavailable) as exc:
            _LOG.warning(
                "The clean-up after a delete could not finish (%s); it will be tried "
                "again when the studio next starts.",
                "the disk is full" if is_disk_full(exc) else exc.__class__.__name__,
            )

    def _raw(self, conn: Connection) -> Any:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        return raw

    def _checkpoint(self) -> None:
        with self.engine.connect() as conn:
            cur = self._raw(conn).cursor()
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.close()

    def _scrub_file(self) -> None:
        if not self.is_sqlite:
            self._vacuum_server_tables()
            return
        with self.engine.connect() as conn:
            # VACUUM and checkpoints cannot run inside a transaction: use the raw connection.
            cur = self._raw(conn).cursor()
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.execute("VACUUM")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.close()

    def _vacuum_server_tables(self) -> None:
        """Postgres and others: VACUUM needs autocommit (no transaction around it)."""
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("SET lock_timeout = '10s'")
            for table in WORD_TABLES:
                conn.exec_driver_sql(f"VACUUM FULL {table.name}")

    def export_couple(self, couple_id: int) -> dict[str, Any]:
        """What the couple have entered and both have seen, as plain JSON-ready data.

        The file is downloaded on the shared laptop, so it holds nothing that is still
        sealed: a safety-map round that hasn't been looked at together (no
        ``revealed_at`` in its state) is left out whole — its answers aren't even
        read — and so are dialogue ratings not yet revealed. ``left_out`` counts what
        was left out and ``not_in_this_file`` says it in words."""
        out: dict[str, Any] = {}
        with self.read() as conn:
            row = conn.execute(select(couples).where(couples.c.id == couple_id)).mappings().first()
            if row is None:
                return out
            out["couple"] = {k: v for k, v in row.items() if k not in ("id", "token")}
            runs = (
                conn.execute(
                    select(safety_runs)
                    .where(safety_runs.c.couple_id == couple_id)
                    .order_by(safety_runs.c.id)
                )
                .mappings()
                .all()
            )
            out["safety_maps"] = []
            rounds_left_out = 0
            for run in runs:
                state = _json_or_none(run["state"])
                if not isinstance(state, dict) or state.get("revealed_at") is None:
                    rounds_left_out += 1
                    continue
                ans = (
                    conn.execute(select(safety_answers).where(safety_answers.c.run_id == run["id"]))
                    .mappings()
                    .all()
                )
                out["safety_maps"].append(
                    {
                        "exercise": run["exercise_id"],
                        "started_at": run["started_at"],
                        "state": state,
                        "answers": [
                            {
                                "partner": a["partner"],
                                "item": a["item"],
                                "value": None if a["value"] is None else json.loads(a["value"]),
                                "skipped": bool(a["skipped"]),
                            }
                            for a in ans
                        ],
                    }
                )
            out["topics"] = [
                {"text": t["text"], "source": t["source"], "created_at": t["created_at"]}
                for t in conn.execute(
                    select(topics).where(topics.c.couple_id == couple_id)
                ).mappings()
            ]
            out["dialogues"] = []
            ratings_left_out = 0
            for d in conn.execute(
                select(dialogues).where(dialogues.c.couple_id == couple_id).order_by(dialogues.c.id)
            ).mappings():
                notes = conn.execute(
                    select(dialogue_notes).where(dialogue_notes.c.dialogue_id == d["id"])
                ).mappings()
                extra = _json_or_none(d["extra"])
                after = extra.get("after") if isinstance(extra, dict) else None
                revealed = isinstance(after, dict) and after.get("revealed") is True
                if revealed:
                    ratings = [
                        {
                            "partner": r["partner"],
                            "heard": r["heard"],
                            "safe": r["safe"],
                            "word": r["word"],
                        }
                        for r in conn.execute(
                            select(dialogue_ratings).where(
                                dialogue_ratings.c.dialogue_id == d["id"]
                            )
                        ).mappings()
                    ]
                else:
                    ratings = []
                    sealed = (
                        conn.execute(
                            select(func.count())
                            .select_from(dialogue_ratings)
                            .where(dialogue_ratings.c.dialogue_id == d["id"])
                        ).scalar()
                        or 0
                    )
                    ratings_left_out += 1 if sealed else 0
                out["dialogues"].append(
                    {
                        "created_at": d["created_at"],
                        "revealed": revealed,
                        "state": json.loads(d["state"]),
                        "notes": [
                            {"partner": n["partner"], "step": n["step"], "text": n["text"]}
                            for n in notes
                        ],
                        "ratings": ratings,
                    }
                )
            # Workshops the couple joined, and what they shared with the room.
            shares = {
                s["room_id"]: json.loads(s["share"])
                for s in conn.execute(
                    select(room_shares).where(room_shares.c.couple_id == couple_id)
                ).mappings()
            }
            out["workshops"] = [
                {"room": m["code"], "joined_at": m["joined_at"], "shared": shares.get(m["room_id"])}
                for m in conn.execute(
                    select(rooms.c.code, room_members.c.room_id, room_members.c.joined_at)
                    .join(rooms, rooms.c.id == room_members.c.room_id)
                    .where(room_members.c.couple_id == couple_id)
                ).mappings()
            ]
            out["checkins"], checkin_ratings_left_out = self._export_checkins(conn, couple_id)
            out["cards"], card_words_left_out = self._export_cards(conn, couple_id)
        out["left_out"] = {
            "safety_map_rounds": rounds_left_out,
            "dialogue_ratings": ratings_left_out,
            "checkin_ratings": checkin_ratings_left_out,
            "card_words": card_words_left_out,
        }
        out["not_in_this_file"] = left_out_sentences(out["left_out"])
        return out

    @staticmethod
    def _export_cards(conn: Connection, couple_id: int) -> tuple[list[dict[str, Any]], int]:
        """Each deck the two of you used: favourites and how far you are, and the
        guesses and answers you looked at together. Words not yet shown together are
        left out (counted, never read)."""
        runs = (
            conn.execute(
                select(card_runs).where(card_runs.c.couple_id == couple_id).order_by(card_runs.c.id)
            )
            .mappings()
            .all()
        )
        out: list[dict[str, Any]] = []
        left_out = 0
        for run in runs:
            state = _json_or_none(run["state"])
            state = state if isinstance(state, dict) else {}
            words = [
                {
                    "deal": w["deal"],
                    "card": w["card"],
                    "partner": w["partner"],
                    "role": w["role"],
                    "text": w["text"],
                }
                for w in conn.execute(
                    select(card_words)
                    .where(card_words.c.run_id == run["id"], card_words.c.shown.is_(True))
                    .order_by(card_words.c.deal, card_words.c.partner)
                ).mappings()
            ]
            left_out += int(
                conn.execute(
                    select(func.count())
                    .select_from(card_words)
                    .where(card_words.c.run_id == run["id"], card_words.c.shown.is_(False))
                ).scalar()
                or 0
            )
            out.append(
                {
                    "exercise": run["exercise_id"],
                    "started_at": run["started_at"],
                    "favourites": list(state.get("favourites") or []),
                    "cards_dealt": int(state.get("deals") or 0),
                    "words": words,
                }
            )
        return out, left_out

    @staticmethod
    def _export_checkins(conn: Connection, couple_id: int) -> tuple[list[dict[str, Any]], int]:
        """Every check-in: its appreciations, topic, repair words and next day; its
        private ratings only once both have looked at them together (the ratings of
        a check-in still sealed are not even read). Two queries, however many there are."""
        rows = (
            conn.execute(
                select(checkins).where(checkins.c.couple_id == couple_id).order_by(checkins.c.id)
            )
            .mappings()
            .all()
        )
        states: dict[int, dict[str, Any]] = {}
        for r in rows:
            state = _json_or_none(r["state"])
            states[r["id"]] = state if isinstance(state, dict) else {}

        def revealed_at(cid: int) -> Any:
            fl = states[cid].get("flow")
            return fl.get("revealed_at") if isinstance(fl, dict) else None

        open_ids = [cid for cid in states if revealed_at(cid) is not None]
        answers: dict[int, list[Any]] = {cid: [] for cid in states}
        if states:
            for a in conn.execute(
                select(checkin_answers)
                .join(checkins, checkins.c.id == checkin_answers.c.checkin_id)
                .where(
                    checkins.c.couple_id == couple_id,
                    or_(
                        ~checkin_answers.c.item.startswith("rate:"),
                        checkin_answers.c.checkin_id.in_(open_ids),
                    ),
                )
            ).mappings():
                answers[a["checkin_id"]].append(a)
        sealed_counts = (
            {
                cid: n
                for cid, n in conn.execute(
                    select(checkin_answers.c.checkin_id, func.count())
                    .join(checkins, checkins.c.id == checkin_answers.c.checkin_id)
                    .where(
                        checkins.c.couple_id == couple_id,
                        checkin_answers.c.item.startswith("rate:"),
                    )
                    .group_by(checkin_answers.c.checkin_id)
                ).all()
            }
            if states
            else {}
        )
        out: list[dict[str, Any]] = []
        left_out = 0
        for r in rows:
            cid = r["id"]
            state = states[cid]
            opened = revealed_at(cid) is not None
            if not opened and sealed_counts.get(cid):
                left_out += 1
            words: dict[str, dict[str, Any]] = {"appreciation": {}, "repair": {}}
            ratings: dict[str, dict[str, Any]] = {}
            for a in answers[cid]:
                value = None if a["skipped"] or a["value"] is None else json.loads(a["value"])
                item = str(a["item"])
                if item in words:
                    words[item][a["partner"]] = value
                elif item.startswith("rate:") and opened:
                    ratings.setdefault(a["partner"], {})[item.removeprefix("rate:")] = value
            out.append(
                {
                    "exercise": r["exercise_id"],
                    "started_at": r["started_at"],
                    "revealed_at": revealed_at(cid),
                    "finished_at": state.get("finished_at"),
                    "appreciations": {p: words["appreciation"].get(p) for p in "ab"},
                    "ratings": ratings if opened else {},
                    "topic": state.get("topic"),
                    "talk": state.get("talk"),
                    "repair": {p: words["repair"].get(p) for p in "ab"},
                    "next_day": state.get("next_day"),
                }
            )
        return out, left_out

    # -- safety map runs ------------------------------------------------------------------

    def start_safety_run(
        self, couple_id: int, exercise_id: str, state: Mapping[str, Any], now: float | None = None
    ) -> int:
        now = time.time() if now is None else now
        return self._insert(
            safety_runs,
            couple_id=couple_id,
            exercise_id=exercise_id,
            state=_dumps(dict(state)),
            started_at=now,
            updated_at=now,
        )

    def safety_runs_of(self, couple_id: int) -> list[SafetyRunRow]:
        """All runs of a couple, newest first: id, exercise_id, state, started_at."""
        with self.read() as conn:
            rows = (
                conn.execute(
                    select(safety_runs)
                    .where(safety_runs.c.couple_id == couple_id)
                    .order_by(safety_runs.c.id.desc())
                )
                .mappings()
                .all()
            )
        return [_row(SafetyRunRow, r, state=json.loads(r["state"])) for r in rows]

    def safety_run(self, couple_id: int, run_id: int) -> SafetyRunRow | None:
        with self.read() as conn:
            row = (
                conn.execute(
                    select(safety_runs).where(
                        safety_runs.c.id == run_id, safety_runs.c.couple_id == couple_id
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else _row(SafetyRunRow, row, state=json.loads(row["state"]))

    def set_safety_state(self, run_id: int, state: Mapping[str, Any]) -> None:
        with self.write() as conn:
            conn.execute(
                update(safety_runs)
                .where(safety_runs.c.id == run_id)
                .values(state=_dumps(dict(state)), updated_at=time.time())
            )

    def save_answer(
        self, run_id: int, partner: str, item: str, value: Any, *, skipped: bool = False
    ) -> None:
        """Insert or replace one answer (``skipped`` = "I'd rather not say")."""
        now = time.time()
        payload = None if skipped else _dumps(value)
        with self.write() as conn:
            changed = conn.execute(
                update(safety_answers)
                .where(
                    safety_answers.c.run_id == run_id,
                    safety_answers.c.partner == partner,
                    safety_answers.c.item == item,
                )
                .values(value=payload, skipped=skipped, updated_at=now)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(safety_answers).values(
                        run_id=run_id,
                        partner=partner,
                        item=item,
                        value=payload,
                        skipped=skipped,
                        updated_at=now,
                    )
                )

    def clear_answer(self, run_id: int, partner: str, item: str) -> None:
        with self.write() as conn:
            conn.execute(
                delete(safety_answers).where(
                    safety_answers.c.run_id == run_id,
                    safety_answers.c.partner == partner,
                    safety_answers.c.item == item,
                )
            )

    def answers_of(self, run_id: int, partner: str) -> dict[str, tuple[Any, bool]]:
        """One partner's answers only: item -> (value, skipped). Never both at once."""
        with self.read() as conn:
            rows = conn.execute(
                select(
                    safety_answers.c.item, safety_answers.c.value, safety_answers.c.skipped
                ).where(safety_answers.c.run_id == run_id, safety_answers.c.partner == partner)
            ).all()
        return {
            str(item): (None if value is None else json.loads(str(value)), bool(skipped))
            for item, value, skipped in rows
        }

    # -- topics ---------------------------------------------------------------------------

    def add_topic(self, couple_id: int, text: str, source: str) -> int:
        return self._insert(
            topics, couple_id=couple_id, text=text, source=source, created_at=time.time()
        )

    def open_topics(self, couple_id: int) -> list[TopicRow]:
        with self.read() as conn:
            rows = (
                conn.execute(
                    select(topics)
                    .where(topics.c.couple_id == couple_id, topics.c.used_at.is_(None))
                    .order_by(topics.c.id.desc())
                )
                .mappings()
                .all()
            )
        return [_row(TopicRow, r) for r in rows]

    def use_topic(self, topic_id: int) -> None:
        with self.write() as conn:
            conn.execute(update(topics).where(topics.c.id == topic_id).values(used_at=time.time()))

    # -- dialogues -------------------------------------------------------------------------

    def create_dialogue(
        self, couple_id: int, state: Mapping[str, Any], extra: Mapping[str, Any]
    ) -> int:
        now = time.time()
        return self._insert(
            dialogues,
            couple_id=couple_id,
            state=_dumps(dict(state)),
            extra=_dumps(dict(extra)),
            created_at=now,
            updated_at=now,
        )

    def dialogues_of(
        self, couple_id: int, *, newest: int | None = None, dialogue_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The couple's dialogues, newest first: all, the ``newest`` n, or the one with
        ``dialogue_id`` (a list of zero or one)."""
        query = (
            select(dialogues)
            .where(dialogues.c.couple_id == couple_id)
            .order_by(dialogues.c.id.desc())
        )
        if dialogue_id is not None:
            query = query.where(dialogues.c.id == dialogue_id)
        if newest is not None:
            query = query.limit(newest)
        with self.read() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            {**r, "state": json.loads(r["state"]), "extra": json.loads(r["extra"])} for r in rows
        ]

    def save_dialogue(
        self,
        dialogue_id: int,
        *,
        state: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        values: dict[str, Any] = {"updated_at": time.time()}
        if state is not None:
            values["state"] = _dumps(dict(state))
        if extra is not None:
            values["extra"] = _dumps(dict(extra))
        with self.write() as conn:
            conn.execute(update(dialogues).where(dialogues.c.id == dialogue_id).values(**values))

    def save_dialogue_if(self, dialogue_id: int, *, steps: int, state: Mapping[str, Any]) -> bool:
        """Write a new dialogue state only if the stored one has seen exactly ``steps``
        events — the check and the write in one transaction, so two tabs pressing at
        the same moment can't both move the dialogue. False (nothing written) if not."""
        with self.write() as conn:
            row = conn.execute(
                select(dialogues.c.state).where(dialogues.c.id == dialogue_id).with_for_update()
            ).first()
            if row is None:
                return False
            try:
                seen = len(json.loads(row[0]).get("history") or [])
            except (ValueError, AttributeError):
                return False
            if seen != steps:
                return False
            conn.execute(
                update(dialogues)
                .where(dialogues.c.id == dialogue_id)
                .values(state=_dumps(dict(state)), updated_at=time.time())
            )
        return True

    def add_note(self, dialogue_id: int, partner: str, step: str, text: str) -> None:
        with self.write() as conn:
            conn.execute(
                insert(dialogue_notes).values(
                    dialogue_id=dialogue_id,
                    partner=partner,
                    step=step,
                    text=text,
                    created_at=time.time(),
                )
            )

    def notes_of(self, dialogue_id: int) -> list[NoteRow]:
        with self.read() as conn:
            rows = (
                conn.execute(
                    select(dialogue_notes)
                    .where(dialogue_notes.c.dialogue_id == dialogue_id)
                    .order_by(dialogue_notes.c.id)
                )
                .mappings()
                .all()
            )
        return [_row(NoteRow, r) for r in rows]

    def save_rating(self, dialogue_id: int, partner: str, **fields: Any) -> None:
        allowed = {"heard", "safe", "word", "sealed"}
        if set(fields) - allowed:
            raise ValueError(f"unknown rating fields: {sorted(set(fields) - allowed)}")
        now = time.time()
        with self.write() as conn:
            changed = conn.execute(
                update(dialogue_ratings)
                .where(
                    dialogue_ratings.c.dialogue_id == dialogue_id,
                    dialogue_ratings.c.partner == partner,
                )
                .values(**fields, updated_at=now)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(dialogue_ratings).values(
                        dialogue_id=dialogue_id, partner=partner, updated_at=now, **fields
                    )
                )

    def rating_of(self, dialogue_id: int, partner: str) -> dict[str, Any] | None:
        """One partner's rating only."""
        with self.read() as conn:
            row = (
                conn.execute(
                    select(dialogue_ratings).where(
                        dialogue_ratings.c.dialogue_id == dialogue_id,
                        dialogue_ratings.c.partner == partner,
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else dict(row)

    # -- private PINs ---------------------------------------------------------------------
    # A partner's optional PIN (migration 6), kept as a hash made by studio.pins. No method
    # returns the hash; a check and its count of wrong tries are one transaction, so a
    # reload or a second tab can't reset the pause.

    def _pin_where(self, couple_id: int, partner: str) -> tuple[Any, Any]:
        return partner_pins.c.couple_id == couple_id, partner_pins.c.partner == partner

    def pin_attempts(self, couple_id: int, partner: str) -> Any:
        """``pins.Attempts`` of the partner's PIN, or None when they have no PIN."""
        from studio import pins

        with self.read() as conn:
            row = conn.execute(
                select(partner_pins.c.failed, partner_pins.c.locked_until).where(
                    *self._pin_where(couple_id, partner)
                )
            ).first()
        return None if row is None else pins.Attempts(int(row[0] or 0), row[1])

    def has_pin(self, couple_id: int, partner: str) -> bool:
        return self.pin_attempts(couple_id, partner) is not None

    def set_pin(
        self, couple_id: int, partner: str, pin_hash: str, now: float | None = None
    ) -> None:
        """Keep (or replace) the partner's PIN hash; wrong tries start again at 0."""
        if partner not in ("a", "b") or not pin_hash.startswith("scrypt$"):
            raise ValueError("a partner and a hash from studio.pins")
        now = time.time() if now is None else now
        with self.write() as conn:
            changed = conn.execute(
                update(partner_pins)
                .where(*self._pin_where(couple_id, partner))
                .values(pin_hash=pin_hash, failed=0, locked_until=None, created_at=now)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(partner_pins).values(
                        couple_id=couple_id,
                        partner=partner,
                        pin_hash=pin_hash,
                        failed=0,
                        locked_until=None,
                        created_at=now,
                    )
                )

    def remove_pin(self, couple_id: int, partner: str) -> None:
        """Take the PIN away (the partner opened their turn with it, then chose to)."""
        with self.write() as conn:
            conn.execute(delete(partner_pins).where(*self._pin_where(couple_id, partner)))

    def try_pin(self, couple_id: int, partner: str, pin: str | None, now: float) -> Any:
        """One try at the partner's hand-over: a ``pins.Check``, or None when they have
        no PIN. The pause, the check and the new count of wrong tries in one transaction."""
        from studio import pins

        with self.write() as conn:
            row = conn.execute(
                select(partner_pins.c.pin_hash, partner_pins.c.failed, partner_pins.c.locked_until)
                .where(*self._pin_where(couple_id, partner))
                .with_for_update()
            ).first()
            if row is None:
                return None
            before = pins.Attempts(int(row[1] or 0), row[2])
            result, after = pins.check(row[0], before, pin, now)
            if after != before:
                conn.execute(
                    update(partner_pins)
                    .where(*self._pin_where(couple_id, partner))
                    .values(failed=after.failed, locked_until=after.locked_until)
                )
        return result

    def forget_pin(self, couple_id: int, partner: str, now: float | None = None) -> int:
        """A forgotten PIN: take it away *and* the partner's answers in every safety-map
        round not yet looked at together, so removing it can't open anything of theirs.
        Their turn of such a round starts again (``pins.fresh_turn``); revealed rounds are
        untouched. One transaction; then the file is scrubbed as after "Forget us".
        Returns how many rounds were started again."""
        from studio import pins

        now = time.time() if now is None else now
        reset = 0
        with self.write() as conn:
            conn.execute(delete(partner_pins).where(*self._pin_where(couple_id, partner)))
            runs = conn.execute(
                select(safety_runs.c.id, safety_runs.c.state)
                .where(safety_runs.c.couple_id == couple_id)
                .with_for_update()
            ).all()
            for run_id, raw in runs:
                state = _json_or_none(raw)
                readable = isinstance(state, dict)
                if readable and state.get("revealed_at") is not None:
                    continue  # looked at together: stays as it is
                conn.execute(
                    delete(safety_answers).where(
                        safety_answers.c.run_id == run_id, safety_answers.c.partner == partner
                    )
                )
                if readable:
                    conn.execute(
                        update(safety_runs)
                        .where(safety_runs.c.id == run_id)
                        .values(state=_dumps(pins.fresh_turn(state, partner)), updated_at=now)
                    )
                reset += 1
            reset += self._forget_checkin_ratings(conn, couple_id, partner, now)
            reset += self._forget_card_guesses(conn, couple_id, partner, now)
            if reset:
                conn.execute(insert(pending_scrubs).values(requested_at=now))
        if reset:
            self.scrub()
        return reset

    @staticmethod
    def _forget_card_guesses(conn: Connection, couple_id: int, partner: str, now: float) -> int:
        """A forgotten PIN, for conversation cards: a guess of theirs not yet shown
        together goes, and the card waits for their guess again."""
        found = conn.execute(
            select(card_words.c.run_id)
            .join(card_runs, card_runs.c.id == card_words.c.run_id)
            .where(
                card_runs.c.couple_id == couple_id,
                card_words.c.partner == partner,
                card_words.c.shown.is_(False),
            )
        ).all()
        run_ids = sorted({r[0] for r in found})
        for run_id in run_ids:
            conn.execute(
                delete(card_words).where(
                    card_words.c.run_id == run_id,
                    card_words.c.partner == partner,
                    card_words.c.shown.is_(False),
                )
            )
            raw = conn.execute(select(card_runs.c.state).where(card_runs.c.id == run_id)).scalar()
            state = _json_or_none(raw)
            if isinstance(state, dict) and state.get("step") == "answer":
                state = {**state, "step": "guess", "version": int(state.get("version") or 0) + 1}
                conn.execute(
                    update(card_runs)
                    .where(card_runs.c.id == run_id)
                    .values(state=_dumps(state), updated_at=now)
                )
        return len(run_ids)

    @staticmethod
    def _forget_checkin_ratings(conn: Connection, couple_id: int, partner: str, now: float) -> int:
        """A forgotten PIN, for check-ins: the partner's private ratings of every
        check-in not yet looked at together go, and their turn starts again."""
        from studio import pins

        reset = 0
        for cid, raw in conn.execute(
            select(checkins.c.id, checkins.c.state)
            .where(checkins.c.couple_id == couple_id)
            .with_for_update()
        ).all():
            state = _json_or_none(raw)
            fl = state.get("flow") if isinstance(state, dict) else None
            if isinstance(fl, dict) and fl.get("revealed_at") is not None:
                continue
            conn.execute(
                delete(checkin_answers).where(
                    checkin_answers.c.checkin_id == cid,
                    checkin_answers.c.partner == partner,
                    checkin_answers.c.item.startswith("rate:"),
                )
            )
            if isinstance(fl, dict):
                new = dict(state)
                new["flow"] = pins.fresh_turn(fl, partner)
                new["version"] = int(state.get("version") or 0) + 1
                conn.execute(
                    update(checkins)
                    .where(checkins.c.id == cid)
                    .values(state=_dumps(new), updated_at=now)
                )
            reset += 1
        return reset

    def health(self) -> None:
        """Raise StoreUnavailable when the database cannot be read right now."""
        try:
            self.version()
        except OperationalError as exc:
            detail = _redact(str(exc.orig), self.url)
            raise StoreUnavailable(f"We couldn't read {_describe(self.url)}: {detail}") from None

    # -- rooms ----------------------------------------------------------------------------
    # Workshop rooms (migration 4). Plain dicts in and out; the rules live in studio.room
    # and studio.room_service. A room's facilitator secret is kept only as a hash, and no
    # method here returns it. Nothing returns one couple's share with its couple.

    _ROOM_COLUMNS = tuple(c for c in rooms.c if c.name != "secret")

    def create_room(
        self,
        *,
        code: str,
        secret_hash: str,
        script_id: str,
        phase: str,
        min_group: int,
        now: float,
    ) -> int | None:
        """Insert an open room; None when the code (or secret) is taken already."""
        from sqlalchemy.exc import IntegrityError

        try:
            with self.write() as conn:
                result = conn.execute(
                    insert(rooms).values(
                        code=code,
                        secret=secret_hash,
                        script_id=script_id,
                        phase=phase,
                        phase_started_at=now,
                        min_group=min_group,
                        created_at=now,
                    )
                )
                return _new_id(result)
        except IntegrityError:
            return None

    def _room_where(self, *where: Any) -> dict[str, Any] | None:
        with self.read() as conn:
            # With the card a facilitator dealt to the room, if any: still one read per poll.
            row = (
                conn.execute(
                    select(
                        *self._ROOM_COLUMNS,
                        room_cards.c.exercise_id.label("card_exercise"),
                        room_cards.c.state.label("card_state"),
                    )
                    .select_from(rooms.outerjoin(room_cards, room_cards.c.room_id == rooms.c.id))
                    .where(*where)
                )
                .mappings()
                .first()
            )
        return None if row is None else dict(row)

    def room_card_state(self, room_id: int) -> tuple[str, str] | None:
        """(deck id, state JSON) of the cards dealt to a room, or None."""
        with self.read() as conn:
            row = conn.execute(
                select(room_cards.c.exercise_id, room_cards.c.state).where(
                    room_cards.c.room_id == room_id
                )
            ).first()
        return None if row is None else (str(row[0]), str(row[1]))

    def set_room_card_state(self, room_id: int, exercise_id: str, state: str, now: float) -> bool:
        """Keep the room's deck state (the card on the table, what was dealt); only for
        an open room."""
        with self.write() as conn:
            open_ = conn.execute(
                select(rooms.c.id).where(rooms.c.id == room_id, rooms.c.closed_at.is_(None))
            ).first()
            if open_ is None:
                return False
            changed = conn.execute(
                update(room_cards)
                .where(room_cards.c.room_id == room_id)
                .values(exercise_id=exercise_id, state=state, dealt_at=now)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(room_cards).values(
                        room_id=room_id, exercise_id=exercise_id, state=state, dealt_at=now
                    )
                )
        return True

    def room(self, room_id: int) -> dict[str, Any] | None:
        return self._room_where(rooms.c.id == room_id)

    def room_by_code(self, code: str) -> dict[str, Any] | None:
        return self._room_where(rooms.c.code == code)

    def room_by_secret_hash(self, secret_hash: str) -> dict[str, Any] | None:
        return self._room_where(rooms.c.secret == secret_hash)

    def _update_open_room(self, room_id: int, **values: Any) -> bool:
        with self.write() as conn:
            changed = conn.execute(
                update(rooms)
                .where(rooms.c.id == room_id, rooms.c.closed_at.is_(None))
                .values(**values)
            ).rowcount
        return bool(changed)

    def set_room_phase(self, room_id: int, phase: str, now: float) -> bool:
        """Move an open room to ``phase``; a running room timer stops with the old phase."""
        return self._update_open_room(
            room_id, phase=phase, phase_started_at=now, timer_started_at=None, timer_seconds=None
        )

    def set_room_timer(self, room_id: int, started_at: float | None, seconds: float | None) -> bool:
        return self._update_open_room(room_id, timer_started_at=started_at, timer_seconds=seconds)

    def save_room_results(self, room_id: int, results: Mapping[str, Any], now: float) -> bool:
        return self._update_open_room(
            room_id, results=_dumps(dict(results)), results_released_at=now
        )

    def close_room(self, room_id: int, now: float) -> bool:
        return self._update_open_room(
            room_id, closed_at=now, timer_started_at=None, timer_seconds=None
        )

    def add_room_member(self, room_id: int, couple_id: int, now: float) -> None:
        """Join; joining again changes nothing."""
        with self.write() as conn:
            known = conn.execute(
                select(room_members.c.room_id).where(
                    room_members.c.room_id == room_id, room_members.c.couple_id == couple_id
                )
            ).first()
            if known is None:
                conn.execute(
                    insert(room_members).values(
                        room_id=room_id, couple_id=couple_id, joined_at=now, done_phases="[]"
                    )
                )

    def leave_room(self, room_id: int, couple_id: int) -> None:
        """Take the couple out of the room, with their share and any call for help."""
        with self.write() as conn:
            for table in (room_help, room_shares, room_members):
                conn.execute(
                    delete(table).where(table.c.room_id == room_id, table.c.couple_id == couple_id)
                )

    def rooms_of_couple(self, couple_id: int) -> list[dict[str, Any]]:
        """The couple's rooms, last joined first: room fields + joined_at, done_phases."""
        with self.read() as conn:
            rows = (
                conn.execute(
                    select(
                        *self._ROOM_COLUMNS, room_members.c.joined_at, room_members.c.done_phases
                    )
                    .join(room_members, room_members.c.room_id == rooms.c.id)
                    .where(room_members.c.couple_id == couple_id)
                    .order_by(room_members.c.joined_at.desc(), rooms.c.id.desc())
                )
                .mappings()
                .all()
            )
        return [{**r, "done_phases": json.loads(r["done_phases"])} for r in rows]

    def mark_phase_done(self, room_id: int, couple_id: int, phase: str) -> bool:
        """Add ``phase`` to the couple's finished phases; False if they are not a member."""
        with self.write() as conn:
            raw = conn.execute(
                select(room_members.c.done_phases).where(
                    room_members.c.room_id == room_id, room_members.c.couple_id == couple_id
                )
            ).scalar()
            if raw is None:
                return False
            done = json.loads(raw)
            if phase not in done:
                conn.execute(
                    update(room_members)
                    .where(room_members.c.room_id == room_id, room_members.c.couple_id == couple_id)
                    .values(done_phases=_dumps([*done, phase]))
                )
        return True

    def room_counts(self, room_id: int) -> dict[str, Any]:
        """Counts only: couples joined, couples done per phase, couples who shared."""
        with self.read() as conn:
            done_lists: list[Any] = list(
                conn.execute(
                    select(room_members.c.done_phases).where(room_members.c.room_id == room_id)
                )
                .scalars()
                .all()
            )
            shared = (
                conn.execute(
                    select(func.count())
                    .select_from(room_shares)
                    .where(room_shares.c.room_id == room_id)
                ).scalar()
                or 0
            )
        done: dict[str, int] = {}
        for raw in done_lists:
            for phase in set(json.loads(raw)):
                done[phase] = done.get(phase, 0) + 1
        return {"joined": len(done_lists), "done": done, "shared": int(shared)}

    def save_room_share(
        self, room_id: int, couple_id: int, share: Mapping[str, Any], now: float
    ) -> None:
        """Insert or replace the couple's share (positions and need keys only)."""
        payload = _dumps(dict(share))
        with self.write() as conn:
            changed = conn.execute(
                update(room_shares)
                .where(room_shares.c.room_id == room_id, room_shares.c.couple_id == couple_id)
                .values(share=payload, shared_at=now)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(room_shares).values(
                        room_id=room_id, couple_id=couple_id, share=payload, shared_at=now
                    )
                )

    def has_shared(self, room_id: int, couple_id: int) -> bool:
        with self.read() as conn:
            return (
                conn.execute(
                    select(room_shares.c.room_id).where(
                        room_shares.c.room_id == room_id, room_shares.c.couple_id == couple_id
                    )
                ).first()
                is not None
            )

    def room_share_values(self, room_id: int) -> list[dict[str, Any]]:
        """Every share of the room as JSON data, without couple ids (for aggregates only)."""
        with self.read() as conn:
            rows: list[Any] = list(
                conn.execute(select(room_shares.c.share).where(room_shares.c.room_id == room_id))
                .scalars()
                .all()
            )
        return [json.loads(r) for r in rows]

    # -- room screens (migration 7) ------------------------------------------------------

    def ensure_room_screen(self, room_id: int, token_hash: str, now: float) -> None:
        """Give the room its screen (the hash of its screen token); again changes nothing."""
        from sqlalchemy.exc import IntegrityError

        with self.read() as conn:
            known = conn.execute(
                select(room_screens.c.room_id).where(room_screens.c.room_id == room_id)
            ).first()
        if known is not None:
            return
        try:
            with self.write() as conn:
                conn.execute(
                    insert(room_screens).values(
                        room_id=room_id, token_hash=token_hash, show_results=False, updated_at=now
                    )
                )
        except IntegrityError:  # another tab made it a moment ago
            pass

    def room_by_screen_hash(self, token_hash: str) -> dict[str, Any] | None:
        """The room whose screen token has this hash (room fields, never the secret)."""
        with self.read() as conn:
            row = (
                conn.execute(
                    select(*self._ROOM_COLUMNS)
                    .join(room_screens, room_screens.c.room_id == rooms.c.id)
                    .where(room_screens.c.token_hash == token_hash)
                )
                .mappings()
                .first()
            )
        return None if row is None else dict(row)

    def room_shows_results(self, room_id: int) -> bool:
        with self.read() as conn:
            return bool(
                conn.execute(
                    select(room_screens.c.show_results).where(room_screens.c.room_id == room_id)
                ).scalar()
            )

    def set_room_show_results(self, room_id: int, on: bool, now: float) -> bool:
        """Show (or stop showing) released results on the room's screens; False if the
        room has no screen row yet."""
        with self.write() as conn:
            return bool(
                conn.execute(
                    update(room_screens)
                    .where(room_screens.c.room_id == room_id)
                    .values(show_results=bool(on), updated_at=now)
                ).rowcount
            )

    def room_member_progress(self, room_id: int) -> list[dict[str, Any]]:
        """For each member of the room, without ids or names: the phases they said they
        finished, the state of their safety-map runs and of their dialogues (JSON of
        flow states: seals, steps, rounds; never an answer or a note)."""
        with self.read() as conn:
            members = conn.execute(
                select(room_members.c.couple_id, room_members.c.done_phases).where(
                    room_members.c.room_id == room_id
                )
            ).all()
            ids = [m.couple_id for m in members]
            runs: dict[int, list[str]] = {i: [] for i in ids}
            talks: dict[int, list[str]] = {i: [] for i in ids}
            if ids:
                found: Any = conn.execute(
                    select(safety_runs.c.couple_id, safety_runs.c.state)
                    .where(safety_runs.c.couple_id.in_(ids))
                    .order_by(safety_runs.c.id)
                )
                for cid, state in found:
                    runs[cid].append(state)
                found = conn.execute(
                    select(dialogues.c.couple_id, dialogues.c.state)
                    .where(dialogues.c.couple_id.in_(ids))
                    .order_by(dialogues.c.id)
                )
                for cid, state in found:
                    talks[cid].append(state)
        return [
            {
                "done_phases": json.loads(m.done_phases),
                "safety_states": runs[m.couple_id],
                "dialogue_states": talks[m.couple_id],
            }
            for m in members
        ]

    def ask_for_help(self, room_id: int, couple_id: int, place: str, now: float) -> bool:
        """Raise (or re-word) the couple's call for a facilitator; False if they are not
        a member of the room (left, or the room is gone)."""
        with self.write() as conn:
            member = conn.execute(
                select(room_members.c.room_id).where(
                    room_members.c.room_id == room_id, room_members.c.couple_id == couple_id
                )
            ).first()
            if member is None:
                return False
            changed = conn.execute(
                update(room_help)
                .where(room_help.c.room_id == room_id, room_help.c.couple_id == couple_id)
                .values(place=place)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(room_help).values(
                        room_id=room_id, couple_id=couple_id, place=place, asked_at=now
                    )
                )
        return True

    def member_marks(self, room_id: int, couple_id: int) -> tuple[list[str], str | None] | None:
        """One couple's own marks in a room: the phases they said they finished and the
        place of their call for a facilitator (or None); None if not a member."""
        with self.read() as conn:
            row = conn.execute(
                select(room_members.c.done_phases, room_help.c.place)
                .select_from(
                    room_members.outerjoin(
                        room_help,
                        (room_help.c.room_id == room_members.c.room_id)
                        & (room_help.c.couple_id == room_members.c.couple_id),
                    )
                )
                .where(room_members.c.room_id == room_id, room_members.c.couple_id == couple_id)
            ).first()
        return None if row is None else (json.loads(row.done_phases), row.place)

    def room_marks(self, room_id: int) -> dict[int, tuple[list[str], str | None]]:
        """Every member's own marks in a room, in one query (the index on room_id):
        couple id -> (the phases they said they finished, the place of their call)."""
        with self.read() as conn:
            rows = conn.execute(
                select(room_members.c.couple_id, room_members.c.done_phases, room_help.c.place)
                .select_from(
                    room_members.outerjoin(
                        room_help,
                        (room_help.c.room_id == room_members.c.room_id)
                        & (room_help.c.couple_id == room_members.c.couple_id),
                    )
                )
                .where(room_members.c.room_id == room_id)
            ).all()
        return {r.couple_id: (json.loads(r.done_phases), r.place) for r in rows}

    def help_of(self, room_id: int, couple_id: int) -> str | None:
        """The place the couple gave when they asked for a facilitator, or None."""
        with self.read() as conn:
            return conn.execute(
                select(room_help.c.place).where(
                    room_help.c.room_id == room_id, room_help.c.couple_id == couple_id
                )
            ).scalar()

    def help_calls(self, room_id: int) -> list[dict[str, Any]]:
        """Open calls for a facilitator, oldest first: a number to answer it by (the
        row's own id, never the couple's), the place the couple typed, when."""
        with self.read() as conn:
            rows = conn.execute(
                select(room_help.c.couple_id, room_help.c.place, room_help.c.asked_at)
                .where(room_help.c.room_id == room_id)
                .order_by(room_help.c.asked_at)
            ).all()
        return [
            {"couple_id": r.couple_id, "place": r.place, "asked_at": float(r.asked_at)}
            for r in rows
        ]

    def clear_help(self, room_id: int, couple_id: int | None = None) -> int:
        """Answer one call (or, without ``couple_id``, every call) of the room."""
        where = [room_help.c.room_id == room_id]
        if couple_id is not None:
            where.append(room_help.c.couple_id == couple_id)
        with self.write() as conn:
            return conn.execute(delete(room_help).where(*where)).rowcount

    def record_join_failure(self, clients: list[str], now: float, forget_before: float) -> None:
        """Note one failed join for each key in ``clients``; drop notes older than
        ``forget_before`` (for everyone) in the same transaction."""
        with self.write() as conn:
            conn.execute(delete(join_attempts).where(join_attempts.c.at < forget_before))
            for client in clients:
                conn.execute(insert(join_attempts).values(client=client[:80], at=now))

    def join_failures(self, client: str, since: float) -> list[float]:
        with self.read() as conn:
            found: Any = conn.execute(
                select(join_attempts.c.at).where(
                    join_attempts.c.client == client[:80], join_attempts.c.at >= since
                )
            ).scalars()
            return [float(t) for t in found]

    def purge_expired_rooms(
        self,
        now: float | None = None,
        retention_hours: float | Mapping[str, float] = 24.0,
        *,
        default_hours: float = 24.0,
    ) -> int:
        """Delete rooms past their retention (members, shares and results go with them by
        cascade), then scrub the file. ``retention_hours`` is one number for every room
        or a mapping script id -> hours (other scripts: ``default_hours``). Returns how
        many rooms were deleted; a cheap read when none are due."""
        from studio.room import is_expired

        now = time.time() if now is None else now
        with self.read() as conn:
            rows: Any = conn.execute(
                select(rooms.c.id, rooms.c.script_id, rooms.c.created_at, rooms.c.closed_at)
            ).all()
        due = []
        for room_id, script_id, created_at, closed_at in rows:
            if isinstance(retention_hours, Mapping):
                hours = retention_hours.get(script_id, default_hours)
            else:
                hours = retention_hours
            if is_expired(created_at, closed_at, now, hours):
                due.append(room_id)
        if not due:
            return 0
        with self.write() as conn:
            conn.execute(delete(rooms).where(rooms.c.id.in_(due)))
            conn.execute(insert(pending_scrubs).values(requested_at=now))
        self.scrub()
        return len(due)
