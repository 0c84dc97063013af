"""Draw the app icons (run once; the PNGs are committed): a white home with a ginkgo leaf on ward blue.

The ginkgo leaf stands for Tokyo; the roof line for "living in Shinjuku". Maskable icons keep
everything inside the central 80% safe zone.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 83, 148, 255)
WHITE = (255, 255, 255, 255)
GOLD = (255, 191, 71, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def draw(size: int, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then shrink, for smooth edges
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    if maskable:
        d.rectangle([0, 0, s, s], fill=BLUE)
        inset = 0.2 * s  # safe zone: a circle of 40% radius
    else:
        d.rounded_rectangle([0, 0, s - 1, s - 1], radius=int(0.22 * s), fill=BLUE)
        inset = 0.12 * s
    box = s - 2 * inset
    x0, y0 = inset, inset

    def p(fx: float, fy: float) -> tuple[float, float]:
        return (x0 + fx * box, y0 + fy * box)

    # House: roof and body.
    d.polygon([p(0.08, 0.46), p(0.5, 0.08), p(0.92, 0.46), p(0.82, 0.46), p(0.5, 0.19), p(0.18, 0.46)], fill=WHITE)
    d.polygon([p(0.2, 0.44), p(0.5, 0.2), p(0.8, 0.44), p(0.8, 0.9), p(0.2, 0.9)], fill=WHITE)
    # Ginkgo leaf inside the house: a fan with a notch, and its stem.
    cx, cy = p(0.5, 0.74)
    radius = 0.27 * box
    fan = [(cx, cy)]
    for step in range(0, 61):
        angle = math.radians(-150 + step * 2)  # from -150° to -30°: an upward fan
        wobble = 1.0 - 0.06 * math.cos(math.radians(step * 12))
        fan.append((cx + radius * wobble * math.cos(angle), cy + radius * wobble * math.sin(angle)))
    d.polygon(fan, fill=GOLD)
    notch = [p(0.5, 0.5), p(0.47, 0.45), p(0.53, 0.45)]
    d.polygon(notch, fill=WHITE)
    d.line([p(0.5, 0.74), p(0.5, 0.86)], fill=GOLD, width=int(0.035 * box))
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    draw(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    draw(96, maskable=False).save(OUT / "badge-96.png", optimize=True)


if __name__ == "__main__":
    main()
