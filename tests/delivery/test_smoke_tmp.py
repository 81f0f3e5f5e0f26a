import pytest
pytestmark = pytest.mark.django_db
def test_smoke(issue):
    c = issue()
    print(c.number, c.payload, c.pdf.path, c.pdf_sha256)
    r = issue(approve=False)
    print(r.number, r.kind, r.payload)
