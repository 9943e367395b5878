"""Reading QR codes as a phone would: Debian's zbarimg (zbar-tools, installed by `make test`) on a picture."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in ``png`` (raw bytes as UTF-8: ГОСТ Р 56042 codes carry Cyrillic)."""
    if shutil.which("zbarimg") is None:
        pytest.fail("zbarimg is missing: `make test` installs Debian zbar-tools")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "code.png"
        path.write_bytes(png)
        found = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sbinary", "-Sqrcode.enable", str(path)],
                               capture_output=True, check=False)
    assert found.returncode == 0, f"no QR code found: {found.stderr.decode(errors='replace')}"
    return found.stdout.decode("utf-8").removesuffix("\n")
