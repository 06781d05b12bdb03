"""Backup, restore and verification (issue #16 item 7): the database and the stored files in one archive.

The archive is a plain tar file:

- `manifest.json`: when, which engine, every table's row count, every stored file (path, SHA-256, size, the rows that
  point at it), the audit chain's length and head hash;
- `database.dump` (PostgreSQL, `pg_dump` custom format) or `database.sqlite3` (SQLite, through its backup API);
- `media/<path>`: every file a FileField points at (evidence, scans, issued PDFs, conference reports).

Consistency: on PostgreSQL the counts and file references are read in one REPEATABLE READ transaction whose snapshot
`pg_dump --snapshot` dumps, so the archive's files are exactly those its database references. On SQLite the database
is copied first (the backup API copies one consistent state) and the references are read from the copy. Stored files
are never rewritten (random or content-derived names), so copying them afterwards copies what the snapshot saw.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import FileField, Model
from django.utils import timezone

from audit.selectors import audit_chain_status

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024

Rows = Callable[[str], Sequence[tuple[Any, ...]]]


class BackupError(Exception):
    pass


@dataclass
class StoredFile:
    path: str
    rows: list[str] = field(default_factory=list)
    sha256: str = ""
    size: int = 0


def _file_fields() -> Iterator[tuple[type[Model], FileField]]:
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, FileField):
                yield model, model_field


def _file_references(rows: Rows) -> dict[str, StoredFile]:
    """Every stored file a row points at, with the rows (`app.Model:pk.field`) that do."""
    files: dict[str, StoredFile] = {}
    for model, file_field in _file_fields():
        table, pk = model._meta.db_table, model._meta.pk
        assert pk is not None
        query = (
            f'SELECT "{pk.column}", "{file_field.column}" FROM "{table}" '  # noqa: S608 (names from the models)
            f'WHERE "{file_field.column}" IS NOT NULL AND "{file_field.column}" <> \'\''
        )
        for key, name in rows(query):
            stored = files.setdefault(str(name), StoredFile(path=str(name)))
            stored.rows.append(f"{model._meta.label}:{key}.{file_field.name}")
    return files


def _table_counts(rows: Rows, tables: Sequence[str]) -> dict[str, int]:
    return {table: int(rows(f'SELECT COUNT(*) FROM "{table}"')[0][0]) for table in sorted(tables)}  # noqa: S608


def _django_rows(query: str) -> Sequence[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return list(cursor.fetchall())


def media_path(name: str) -> Path:
    """A stored file's place under MEDIA_ROOT; a name that would leave it (absolute, `..`) is refused."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"unsafe stored file name: {name!r}")
    return Path(settings.MEDIA_ROOT).joinpath(*relative.parts)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _pg_environment() -> dict[str, str]:
    """libpq's variables for pg_dump and pg_restore: the password never appears on a command line."""
    database: dict[str, Any] = dict(connection.settings_dict)
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    env["PGDATABASE"] = str(database["NAME"])
    return env


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> tuple[str, int]:
    info = archive.gettarinfo(str(path), arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return reader.digest.hexdigest(), info.size


@contextmanager
def _snapshot(workdir: Path) -> Iterator[tuple[Path, Rows]]:
    """The database file and a way to query the same state it holds."""
    vendor = connection.vendor
    if vendor == "postgresql":
        dump = workdir / DUMP_MEMBERS[vendor]
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = str(_django_rows("SELECT pg_export_snapshot()")[0][0])
            result = subprocess.run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                env=_pg_environment(),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            yield dump, _django_rows
    elif vendor == "sqlite":
        copy = workdir / DUMP_MEMBERS[vendor]
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
            yield copy, lambda query: target.execute(query).fetchall()
        finally:
            target.close()
    else:
        raise BackupError(f"no backup for the {vendor} engine")


def backup_create(destination: Path) -> dict[str, Any]:
    """Write the archive to `destination` (a new file, via a temporary name); returns the manifest. Files a row
    points at but which are missing are listed under `missing` (the archive is still written)."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} already exists")
    partial = destination.with_name(destination.name + ".partial")
    # The archive holds everything, password hashes included: readable by its owner only.
    partial.touch(mode=0o600, exist_ok=False)
    try:
        manifest = _archive_write(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(destination)
    return manifest


def _archive_write(partial: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as work, tarfile.open(partial, "w") as archive:
        workdir = Path(work)
        with _snapshot(workdir) as (database_file, rows):
            tables = [name for (name,) in _table_names(rows)]
            counts = _table_counts(rows, tables)
            files = _file_references(rows)
            chain = audit_chain_status()
        missing: list[str] = []
        for stored in sorted(files.values(), key=lambda item: item.path):
            path = media_path(stored.path)
            if not path.is_file():
                missing.append(stored.path)
                continue
            stored.sha256, stored.size = _add_file(archive, MEDIA_PREFIX + stored.path, path)
        database_member = DUMP_MEMBERS[connection.vendor]
        database_sha256 = file_sha256(database_file)
        archive.add(str(database_file), arcname=database_member)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "database": {"member": database_member, "sha256": database_sha256},
            "tables": counts,
            "files": [
                {"path": item.path, "sha256": item.sha256, "size": item.size, "rows": item.rows}
                for item in sorted(files.values(), key=lambda item: item.path)
                if item.path not in missing
            ],
            "missing": missing,
            # Keep the head hash off-site too: a rewrite of the chain after this shows against it.
            "audit_chain": {"length": chain.length, "head_hash": chain.head_hash, "ok": chain.ok},
        }
        _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return manifest


def _table_names(rows: Rows) -> Sequence[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        return rows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")


def manifest_read(archive_path: Path) -> dict[str, Any]:
    with tarfile.open(archive_path, "r") as archive:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise BackupError("the archive has no manifest")
        manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    return manifest


def _extract_checked(archive: tarfile.TarFile, member_name: str, target: Path, sha256: str) -> None:
    source = archive.extractfile(member_name)
    if source is None:
        raise BackupError(f"{member_name} is missing from the archive")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("xb") as handle:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            handle.write(chunk)
    if digest.hexdigest() != sha256:
        raise BackupError(f"{member_name} in the archive does not match its SHA-256 in the manifest")


def _target_is_empty() -> None:
    if connection.introspection.table_names():
        raise BackupError("the database is not empty: restore only into an empty database")
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        raise BackupError(f"the media folder {media} is not empty: restore only into an empty folder")


def backup_restore(archive_path: Path) -> dict[str, Any]:
    """Restore the archive into this stack's empty database and empty media folder; returns the manifest."""
    manifest = manifest_read(archive_path)
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"the archive holds a {manifest['engine']} database, this stack runs {connection.vendor}"
        )
    _target_is_empty()
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r") as archive:
        database = manifest["database"]
        dump = Path(work) / database["member"]
        _extract_checked(archive, database["member"], dump, database["sha256"])
        _database_restore(dump)
        for item in manifest["files"]:
            _extract_checked(archive, MEDIA_PREFIX + item["path"], media_path(item["path"]), item["sha256"])
    return manifest


