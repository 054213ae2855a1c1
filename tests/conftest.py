"""Suite-wide settings."""

from __future__ import annotations

import os

from hypothesis import settings

# In CI the property tests run a fixed, repeatable set of examples (derandomized), so a
# run is never red by chance; locally they explore new examples each time.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


# -- the two stores: every store, service and room test runs on SQLite and on Postgres --

import pytest  # noqa: E402

from tests import pg  # noqa: E402

BACKENDS = ("sqlite", "postgres")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: reads the SQLite file itself, so it has no Postgres twin"
    )


def pytest_generate_tests(metafunc):
    """A test that (through any fixture) asks for ``backend`` runs once per store."""
    if "backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("backend", ["sqlite"] if only else list(BACKENDS), indirect=True)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway server for the whole run (make test: required, never skipped)."""
    try:
        server = pg.PostgresServer().start()
    except pg.PostgresUnavailable as exc:
        if os.environ.get("STUDIO_REQUIRE_POSTGRES"):
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(str(exc))
    yield server
    server.destroy()


@pytest.fixture
def store_url(backend, tmp_path, request) -> str:
    """A new, empty studio database of the test's backend; a URL for ``Store``."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'studio.db'}"
    server = request.getfixturevalue("postgres_server")
    url = server.new_database()
    request.addfinalizer(lambda: server.drop_database(url))
    return url


@pytest.fixture
def fresh_url(backend, tmp_path, request):
    """fresh_url() -> the URL of a new database that does not hold the studio's tables
    yet (SQLite: a file that does not exist; Postgres: a new, empty database), for tests
    of migrations; fresh_url(tables=True): one with them already (quicker on Postgres,
    for a property test that needs a clean store per example)."""
    made = iter(range(1_000_000))

    def _new(tables: bool = False) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'fresh{next(made)}.db'}"
        server = request.getfixturevalue("postgres_server")
        url = server.new_database(empty=not tables)
        request.addfinalizer(lambda: server.drop_database(url))
        return url

    return _new
