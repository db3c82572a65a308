"""How long `quay-contract diff` takes on the real schemas: rules only, and with replay evidence.

Copies schemas/ to a temporary folder, applies three realistic edits (an enum widened, a shared
field made nullable, a bound tightened) and times the diff in-process. Prints figures; asserts
nothing. Run: .venv/bin/python bench/diff_speed.py
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from toolkit.contract.schemaset import load_folder
from toolkit.diff import evidence as diff_evidence
from toolkit.diff.classify import diff_sets

ROOT = Path(__file__).resolve().parent.parent


def _edit(root: Path) -> None:
    path = root / "build_success.schema.json"
    schema = json.loads(path.read_text())
    schema["properties"]["trigger_kind"]["anyOf"][0]["enum"].append("azure-devops")
    schema["properties"]["build_name"]["minLength"] = 7
    path.write_text(json.dumps(schema))
    path = root / "_common" / "trigger_metadata.schema.json"
    schema = json.loads(path.read_text())
    schema["properties"]["git_url"]["type"] = ["string", "null"]
    path.write_text(json.dumps(schema))


def _time(samples: int | None, runs: int = 3) -> tuple[float, str]:
    times, detail = [], ""
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            new = Path(tmp) / "schemas"
            shutil.copytree(ROOT / "schemas", new)
            _edit(new)
            start = time.perf_counter()
            old_set, new_set = load_folder(ROOT / "schemas"), load_folder(new)
            result = diff_sets(old_set, new_set, "both")
            if samples is not None:
                opts = diff_evidence.Options(samples=samples, test_data=ROOT / "tests" / "data")
                diff_evidence.gather(result, old_set, new_set, opts)
            times.append(time.perf_counter() - start)
            replays = result.evidence.values()
            detail = (
                f"{len(result.changes)} changes, {len(result.evidence)} events replayed, "
                f"{sum(r.forward_total + r.reverse_total for r in replays)} payloads"
            )
    return statistics.median(times), detail


def main() -> None:
    for label, samples in (("rules only", None), ("evidence, 0 fuzz", 0), ("evidence, 50", 50)):
        median, detail = _time(samples)
        print(f"{label:<18} median {median:6.2f} s over 3 runs ({detail})")


if __name__ == "__main__":
    main()
