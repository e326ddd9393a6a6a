"""Draw the Teams app's two icons: `color.png` (192x192, full colour) and `outline.png`
(32x32, white on transparent), as the app manifest asks. Run from the repository root:

    .venv/bin/python deploy/teams/make_icons.py

The glyph is a clock face with its hands at a quarter past (a Rapid Review runs against the
clock) inside a ring; it is drawn at eight times the size and scaled down, so its edges are
smooth. Pillow comes with matplotlib, a dependency of rrbot. The output is the same on every
run, so the committed files can be checked against it.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = (35, 90, 140, 255)  # #235A8C, the manifest's accentColor
WHITE = (255, 255, 255, 255)
SCALE = 8  # drawn this many times larger, then scaled down
HERE = Path(__file__).resolve().parent


def _glyph(draw: ImageDraw.ImageDraw, size: int, margin: int, colour: tuple[int, ...]) -> None:
    """The ring and the hands, in `colour`, inside a square of `size` with `margin` around."""
    ring = max(size // 12, SCALE * 2)  # the ring's width
    box = (margin, margin, size - margin, size - margin)
    draw.ellipse(box, outline=colour, width=ring)
    centre = size // 2
    radius = (size - 2 * margin) // 2
    hand = max(ring * 3 // 4, SCALE * 2)
    draw.line((centre, centre, centre, centre - radius * 6 // 10), fill=colour, width=hand)
    draw.line((centre, centre, centre + radius * 5 // 10, centre), fill=colour, width=hand)
    dot = hand
    draw.ellipse((centre - dot, centre - dot, centre + dot, centre + dot), fill=colour)


def colour_icon(pixels: int = 192) -> Image.Image:
    size = pixels * SCALE
    image = Image.new("RGBA", (size, size), ACCENT)
    _glyph(ImageDraw.Draw(image), size, margin=size * 22 // 100, colour=WHITE)
    return image.resize((pixels, pixels), Image.Resampling.LANCZOS)


def outline_icon(pixels: int = 32) -> Image.Image:
    size = pixels * SCALE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    _glyph(ImageDraw.Draw(image), size, margin=size * 6 // 100, colour=WHITE)
    small = image.resize((pixels, pixels), Image.Resampling.LANCZOS)
    # White only: scaling blends edge pixels towards the transparent black around them.
    alpha = small.getchannel("A")
    white = Image.new("RGBA", small.size, WHITE)
    white.putalpha(alpha)
    return white


def main() -> None:
    colour_icon().save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)


if __name__ == "__main__":
    main()
