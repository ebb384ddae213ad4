"""Write community/data/traditional_to_simplified.txt from OpenCC's t2s conversion.

The watched-word rules read traditional characters as simplified ones. The table is
made once from OpenCC (a development dependency) and kept in the repository, so the
web processes need neither OpenCC's library nor its dictionaries in memory;
tests/community/test_watched_words.py checks the kept table against OpenCC.

    .venv/bin/python scripts/traditional_to_simplified.py
"""

from pathlib import Path

import opencc

TABLE = (
    Path(__file__).resolve().parent.parent / "community" / "data" / "traditional_to_simplified.txt"
)
# CJK Unified Ideographs and Extension A: every character posts are written in.
RANGES = [(0x3400, 0x4DC0), (0x4E00, 0xA000)]


def pairs():
    """Each character OpenCC's t2s changes, with its simplified form (one character)."""
    chars = [chr(code) for start, end in RANGES for code in range(start, end)]
    # One character a line, so no phrase conversion spans two characters.
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return [
        (char, simple)
        for char, simple in zip(chars, converted, strict=True)
        if simple != char and len(simple) == 1
    ]


def render():
    return "".join(f"{char}\t{simple}\n" for char, simple in pairs())


if __name__ == "__main__":
    TABLE.write_text(render(), encoding="utf-8")
    print(f"wrote {TABLE}")
