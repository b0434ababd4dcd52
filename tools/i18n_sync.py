#!/usr/bin/env python3
"""Merge i18n/<module>.pot into i18n/zh_CN.po, keeping existing translations.

The .pot carries Odoo's occurrence comments (``#: model:ir.ui.menu,name:...``), which Odoo needs
to load model terms, so every entry of the .po is rebuilt from the .pot; only ``msgstr`` is
carried over from the previous .po. Prints the entries still untranslated and exits 1 if any.
"""

import os
import sys

import polib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "sales_project_management"


def main():
    pot_path = os.path.join(REPO, "i18n", f"{MODULE}.pot")
    po_path = os.path.join(REPO, "i18n", "zh_CN.po")
    pot = polib.pofile(pot_path, wrapwidth=78)
    old = polib.pofile(po_path) if os.path.exists(po_path) else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old if e.msgstr and not e.obsolete}
    known_by_id = {e.msgid: e.msgstr for e in old if e.msgstr and not e.obsolete}

    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata)
    po.metadata.update({
        "Language": "zh_CN",
        "Language-Team": "Chinese (Simplified)",
        "Plural-Forms": "nplurals=1; plural=0;",
        "Content-Type": "text/plain; charset=UTF-8",
    })
    po.header = pot.header
    missing = []
    for entry in pot:
        msgstr = known.get((entry.msgctxt, entry.msgid)) or known_by_id.get(entry.msgid, "")
        po.append(polib.POEntry(
            msgid=entry.msgid, msgstr=msgstr, msgctxt=entry.msgctxt, comment=entry.comment,
            tcomment=entry.tcomment, occurrences=entry.occurrences, flags=list(entry.flags),
        ))
        if not msgstr:
            missing.append(entry.msgid)
    po.save(po_path)
    print(f"{len(pot)} terms, {len(pot) - len(missing)} translated, {len(missing)} missing")
    for msgid in missing:
        print(f"  untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
