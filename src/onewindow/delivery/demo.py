"""Demo lockers for `onewindow demo`: a 12-compartment cabinet in the district hall."""

from onewindow.catalog.models import Department
from onewindow.delivery.constants import CompartmentSize
from onewindow.delivery.models import Compartment, Locker

HALL_CODE = "ZWFWZX"
# (number, size): six small, four medium, two large.
COMPARTMENTS = [
    *[(n, CompartmentSize.SMALL) for n in range(1, 7)],
    *[(n, CompartmentSize.MEDIUM) for n in range(7, 11)],
    *[(n, CompartmentSize.LARGE) for n in range(11, 13)],
]


def load_demo_lockers():
    """Create the hall's locker unless it exists; returns it (None without the hall)."""
    hall = Department.objects.filter(code=HALL_CODE).first()
    if hall is None:
        return None
    locker, created = Locker.objects.get_or_create(
        code="hall-1",
        defaults={
            "name": "政务服务中心一楼取件柜",
            "service_point": hall,
            "location": "一楼大厅东侧，24 小时自助区",
        },
    )
    if created:
        Compartment.objects.bulk_create(
            Compartment(locker=locker, number=number, size=size) for number, size in COMPARTMENTS
        )
    return locker
