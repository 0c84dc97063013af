"""Take the manifest's screenshots (narrow and wide) of a running server: `python scripts/take_screenshots.py URL`."""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "static" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        for name, width, height, scale in (("home-narrow", 540, 1200, 1), ("home-wide", 1280, 800, 1)):
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
            page.goto(f"{base}/ja/")
            path = OUT / f"{name}.png"
            page.screenshot(path=str(path))
            page.close()
            # A 256-colour palette keeps text crisp at a fraction of the size.
            Image.open(path).convert("RGB").quantize(colors=256).save(path, optimize=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
