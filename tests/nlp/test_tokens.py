import random

import pytest
import spacy

from annotator.core.model import Span
from annotator.nlp.tokens import AlignmentError, Tokenizer

TEXTS = [
    'The F-35s and S-400s flew; NATO\'s chief (Jens Stoltenberg) said: "no!"\n\nU.S. troops.',
    "Between 500 and 5,500 kilometers -- $1.3bn, 105mm guns, 2,000 soldiers' kit... e-mail me",
    "Emoji 🚀 rockets, tabs\tand  double  spaces, café, naïve, «quotes», 10:30 a.m. on Feb. 4th",
]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(spacy.blank("en"))


def _random_text(rng: random.Random) -> str:
    pieces = [
        "NATO",
        "F-16s",
        "U.S.",
        "(",
        ")",
        ",",
        ".",
        "'s",
        "2,000",
        "km",
        "$",
        "-",
        "—",
        "e.g.",
        "can't",
        "\n",
        "\n\n",
        "Kyiv",
        ":",
        '"',
        "🚀",
        "500-km",
        "Su-35S",
    ]
    glue = ["", " ", " ", " ", "  ", "\n"]
    return "".join(rng.choice(pieces) + rng.choice(glue) for _ in range(40)).strip() or "x"


def test_chunk_boundaries_agree_with_full_tokenization(tokenizer: Tokenizer) -> None:
    rng = random.Random(5)
    texts = TEXTS + [_random_text(rng) for _ in range(200)]
    for text in texts:
        doc = tokenizer.nlp.make_doc(text)
        truth = {t.idx for t in doc} | {t.idx + len(t.text) for t in doc}
        for pos in range(1, len(text)):
            if text[pos - 1].isspace() and text[pos].isspace():
                continue  # inside a run of spaces no span may start or end
            assert tokenizer.is_boundary(text, pos) == (pos in truth), (text, pos)


def test_misaligned_reasons_and_snap(tokenizer: Tokenizer) -> None:
    text = TEXTS[0]
    good = Span(text.index("Jens"), text.index("Jens") + len("Jens Stoltenberg"), "PERSON")
    inside = Span(text.index("F-35s"), text.index("F-35s") + 4, "WEAPON")
    spacey = Span(text.index("NATO") - 1, text.index("NATO") + 4, "ORG")
    assert tokenizer.misaligned(text, [good]) == []
    reasons = tokenizer.misaligned(text, [good, inside, spacey])
    assert len(reasons) == 2 and "F-35" in reasons[0]
    index = tokenizer.index(text)
    assert index.snap(inside.start + 1, inside.end - 1) == (inside.start, inside.start + 5)
    with pytest.raises(AlignmentError, match="whitespace"):
        index.snap(text.index("\n\n"), text.index("\n\n") + 2)


def test_tokenizer_loads_pipeline_lazily() -> None:
    calls = []

    def load() -> spacy.language.Language:
        calls.append(1)
        return spacy.blank("en")

    tokenizer = Tokenizer(load)
    assert tokenizer.misaligned("Joe Biden met NATO leaders", [Span(0, 9, "PERSON")]) == []
    assert calls == []
    assert tokenizer.misaligned("Joe Biden met NATO.", [Span(14, 18, "ORG")]) == []
    assert calls == [1]
