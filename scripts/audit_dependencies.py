"""CI: check the installed (pinned) dependencies for known vulnerabilities with pip-audit.

Exits 1 only when a known vulnerability is found. When the vulnerability service cannot be
reached, or does not know our versions, it says so plainly and exits 0: an audit that could not
run must not pass for a clean one, nor stop every other check.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    # --local: this virtualenv, i.e. exactly the pins `make install` put there.
    run = subprocess.run(  # nosec B603 - our own tool, fixed arguments
        [str(PIP_AUDIT), "--local", "--format", "json", "--progress-spinner", "off"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        reason = (run.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit: NOT AUDITED - the vulnerability service could not be reached ({reason[:300]})")
        return 0
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"pip-audit: {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in: {fixes})")
    if vulnerable:
        print(f"pip-audit: FAILED - {len(vulnerable)} pinned dependencies have known vulnerabilities")
        return 1
    if audited == 0:
        print(f"pip-audit: NOT AUDITED - the vulnerability service knows none of our {len(skipped)} "
              "dependency versions here (no network beyond the package mirror?)")
        return 0
    print(f"pip-audit: {audited} dependencies audited, no known vulnerabilities; {len(skipped)} could not be audited")
    return 0


if __name__ == "__main__":
    sys.exit(main())
