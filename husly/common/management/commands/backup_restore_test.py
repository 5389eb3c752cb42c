from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from husly.common.backups import BackupError, backup_latest, backup_restore_test


class Command(BaseCommand):
    help = ("Prove a backup: restore it into a fresh database and folder, compare every "
            "table's row count and the number of files with its manifest, remove both. "
            "Exits 1 on any difference.")

    def add_arguments(self, parser):
        parser.add_argument("--manifest", type=Path,
                            help="The set's manifest; default: the newest in --dir.")
        parser.add_argument("--dir", type=Path, help="Folder of backup sets.")

    def handle(self, *args, manifest, dir, **options):
        if manifest is None and dir is None:
            raise CommandError("Give --dir (the newest set is tested) or --manifest.")
        try:
            check = backup_restore_test(manifest_path=manifest or backup_latest(dir))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not check.ok:
            for line in check.differences:
                self.stderr.write(line)
            raise CommandError(f"Restore test FAILED for {check.manifest.name}: "
                               f"{len(check.differences)} differences.")
        self.stdout.write(f"Restore test passed for {check.manifest.name}: {check.tables} "
                          f"tables, {check.rows} rows, {check.media_files} files, as backed up.")
