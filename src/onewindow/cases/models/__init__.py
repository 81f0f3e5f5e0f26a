from onewindow.cases.models.cases import Case, CaseMaterial, IdempotencyKey
from onewindow.cases.models.decisions import DecisionDraft
from onewindow.cases.models.supervision import ColourChange, ColourNoticeClock
from onewindow.cases.models.tasks import CaseStage, Extension, ReviewTask, Suspension
from onewindow.cases.models.uploads import PendingUpload

__all__ = [
    "Case",
    "CaseMaterial",
    "CaseStage",
    "ColourChange",
    "ColourNoticeClock",
    "DecisionDraft",
    "Extension",
    "IdempotencyKey",
    "PendingUpload",
    "ReviewTask",
    "Suspension",
]
