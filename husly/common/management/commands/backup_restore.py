from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from husly.common.backups import BackupError, backup_latest, backup_restore


class Command(BaseCommand):
    help = ("Restore a backup set into an EMPTY database (PostgreSQL: a database name on the "
            "server of DATABASE_URL; SQLite: a new file) and its files into a folder.")

    def add_arguments(self, parser):
        parser.add_argument("--manifest", type=Path,
                            help="The set's manifest; default: the newest in --dir.")
        parser.add_argument("--dir", type=Path, help="Folder of backup sets.")
        parser.add_argument("--database", required=True)
        parser.add_argument("--media-root", required=True, type=Path)

    def handle(self, *args, manifest, dir, database, media_root, **options):
        try:
            manifest = manifest or backup_latest(dir)
            restored = backup_restore(manifest_path=manifest, database=database,
                                      media_root=media_root)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {manifest.name} ({len(restored['tables'])} tables, "
                          f"{restored['media_files']} files) into {database}.")
