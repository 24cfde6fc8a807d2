"""A project others can pick up: its docs link only files in the repository, and nothing in
code, tests or docs points at a tracker issue by number."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# The word and a number, or a hash and a number after a space or bracket; not a CSS colour or
# an HTML entity.
ISSUE_NUMBER = re.compile(r"\b[Ii]ssues? ?#?\d+\b|(?:^|[\s(\[])(?<!color: )#\d+\b")


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:  # not a git checkout (an unpacked sdist): walk the tree
        return [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return [ROOT / line for line in listed.stdout.splitlines() if (ROOT / line).is_file()]


def markdown_files() -> list[Path]:
    return sorted(path for path in tracked_files() if path.suffix == ".md")


@pytest.mark.parametrize("doc", markdown_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_links_stay_inside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor in the same page
        resolved = (doc.parent / target.split("#")[0]).resolve()
        assert resolved.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
        assert resolved.exists(), f"{doc.name} links a missing file: {target}"
    assert "../shared" not in text, f"{doc.name} points outside the repository"


def test_the_readme_links_the_design_notes_the_code_refers_to() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/DESIGN.md)" in readme and "(LICENSE)" in readme
    mentions = [
        path
        for path in tracked_files()
        if path.suffix in {".py", ".sql", ".yml"} and "DESIGN.md" in path.read_text("utf-8")
    ]
    assert mentions, "the code refers to the design notes"
    assert (ROOT / "docs/DESIGN.md").is_file()


def test_no_tracker_issue_numbers_in_code_tests_or_docs() -> None:
    offenders = []
    for path in tracked_files():
        if path.suffix not in {".py", ".sql", ".yml", ".yaml", ".md", ".toml", ".txt", ""}:
            continue
        for number, line in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
            if ISSUE_NUMBER.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


WORD, HASH = "issue", "#"  # apart, so that this file does not trip its own check


@pytest.mark.parametrize(
    "line", [f"see {WORD} 3", f"fixes {HASH}12", f"{WORD.title()} {HASH}7 says", f"({WORD}s 2)"]
)  # fmt: skip
def test_the_issue_check_catches_references(line: str) -> None:
    assert ISSUE_NUMBER.search(line)


@pytest.mark.parametrize(
    "line",
    ["color: #fff", "color: #555", '"color": "#333"', "&#8212;", "x#1y", "an issue with 3 rows"],
)
def test_the_issue_check_lets_other_text_through(line: str) -> None:
    assert not ISSUE_NUMBER.search(line)
