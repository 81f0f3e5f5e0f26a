"""A small PDF drawing surface for result documents: text in an embedded CJK font, lines,
rectangles, circles, polygons, a QR code, an attachment. One page, fixed layouts.

Why not HTML → PDF: WeasyPrint spent about 50 ms of CPU on a one-page certificate (30 ms laying out
boxes that are always in the same place, 20 ms painting and writing), eight times the rest of a
case (docs/performance.md). A certificate's layout is fixed, so the layouts (delivery/layouts.py)
place their text themselves and this module writes the PDF with pydyf (WeasyPrint's own writer):

- the font is the GB 2312 subset of Noto Serif CJK SC (rendering.document_font, built once per
  machine), loaded once per process: its character map and advance widths measure text;
- each document embeds a subset of it with only the glyphs it uses (HarfBuzz's subsetter, as
  WeasyPrint does, through cffi: about 5 ms), with a ToUnicode map so that its text is
  extractable (copy, search, pypdf, pdftotext);
- a document with a character outside GB 2312 (a rare name) uses the full system font instead.
"""

import io
import math
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

import pydyf

MM = 72 / 25.4  # points per millimetre

_HB_CDEF = """
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t; typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data,
                          void *destroy);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
void hb_blob_destroy(hb_blob_t *blob);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
void hb_set_add(hb_set_t *set, uint32_t codepoint);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
"""
# HB_SUBSET_FLAGS_NO_HINTING | RETAIN_GIDS | DESUBROUTINIZE: the glyph ids in the content stream
# stay those of the loaded font, and the CFF needs no subroutines (what WeasyPrint asks for too).
_SUBSET_FLAGS = 0x1 | 0x2 | 0x4
_HB_MEMORY_MODE_READONLY = 1


@lru_cache(maxsize=1)
def _harfbuzz():
    from cffi import FFI

    ffi = FFI()
    ffi.cdef(_HB_CDEF)
    return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")


class Font:
    """A CFF (OpenType) CJK font: metrics for measuring, and per-document subsets."""

    def __init__(self, path, index=0):
        from fontTools.ttLib import TTFont

        with open(path, "rb") as file:
            self.data = file.read()
        font = TTFont(path, fontNumber=index, lazy=True)
        order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
        scale = 1000 / font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        self.gids = {}
        self.widths = {}  # gid → advance in 1/1000 em
        for codepoint, name in font.getBestCmap().items():
            gid = order[name]
            self.gids[codepoint] = gid
            self.widths[gid] = round(metrics[name][0] * scale)
        os2, head = font["OS/2"], font["head"]
        self.ascent = round(os2.sTypoAscender * scale)
        self.descent = round(os2.sTypoDescender * scale)
        self.cap_height = round(getattr(os2, "sCapHeight", 733) * scale)
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.name = "/" + font["name"].getDebugName(6).replace(" ", "")
        ffi, harfbuzz, _ = _harfbuzz()
        # The blob reads the bytes in place: they live as long as this object.
        self._buffer = ffi.from_buffer(self.data)
        blob = harfbuzz.hb_blob_create(
            self._buffer, len(self.data), _HB_MEMORY_MODE_READONLY, ffi.NULL, ffi.NULL
        )
        self._face = harfbuzz.hb_face_create(blob, index)
        harfbuzz.hb_blob_destroy(blob)

    def covers(self, text):
        return all(ord(c) in self.gids for c in text)

    def advance(self, char):
        """Advance width of `char` in 1/1000 em (0 for a character the font lacks)."""
        return self.widths.get(self.gids.get(ord(char), 0), 1000)

    def width(self, text, size, spacing=0.0):
        return sum(self.advance(c) for c in text) * size / 1000 + spacing * len(text)

    def subset(self, gids):
        """The font program with only `gids` (and .notdef), glyph ids unchanged."""
        ffi, harfbuzz, subset = _harfbuzz()
        request = subset.hb_subset_input_create_or_fail()
        try:
            glyphs = subset.hb_subset_input_glyph_set(request)
            for gid in sorted(gids):
                harfbuzz.hb_set_add(glyphs, gid)
            subset.hb_subset_input_set_flags(request, _SUBSET_FLAGS)
            face = subset.hb_subset_or_fail(self._face, request)
            if face == ffi.NULL:
                raise RuntimeError("HarfBuzz could not subset the document font")
            blob = harfbuzz.hb_face_reference_blob(face)
            length = ffi.new("unsigned int *")
            data = ffi.unpack(harfbuzz.hb_blob_get_data(blob, length), length[0])
            harfbuzz.hb_blob_destroy(blob)
            harfbuzz.hb_face_destroy(face)
            return data
        finally:
            subset.hb_subset_input_destroy(request)


