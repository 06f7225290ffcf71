"""A throwaway PostgreSQL cluster for tests and benchmarks (Debian's ``postgresql`` package).

``PostgresCluster.start()`` runs ``initdb`` and ``pg_ctl`` from /usr/lib/postgresql/*/bin (or
the PATH) into a new folder under /tmp, on a free port, listening on a Unix socket in that
folder only, with password authentication (scram-sha-256) so that the tests exercise real
credentials. PostgreSQL refuses to run as root: as root the server runs as the ``postgres``
system user (``runuser``), else as the current user. ``stop()`` ends it and removes the folder.

``missing_reason()`` says why no cluster can be started here (no server binaries); the tests
skip then, unless ``ANNOTATOR_REQUIRE_POSTGRES=1`` (set by .ci/run), which makes it a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

REQUIRE_ENV = "ANNOTATOR_REQUIRE_POSTGRES"
SUPERUSER = "annotator_test"


def server_bin() -> Path | None:
    """The folder of initdb/pg_ctl/postgres, newest version first; None when not installed."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name or 0)
    )
    for folder in reversed(found):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "postgres").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def missing_reason() -> str | None:
    """Why no cluster can be started here, or None."""
    if server_bin() is None:
        return (
            "PostgreSQL server binaries not found (install Debian's postgresql package: "
            "apt-get install postgresql); set ANNOTATOR_REQUIRE_POSTGRES=1 to fail instead"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return None


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresCluster:
    """One running server; ``url(database)`` names a database on it (with the password)."""

    def __init__(self, *, durable: bool = False) -> None:
        self.bin = server_bin()
        if self.bin is None:
            raise RuntimeError(missing_reason() or "no PostgreSQL")
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="postgres-annotator-", dir="/tmp"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.password = secrets.token_urlsafe(12)
        self._as: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as, *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.folder,
        )

    def start(self) -> PostgresCluster:
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if self._as:
            user = pwd.getpwnam("postgres")
            os.chown(pwfile, user.pw_uid, user.pw_gid)
        assert self.bin is not None
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
        )
        pwfile.unlink()
        self.resume()
        return self

    def resume(self) -> None:
        """Start the server (again, after ``pause``: a server that comes back)."""
        assert self.bin is not None
        options = [
            f"-p {self.port}",
            f"-k {self.folder}",
            "-c listen_addresses=''",
            "-c max_connections=100",
        ]
        if not self.durable:  # tests: a crash loses the cluster anyway
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            " ".join(options),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "start",
        )

    def pause(self) -> None:
        """Stop the server, keeping its data (every connection to it is lost)."""
        assert self.bin is not None
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        if self.bin is not None and self.data.exists():
            subprocess.run(
                [*self._as, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=self.folder,
                check=False,
            )
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", *, password: bool = True) -> str:
        """``postgresql://annotator_test[:password]@/database?host=SOCKET&port=PORT``."""
        secret = f":{quote(self.password, safe='')}" if password else ""
        return (
            f"postgresql://{SUPERUSER}{secret}@/{database}"
            f"?host={quote(str(self.folder), safe='')}&port={self.port}"
        )

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser, outside a transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, name: str) -> str:
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
