"""Test certificates made with openssl: a CA and certificates it signs (for the TLS tests of
send and of the receivers)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(folder: Path, certificates: Mapping[str, str]) -> Path:
    """In `folder`: ca.pem / ca.key (CN test-ca), and for each name of `certificates` a
    NAME.pem / NAME.key signed by the CA with those X.509 v3 extensions (CN NAME), valid 2
    days. Returns `folder`."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
             "ca.pem", "-days", "2", "-subj", "/CN=test-ca", cwd=folder)  # fmt: skip
    for name, extensions in certificates.items():
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                 f"{name}.csr", "-subj", f"/CN={name}", cwd=folder)  # fmt: skip
        (folder / f"{name}.ext").write_text(extensions + "\n")
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile",
                 f"{name}.ext", cwd=folder)  # fmt: skip
    return folder
