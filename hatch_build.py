"""Build hook: compile the prover's scanner (toolkit/prover/_scan.c) into the wheel.

The extension is optional. Without a C compiler or Python's headers (or with
QUAY_CONTRACT_NO_NATIVE=1) the build still succeeds, as a pure wheel whose validation takes the
exact path for every line; `quay-contract --version` says which path is active.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("toolkit/prover/_scan.c")


class ProverBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if os.environ.get("QUAY_CONTRACT_NO_NATIVE"):
            return
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        root = Path(self.root)
        if version == "editable":
            target = root / SOURCE.with_name("_scan" + suffix)
        else:
            target = Path(tempfile.mkdtemp()) / ("_scan" + suffix)
        if not _compile(root / SOURCE, target):
            self.app.display_warning("prover: no C compiler; building without the fast path")
            return
        if version != "editable":
            build_data["force_include"][str(target)] = str(SOURCE.with_name(target.name))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True


def _compile(source: Path, target: Path) -> bool:
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").exists():
        return False
    command = [*cc, "-O2", "-shared", "-fPIC", f"-I{include}", str(source), "-o", str(target)]
    try:
        done = subprocess.run(command, capture_output=True, check=False, timeout=300)
    except OSError:
        return False
    return done.returncode == 0 and target.exists()
