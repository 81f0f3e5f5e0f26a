"""The issuing department's electronic seal (电子印章), drawn by the platform.

A red circular seal as Chinese official documents carry it: a thick outer ring, the department's
name along the upper arc, a five-pointed star in the centre and the seal's purpose (e.g.
行政许可专用章) in a straight line below the star. Nothing is copied from elsewhere: the drawing is
computed from the name, and its characters stay text (the PDF's text layer carries them, so a
reader and the tests find the department's name in the seal). The ink is slightly translucent,
as a stamp over the signature line is.
"""

import math

SEAL_RED = "#d7000f"
# In units of a 200-unit square; the layout chooses the printed size (42 mm, the usual seal).
SIZE = 200
RING_RADIUS = 94
RING_WIDTH = 5
TEXT_RADIUS = 60  # the characters' baseline: their tops stay clear of the ring
STAR_RADIUS = 27
PURPOSE_BASELINE = 58  # below the centre


def arc_angles(count):
    """The angle (degrees, 0 = top, clockwise) of each character, centred on the top: a short name
    spreads over less of the arc, a long one up to 250 degrees."""
    if count <= 1:
        return [0.0] * count
    span = min(250.0, 24.0 * count)
    step = span / count
    first = -span / 2 + step / 2
    return [first + n * step for n in range(count)]


def star_points(cx, cy, radius):
    """The ten corners of a five-pointed star, one point up (y grows downwards)."""
    points = []
    for n in range(10):
        r = radius if n % 2 == 0 else radius * 0.382
        angle = math.radians(-90 + 36 * n)
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def name_size(count):
    """The characters' size (seal units): the more characters, the smaller, so the name stays on
    its arc."""
    return 30 if count <= 8 else 26 if count <= 12 else 21


def draw_seal(page, cx, cy, diameter, name, purpose=""):
    """The seal of the department `name`, centred on (cx, cy) mm, `diameter` mm wide."""
    unit = diameter / SIZE  # mm per seal unit
    points = unit * 72 / 25.4  # points per seal unit (font sizes)
    characters = [c for c in (name or "").strip() if not c.isspace()]
    page.begin_translucent()
    page.circle(
        cx, cy, (RING_RADIUS - RING_WIDTH / 2) * unit, stroke=SEAL_RED, width=RING_WIDTH * unit
    )
    page.polygon(star_points(cx, cy, STAR_RADIUS * unit), fill=SEAL_RED)
    size = name_size(len(characters)) * points
    for character, angle in zip(characters, arc_angles(len(characters)), strict=True):
        theta = math.radians(angle)
        radius = TEXT_RADIUS * unit
        page.rotated_text(
            cx + radius * math.sin(theta),
            cy - radius * math.cos(theta),
            character,
            size,
            angle,
            colour=SEAL_RED,
        )
    if purpose:
        page.text(
            cx, cy + PURPOSE_BASELINE * unit, purpose, 17 * points, colour=SEAL_RED, align="center"
        )
    page.end_translucent()
