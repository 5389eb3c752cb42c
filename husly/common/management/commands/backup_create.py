from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from husly.common.backups import BackupError, backup_create


class Command(BaseCommand):
    help = ("Back up the database (pg_dump, or SQLite's backup API) and the uploaded files, "
            "with a manifest of row counts. Run nightly by husly-backup.timer.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", required=True, type=Path,
                            help="Folder for the backup sets (created with mode 0700).")
        parser.add_argument("--keep-days", type=int, default=None,
                            help="Remove sets older than this many days after writing.")

    def handle(self, *args, dir, keep_days, **options):
        try:
            manifest = backup_create(directory=dir, keep_days=keep_days)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written: {manifest}")
