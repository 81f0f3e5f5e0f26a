"""Every page is served with a Content-Security-Policy that refuses inline scripts and styles, and
no template relies on one (the browser tests fail on any violation at run time)."""

import re
from pathlib import Path

import pytest

import onewindow

pytestmark = pytest.mark.django_db

SOURCE = Path(onewindow.__file__).parent
# Rendered by WeasyPrint into a PDF, never served to a browser.
NOT_SERVED = {"delivery/templates/delivery/certificate_pdf.html"}

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


def policy(response):
    directives = {}
    for part in response["Content-Security-Policy"].split("; "):
        name, _, value = part.partition(" ")
        directives[name] = value
    return directives


@pytest.mark.parametrize("path", ["/", "/guide/", "/accounts/login/", "/admin/login/", "/api/docs"])
def test_pages_are_served_with_the_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_a_report_address_can_be_configured(client, settings):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "report-uri": ["/csp-reports"],
        }
    }

    assert policy(client.get("/"))["report-uri"] == "/csp-reports"


def templates():
    for path in sorted(SOURCE.rglob("templates/**/*.html")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative not in NOT_SERVED:
            yield relative, path.read_text()


def test_no_template_has_an_inline_script_handler_or_style():
    offences = [
        f"{name}: {match.group(0).strip()}"
        for name, text in templates()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE)
        for match in pattern.finditer(text)
    ]

    assert offences == []


def test_the_template_check_finds_what_the_policy_refuses():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="data">{}</script>')
    assert EVENT_HANDLER.search('<button onclick="window.print()">')
    assert not EVENT_HANDLER.search("<button data-print>")
    assert STYLE.search('<span style="color:red">') and STYLE.search("<style>")


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    page = client.get("/").content.decode()

    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in page
