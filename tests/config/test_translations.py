"""French, Dutch and English catalogues are complete, and the compiled files match them."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ["fr", "nl", "en"]


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr values, fuzzy flag."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry or {"fuzzy": False, "msgstr": {}}
        if line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgid|msgid_plural|msgctxt|msgstr(?:\[\d+\])?) "(.*)"$', line):
            field = match.group(1)
            value = match.group(2)
            if field.startswith("msgstr"):
                entry["msgstr"][field] = value
            else:
                entry[field] = value
        elif line.startswith('"') and field:
            value = line[1:-1]
            if field.startswith("msgstr"):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def unescape(po_string: str) -> str:
    """A .po string's C escapes (\\n, \\") turned into the characters gettext returns."""
    return po_string.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    entries = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in read_po(folder / "django.po"):
        msgid = unescape(entry["msgid"])
        key = msgid if "msgctxt" not in entry else f"{unescape(entry['msgctxt'])}\x04{msgid}"
        if "msgid_plural" in entry:
            translated = compiled.ngettext(key, unescape(entry["msgid_plural"]), 1)
            assert translated == unescape(entry["msgstr"]["msgstr[0]"])
        else:
            assert compiled.gettext(key) == unescape(entry["msgstr"]["msgstr"]), msgid
