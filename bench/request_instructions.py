"""Instructions per request, counted by valgrind (callgrind): the same figure on a busy or an idle machine.

    .venv/bin/python bench/request_instructions.py [--pages checklist] [--requests 144]

Timings on these shared 2-core machines move by several percent from run to run, more than most single
changes to a request's code; an instruction count does not (two runs of the same code agree within
0.05%). It is a proxy, not a time: it misses cache misses and the memory that brotli and the like touch,
so confirm a change with bench/request_cpu.py and bench/http_load.py too.

The child process sets the app up as bench/request_cpu.py does (the instance `make setup` made, each URL
requested twice first, the garbage collector's objects frozen) with valgrind's instrumentation off, so
setting up runs at near full speed; callgrind counts only while it answers `--requests` requests of the
page type, then the child exits. Needs Debian's valgrind (`apt-get install valgrind`).
"""
from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(PROJECT_ROOT)

import argparse  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bench import request_cpu  # noqa: E402
from shinjuku_pwa import create_app  # noqa: E402

_READY, _GO, _DONE = "ready", "go", "done"


def child(page_type: str, count: int, signals: Path) -> None:
    """Set up without instrumentation, then answer `count` requests between the two signals."""
    os.environ.setdefault("LOG_FORMAT", "json")
    app = create_app()
    request_cpu.quiet_json_log()
    environs = [request_cpu.environ_for(url) for url in request_cpu.URL_BUILDERS[page_type](app.test_client())]
    for environ in environs * 2:
        request_cpu.call(app, environ)
    gc.collect()
    gc.freeze()
    (signals / _READY).touch()
    while not (signals / _GO).exists():
        time.sleep(0.05)
    for index in range(count):
        request_cpu.call(app, environs[index % len(environs)])
    (signals / _DONE).touch()


def _wait_for(path: Path, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise SystemExit(f"the measured process ended early ({process.returncode})")
        if time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"no {path.name} signal within {seconds:.0f} s")
        time.sleep(0.2)


def measure(page_type: str, count: int) -> int:
    """Instructions callgrind counted while the child answered `count` requests."""
    with tempfile.TemporaryDirectory(prefix="instructions-") as folder:
        signals = Path(folder)
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={signals}/out.%p",
                   sys.executable, __file__, "--child", page_type, "--requests", str(count), "--signals", str(signals)]
        # A fixed hash seed: dict and set layouts, so the count, stay the same from run to run.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        with open(signals / "valgrind.log", "w") as log:
            process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
            _wait_for(signals / _READY, process, 600)
            subprocess.run(["callgrind_control", "--instr=on", str(process.pid)], check=True, capture_output=True)
            (signals / _GO).touch()
            _wait_for(signals / _DONE, process, 1800)
            subprocess.run(["callgrind_control", "--instr=off", str(process.pid)], check=True, capture_output=True)
            process.wait(timeout=600)
        found = re.search(r"Collected : ([\d,]+)", (signals / "valgrind.log").read_text())
        if not found:
            raise SystemExit("callgrind printed no count")
        return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", default="checklist", help="comma-separated: checklist, page-view")
    parser.add_argument("--requests", type=int, default=144, help="requests counted per page type")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--signals", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.requests, args.signals)
        return
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    for page_type in args.pages.split(","):
        total = measure(page_type, args.requests)
        print(f"{page_type:<12} {total // args.requests:>12,} instructions per request ({args.requests} requests)")


if __name__ == "__main__":
    main()
