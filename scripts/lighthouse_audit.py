"""`make audit`: Lighthouse (mobile settings) on home and one page in three locales.

Starts the app with gunicorn on a free loopback port (as `make run` serves it), runs the pinned
Lighthouse from tools/audit/node_modules against Debian's Chromium, and prints the scores.
Targets: accessibility, best practices and SEO 100; performance 95 or more.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "tools" / "audit" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
PAGES = [f"/{lang}/{path}" for lang in ("ja", "en", "ne") for path in ("", "pages/moving-in")]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `npm ci --prefix tools/audit` (make audit does).", file=sys.stderr)
        return 2
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "PUSH_WORKER_IN_WEB": "0", "WORKERS": "2"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/ja/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        failures = 0
        print(f"{'page':<22}" + "".join(f"{c:>16}" for c in CATEGORIES))
        for path in PAGES:
            with tempfile.TemporaryDirectory() as profile:
                result = subprocess.run(
                    [str(LIGHTHOUSE), base + path, "--quiet", "--output=json", "--output-path=stdout",
                     f"--only-categories={','.join(CATEGORIES)}", f"--chrome-path={CHROMIUM}",
                     "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
                     f"--disable-background-networking --disable-component-update --disable-sync --user-data-dir={profile}"],
                    capture_output=True, text=True, timeout=240)
            if result.returncode != 0:
                print(f"{path:<22} Lighthouse failed: {result.stderr.strip()[-300:]}")
                failures += 1
                continue
            report = json.loads(result.stdout)
            scores = {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
            failures += sum(scores[c] < TARGETS[c] for c in CATEGORIES)
            print(f"{path:<22}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES))
        print("all targets met" if not failures else f"{failures} score(s) below target")
        return 0 if not failures else 1
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    sys.exit(main())
