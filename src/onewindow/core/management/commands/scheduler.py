from django.core.management.base import BaseCommand

from onewindow.core import scheduler


class Command(BaseCommand):
    help = "Enqueue registered periodic tasks at their intervals (run exactly one per site)."

    def handle(self, *args, **options):
        from django.apps import apps

        for config in apps.get_app_configs():
            if config.name.startswith("onewindow."):
                try:
                    __import__(f"{config.name}.tasks")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.tasks":
                        raise
        names = ", ".join(scheduler.registered()) or "none"
        self.stdout.write(f"scheduler: periodic tasks: {names}")
        scheduler.run_forever()
