#!/usr/bin/env python3
"""The documentation cannot drift silently: every relative link and image of README.md, doc/, benchmarks/
and the Apps page (static/description/index.html) points at a file that exists, every anchor (#…) of a link
into a Markdown page at one of its headings, every screenshot named in doc/shots.json is in doc/images/ in
each language, and README.md stays short (12 KB at most).

    python3 tools/check_docs.py          # prints what is broken; exit code 1 if anything is

Run by ``make test`` as one check."""
import json
import os
import re
import sys
import unicodedata
from urllib.parse import unquote, urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README_LIMIT = 12 * 1024
LANGS = ("zh_CN", "en_US")
MD_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
MD_REF = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)
HTML_REF = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
CODE_BLOCK = re.compile(r"```.*?```", re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")


def documents():
    yield os.path.join(ROOT, "README.md")
    for folder in ("doc", "benchmarks"):
        for dirpath, _dirnames, filenames in os.walk(os.path.join(ROOT, folder)):
            for filename in sorted(filenames):
                if filename.endswith(".md"):
                    yield os.path.join(dirpath, filename)
    yield os.path.join(ROOT, "static", "description", "index.html")


def slug(heading):
    """GitHub's anchor of a Markdown heading."""
    text = re.sub(r"[`*~]|<[^>]+>", "", heading.strip().lower())
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LNM")
    return text.replace(" ", "-")


def anchors(path):
    with open(path, encoding="utf-8") as handle:
        text = CODE_BLOCK.sub("", handle.read())
    found, seen = set(), {}
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if not count else f"{base}-{count}")
    found.update(re.findall(r"""<a\s+(?:name|id)=["']([^"']+)["']""", text))
    return found


def targets(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".md"):
        text = INLINE_CODE.sub("", CODE_BLOCK.sub("", text))
        return MD_LINK.findall(text) + MD_REF.findall(text) + HTML_REF.findall(text)
    return HTML_REF.findall(text)


def check_links():
    problems = []
    for path in documents():
        if not os.path.exists(path):
            problems.append(f"{os.path.relpath(path, ROOT)}: missing")
            continue
        for target in targets(path):
            parsed = urlparse(target)
            if parsed.scheme or target.startswith(("//", "mailto:", "data:")) or "{{" in target:
                continue
            relative = os.path.relpath(path, ROOT)
            file_part = unquote(parsed.path)
            destination = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            if not os.path.exists(destination):
                problems.append(f"{relative}: broken link {target}")
                continue
            if parsed.fragment and destination.endswith(".md") and unquote(parsed.fragment) not in anchors(destination):
                problems.append(f"{relative}: no heading #{parsed.fragment} in {os.path.relpath(destination, ROOT)}")
    return problems


def check_screenshots():
    shots_file = os.path.join(ROOT, "doc", "shots.json")
    if not os.path.exists(shots_file):
        return []
    with open(shots_file, encoding="utf-8") as handle:
        shots = json.load(handle)
    problems = []
    for shot in shots:
        for lang in LANGS:
            image = os.path.join(ROOT, "doc", "images", lang, shot.get("out", shot["name"] + ".png"))
            if not os.path.exists(image):
                problems.append(f"doc/shots.json: {shot['name']} was not taken in {lang} "
                                f"(python3 tools/screenshots.py --only {shot['name']})")
    return problems


def main():
    problems = check_links() + check_screenshots()
    size = os.path.getsize(os.path.join(ROOT, "README.md"))
    if size > README_LIMIT:
        problems.append(f"README.md is {size} bytes: keep it under {README_LIMIT} (the rest belongs in doc/)")
    for problem in problems:
        print(f"  {problem}")
    print(f"documentation check: {'passed' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
