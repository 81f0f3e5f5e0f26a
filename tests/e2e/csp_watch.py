"""Content-Security-Policy violations reported by the browser during a test.

A module of its own, not the conftest: pytest imports the conftest as `conftest` while the tests
import `tests.e2e.conftest`, two copies that would each keep their own list.
"""

# Every violation any page of the running test reported: the browser's `securitypolicyviolation`
# events and its console errors (an inline script or an eval refused).
CSP_VIOLATIONS = []

_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} in ${event.documentURI}` +
    (event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : "")
  );
});
"""


def watch_csp(context):
    """Record every violation of the pages of this browser context in CSP_VIOLATIONS."""
    context.expose_binding("__reportCspViolation", lambda source, text: CSP_VIOLATIONS.append(text))
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            CSP_VIOLATIONS.append(message.text)

    context.on("console", on_console)
