"""Reading certificate PDFs back with pypdf, as a person's PDF viewer or an offline checker would."""

import io
import json

from pypdf import PdfReader


def reader(content):
    return PdfReader(io.BytesIO(content))


def text(content):
    """The text of every page without whitespace (letter-spaced titles and wrapped lines)."""
    return "".join("".join(page.extract_text().split()) for page in reader(content).pages)


def embedded_font_files(content):
    """(font name, FontFile key) of every font embedded in the PDF."""
    found = []
    for page in reader(content).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")]
            for descendant in font.get("/DescendantFonts") or []:
                descriptors.append(descendant.get_object().get("/FontDescriptor"))
            for descriptor in filter(None, descriptors):
                descriptor = descriptor.get_object()
                found += [
                    (str(font.get("/BaseFont")), key)
                    for key in descriptor
                    if key.startswith("/FontFile")
                ]
    return found


def attachment(content):
    return json.loads(reader(content).attachments["certificate.json"][0])


def with_attachment(content, data):
    """The same PDF with certificate.json replaced by `data` (an edited attachment)."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=reader(content))
    # Drop the original attachment, then add the edited one under the same name.
    names = writer._root_object["/Names"]
    del names["/EmbeddedFiles"]
    writer.add_attachment("certificate.json", json.dumps(data, ensure_ascii=False).encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