def _number(value):
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _rgb(colour):
    """'#d7000f' → '0.843 0 0.059'."""
    return " ".join(_number(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))


@dataclass
class Page:
    """One page; coordinates in millimetres from the top-left corner, as a layout thinks."""

    width: float
    height: float
    font: Font
    ops: list = field(default_factory=list)
    used: dict = field(default_factory=dict)  # gid → the character it shows
    images: list = field(default_factory=list)
    translucent: bool = False
    missing: bool = False  # a character the font lacks was drawn (as .notdef)

    def _y(self, y):
        return (self.height - y) * MM

    def _glyphs(self, text):
        gids = self.font.gids
        out = []
        for char in text:
            gid = gids.get(ord(char), 0)
            if gid == 0:
                self.missing = True
            self.used.setdefault(gid, char)
            out.append(f"{gid:04x}")
        return "".join(out)

    def text(self, x, y, text, size, *, colour="#111111", spacing=0.0, align="left"):
        """`text` on one line, its baseline at y; align left, center or right of x. Spacing
        (letter-spacing) in points. Returns the width in millimetres."""
        if not text:
            return 0.0
        width = self.font.width(text, size, spacing) / MM
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        self.ops.append(
            f"BT {_rgb(colour)} rg /F1 {_number(size)} Tf {_number(spacing)} Tc "
            f"1 0 0 1 {_number(x * MM)} {_number(self._y(y))} Tm <{self._glyphs(text)}> Tj ET"
        )
        return width

    def rotated_text(self, x, y, text, size, angle, *, colour):
        """`text` centred on (x, y) of its baseline, turned `angle` degrees clockwise."""
        theta = math.radians(angle)
        cos, sin = math.cos(theta), math.sin(theta)
        half = self.font.width(text, size) / 2
        start_x, start_y = x * MM - half * cos, self._y(y) + half * sin
        self.ops.append(
            f"BT {_rgb(colour)} rg /F1 {_number(size)} Tf 0 Tc {_number(cos)} {_number(-sin)} "
            f"{_number(sin)} {_number(cos)} {_number(start_x)} {_number(start_y)} Tm "
            f"<{self._glyphs(text)}> Tj ET"
        )

    def wrap(self, text, size, width, *, indent=0.0):
        """Lines of `text` within `width` mm (the first `indent` mm narrower): CJK breaks between
        any two characters, a Latin word or number stays whole when it fits, closing punctuation
        never starts a line."""
        lines, line, line_width = [], "", indent * MM
        limit = width * MM
        for token in _tokens(text):
            if token == "\n":
                lines.append(line)
                line, line_width = "", 0.0
                continue
            token_width = self.font.width(token, size)
            if line and line_width + token_width > limit and token not in _NO_LINE_START:
                lines.append(line)
                line, line_width = "", 0.0
            line += token
            line_width += token_width
        lines.append(line)
        return lines

    def paragraph(self, x, y, width, text, size, *, leading, indent_chars=0, colour="#111111"):
        """Wrapped text whose first baseline is y; returns the baseline after the last line."""
        indent = indent_chars * size / MM
        for n, line in enumerate(self.wrap(text, size, width, indent=indent)):
            self.text(x + (indent if n == 0 else 0), y, line, size, colour=colour)
            y += leading
        return y

    def line(self, x1, y1, x2, y2, *, width, colour):
        self.ops.append(
            f"{_rgb(colour)} RG {_number(width * MM)} w {_number(x1 * MM)} {_number(self._y(y1))} "
            f"m {_number(x2 * MM)} {_number(self._y(y2))} l S"
        )

    def rect(self, x, y, w, h, *, stroke=None, fill=None, width=0.3):
        paint = "B" if stroke and fill else "S" if stroke else "f"
        colours = (f"{_rgb(stroke)} RG {_number(width * MM)} w " if stroke else "") + (
            f"{_rgb(fill)} rg " if fill else ""
        )
        self.ops.append(
            f"{colours}{_number(x * MM)} {_number(self._y(y + h))} {_number(w * MM)} "
            f"{_number(h * MM)} re {paint}"
        )

    def circle(self, cx, cy, r, *, stroke, width):
        k = 0.5523 * r  # the Bézier control distance of a quarter circle
        x, y = cx * MM, self._y(cy)
        r, k = r * MM, k * MM
        n = _number
        self.ops.append(
            f"{_rgb(stroke)} RG {n(width * MM)} w {n(x + r)} {n(y)} m "
            f"{n(x + r)} {n(y + k)} {n(x + k)} {n(y + r)} {n(x)} {n(y + r)} c "
            f"{n(x - k)} {n(y + r)} {n(x - r)} {n(y + k)} {n(x - r)} {n(y)} c "
            f"{n(x - r)} {n(y - k)} {n(x - k)} {n(y - r)} {n(x)} {n(y - r)} c "
            f"{n(x + k)} {n(y - r)} {n(x + r)} {n(y - k)} {n(x + r)} {n(y)} c S"
        )

    def polygon(self, points, *, fill):
        path = " ".join(
            f"{_number(x * MM)} {_number(self._y(y))} {'m' if i == 0 else 'l'}"
            for i, (x, y) in enumerate(points)
        )
        self.ops.append(f"{_rgb(fill)} rg {path} h f")

    def begin_translucent(self):
        """Ink that lets what is under it show (a seal stamped over the signature)."""
        self.translucent = True
        self.ops.append("q /Ink gs")

    def end_translucent(self):
        self.ops.append("Q")

    def qr(self, x, y, size, url):
        """The QR code of `url`, `size` mm square, as a 1-bit image (pixel per module, drawn
        without smoothing) with its quiet zone."""
        import segno

        # A fixed mask: choosing the best of eight costs more than the rest of the encoding,
        # and any mask gives a code every reader scans.
        code = segno.make(url, error="m", mask=0, micro=False)
        scale = 6
        dark, light = "0" * scale, "1" * scale  # 1-bit gray: 1 is white
        rows = []
        for row in code.matrix_iter(scale=1, border=2):
            bits = "".join(dark if module else light for module in row)
            bits += "0" * (-len(bits) % 8)
            rows += [int(bits, 2).to_bytes(len(bits) // 8, "big")] * scale
        pixels = len(rows)
        name = f"Im{len(self.images) + 1}"
        self.images.append((name, pixels, b"".join(rows)))
        self.ops.append(
            f"q {_number(size * MM)} 0 0 {_number(size * MM)} {_number(x * MM)} "
            f"{_number(self._y(y + size))} cm /{name} Do Q"
        )


# Closing punctuation that never starts a line (it stays with the character before it).
_NO_LINE_START = set("，。、；：？！）》」』”’%,.;:?!)]")


def _tokens(text):
    """Characters, with runs of Latin letters and digits kept together."""
    word = ""
    for char in text:
        if char.isascii() and (char.isalnum() or char in "-_/.@:*"):
            word += char
            continue
        if word:
            yield word
            word = ""
        yield char
    if word:
        yield word


def _to_unicode(used):
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <ffff> endcodespacerange",
    ]
    items = sorted(used.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(
            f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>".encode() for gid, char in batch
        )
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return lines


def _compressed_stream(data, extra=None):
    extra = pydyf.Dictionary(extra or {})
    extra["Filter"] = "/FlateDecode"
    # Level 6 (zlib's default) gains little over 1 on these streams and costs twice the time.
    return pydyf.Stream([zlib.compress(data, 1)], extra)


def build(page, *, title, attachments=()):
    """The PDF (bytes) of `page`, with `attachments` [(name, bytes, description)]."""
    pdf = pydyf.PDF()
    font = page.font
    program = _compressed_stream(font.subset(page.used), {"Subtype": "/OpenType"})
    pdf.add_object(program)
    descriptor = pydyf.Dictionary(
        {
            "Type": "/FontDescriptor",
            "FontName": font.name,
            "Flags": 6,  # symbolic, serif
            "FontBBox": pydyf.Array(font.bbox),
            "ItalicAngle": 0,
            "Ascent": font.ascent,
            "Descent": font.descent,
            "CapHeight": font.cap_height,
            "StemV": 80,
            "FontFile3": program.reference,
        }
    )
    pdf.add_object(descriptor)
    widths = pydyf.Array()
    for gid in sorted(page.used):
        widths.extend([gid, pydyf.Array([font.widths.get(gid, 1000)])])
    cid_font = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/CIDFontType0",
            "BaseFont": font.name,
            "CIDSystemInfo": pydyf.Dictionary(
                {
                    "Registry": pydyf.String("Adobe"),
                    "Ordering": pydyf.String("Identity"),
                    "Supplement": 0,
                }
            ),
            "FontDescriptor": descriptor.reference,
            "W": widths,
        }
    )
    pdf.add_object(cid_font)
    to_unicode = _compressed_stream(b"\n".join(_to_unicode(page.used)))
    pdf.add_object(to_unicode)
    type0 = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/Type0",
            "BaseFont": font.name,
            "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([cid_font.reference]),
            "ToUnicode": to_unicode.reference,
        }
    )
    pdf.add_object(type0)
    xobjects = pydyf.Dictionary()
    for name, pixels, data in page.images:
        image = _compressed_stream(
            data,
            {
                "Type": "/XObject",
                "Subtype": "/Image",
                "Width": pixels,
                "Height": pixels,
                "ColorSpace": "/DeviceGray",
                "BitsPerComponent": 1,
                "Interpolate": "false",
            },
        )
        pdf.add_object(image)
        xobjects[name] = image.reference
    resources = pydyf.Dictionary(
        {"Font": pydyf.Dictionary({"F1": type0.reference}), "XObject": xobjects}
    )
    if page.translucent:
        resources["ExtGState"] = pydyf.Dictionary(
            {"Ink": pydyf.Dictionary({"Type": "/ExtGState", "ca": 0.85, "CA": 0.85})}
        )
    contents = _compressed_stream("\n".join(page.ops).encode())
    pdf.add_object(contents)
    pdf.add_page(
        pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": pdf.pages.reference,
                "MediaBox": pydyf.Array(
                    [0, 0, _number(page.width * MM), _number(page.height * MM)]
                ),
                "Resources": resources,
                "Contents": contents.reference,
            }
        )
    )
    names = pydyf.Array()
    for name, data, description in attachments:
        embedded = _compressed_stream(
            data, {"Type": "/EmbeddedFile", "Params": pydyf.Dictionary({"Size": len(data)})}
        )
        pdf.add_object(embedded)
        spec = pydyf.Dictionary(
            {
                "Type": "/Filespec",
                "F": pydyf.String(name),
                "UF": pydyf.String(name),
                "Desc": pydyf.String(description),
                "EF": pydyf.Dictionary({"F": embedded.reference}),
            }
        )
        pdf.add_object(spec)
        names.extend([pydyf.String(name), spec.reference])
    if names:
        pdf.catalog["Names"] = pydyf.Dictionary(
            {"EmbeddedFiles": pydyf.Dictionary({"Names": names})}
        )
    pdf.info["Title"] = pydyf.String(title)
    pdf.info["Producer"] = pydyf.String("OneWindow")
    output = io.BytesIO()
    pdf.write(output, version=b"1.7")
    return output.getvalue()
