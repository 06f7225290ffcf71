"""Bad and odd input files for the fuzz run (issue 12 item 5, issue 13 item 7).

``generate(seed, count, folder)`` writes ``count`` files into ``folder`` and returns them as
``Case`` entries (path and kind). The same seed and count always give the same files: file
``i`` is made from its own ``random.Random`` seeded with (seed, i), so a larger count only adds
files. The first files are the special cases of issue 13 (a FIFO, links to ``/dev/zero``, a
name that is not UTF-8, a folder named like a file); the rest take the kinds below in turn.

    python tests/fuzz/generate.py --seed 1 --count 3000 OUT_FOLDER
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["KINDS", "Case", "generate"]


@dataclass(frozen=True)
class Case:
    """One generated file: where it is and what was done to it."""

    path: Path
    kind: str


# Texts with the traps offsets fall into: emoji (surrogate pairs in UTF-16, 4 bytes in UTF-8),
# skin-tone and ZWJ sequences, combining marks, right-to-left script, CJK.
TEXTS = [
    "NATO said 2,000 soldiers will travel.",
    "Joe Biden met Olaf Scholz in Berlin.",
    "The Iskander-M 🚀 was seen near Kyiv.",
    "Zoë and José (e\u0301) visited 👩\u200d👩\u200d👧 in Århus.",
    "Wave 👋🏽 to Gen. Zaluzhnyi 🇺🇦 and the 3 brigades.",
    "مرحبا بالعالم — Israel Defense Forces said 12 rockets.",
    "東京で 5 人が Sony の HIMARS を見た。",
    "a\u0301\u0302\u0303 combining stack then Lockheed Martin.",
    "Tab\tseparated\tand   spaces\u00a0nbsp\u2028line-sep.",
    "x",
    " ",
    "Ukraine’s “Armed Forces” received 40 M777 howitzers.",
]
LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]


def _word_spans(text: str) -> list[tuple[int, int]]:
    """Whitespace-separated words as (start, end) character offsets."""
    spans, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                spans.append((start, i))
                start = None
        elif start is None:
            start = i
    return spans


def _good_record(rng: random.Random) -> dict[str, Any]:
    text = rng.choice(TEXTS)
    record: dict[str, Any] = {"text": text}
    words = _word_spans(text)
    if words and rng.random() < 0.7:
        picked = sorted(rng.sample(words, min(len(words), rng.randint(1, 2))))
        record["spans"] = [{"start": s, "end": e, "label": rng.choice(LABELS)} for s, e in picked]
    if rng.random() < 0.5:
        record["meta"] = {"id": f"r{rng.randint(0, 10**6)}", "source": "fuzz"}
    if rng.random() < 0.2:
        record["answer"] = rng.choice(["accept", "reject", "ignore"])
    return record


def _line(record: Any, ascii_only: bool = False) -> str:
    return json.dumps(record, ensure_ascii=ascii_only)


def _jsonl(lines: list[str], newline: str = "\n") -> bytes:
    return "".join(line + newline for line in lines).encode("utf-8", "surrogatepass")


def _good_lines(rng: random.Random, n: int) -> list[str]:
    return [_line(_good_record(rng)) for _ in range(n)]


def _sandwich(rng: random.Random, bad: list[str]) -> bytes:
    """Good records around the bad ones, so a bad record that costs the file shows."""
    lines = _good_lines(rng, rng.randint(0, 3))
    for line in bad:
        lines.insert(rng.randint(0, len(lines)), line)
    return _jsonl(lines)


# ---- the kinds --------------------------------------------------------------------------

Made = tuple[str, bytes]  # (suffix, content)


def random_bytes(rng: random.Random) -> Made:
    size = rng.choice([0, 1, 2, 3, 7, 64, 1000, 4096, 70000])
    return rng.choice([".jsonl", ".txt", ".spacy"]), rng.randbytes(size)


def random_text_bytes(rng: random.Random) -> Made:
    """Mostly printable bytes with a sprinkle of high and control bytes: gets past sniffing."""
    alphabet = b'{}[]":,0123456789 abcdefghtx\\u\n' + bytes([0xC3, 0xA9, 0xED, 0xA0, 0x80, 0xFF])
    data = bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 3000)))
    return rng.choice([".jsonl", ".txt"]), data


def truncated(rng: random.Random) -> Made:
    """A good file cut anywhere; half the time inside a multi-byte UTF-8 character."""
    data = _jsonl(_good_lines(rng, rng.randint(1, 6)))
    multi = [i for i, b in enumerate(data) if 0x80 <= b < 0xC0]  # continuation bytes
    cut = rng.choice(multi) if multi and rng.random() < 0.5 else rng.randint(0, len(data))
    return rng.choice([".jsonl", ".jsonl", ".txt"]), data[:cut]


WRONG_TYPES = [
    {"text": "Joe Biden", "spans": [{"start": 0, "end": True, "label": "PERSON"}]},
    {"text": "Joe Biden", "spans": [{"start": 1.5, "end": 9, "label": "PERSON"}]},
    {"text": "Joe Biden", "spans": [{"start": "0", "end": 9, "label": "PERSON"}]},
    {"text": "Joe Biden", "spans": [{"start": None, "end": 9, "label": "PERSON"}]},
    {"text": "Joe Biden", "spans": [{"start": 0, "end": 9, "label": 5}]},
    {"text": "Joe Biden", "spans": [{"start": 0, "end": 9, "label": None}]},
    {"text": "Joe Biden", "spans": [{"start": 0, "end": 9, "label": ["PERSON"]}]},
    {"text": "Joe Biden", "spans": [{"start": 0, "end": 9}]},
    {"text": "Joe Biden", "spans": [[0, 9, "PERSON"]]},
    {"text": "Joe Biden", "spans": ["PERSON"]},
    {"text": "Joe Biden", "spans": [None]},
    {"text": "Joe Biden", "spans": [{"start": 0, "end": 2**64, "label": "PERSON"}]},
    {"text": "Joe Biden", "spans": [{"start": -(2**63) - 1, "end": 9, "label": "PERSON"}]},
    {"text": "Some words.", "spans": {}},
    {"text": "Some words.", "spans": 0},
    {"text": "Some words.", "spans": "[]"},
    {"text": "Some words.", "spans": None},
    {"text": "Some words.", "spans": True},
    {"text": 5},
    {"text": 1.5},
    {"text": None},
    {"text": True},
    {"text": ["a", "b"]},
    {"text": {"a": 1}},
    {"text": ""},
    {"text": "Fine.", "meta": ["a", 1]},
    {"text": "Fine.", "meta": "id"},
    {"text": "Fine.", "meta": 3},
    {"text": "Fine.", "meta": None},
    {"text": "Fine.", "answer": ["accept"]},
    {"text": "Fine.", "answer": "maybe"},
    {"text": "Fine.", "answer": 1},
    {"text": "Fine.", "_annotator_id": 7},
    {"text": "Fine.", "_annotator_id": ""},
    {"text": "Fine.", "_annotator_id": None},
    {"meta": {"id": 1}},
    [],
    ["text", "Fine."],
    "Fine.",
    42,
    None,
    True,
]
RAW_WRONG = [
    '{"text": "Fine.", "meta": {"big": 1e400}}',
    '{"text": "Fine.", "meta": {"nan": NaN, "inf": Infinity}}',
    '{"text": "Fine.", "text": "Twice."}',
    '{"text": "Fine.",}',
    "{'text': 'single quotes'}",
    '{"text": "Fine."} {"text": "Two on a line."}',
    '{"text": "Fine."}  trailing',
    '{"text": "Fine.", "spans": [{"start": 0, "end": 1e309, "label": "ORG"}]}',
    '{"text": "Fine.", "spans": [{"start": 0, "end": 99999999999999999999999, "label": "ORG"}]}',
    '{"text": "Fine.", "spans": [{"start": -0, "end": 4.0, "label": "ORG"}]}',
    '{"text": "Fine.", "meta": {"id": 123456789012345678901234567890}}',
]


def wrong_types(rng: random.Random) -> Made:
    bad = [_line(rng.choice(WRONG_TYPES)) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        bad.append(rng.choice(RAW_WRONG))
    return ".jsonl", _sandwich(rng, bad)


def nuls(rng: random.Random) -> Made:
    """NULs: escaped at the start or middle of a text, a meta value, a label; raw bytes."""
    choice = rng.randint(0, 5)
    if choice == 0:
        return ".jsonl", _sandwich(rng, ['{"text": "\\u0000Hidden text"}'])
    if choice == 1:
        return ".jsonl", _sandwich(rng, ['{"text": "Fine.", "meta": {"k": "a\\u0000b"}}'])
    if choice == 2:
        line = '{"text": "Joe", "spans": [{"start": 0, "end": 3, "label": "PER\\u0000SON"}]}'
        return ".jsonl", _sandwich(rng, [line])
    if choice == 3:  # a raw NUL after the first 64 KB
        lines = _good_lines(rng, 2000)
        data = _jsonl(lines)
        while len(data) < 70000:
            data += data
        at = rng.randint(65537, len(data) - 1)
        return rng.choice([".jsonl", ".txt"]), data[:at] + b"\x00" + data[at:]
    if choice == 4:  # a raw NUL at the very start
        return rng.choice([".jsonl", ".txt"]), b"\x00" + _jsonl(_good_lines(rng, 2))
    return ".txt", rng.choice(TEXTS).encode() + b"\x00" + rng.choice(TEXTS).encode()


def surrogates(rng: random.Random) -> Made:
    """Lone surrogates (escaped in JSON; raw CESU-8 bytes) in every string a record holds."""
    s = rng.choice(["\\ud800", "\\udfff", "\\udbff", "\\ud83d"])
    bad = rng.choice(
        [
            f'{{"text": "{s}"}}',
            f'{{"text": "a{s}b"}}',
            f'{{"text": "Fine.", "meta": {{"{s}": 1}}}}',
            f'{{"text": "Fine.", "meta": {{"k": "{s}"}}}}',
            f'{{"text": "Fine.", "meta": {{"k": [["{s}"]]}}}}',
            f'{{"text": "Fine.", "_annotator_id": "{s}"}}',
            f'{{"text": "Fine.", "answer": "{s}"}}',
            f'{{"text": "Joe", "spans": [{{"start": 0, "end": 3, "label": "{s}"}}]}}',
            f'{{"{s}": "Fine.", "text": "Key."}}',
            '{"text": "pair \\ud83d\\ude80 reversed \\ude80\\ud83d"}',
        ]
    )
    if rng.random() < 0.3:  # raw CESU-8 surrogate bytes rather than an escape
        return rng.choice([".jsonl", ".txt"]), b'{"text": "a\xed\xa0\x80b"}\n'
    return ".jsonl", _sandwich(rng, [bad])


def boms(rng: random.Random) -> Made:
    data = _jsonl(_good_lines(rng, rng.randint(1, 4)))
    bom = rng.choice([b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xef\xbb"])
    if rng.random() < 0.3:  # a BOM in the middle of the file
        cut = data.find(b"\n") + 1
        return ".jsonl", data[:cut] + bom + data[cut:]
    return rng.choice([".jsonl", ".txt"]), bom + data


def crlf(rng: random.Random) -> Made:
    lines = _good_lines(rng, rng.randint(1, 4))
    newline = rng.choice(["\r\n", "\r", "\n\r", "\r\r\n"])
    data = _jsonl(lines, newline)
    if rng.random() < 0.3:
        data = data.rstrip(b"\r\n")  # no final line end
    return rng.choice([".jsonl", ".jsonl", ".txt"]), data


def wide_encodings(rng: random.Random) -> Made:
    """UTF-16 and UTF-32, little and big endian, with and without a byte-order mark."""
    text = _jsonl(_good_lines(rng, rng.randint(1, 3))).decode()
    if rng.random() < 0.3:
        text = rng.choice(TEXTS)  # plain text, for .txt
    codec = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
    data = text.encode(codec)
    if rng.random() < 0.2:
        data = data[: rng.randint(1, len(data))]  # and cut
    return rng.choice([".jsonl", ".txt"]), data


def huge_lines(rng: random.Random) -> Made:
    """Texts near and above the 1,000,000-character limit, long meta, many spans."""
    choice = rng.randint(0, 4)
    if choice == 0:
        n = rng.choice([999_999, 1_000_000, 1_000_001, 1_500_000])
        return rng.choice([".jsonl", ".txt"]), (
            _line({"text": "a" * n}).encode() + b"\n"
            if rng.random() < 0.5
            else ("word " * (n // 5 + 1)).encode()
        )
    if choice == 1:  # many spans
        words = ["Joe"] * rng.choice([1000, 100_001])
        text = " ".join(words)
        spans = [{"start": i * 4, "end": i * 4 + 3, "label": "PERSON"} for i in range(len(words))]
        return ".jsonl", _line({"text": text, "spans": spans}).encode() + b"\n"
    if choice == 2:  # big meta, a long label, a long annotator id
        rec = rng.choice(
            [
                {"text": "Fine.", "meta": {"k": "v" * 200_000}},
                {"text": "Fine.", "meta": {f"k{i}": i for i in range(30_000)}},
                {"text": "Joe", "spans": [{"start": 0, "end": 3, "label": "L" * 1_000_000}]},
                {"text": "Fine.", "_annotator_id": "a" * 100_000},
            ]
        )
        return ".jsonl", _sandwich(rng, [_line(rec)])
    if choice == 3:  # one line of 2 MB of whitespace, then a record
        return ".jsonl", b" " * 2_000_000 + b'{"text": "After the blanks."}\n'
    return ".jsonl", _jsonl(_good_lines(rng, 20_000))  # many small records


def deep_nesting(rng: random.Random) -> Made:
    depth = rng.choice([33, 1000, 5000, 100_000])
    where = rng.randint(0, 3)
    if where == 0:
        meta = "{" + '"a":{' * depth + "}" * depth + "}"
        line = '{"text": "Deep meta.", "meta": ' + meta + "}"
    elif where == 1:
        meta = '{"a":' + "[" * depth + "]" * depth + "}"
        line = '{"text": "Deep list.", "meta": ' + meta + "}"
    elif where == 2:
        line = '{"text": "Deep spans.", "spans": ' + "[" * depth + "]" * depth + "}"
    else:
        line = "[" * depth  # unclosed
    return ".jsonl", _sandwich(rng, [line])


def odd_offsets(rng: random.Random) -> Made:
    """Spans that cut a surrogate pair, a ZWJ or combining sequence; out of range; overlapping."""
    text = rng.choice(TEXTS)
    n = len(text)
    utf16 = len(text.encode("utf-16-le")) // 2
    candidates = [
        (0, n),
        (0, n + 1),
        (-1, 2),
        (n, n),
        (3, 3),
        (5, 2),
        (0, utf16),
        (n - 1, utf16),
        (0, len(text.encode())),
    ]
    for i, ch in enumerate(text):
        if ord(ch) > 0xFFFF or ch in "\u0301\u0302\u0303\u200d":
            candidates += [(i, i + 1), (max(0, i - 1), i + 1), (i + 1, min(n, i + 3))]
    spans = []
    for _ in range(rng.randint(1, 4)):
        start, end = rng.choice(candidates)
        spans.append({"start": start, "end": end, "label": rng.choice([*LABELS, "NOPE"])})
    if rng.random() < 0.3 and spans:
        spans.append(dict(spans[0]))  # an exact duplicate
    record = {"text": text, "spans": spans}
    return ".jsonl", _sandwich(rng, [_line(record, ascii_only=rng.random() < 0.5)])


def odd_texts(rng: random.Random) -> Made:
    """Plain text files: overlong and invalid UTF-8, controls, form feeds, only whitespace."""
    pieces = [
        rng.choice(TEXTS).encode(),
        b"\xc0\xaf",  # overlong "/"
        b"\xf4\x90\x80\x80",  # above U+10FFFF
        b"\xff\xfe",
        b"\x1b[31mred\x1b[0m",
        b"\x0c\x0b",
        b"\x07\x08",
        b"\xe2\x80\xae",  # right-to-left override
        b" \n\n\t ",
        b"-DOCSTART- -X- O O\n",
    ]
    data = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
    return rng.choice([".txt", ".txt", ".jsonl"]), data


def empty_like(rng: random.Random) -> Made:
    data = rng.choice([b"", b"\n", b"\n\n\n", b"   ", b"\r\n", b"{}", b"{}\n", b"[]\n", b"null\n"])
    return rng.choice([".jsonl", ".txt", ".spacy"]), data


# ---- foreign formats the importer reads today (and some it does not), damaged -----------


def _damage(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    how = rng.randint(0, 4)
    at = rng.randrange(len(data))
    if how == 0:
        return data[:at]
    if how == 1:
        return data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]
    if how == 2:
        return data[:at] + rng.randbytes(rng.randint(1, 16)) + data[at:]
    if how == 3:
        end = min(len(data), at + rng.randint(1, 64))
        return data[:at] + data[end:]
    return data  # left whole: the shape alone is the test


def prodigy(rng: random.Random) -> Made:
    """Prodigy db-out lines (tokens, token indices, hashes, binary answers), damaged."""
    lines = []
    for _ in range(rng.randint(1, 3)):
        rec = _good_record(rng)
        words = _word_spans(rec["text"])
        rec["tokens"] = [
            {"text": rec["text"][s:e], "start": s, "end": e, "id": i, "ws": True}
            for i, (s, e) in enumerate(words)
        ]
        for span in rec.get("spans", []):
            span["token_start"] = rng.choice([0, -1, 10**6])
            span["token_end"] = rng.choice([0, "x", None])
        rec["_input_hash"] = rng.choice([-1809143651, 2**70, "h"])
        rec["_task_hash"] = rng.randint(-(2**31), 2**31)
        rec["answer"] = rng.choice(["accept", "reject", "ignore", "ACCEPT", None])
        rec["_view_id"] = rng.choice(["ner_manual", "ner", "binary"])
        rec["_annotator_id"] = rng.choice(["maria", "session-2024", 12])
        if rng.random() < 0.3:
            rec["label"] = rng.choice(LABELS)  # binary task: one span, one label
        lines.append(_line(rec))
    return ".jsonl", _damage(rng, _jsonl(lines))


def doccano(rng: random.Random) -> Made:
    """doccano JSONL (``label`` as triples, or ``entities``), damaged."""
    lines = []
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(TEXTS)
        words = _word_spans(text)
        triples = [[s, e, rng.choice(LABELS)] for s, e in words[: rng.randint(0, 2)]]
        rec: dict[str, Any] = {"id": rng.randint(1, 999), "text": text}
        if rng.random() < 0.5:
            rec["label"] = triples if rng.random() < 0.8 else [[0, "x"]]
        else:
            rec["entities"] = [
                {"id": i, "start_offset": s, "end_offset": e, "label": lab}
                for i, (s, e, lab) in enumerate(triples)
            ]
        lines.append(_line(rec))
    return ".jsonl", _damage(rng, _jsonl(lines))


def label_studio(rng: random.Random) -> Made:
    """Label Studio JSON (a list of tasks), as one line or pretty-printed, damaged."""
    tasks = []
    for i in range(rng.randint(1, 3)):
        text = rng.choice(TEXTS)
        result = [
            {
                "value": {"start": s, "end": e, "text": text[s:e], "labels": [rng.choice(LABELS)]},
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
            }
            for s, e in _word_spans(text)[:2]
        ]
        tasks.append({"id": i, "data": {"text": text}, "annotations": [{"result": result}]})
    data = json.dumps(tasks, indent=rng.choice([None, 2]), ensure_ascii=False).encode()
    return rng.choice([".json", ".json", ".jsonl", ".txt"]), _damage(rng, data)


def conll_like(rng: random.Random) -> Made:
    """CoNLL/IOB and CSV/TSV content in files the importer reads (.txt, .jsonl), damaged."""
    if rng.random() < 0.6:
        rows = ["-DOCSTART- -X- O O", ""]
        for s, e in _word_spans(rng.choice(TEXTS)):
            rows.append(f"w{s}{e} {rng.choice(['O', 'B-ORG', 'I-ORG', 'B-', 'I-PERSON'])}")
        data = "\n".join(rows).encode()
    else:
        sep = rng.choice([",", "\t", ";"])
        rows = [f"id{sep}text{sep}label"] + [
            f'{i}{sep}"{rng.choice(TEXTS)}"{sep}ORG' for i in range(rng.randint(1, 4))
        ]
        data = "\n".join(rows).encode()
    return rng.choice([".txt", ".jsonl"]), _damage(rng, data)


@cache
def _docbins() -> list[bytes]:
    """A few good DocBins (ents, doc.spans["sc"], empty docs), made once per process."""
    import spacy
    from spacy.tokens import DocBin, Span

    nlp = spacy.blank("en")
    bins = []
    for with_user_data in (False, True):
        db = DocBin(store_user_data=with_user_data)
        for text in TEXTS:
            doc = nlp(text)
            if len(doc) >= 2:
                doc.ents = [Span(doc, 0, 1, label="ORG")]
                doc.spans["sc"] = [Span(doc, 1, 2, label="PERSON")]
            db.add(doc)
        bins.append(db.to_bytes())
    bins.append(DocBin().to_bytes())  # no docs
    return bins


def spacy_docbin(rng: random.Random) -> Made:
    """.spacy files: good, truncated, flipped, random, a zip bomb, msgpack of the wrong shape."""
    import srsly

    choice = rng.randint(0, 6)
    good = rng.choice(_docbins())
    if choice == 0:
        return ".spacy", good[: rng.randrange(len(good))]
    if choice == 1:
        return ".spacy", _damage(rng, good)
    msg = srsly.msgpack_loads(zlib.decompress(_docbins()[0]))
    if choice == 2:  # a lengths field that disagrees with the tokens
        lengths = list(msg["lengths"]) if "lengths" in msg else []
        if lengths:
            i = rng.randrange(len(lengths))
            lengths[i] = rng.choice([0, lengths[i] + 1, -1, 10**9])
        msg["lengths"] = lengths
    elif choice == 3:  # a field of the wrong type, or missing
        key = rng.choice(sorted(msg))
        if rng.random() < 0.5:
            del msg[key]
        else:
            msg[key] = rng.choice([None, 5, "x", [], {}])
    elif choice == 4:  # a compression bomb: a small file that unpacks to 60 MB
        return ".spacy", zlib.compress(b"\x00" * 60_000_000, 9)
    elif choice == 5:
        return ".spacy", zlib.compress(rng.randbytes(rng.randint(0, 2000)))
    else:
        return ".spacy", zlib.compress(srsly.msgpack_dumps(rng.choice([[], {}, 5, "x", None])))
    return ".spacy", zlib.compress(srsly.msgpack_dumps(msg))


def good(rng: random.Random) -> Made:
    """Files that should import whole: the control group."""
    return rng.choice([".jsonl", ".jsonl", ".txt", ".spacy"]), b""  # filled in by _make


KINDS: dict[str, Callable[[random.Random], Made]] = {
    "random_bytes": random_bytes,
    "random_text_bytes": random_text_bytes,
    "truncated": truncated,
    "wrong_types": wrong_types,
    "nuls": nuls,
    "surrogates": surrogates,
    "boms": boms,
    "crlf": crlf,
    "wide_encodings": wide_encodings,
    "huge_lines": huge_lines,
    "deep_nesting": deep_nesting,
    "odd_offsets": odd_offsets,
    "odd_texts": odd_texts,
    "empty_like": empty_like,
    "prodigy": prodigy,
    "doccano": doccano,
    "label_studio": label_studio,
    "conll_like": conll_like,
    "spacy_docbin": spacy_docbin,
    "good": good,
}
# Heavy kinds (megabytes a file) come up less often than the others.
_ROTATION = [k for k in KINDS if k != "huge_lines"] * 3 + ["huge_lines"]


def _make(kind: str, rng: random.Random) -> Made:
    suffix, data = KINDS[kind](rng)
    if kind == "good":
        if suffix == ".jsonl":
            data = _jsonl(_good_lines(rng, rng.randint(1, 5)))
        elif suffix == ".txt":
            data = " ".join(rng.sample(TEXTS, 3)).encode()
        else:
            data = rng.choice(_docbins())
    return suffix, data


def _specials(folder: Path) -> list[Case]:
    """Issue 13's special files: they are not regular files, or their names are odd."""
    cases = []
    fifo = folder / "f.jsonl"
    os.mkfifo(fifo)
    cases.append(Case(fifo, "fifo"))
    for name in ("z.jsonl", "z.spacy", "z.txt"):
        link = folder / name
        link.symlink_to("/dev/zero")
        cases.append(Case(link, "dev_zero"))
    dangling = folder / "dangling.jsonl"
    dangling.symlink_to("nowhere.jsonl")
    cases.append(Case(dangling, "dangling_link"))
    directory = folder / "dir.jsonl"
    directory.mkdir()
    cases.append(Case(directory, "folder_named_jsonl"))
    odd_name = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.jsonl"))
    odd_name.write_bytes(b'{"text": "A file whose name is not UTF-8."}\n')
    cases.append(Case(odd_name, "non_utf8_name"))
    spaced = folder / "with space -and- dash.jsonl"
    spaced.write_bytes(b'{"text": "A file name with spaces."}\n{"text": 5}\n')
    cases.append(Case(spaced, "odd_name"))
    return cases


def generate(seed: int, count: int, folder: Path | str) -> list[Case]:
    """Write ``count`` files (the specials first) into ``folder``, which must be empty or new."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty")
    cases = _specials(folder)[:count]
    for i in range(len(cases), count):
        rng = random.Random(seed * 1_000_003 + i)
        kind = _ROTATION[i % len(_ROTATION)]
        suffix, data = _make(kind, rng)
        path = folder / f"{i:05d}-{kind}{suffix}"
        path.write_bytes(data)
        cases.append(Case(path, kind))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="an empty or new folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=3000)
    args = parser.parse_args(argv)
    cases = generate(args.seed, args.count, args.folder)
    kinds: dict[str, int] = {}
    for case in cases:
        kinds[case.kind] = kinds.get(case.kind, 0) + 1
    print(
        f"{len(cases)} files in {args.folder}: " + ", ".join(f"{k} {n}" for k, n in kinds.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
