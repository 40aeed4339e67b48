"""Which legacy encoding a file that is not UTF-8 is in, so that it is not read garbled.

charset-normalizer decodes the sample with each candidate encoding and scores the result
(``chaos``: how messy the text looks; ``coherence``: how much it looks like a language). On
its own its first choice is unreliable on the short files users upload: forty lines of
Shift-JIS score best as Korean cp949, Polish cp1250 scores as cp1252 (``Łódź`` as ``£ódŸ``),
and with every code page in the running a euro sign picks cp775. So:

- the candidates are the encodings in use today (Windows code pages, Shift-JIS, EUC, GB18030,
  Big5, KOI8-R), not every DOS and Mac code page;
- among those that explain the sample nearly as well as the best (chaos within 0.1), the
  choice goes, in order, to: a decoding that stays within the common character set of its
  CJK encoding (text in the rarely used extension area of cp949, cp932 or GB18030 is most
  likely another encoding's bytes); the least chaos; the fewest non-ASCII capitals right
  after a small letter (how single-byte code pages garble each other's letters); the most
  coherence; the most widely used encoding (cp1252 first).

The choice was checked on Russian (cp1251, KOI8-R), Japanese (Shift-JIS, EUC-JP, five lines
and forty), Chinese (GB18030, Big5), Korean, Greek, Turkish, Polish, German, French and
Spanish files (tests/services/datasets/test_ingest_hostile.py).
"""

from __future__ import annotations

import codecs
import itertools

from charset_normalizer import CharsetMatch, from_bytes

# In order of preference among equally good explanations of the sample.
COMMON_ENCODINGS = (
    "cp1252",
    "gb18030",
    "cp932",
    "cp1251",
    "cp949",
    "big5",
    "euc_jp",
    "cp1250",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "koi8_r",
)
# The character set most text in each CJK double-byte encoding stays within.
_COMMON_SUBSET = {"cp949": "euc_kr", "cp932": "shift_jis", "gb18030": "gb2312"}
_CHAOS_TOLERANCE = 0.1
_SAMPLE_BYTES = 256 * 1024


def detect_legacy_encoding(sample: bytes) -> str:
    """The codec name of the encoding ``sample`` (not valid UTF-8) is most likely in;
    cp1252 when nothing fits better, latin-1 when not even cp1252 decodes it."""
    head = sample[:_SAMPLE_BYTES]
    head = head[: head.rfind(b"\n") + 1] or head
    matches = from_bytes(head, cp_isolation=list(COMMON_ENCODINGS))
    best = matches.best()
    ranked = []
    if best is not None:
        for match in matches:
            if match.chaos > best.chaos + _CHAOS_TOLERANCE:
                continue
            for name in {match.encoding, *match.could_be_from_charset}:
                text = _decoded(head, name)
                if text is not None:
                    ranked.append((_rank(head, codecs.lookup(name).name, text, match), name))
    if ranked:
        return codecs.lookup(min(ranked)[1]).name
    return "cp1252" if _decoded(sample, "cp1252") is not None else codecs.lookup("latin-1").name


def _rank(sample: bytes, name: str, text: str, match: CharsetMatch) -> tuple[int, ...]:
    subset = _COMMON_SUBSET.get(name)
    outside = subset is not None and _decoded(sample, subset) is None
    garbled_capitals = sum(
        1 for a, b in itertools.pairwise(text) if a.islower() and b.isupper() and b > "~"
    )
    preference = next(
        (i for i, e in enumerate(COMMON_ENCODINGS) if codecs.lookup(e).name == name),
        len(COMMON_ENCODINGS),
    )
    return (
        int(outside),
        round(match.chaos * 100),
        garbled_capitals,
        -round(match.coherence * 100),
        preference,
    )


def _decoded(sample: bytes, encoding: str) -> str | None:
    try:
        # The sample may end inside a character.
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None
