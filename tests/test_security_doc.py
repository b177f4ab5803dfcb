"""docs/security.md names the test behind each claim: every file and test it names exists,
so a renamed or deleted test cannot leave a claim without its proof."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"


def _references():
    """(file, test name or None) for each `tests/…` and `::name` in the document, in order."""
    current = None
    for code in re.findall(r"`([^`]+)`", DOC.read_text()):
        if code.startswith("tests/"):
            current, *names = code.split("::")
            yield current, None
        elif code.startswith("::") and current:
            names = [code[2:]]
        else:
            continue
        for name in names:
            yield current, name


def test_every_test_named_in_the_security_document_exists():
    missing = []
    count = 0
    for path, name in _references():
        file = ROOT / path
        if not file.exists():
            missing.append(path)
            continue
        if name is not None:
            count += 1
            if not re.search(rf"^(async )?def {re.escape(name)}\(", file.read_text(), re.M):
                missing.append(f"{path}::{name}")
    assert missing == []
    assert count >= 100


def test_every_script_named_in_the_security_document_exists():
    for script in re.findall(r"`(\.ci/[\w-]+)`", DOC.read_text()):
        assert (ROOT / script).exists(), script
