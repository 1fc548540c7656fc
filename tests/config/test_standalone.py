"""The repository stands on its own: nothing in it reads a file beside or above it, nor an
absolute path of one particular machine. A plain clone (or `git archive`) must pass."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Folders that tools make (caches, the virtualenv, collected static files): not the source.
SKIPPED_FOLDERS = {"node_modules", "staticfiles", "var", "media", "__pycache__"}
KEPT_DOT_FOLDERS = {".ci"}
SKIPPED_SUFFIXES = {".mo", ".png", ".ico", ".woff", ".woff2", ".ttf", ".pdf", ".zip", ".min.js"}
OUTSIDE = re.compile(
    "|".join(
        [
            r"\.\./" + "shared",  # the briefs' folder beside the repository
            r"/\s*[\"']" + "shared" + r"[\"']",  # Path(...) / "shared"
            "/" + "work/",  # the workplace's absolute paths
            "/" + r"home/\w",
            r"(?:open|Path)\(\s*[\"']/(?!usr/bin/|dev/|proc/|tmp\b)",  # open("/abs/path")
        ]
    )
)


def repository_files():
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        folders = relative.parts[:-1]
        if set(folders) & SKIPPED_FOLDERS or not path.is_file() or path.name == ".git":
            continue  # in a git worktree, `.git` is a file naming where the repository is
        if any(part.startswith(".") and part not in KEPT_DOT_FOLDERS for part in folders):
            continue
        if relative.parts[:2] == ("static", "vendor") or path.name.endswith(
            tuple(SKIPPED_SUFFIXES)
        ):
            continue
        yield relative, path


def test_no_file_reads_outside_the_repository():
    offending = []
    for relative, path in repository_files():
        if path == Path(__file__).resolve():
            continue  # its own patterns and examples
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offending.append(f"{relative}:{number}: {line.strip()[:120]}")
    assert offending == []


def test_the_pattern_catches_what_it_is_for():
    # Guard the guard: each way a file could reach outside is caught.
    for line in [
        'WORKED = Path(__file__).parents[3] / "' + 'shared" / "examples"',
        "see ../" + "shared/docs/methodology.md",
        'open("/' + 'work/shared/examples/outages.csv")',
        'Path("/' + 'srv/data/x.csv")',
    ]:
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search('CHROMIUM = "/usr/bin/chromium"')


def test_the_worked_example_is_in_the_repository():
    folder = ROOT / "docs" / "examples" / "worked-example"
    for name in ["outages.csv", "doctors.csv", "slots.csv", "consultations.csv", "README.md"]:
        assert (folder / name).is_file(), name
    assert (ROOT / "docs" / "methodology.md").is_file()
