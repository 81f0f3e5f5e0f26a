"""Punctuation between words, in the reader's language: 、 ： in Chinese, ", " ": " in English.

The same contexts serve the templates ({% trans "、" context "list separator" %},
{% trans "：" context "标点" %}), so that each mark is translated once.
"""

from django.utils.translation import pgettext


def join_list(values):
    """'受理、审查' in Chinese, 'Accepted, Review' in English."""
    return pgettext("list separator", "、").join(str(value) for value in values)


def colon():
    return pgettext("标点", "：")


def labelled(label, value):
    """'未能发布：原因' in Chinese, 'Not published: reason' in English."""
    return f"{label}{colon()}{value}"
