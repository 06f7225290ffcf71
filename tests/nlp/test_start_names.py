"""The start model's known names: suggested by a new project's default before any training."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
import spacy

from annotator.core.resources import resource_path
from annotator.core.store import ProjectStore
from annotator.nlp.preannotate import untrained_suggester
from annotator.nlp.suggest_process import describe_suggester
from annotator.nlp.train.default import START, default_of, default_suggester
from annotator.nlp.train.known_names import KnownNamesError
from annotator.nlp.train.start import RECORD, START_ENV, START_FOLDER, read_record
from annotator.nlp.train.start_names import (
    NAMES_FILE,
    NAMES_SHA256,
    read_start_names,
    write_start_names,
)

LABELS = ["PERSON", "ORG", "WEAPON", "QUANTITY"]
NAMED = ["PERSON", "ORG", "WEAPON"]
# A made-up name no model knows, in the start model's documents as a weapon each time.
LEARNED_FROM = "Crews loaded the Zorbling at dawn. By noon the Zorbling had fired."
TEXT = "Two days later the zorbling crews cleaned the Zorbling again."


def _spans(text: str, name: str, label: str) -> list[tuple[int, int, str]]:
    out, at = [], text.find(name)
    while at != -1:
        out.append((at, at + len(name), label))
        at = text.find(name, at + 1)
    return out


def _start_with_names(tmp_path: Path) -> Path:
    """A copy of the shipped start model whose names were learned from LEARNED_FROM."""
    copy = tmp_path / "start"
    shutil.copytree(resource_path(START_FOLDER), copy)
    record = read_record(copy)
    documents = [(LEARNED_FROM, _spans(LEARNED_FROM, "Zorbling", "WEAPON"))]
    record[NAMES_SHA256] = write_start_names(copy, spacy.blank("en"), NAMED, documents)
    (copy / RECORD).write_text(json.dumps(record), encoding="utf-8")
    return copy


def _found(spans: list, text: str) -> set[tuple[str, str, int]]:
    return {(text[s.start : s.end], s.label, s.start) for s in spans}


def test_the_shipped_start_model_carries_its_names() -> None:
    folder = resource_path(START_FOLDER)
    names = read_start_names(folder, read_record(folder), LABELS)
    counts = names.counts()
    assert set(counts) == set(NAMED) and min(counts.values()) > 100  # never quantities
    assert names.labels == frozenset(NAMED)
    default = default_suggester("auto", LABELS, {}, [])
    assert default.known == names
    # The status bar says so: "start model (en_core_web_sm 3.8.0), 4,088 known names".
    assert describe_suggester(default).endswith(f", {len(names.names):,} known names")


def test_a_new_project_suggests_the_start_models_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _start_with_names(tmp_path)
    monkeypatch.setenv(START_ENV, str(folder))
    with ProjectStore.create(tmp_path / "p.annot", LABELS) as store:
        named = untrained_suggester(store)
        assert default_of(named) == START
        spans = named.suggest_one(TEXT)
    found = _found(spans, TEXT)
    at = TEXT.find("Zorbling")
    assert ("Zorbling", "WEAPON", at) in found  # exact case: "zorbling crews" stays out
    assert not any(text == "zorbling" for text, _, _ in found)
    known = next(s for s in spans if s.start == at)
    # Scored with the prior precision of known names, which the project's answers replace.
    assert known.source == "known" and known.score == pytest.approx(0.7)
    # The names are part of the version: suggestions cached without them are recomputed.
    record = read_record(folder)
    del record[NAMES_SHA256]
    (folder / RECORD).write_text(json.dumps(record), encoding="utf-8")
    plain = default_suggester("auto", LABELS, {}, [])
    assert default_of(plain) == START and plain.known is None
    assert plain.version != named.version
    assert ("Zorbling", "WEAPON", at) not in _found(plain.suggest_one(TEXT), TEXT)
    # An altered file is not used: the default suggests without names and says why.
    record[NAMES_SHA256] = "0" * 64
    (folder / RECORD).write_text(json.dumps(record), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        altered = default_suggester("auto", LABELS, {}, [])
    assert default_of(altered) == START and altered.known is None
    assert altered.version == plain.version
    assert NAMES_FILE in caplog.text and "SHA-256" in caplog.text


def test_a_crafted_names_file_is_refused_naming_it(tmp_path: Path) -> None:
    def stored(data: bytes) -> dict[str, object]:
        import hashlib

        (tmp_path / NAMES_FILE).write_bytes(data)
        return {NAMES_SHA256: hashlib.sha256(data).hexdigest()}

    assert read_start_names(tmp_path, {}, LABELS).names == {}  # built before the names
    for data, why in (
        (b"\xff\xfe", "not JSON"),
        (b'{"names": ["Zorbling"]}', "not an object"),
        (b'{"names": {"WEAPON": ["x" ]}, "labels": "WEAPON"}', "not a list"),
        (b'{"names": {"WEAPON": [""]}, "labels": ["WEAPON"]}', "not a name"),
    ):
        with pytest.raises(KnownNamesError, match=why) as caught:
            read_start_names(tmp_path, stored(data), LABELS)
        assert NAMES_FILE in str(caught.value)
    record = stored(b" " * (4 * 1024 * 1024 + 1))
    with pytest.raises(KnownNamesError, match="larger than"):
        read_start_names(tmp_path, record, LABELS)
    (tmp_path / NAMES_FILE).unlink()
    with pytest.raises(KnownNamesError, match="cannot be read"):
        read_start_names(tmp_path, record, LABELS)
    # A label the project lacks is dropped, the rest served.
    ok = stored(b'{"names": {"WEAPON": ["Zorbling"], "VEHICLE": ["T-90"]}, "labels": ["WEAPON"]}')
    assert read_start_names(tmp_path, ok, LABELS).names == {"Zorbling": "WEAPON"}
