"""What delivery adds to the staff search (cases/search.py): certificate numbers and pickup
codes, the two keys kept in delivery's tables. Registered from DeliveryConfig.ready(), so that
cases finds cases by them without importing delivery (the dependency points one way only)."""

import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from onewindow.cases import search
from onewindow.cases.permissions import service_point_id_of
from onewindow.core.identity import ASCII_UPPER
from onewindow.delivery import codes
from onewindow.delivery.models import Certificate, WindowPickup

# numbering.certificate_number: department code, year, 6-digit sequence (SCJGJ-2026-000017).
CERTIFICATE_NUMBER = re.compile(r"[A-Z0-9]{1,32}-[0-9]{4}-[0-9]{6,}")


def _parse_certificate_number(text):
    number = re.sub(r"\s", "", text).translate(ASCII_UPPER)
    return number if CERTIFICATE_NUMBER.fullmatch(number) else None


def _certificate_condition(number, user):
    # Index: the unique index on delivery_certificate.number, then the case's primary key.
    return Q(pk__in=Certificate.objects.filter(number=number).values("case_id"))


def _pickup_condition(code, user):
    # Index: pickup_waiting_lookup (lookup_hash, waiting codes only), then the delivery's and
    # the case's primary keys. The hash is of the clerk's own point: codes waiting elsewhere
    # are not found, as they could not be handed over here.
    digest = codes.lookup_hash(service_point_id_of(user), code)
    waiting = WindowPickup.objects.filter(
        lookup_hash=digest, collected_at__isnull=True, expires_at__gt=timezone.now()
    )
    return Q(pk__in=waiting.values("delivery__case_id"))


def register():
    search.register(
        search.Lookup(
            kind="certificate_number",
            label=gettext_lazy("证照编号"),
            parse=_parse_certificate_number,
            condition=_certificate_condition,
        )
    )
    search.register(
        search.Lookup(
            kind="pickup_code",
            label=gettext_lazy("领取码"),
            parse=codes.normalise,
            condition=_pickup_condition,
            clerks_only=True,
            guessable=True,
        )
    )
