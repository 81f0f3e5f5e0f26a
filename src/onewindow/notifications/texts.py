"""The texts of messages: Django templates in notifications/templates/notifications/messages/.

    <name>.sms.txt       the short text: the SMS, the applicant's in-app message, the e-mail's body
    <name>.subject.txt   the e-mail's subject
    email.txt            the e-mail around the short text
    <name>.staff.txt     a staff notification (cases.Notification)

Rendered without HTML escaping (they are plain text), in the language asked for (the recipient's:
the case's applicant_language, a staff member's User.language), else the site's (zh-hans).
"""

from django.conf import settings
from django.template import Context, Engine
from django.utils import translation

# Per applicant template: the context keys its caller must give (besides `number`, `region` and
# `item`, always filled in from the case).
APPLICANT_TEMPLATES = {
    "accepted": ("deadline",),
    "supplement_notice": ("materials",),
    "suspended": ("reason", "kind", "supplement"),
    "resumed": ("deadline",),
    "extended": ("days", "reason", "deadline"),
    "decided": ("decision",),
    "ready_for_pickup": ("place", "code"),
    "locker_code": ("locker", "compartment", "code", "until"),
    "locker_reminder": ("locker", "compartment", "until"),
    "shipped": ("tracking_number",),
    "delivered": (),
}
# The same for staff templates (supervision cards); `number` and `item` come from the case.
STAFF_TEMPLATES = {
    "yellow_card": ("deadline",),
    "red_card": ("deadline",),
    "task_yellow_card": ("due_date",),
    "task_red_card": ("due_date",),
}

# The values set into a sentence (free text typed by staff, such as a reason, and names): the
# templates punctuate around them, so their own closing punctuation would double it (“理由：需现场
# 核查。。”). The whole short text set into the e-mail (`text`) keeps its own.
FRAGMENTS = {
    "item",
    "region",
    *(key for keys in APPLICANT_TEMPLATES.values() for key in keys),
    *(key for keys in STAFF_TEMPLATES.values() for key in keys),
}
CLOSING_PUNCTUATION = "。．.，,；;：:、！!？? \t\r\n\u3000"


def fragment(value):
    """A value as set into a template's sentence: without the closing punctuation it was typed
    with (the template supplies its own)."""
    return value.rstrip(CLOSING_PUNCTUATION) if isinstance(value, str) else value


# Compiled once per process (the cached loader): the acceptance renders on its hot path.
_ENGINE = Engine(
    loaders=[
        (
            "django.template.loaders.cached.Loader",
            ["django.template.loaders.app_directories.Loader"],
        )
    ],
    autoescape=False,
    libraries={"i18n": "django.templatetags.i18n"},
)


def render(name, values, *, language=None):
    """The text of template `name` (e.g. "accepted.sms.txt") with `values`, stripped."""
    template = _ENGINE.get_template(f"notifications/messages/{name}")
    values = {key: fragment(value) if key in FRAGMENTS else value for key, value in values.items()}
    language = language or settings.LANGUAGE_CODE
    if translation.get_language() == language:  # the usual case: no switching back and forth
        return template.render(Context(values, autoescape=False)).strip()
    with translation.override(language):
        return template.render(Context(values, autoescape=False)).strip()


def require_context(templates, template, values):
    """Unknown templates and missing context keys are programming errors: say so at once."""
    if template not in templates:
        raise ValueError(f"unknown message template {template!r}")
    missing = [key for key in templates[template] if key not in values]
    if missing:
        raise ValueError(f"message template {template!r} needs {', '.join(missing)}")


def applicant_texts(template, values, *, email=True, language=None):
    """(short text, e-mail subject, e-mail body) of an applicant template in `language` (the
    site's by default); without `email` the e-mail's are empty (not rendered)."""
    text = render(f"{template}.sms.txt", values, language=language)
    if not email:
        return text, "", ""
    subject = render(f"{template}.subject.txt", values, language=language)
    body = render("email.txt", {**values, "text": text}, language=language)
    return text, subject, body
