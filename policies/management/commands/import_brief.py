from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies.importer import BriefImportError, decode_brief, import_brief
from policies.models import Option


def title_from_path(path: Path) -> str:
    return " ".join(path.stem.replace("_", " ").replace("-", " ").split()).capitalize()


class Command(BaseCommand):
    help = (
        "Import the strategies, initiatives, sanction types, past policies, lessons and "
        "implications of a plain-text brief. Existing options keep their wording; only their "
        "empty fields are filled."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The brief, a UTF-8 text file.")
        parser.add_argument("--title", help="The brief's title (default: from the file name).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )
        parser.add_argument(
            "--draft", action="store_true", help="Create new options as drafts, not published."
        )

    def handle(self, *args, path, title=None, dry_run=False, draft=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            text = decode_brief(file.read_bytes())
            report = import_brief(
                text,
                title=title or title_from_path(file),
                dry_run=dry_run,
                status=Option.Status.DRAFT if draft else Option.Status.PUBLISHED,
            )
        except BriefImportError as error:
            raise CommandError(f"{path}: {error}") from None
        for line in report.lines():
            self.stdout.write(line)
