from onewindow.cases.models.cases import Case, CaseMaterial, IdempotencyKey
from onewindow.cases.models.supervision import (
    ColourChange,
    ColourNoticeClock,
    Notification,
    NotificationRead,
)
from onewindow.cases.models.tasks import CaseStage, Extension, ReviewTask, Suspension

__all__ = [
    "Case",
    "CaseMaterial",
    "CaseStage",
    "ColourChange",
    "ColourNoticeClock",
    "Extension",
    "IdempotencyKey",
    "Notification",
    "NotificationRead",
    "ReviewTask",
    "Suspension",
]
