"""`onewindow courier_simulator [addr:port]`: run the courier simulator (delivery.simulator)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onewindow.delivery.simulator import CourierSimulator


def default_addrport():
    url = urlsplit(settings.ONEWINDOW_COURIER_URL)
    return f"{url.hostname or '127.0.0.1'}:{url.port or 80}"


class Command(BaseCommand):
    help = (
        "Run the courier simulator: an EMS-like HTTP API that books shipments and posts signed "
        "tracking events to the webhook URL given with each booking."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", help="Where to listen (default: from ONEWINDOW_COURIER_URL)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between tracking events (default: ONEWINDOW_COURIER_SIMULATOR_INTERVAL).",
        )

    def handle(self, *args, addrport=None, interval=None, **options):
        host, _, port = (addrport or default_addrport()).rpartition(":")
        if not port.isdigit():
            raise CommandError(f"addr:port expected, got {addrport!r}")
        if interval is None:
            interval = settings.ONEWINDOW_COURIER_SIMULATOR_INTERVAL
        simulator = CourierSimulator(
            host=host or "127.0.0.1",
            port=int(port),
            key=settings.ONEWINDOW_COURIER_KEY,
            webhook_secret=settings.ONEWINDOW_COURIER_WEBHOOK_SECRET,
            interval=interval,
            log=lambda message: self.stderr.write(f"courier simulator: {message}"),
        )
        self.stdout.write(f"Courier simulator: {simulator.url} (events every {interval:g} s)")
        self.stdout.flush()
        try:
            simulator.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            simulator.stop()
