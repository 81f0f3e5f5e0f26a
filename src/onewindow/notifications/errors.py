"""Refusals of notifications' actions: core's ApiError (status, stable code, message in the
reader's language), so that this app needs nothing from cases (docs/notifications.md)."""

from onewindow.core.api_errors import ApiError


class MessageActionError(ApiError):
    def __init__(self, code, message, *, status=409):
        super().__init__(status, code, message)


def forbidden(message):
    return MessageActionError("forbidden", message, status=403)


def not_found(message):
    return MessageActionError("not_found", message, status=404)
