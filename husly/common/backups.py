"""Backups that prove themselves: a dump of the database and an archive of the uploaded files,
with a manifest of every table's row count taken in the same snapshot as the dump, and a restore
test that restores both into a fresh database and a fresh folder and compares.

PostgreSQL is dumped with pg_dump (custom format) inside a REPEATABLE READ transaction whose
snapshot pg_dump shares (`--snapshot`), so the counts in the manifest are exactly the dump's,
however busy the server. SQLite is copied with its online backup API. See docs/deploy.md.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST_SUFFIX = "-manifest.json"


class BackupError(Exception):
    """A backup or restore step failed; the message says which and what to check."""


@dataclass(frozen=True)
class RestoreCheck:
    manifest: Path
    tables: int
    rows: int
    media_files: int
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def _is_postgres(settings_dict) -> bool:
    return settings_dict["ENGINE"] == "django.db.backends.postgresql"


def _libpq_env(settings_dict, name: str | None = None) -> dict:
    """The libpq environment for pg_dump/pg_restore: no password on a command line."""
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env["PGDATABASE"] = name or settings_dict["NAME"]
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _media_root() -> Path:
    return Path(settings.STORAGES["default"].get("OPTIONS", {}).get("location",
                                                                     settings.VAR_DIR / "media"))


def _media_archive(target: Path) -> int:
    """Every uploaded file (photos, consent scans) into one tar.gz; returns the file count."""
    root = _media_root()
    files = 0
    with tarfile.open(target, "w:gz") as archive:
        if root.exists():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    files += 1
    target.chmod(0o600)
    return files


def backup_create(*, directory: Path, keep_days: int | None = None) -> Path:
    """Write one backup set into `directory`; returns its manifest. Sets older than
    `keep_days` are removed afterwards (never the one just written)."""
    directory = _private_dir(Path(directory))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    base = directory / f"husly-{stamp}"
    settings_dict = connection.settings_dict
    connection.ensure_connection()
    if _is_postgres(settings_dict):
        database_file = base.with_name(base.name + ".dump")
        counts = _postgres_dump(settings_dict, database_file)
        engine = "postgresql"
    else:
        database_file = base.with_name(base.name + ".sqlite3")
        counts = _sqlite_copy(database_file)
        engine = "sqlite"
    database_file.chmod(0o600)
    media_file = base.with_name(base.name + "-media.tar.gz")
    media_files = _media_archive(media_file)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "database_file": database_file.name,
        "database_sha256": _sha256(database_file),
        "media_file": media_file.name,
        "media_sha256": _sha256(media_file),
        "media_files": media_files,
        "tables": counts,
    }
    manifest_path = base.with_name(base.name + MANIFEST_SUFFIX)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    manifest_path.chmod(0o600)
    if keep_days is not None:
        backup_prune(directory=directory, keep_days=keep_days, keep=manifest_path)
    return manifest_path


def _postgres_dump(settings_dict, target: Path) -> dict[str, int]:
    import psycopg

    env = _libpq_env(settings_dict)
    # A connection of our own: the snapshot must stay open while pg_dump reads it.
    with psycopg.connect("", **_psycopg_args(settings_dict)) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "ORDER BY tablename")]
        counts = {}
        for table in tables:
            counts[table] = conn.execute(
                f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - catalog names
        result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [_client_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl",
             f"--snapshot={snapshot}", f"--file={target}"],
            env=env, capture_output=True, text=True, check=False)
        conn.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    return counts


def _client_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client of the "
                          "server's version (Debian: postgresql-client-15).")
    return path


def _psycopg_args(settings_dict, name: str | None = None) -> dict:
    args = {"dbname": name or settings_dict["NAME"]}
    for key, arg in (("HOST", "host"), ("PORT", "port"), ("USER", "user"),
                     ("PASSWORD", "password")):
        if settings_dict.get(key):
            args[arg] = str(settings_dict[key])
    return args


def _sqlite_copy(target: Path) -> dict[str, int]:
    source = connection.connection  # the open sqlite3 connection (also an in-memory one)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        tables = [row[0] for row in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                for t in tables}
    finally:
        copy.close()


def backup_prune(*, directory: Path, keep_days: int, keep: Path) -> list[Path]:
    cutoff = timezone.now() - datetime.timedelta(days=keep_days)
    removed = []
    for manifest_path in Path(directory).glob(f"husly-*{MANIFEST_SUFFIX}"):
        if manifest_path == keep:
            continue
        manifest = json.loads(manifest_path.read_text())
        if datetime.datetime.fromisoformat(manifest["created_at"]) >= cutoff:
            continue
        for name in (manifest["database_file"], manifest["media_file"]):
            (manifest_path.parent / name).unlink(missing_ok=True)
        manifest_path.unlink()
        removed.append(manifest_path)
    return removed


def backup_latest(directory: Path) -> Path:
    manifests = sorted(Path(directory).glob(f"husly-*{MANIFEST_SUFFIX}"))
    if not manifests:
        raise BackupError(f"No backup in {directory}: run `manage.py backup_create` first.")
    return manifests[-1]


def _manifest_read(manifest_path: Path) -> dict:
    manifest = json.loads(Path(manifest_path).read_text())
    for key in ("database", "media"):
        path = Path(manifest_path).parent / manifest[f"{key}_file"]
        if not path.exists():
            raise BackupError(f"{path.name} is missing beside the manifest.")
        if _sha256(path) != manifest[f"{key}_sha256"]:
            raise BackupError(f"{path.name} does not match its checksum: the file is damaged.")
    return manifest


def backup_restore(*, manifest_path: Path, database: str, media_root: Path) -> dict:
    """Restore a backup set into `database` (an EMPTY PostgreSQL database's name on this
    server, or an SQLite file path) and its files into `media_root`."""
    manifest = _manifest_read(manifest_path)
    folder = Path(manifest_path).parent
    database_file = folder / manifest["database_file"]
    if manifest["engine"] == "postgresql":
        settings_dict = connection.settings_dict
        if not _is_postgres(settings_dict):
            raise BackupError("A PostgreSQL backup is restored with DATABASE_URL set to the "
                              "PostgreSQL server.")
        result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [_client_tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error",
             "--single-transaction", f"--dbname={database}", str(database_file)],
            env=_libpq_env(settings_dict, database), capture_output=True, text=True,
            check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
    else:
        target = Path(database)
        if target.exists():
            raise BackupError(f"{target} exists: restore into a new file.")
        shutil.copyfile(database_file, target)
        target.chmod(0o600)
    _private_dir(Path(media_root))
    with tarfile.open(folder / manifest["media_file"], "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    return manifest


def _counts_of(manifest: dict, database: str) -> dict[str, int]:
    tables = sorted(manifest["tables"])
    if manifest["engine"] == "postgresql":
        import psycopg

        with psycopg.connect("", **_psycopg_args(connection.settings_dict, database)) as conn:
            present = {row[0] for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                    for t in tables if t in present}
    conn = sqlite3.connect(database)
    try:
        present = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                for t in tables if t in present}
    finally:
        conn.close()


def backup_restore_test(*, manifest_path: Path) -> RestoreCheck:
    """Restore the set into a fresh database and a fresh folder, compare every table's rows
    and the number of files with the manifest, then remove both again."""
    manifest = _manifest_read(manifest_path)
    work = Path(tempfile.mkdtemp(prefix="husly-restore-test-"))
    scratch_name = None
    try:
        if manifest["engine"] == "postgresql":
            scratch_name = f"husly_restore_test_{timezone.now():%Y%m%d%H%M%S}_{os.getpid()}"
            _postgres_admin(f'CREATE DATABASE "{scratch_name}"')
            database = scratch_name
        else:
            database = str(work / "restored.sqlite3")
        backup_restore(manifest_path=manifest_path, database=database, media_root=work / "media")
        restored = _counts_of(manifest, database)
        differences = []
        for table, expected in sorted(manifest["tables"].items()):
            got = restored.get(table)
            if got is None:
                differences.append(f"{table}: missing after restore")
            elif got != expected:
                differences.append(f"{table}: {got} rows restored, {expected} in the backup")
        files = sum(1 for p in (work / "media").rglob("*") if p.is_file())
        if files != manifest["media_files"]:
            differences.append(f"media: {files} files restored, {manifest['media_files']} "
                               "in the backup")
        return RestoreCheck(manifest=Path(manifest_path), tables=len(restored),
                            rows=sum(restored.values()), media_files=files,
                            differences=differences)
    finally:
        if scratch_name:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{scratch_name}"')
        shutil.rmtree(work, ignore_errors=True)


def _postgres_admin(statement: str) -> None:
    """CREATE or DROP DATABASE, from the server's maintenance database."""
    import psycopg

    with psycopg.connect("", autocommit=True,
                         **_psycopg_args(connection.settings_dict, "postgres")) as conn:
        conn.execute(statement)


def database_ensure() -> bool:
    """Create the PostgreSQL database named in DATABASE_URL if it is missing (`make demo`
    on PostgreSQL); True when it was created. SQLite creates its file by itself."""
    import psycopg

    settings_dict = connection.settings_dict
    if not _is_postgres(settings_dict):
        return False
    with psycopg.connect("", autocommit=True,
                         **_psycopg_args(settings_dict, "postgres")) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [settings_dict["NAME"]]).fetchone()
        if exists:
            return False
        conn.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    return True
