"""The issuing department's electronic seal (电子印章), drawn by the platform as inline SVG.

A red circular seal as Chinese official documents carry it: a thick outer ring, the department's
name along the upper arc, a five-pointed star in the centre and, optionally, the seal's purpose
(e.g. 行政许可专用章) in a straight line below the star. Nothing is copied from elsewhere: the
drawing is computed from the name, and its characters stay text (the PDF's text layer carries them,
so a reader and the tests can find the department's name in the seal).

The SVG of a department is cached per (name, purpose): every certificate of a department draws the
same seal.
"""

import math
from functools import lru_cache
from html import escape

SEAL_RED = "#d7000f"
SIZE = 200  # viewBox units; the template sets the printed size (42 mm, the usual seal)
CENTRE = SIZE / 2
RING_RADIUS = 94
RING_WIDTH = 5
TEXT_RADIUS = 60  # the characters' baseline: their tops stay clear of the ring
STAR_RADIUS = 27


def _arc_angles(count):
    """The angle (degrees, 0 = top, clockwise) of each character, centred on the top: a short name
    spreads over less of the arc, a long one up to 250 degrees."""
    if count <= 1:
        return [0.0] * count
    span = min(250.0, 24.0 * (count - 1) + 24.0)
    step = span / count
    first = -span / 2 + step / 2
    return [first + n * step for n in range(count)]


def _star_points():
    points = []
    for n in range(10):
        radius = STAR_RADIUS if n % 2 == 0 else STAR_RADIUS * 0.382
        angle = math.radians(-90 + 36 * n)
        points.append(
            f"{CENTRE + radius * math.cos(angle):.2f},{CENTRE + radius * math.sin(angle):.2f}"
        )
    return " ".join(points)


@lru_cache(maxsize=256)
def seal_svg(name, purpose=""):
    """The seal of the department `name` as an <svg> element (a string, safe to mark_safe: the
    name and purpose are escaped)."""
    characters = [c for c in (name or "").strip() if not c.isspace()]
    # The more characters, the smaller each one, so that the name stays on its arc.
    font_size = 30 if len(characters) <= 8 else 26 if len(characters) <= 12 else 21
    letters = "".join(
        f'<text x="{CENTRE}" y="{CENTRE - TEXT_RADIUS}" font-size="{font_size}" '
        f'text-anchor="middle" transform="rotate({angle:.2f} {CENTRE} {CENTRE})">'
        f"{escape(character)}</text>"
        for character, angle in zip(characters, _arc_angles(len(characters)), strict=True)
    )
    below = (
        f'<text x="{CENTRE}" y="{CENTRE + 58}" font-size="17" text-anchor="middle">'
        f"{escape(purpose)}</text>"
        if purpose
        else ""
    )
    return (
        f'<svg class="seal" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'role="img" aria-label="{escape(name)}">'
        f'<g fill="{SEAL_RED}" stroke="none" font-family="Noto Serif CJK SC GB2312, Noto Serif CJK SC" '
        f'fill-opacity="0.88">'
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RING_RADIUS - RING_WIDTH / 2}" fill="none" '
        f'stroke="{SEAL_RED}" stroke-width="{RING_WIDTH}"/>'
        f'<polygon points="{_star_points()}"/>'
        f"{letters}{below}</g></svg>"
    )
