from django.core.management.base import BaseCommand

from policies.demo import load_demo_content


class Command(BaseCommand):
    help = "Load the demo catalogue drawn from the Russia–North Korea brief (safe to run twice)."

    def handle(self, *args, **options):
        report = load_demo_content()
        for line in report.lines():
            self.stdout.write(line)