def _database_restore(dump: Path) -> None:
    if connection.vendor == "postgresql":
        # Owned by whoever restores (the owner role); `db_roles` then grants the application role.
        result = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
            env=_pg_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        connection.close()
        return
    connection.close()
    target = Path(str(connection.settings_dict["NAME"]))
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def backup_verify(manifest: dict[str, Any] | None) -> list[str]:
    """What does not match, in words: row counts against the manifest, every stored file against the manifest and
    against its row's own SHA-256 column (`<field>_sha256`, e.g. Document.pdf_sha256), every referenced file present.
    With no manifest, only the files against the rows."""
    problems: list[str] = []
    if manifest is not None:
        live = _table_counts(_django_rows, [name for (name,) in _table_names(_django_rows)])
        for table, expected in manifest["tables"].items():
            found = live.get(table)
            if found != expected:
                problems.append(f"table {table}: {found} rows, the backup has {expected}")
        problems += [
            f"table {table} is not in the backup" for table in sorted(set(live) - set(manifest["tables"]))
        ]
    listed = {item["path"]: item for item in (manifest or {}).get("files", [])}
    references = _file_references(_django_rows)
    for name, stored in sorted(references.items()):
        path = media_path(name)
        if not path.is_file():
            problems.append(f"file {name} ({', '.join(stored.rows)}) is missing")
            continue
        actual = file_sha256(path)
        if manifest is not None and (name not in listed or listed[name]["sha256"] != actual):
            problems.append(f"file {name}: SHA-256 {actual} is not the one in the backup")
    problems += _row_checksum_problems()
    if manifest is not None:
        problems += [
            f"file {name} is in the backup but no row points at it"
            for name in sorted(set(listed) - set(references))
        ]
    return problems


def _row_checksum_problems() -> list[str]:
    problems: list[str] = []
    for model, file_field in _file_fields():
        checksum = f"{file_field.name}_sha256"
        if checksum not in {each.name for each in model._meta.concrete_fields}:
            continue
        for key, name, expected in model._default_manager.exclude(**{file_field.name: ""}).values_list(
            "pk", file_field.name, checksum
        ):
            path = media_path(str(name))
            if path.is_file() and file_sha256(path) != expected:
                problems.append(
                    f"{model._meta.label} {key}: file {name} has SHA-256 {file_sha256(path)}, its row says {expected}"
                )
    return problems
