"""Reads of notifications that need care: the staff notices a person sees, and which are unread."""

from django.db.models import Exists, OuterRef, Q, Subquery

from onewindow.notifications.models import Notification, NotificationRead


def visible_notifications(user):
    """Messages to the user, and to the user's department as a whole.

    Indexes: the foreign-key indexes on recipient and on department (a BitmapOr on PostgreSQL);
    a page newest first may walk the created_at index instead.
    """
    mine = Q(recipient=user)
    if user.department_id:
        mine |= Q(recipient__isnull=True, department_id=user.department_id)
    return Notification.objects.filter(mine)


def _reads_by(user):
    """This user's read marks, for a subquery correlated on the notification's pk.

    Index: notification_read_once (user, notification): one probe per listed notification, or
    one range scan of the user's marks for an anti-join.
    """
    return NotificationRead.objects.filter(user=user, notification=OuterRef("pk"))


def notifications_for(user):
    """visible_notifications with `read_at`: when this user read each one, None while unread.

    The read state comes in the same query (a correlated subquery), so a page of notifications
    is one query however long it is, not one more per row.
    """
    read_at = Subquery(_reads_by(user).values("read_at")[:1])
    return visible_notifications(user).annotate(read_at=read_at)


def unread_notifications(user):
    """The visible notifications this user has not read: NOT EXISTS on notification_read_once."""
    return visible_notifications(user).filter(~Exists(_reads_by(user)))
