"""Backups prove themselves: a set restored into a fresh database and folder has every table's
rows and every uploaded file of the backup; a damaged or incomplete set is caught. Runs on the
suite's database, so CI runs it on SQLite and on PostgreSQL (pg_dump and pg_restore for real)."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from husly.common.backups import BackupError, backup_create, backup_restore_test
from husly.people.models import Resident
from tests.factories import MunicipalityFactory, ResidentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def some_data():
    municipality = MunicipalityFactory(number="1108", name="Sandnes")
    for _ in range(3):
        ResidentFactory(municipality=municipality)
    default_storage.save("samtykke/2026/skjema.pdf", ContentFile(b"%PDF-1.4 test"))
    return municipality


def test_a_backup_restores_with_every_row_and_file(some_data, tmp_path):
    # Given a backup of a database with three residents and one uploaded file
    manifest_path = backup_create(directory=tmp_path / "backups")
    manifest = json.loads(manifest_path.read_text())
    assert manifest["tables"]["people_resident"] == Resident.objects.count() == 3
    assert manifest["media_files"] == 1
    # The files are for the server's backup user alone
    for path in (tmp_path / "backups").iterdir():
        assert path.stat().st_mode & 0o077 == 0, path.name
    assert (tmp_path / "backups").stat().st_mode & 0o077 == 0

    # When it is restored into a fresh database and folder
    check = backup_restore_test(manifest_path=manifest_path)

    # Then every table has its rows and every file is there
    assert check.ok, check.differences
    assert check.tables == len(manifest["tables"])
    assert check.rows == sum(manifest["tables"].values())
    assert check.media_files == 1


def test_the_restore_test_reports_a_table_that_came_back_short(some_data, tmp_path):
    # Given a manifest that promises one resident more than the dump holds
    manifest_path = backup_create(directory=tmp_path)
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["people_resident"] += 1
    manifest_path.write_text(json.dumps(manifest))

    check = backup_restore_test(manifest_path=manifest_path)

    assert not check.ok
    assert check.differences == ["people_resident: 3 rows restored, 4 in the backup"]
    with pytest.raises(CommandError, match="Restore test FAILED"):
        call_command("backup_restore_test", manifest=manifest_path)


def test_a_damaged_dump_is_refused_before_anything_is_restored(some_data, tmp_path):
    manifest_path = backup_create(directory=tmp_path)
    manifest = json.loads(manifest_path.read_text())
    dump = tmp_path / manifest["database_file"]
    dump.write_bytes(dump.read_bytes()[:-10])
    with pytest.raises(BackupError, match="does not match its checksum"):
        backup_restore_test(manifest_path=manifest_path)


def test_the_commands_back_up_test_the_newest_set_and_prune_old_ones(some_data, tmp_path,
                                                                     capsys):
    import time_machine

    folder = tmp_path / "backups"
    with time_machine.travel("2026-11-01 02:00 +0100", tick=False):
        call_command("backup_create", dir=folder)
    with time_machine.travel("2026-12-01 02:00 +0100", tick=False):
        call_command("backup_create", dir=folder, keep_days=14)
    manifests = sorted(folder.glob("*-manifest.json"))
    # The November set is older than 14 days and was removed with its files
    assert [m.name for m in manifests] == ["husly-20261201-020000-manifest.json"]
    assert len(list(folder.iterdir())) == 3
    capsys.readouterr()
    call_command("backup_restore_test", dir=folder)
    out = capsys.readouterr().out
    assert "Restore test passed for husly-20261201-020000-manifest.json" in out


def test_the_restore_test_without_a_backup_says_what_to_do(db, tmp_path):
    with pytest.raises(CommandError, match="run `manage.py backup_create` first"):
        call_command("backup_restore_test", dir=tmp_path)


def test_database_ensure_creates_a_missing_postgresql_database_once(db, settings):
    from django.db import connection

    from husly.common.backups import _postgres_admin, database_ensure

    if connection.vendor != "postgresql":
        # SQLite makes its file on first use: there is nothing to create.
        assert database_ensure() is False
        return
    wanted = connection.settings_dict["NAME"] + "_ensure"
    _postgres_admin(f'DROP DATABASE IF EXISTS "{wanted}"')
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = wanted
    try:
        assert database_ensure() is True
        assert database_ensure() is False
    finally:
        connection.settings_dict["NAME"] = original
        _postgres_admin(f'DROP DATABASE IF EXISTS "{wanted}"')
