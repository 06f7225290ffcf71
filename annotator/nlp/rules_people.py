"""Suggestion rules for people: speaker labels, appositions, full names, surnames, aliases.

Most rules take the ``Doc`` and the entities found so far (``(start, end, label, source)``
token spans) and return them fixed, or return new spans; ``Suggester.spans_from_doc`` runs
them in order.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from annotator.nlp.rules_words import (
    BODY_HEADS,
    DAYS_AND_MONTHS,
    ORG_WORDS_LOWER,
    PLACE_NOUNS,
    WEAPON_HEADS,
    opens_sentence,
    split_words,
    token_list,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from annotator.nlp.names import GivenNames

__all__ = [
    "apposition_label",
    "complete_persons",
    "given_name_persons",
    "known_as",
    "ranked_names",
    "single_word_persons",
    "speaker_labels",
    "surname_mentions",
]

# "JOHN F. KIRBY:", "MAJ. GEN. PAT RYDER:" or "PISTORIUS:" opening a line of a transcript,
# or before a dash ("SENATOR MARIA DO CARMO LIMA – Thank you"). Any letters here ("ØDEGÅRD",
# "KARAAĞAÇ"); ``speaker_labels`` keeps labels all in capitals.
_NAME_WORD = r"[^\W\d_](?:[^\W\d_]|['’\-])+"
_SPEAKER = re.compile(
    rf"(?m)^[ \t]*((?:[^\W\d_](?:[^\W\d_]|['’\-])*\.?[ \t]+){{0,5}}{_NAME_WORD})"
    r"(?::|[ \t]+[–—](?=[ \t]))"
)
# The record of a hearing: a title, then the name in capitals and a full stop ("Senator
# TANAKA. Ms. Whitcombe, ...", "Admiral HOLLINGS. Mr. Chairman, ...", "RADM. MAGBANUA.").
_TITLED_SPEAKER = re.compile(
    rf"(?m)^[ \t]*((?:[^\W\d_]+\.?[ \t]+){{1,5}}?{_NAME_WORD})\.(?=[ \t]|$)"
)
# Words that say who speaks before the name: "QUESTION JESSEN:", "CALLER GRAHAM:".
_SPEAKER_ROLES = frozenset(["question", "questioner", "caller"])
_NOT_SPEAKERS = frozenset(
    [
        "BREAKING",
        "NEWS",
        "UPDATE",
        "UPDATED",
        "EDITOR'S",
        "NOTE",
        "CORRECTION",
        "WARNING",
        "ANALYSIS",
        "OPINION",
        "VIDEO",
        "PHOTOS",
        "LIVE",
        "QUESTION",
        "ANSWER",
        "MODERATOR",
        "OPERATOR",
        "PRESS",
        "BRIEFING",
        "TRANSCRIPT",
        "REPORTER",
        "REPORTERS",
        "VOICE",
        "VOICES",
        "AUDIENCE",
        "ANNOUNCER",
        "NARRATOR",
        "INTERPRETER",
        "TRANSLATOR",
        "UNIDENTIFIED",
        "PARTICIPANT",
        "SPEAKER",
        "ALL",
        "NOTE",
        "SOURCE",
        "SOURCES",
    ]
)


def speaker_labels(doc: Doc, text: str) -> list[tuple[int, int, str]]:
    """PERSON spans for capitalised speaker labels at the start of a line, titles left out.

    A label of two words or more is a name ("JOHN F. KIRBY:"), and so is one word after a
    title ("GEN. GUETLEIN:"). One word alone ("PISTORIUS:") is a name when the text names that
    person elsewhere ("Boris Pistorius", "GEN. MICHAEL GUETLEIN:") or uses the label twice;
    "UPDATE:" and "QUESTION:" are no names.
    """
    from annotator.nlp.labelmap import is_title_word

    candidates: list[tuple[int, int, bool]] = []
    for match in _SPEAKER.finditer(text):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if span is None:
            continue
        start, end = span.start, span.end
        while start < end and (
            is_title_word(doc[start].text) or (start > span.start and doc[start].text == ".")
        ):
            start += 1  # "GEN." may come as "GEN" and "."; "LIEUTENANT-BRIGADIER" as three
        # A role in capitals goes too, with what qualifies it: "REGISTRY SPOKESMAN [YOUSSEF
        # EL AMRANI]:", "PROSECUTOR [ADWOA MENSAH-BOATENG]:", "QUESTION [JESSEN]:".
        roles = [
            k
            for k in range(start, end - 1)
            if doc[k].lower_ in _PERSON_NOUNS or doc[k].lower_ in _SPEAKER_ROLES
        ]
        if roles:
            start = roles[-1] + 1
        words = [t.text for t in doc[start:end] if any(c.isalpha() for c in t.text)]
        if not words or any(w.rstrip(".") in _NOT_SPEAKERS for w in words):
            continue
        if not all(w.isupper() for w in words):
            continue
        candidates.append((start, end, start > span.start))
    for match in _TITLED_SPEAKER.finditer(text):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if span is None:
            continue
        start, end = span.start, span.end
        while start < end and (is_title_word(doc[start].text) or doc[start].text == "."):
            start += 1
        words = [t.text for t in doc[start:end] if any(c.isalpha() for c in t.text)]
        if start > span.start and words and all(w.isupper() and len(w) > 1 for w in words):
            candidates.append((start, end, True))
    if not candidates:
        return []
    named = {doc[end - 1].lower_ for start, end, _ in candidates if end - start > 1}
    named |= {ent[-1].lower_ for ent in doc.ents if ent.label_ == "PERSON"}
    counts: dict[str, int] = {}
    for start, end, _ in candidates:
        if end - start == 1:
            counts[doc[start].lower_] = counts.get(doc[start].lower_, 0) + 1
    found = []
    for start, end, titled in candidates:
        if end - start == 1 and not titled:
            word = doc[start].lower_
            if len(word) < 3 or (word not in named and counts[word] < 2):
                continue
        found.append((start, end, "PERSON"))
    return found


# What an apposition calls a name: "An army spokesman, [Sylvain Ekenge], said", "[Myanmar
# Witness], a project of ...". The noun decides between a person and a body.
_PERSON_NOUNS = split_words(
    """spokesman spokeswoman spokesperson minister envoy ambassador commander analyst official
    leader chief president director researcher secretary lawmaker senator general colonel
    officer adviser advisor expert professor economist journalist reporter correspondent
    negotiator diplomat activist founder ceo chairman chairwoman executive governor mayor premier
    lieutenant captain admiral marshal sergeant fellow scholar historian strategist son daughter
    wife husband brother sister father mother widow deputy prosecutor judge warlord"""
)
_BODY_NOUNS = split_words(
    """group project organisation organization coalition militia company agency firm party
    alliance network gang movement faction unit brigade battalion regiment division institute
    university newspaper broadcaster outlet bank fund foundation charity association union
    council committee commission ministry department body bloc consortium contractor
    manufacturer maker startup operator tank"""
)


def apposition_label(doc: Doc, start: int, end: int) -> str | None:
    """PERSON, ORG or WEAPON when an apposition says which the name is, else None.

    "An army [spokesman], NAME," and "NAME, a senior [analyst] at" make a person; "The largest
    [coalition], NAME," and "NAME, a [project] of" make a body. Only names of up to four
    capitalised words are judged; the noun must be the first lower-case noun of the phrase.
    """
    n = len(doc)
    if end - start > 4 or not all(t.text[:1].isupper() or t.text == "-" for t in doc[start:end]):
        return None

    def kind(word: str) -> str | None:
        if word in _PERSON_NOUNS:
            return "PERSON"
        if word in _BODY_NOUNS:
            return "ORG"
        if word in WEAPON_HEADS:
            return "WEAPON"  # "the [Molniya], a cheap fixed-wing drone"
        return None

    # "<noun>, NAME," (the name between commas, or ending the sentence).
    if (
        start >= 2
        and doc[start - 1].text == ","
        and doc[start - 2].is_lower
        and (end == n or doc[end].text in {",", ".", ";"})
    ):
        found = kind(doc[start - 2].lower_)
        if found:
            return found
    # "NAME, a senior analyst at ...".
    if end + 2 < n and doc[end].text == "," and doc[end + 1].lower_ in {"a", "an", "the"}:
        for k in range(end + 2, min(end + 8, n)):
            token = doc[k]
            if token.lower_ in {"'s", "’s"} or token.text == "-":
                continue  # "the alliance's", "fixed-wing"
            if not token.is_lower or token.is_punct:
                break
            if k + 1 < n and doc[k + 1].lower_ in {"'s", "’s"}:
                continue  # "the alliance's commander": the possessor is not the noun
            found = kind(token.lower_)
            if found:
                return found
    return None


# Capitalised words that make a name a place: "Khalid Air Base", "Bandar Abbas Port".
_PLACE_WORDS = split_words(
    """Base Airbase Airfield Station Airport Street Square Bridge Port Island Islands Valley
    River Mountain Mountains Province Region District City Town Village Camp Prison Stadium
    Hospital Palace Hotel Tower Road Avenue Park Lake Bay Sea Gulf Strait Canal Dam Air"""
)
_FOREIGN_ARTICLES = frozenset({"La", "Le", "Les", "El", "Los", "Las", "Il", "Die", "Der", "Das"})
_NAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "du", "da", "dos", "al", "el", "bin", "ibn", "la", "le"}
)


def complete_persons(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Model PERSON spans fixed at their ends: a surname the model left out is taken in
    ("[Maria Corina] Machado" -> "[Maria Corina Machado]"), a given name it called a body
    joins ("[Mahamat]ORG [Idriss Deby]" -> "[Mahamat Idriss Deby]"), a "person" holding a
    number is dropped ("Xue Long 2" is a ship) and one opening with a foreign article is a
    title of the press ("La Nación", "Le Monde")."""
    from annotator.nlp.labelmap import is_title_word

    n = len(doc)
    taken = [False] * (n + 1)
    single_before: dict[int, int] = {}
    for index, (start, end, label, source) in enumerate(entities):
        for k in range(start, end):
            taken[k] = True
        if end - start == 1 and source == "model" and label == "ORG" and doc[start].is_title:
            single_before[end] = index
    dropped: set[int] = set()
    out: list[tuple[int, tuple[int, int, str, str]]] = []
    for index, (start, end, label, source) in enumerate(entities):
        if label == "PERSON" and source == "model":
            if any(t.like_num for t in doc[start:end]):
                continue
            if end - start == 2 and doc[start].text in _FOREIGN_ARTICLES:
                label = "ORG"
            joined = single_before.get(start)
            if joined is not None and doc[start - 1].whitespace_ and end - start >= 2:
                dropped.add(joined)
                start -= 1
            if (
                end < n
                and doc[end].is_title
                and doc[end].is_alpha
                and not taken[end]
                and doc[end - 1].whitespace_
                and not is_title_word(doc[end].text)
                and doc[end].text not in DAYS_AND_MONTHS
                and doc[end].text not in BODY_HEADS
                and doc[end].lower_ not in ORG_WORDS_LOWER
                and not (end + 1 < n and doc[end + 1].is_title)
            ):
                end += 1
        out.append((index, (start, end, label, source)))
    return [entity for index, entity in out if index not in dropped]


def given_name_persons(
    doc: Doc, entities: list[tuple[int, int, str, str]], given: GivenNames
) -> list[tuple[int, int, str, str]]:
    """PERSON for a capitalised two- or three-word name that opens with a given name.

    A model ORG that is such a name becomes a PERSON ("[Gareth Davies]", "[Oleksandr
    Syrskyi]"); a model ORG that runs into one keeps its body and loses the name ("State for
    Defence Procurement [Stephen Fuhr]"); and such a name no span covers is a PERSON
    ("Chief of the General Staff [Valery Gerasimov]"). Names with a body's word in them or
    before a place noun are left alone ("Jean Monnet Foundation").
    """
    if not len(given):
        return entities
    tokens = token_list(doc)
    n = len(tokens)

    def word_end(k: int) -> int:
        """End of the capitalised word at ``k``, hyphenated parts included ("Okafor-Hughes")."""
        if k >= n or not (tokens[k].is_title and tokens[k].is_alpha):
            return k
        end = k + 1
        while (
            end + 1 < n
            and tokens[end].text == "-"
            and not tokens[end - 1].whitespace_
            and not tokens[end].whitespace_
            and tokens[end + 1].is_alpha
            and tokens[end + 1].text[:1].isupper()
        ):
            end += 2
        return end

    def name_end(k: int) -> int:
        """End of the name opening with a given name at ``k``, or ``k`` when there is none.

        The given name may be hyphenated ("Kassym-Jomart", "Faustin-Archange": its first part
        counts) and particles may stand between the words ("Bosco da Costa Junior")."""
        if k >= n or tokens[k].text not in given:
            return k
        end = word_end(k)
        words_seen = 1
        while end < n and words_seen < 4:
            if tokens[end].lower_ in _NAME_PARTICLES and tokens[end].is_lower:
                after = word_end(end + 1)
                if after == end + 1:
                    break
                end = after
                words_seen += 1
                continue
            after = word_end(end)
            if after == end:
                break
            end = after
            words_seen += 1
        if words_seen < 2 or (end < n and tokens[end].is_title and tokens[end].is_alpha):
            return k
        words = tokens[k:end]
        if any(
            t.text in BODY_HEADS
            or t.lower_ in ORG_WORDS_LOWER
            or t.text in DAYS_AND_MONTHS
            or t.text in _PLACE_WORDS
            for t in words
        ):
            return k  # "Jean Monnet Foundation", "Khalid Air Base"
        if end < n and tokens[end].is_lower and tokens[end].lower_ in PLACE_NOUNS:
            return k
        return end

    owner = [-1] * n
    out = list(entities)
    for index, (start, end, _, _) in enumerate(out):
        for k in range(start, end):
            owner[k] = index
    found: list[tuple[int, int, str, str]] = []
    for index, (start, end, label, source) in enumerate(entities):
        if label != "ORG" or source != "model":
            continue
        if name_end(start) == end:
            out[index] = (start, end, "PERSON", source)
        elif end - start >= 4 and name_end(end - 2) == end:
            out[index] = (start, end - 2, label, source)
            found.append((end - 2, end, "PERSON", source))
    k = 0
    while k < n:
        end = name_end(k)
        if end > k and all(owner[m] == -1 for m in range(k, end)):
            found.append((k, end, "PERSON", "rule"))
            k = end
        else:
            k += 1
    return out + found


def surname_mentions(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """PERSON for each later mention of a full name's surname: "[Javier Milei] ... [Milei]
    said", "[Sophie Van den Broeck] ... [Van den Broeck]". A one-word model span of another
    label there is relabelled (the model often calls a lone surname ORG); gazetteer and rule
    spans are left alone."""
    tokens = token_list(doc)
    n = len(tokens)
    surnames: set[tuple[str, ...]] = set()
    for start, end, label, _ in entities:
        if label != "PERSON" or end - start < 2:
            continue
        first = end - 1
        while first - 1 > start:
            before = tokens[first - 1]
            if before.lower_ in _NAME_PARTICLES:
                first -= 1  # "von der Leyen"
            elif before.text == "-" and not tokens[first - 2].whitespace_ and first - 2 >= start:
                first -= 2  # "Okafor-Hughes", "al-Sharaa"
            else:
                break
        words = tuple(t.text for t in tokens[first:end])
        if words[-1][:1].isupper() and words[-1].isalpha() and len(words[-1]) > 2:
            surnames.add(words)
            if len(words) > 1:
                surnames.add(words[-1:])
    if not surnames:
        return entities
    owner = [-1] * n
    for index, (start, end, _, _) in enumerate(entities):
        for k in range(start, end):
            owner[k] = index
    out = list(entities)
    found: list[tuple[int, int, str, str]] = []
    longest = max(len(words) for words in surnames)
    k = 0
    texts = [t.text for t in tokens]
    firsts = {words[0] for words in surnames}
    while k < n:
        if texts[k] not in firsts:
            k += 1
            continue
        for size in range(longest, 0, -1):
            words = tuple(texts[k : k + size])
            if len(words) != size or words not in surnames:
                continue
            if (
                k > 0
                and tokens[k - 1].is_title
                and tokens[k - 1].is_alpha
                and owner[k - 1] == -1
                and not opens_sentence(doc, k - 1)
            ):
                break  # part of a longer name the model missed: leave it
            owners = {owner[m] for m in range(k, k + size)}
            inside = owners - {-1}
            if owners == {-1}:
                found.append((k, k + size, "PERSON", "rule"))
            elif size > 1 and all(
                out[i][2] == "PERSON"
                and out[i][3] == "model"
                and k <= out[i][0]
                and out[i][1] <= k + size
                for i in inside
            ):
                for i in inside:  # "Van den [Broeck]" -> "[Van den Broeck]"
                    out[i] = (0, 0, "", "")
                found.append((k, k + size, "PERSON", "rule"))
            elif len(owners) == 1:
                index = owners.pop()
                start, end, label, source = out[index]
                if (start, end) == (k, k + size) and source == "model" and label != "PERSON":
                    out[index] = (start, end, "PERSON", "model")
                elif (
                    (start, end) == (k - 1, k + size)
                    and source == "model"
                    and label != "PERSON"
                    and opens_sentence(doc, start)
                ):
                    # "[Later Okafor-Hughes]" ORG: the model took the sentence's first word in
                    out[index] = (k, k + size, "PERSON", "model")
            k += size - 1
            break
        k += 1
    return [e for e in out if e[2]] + found


def single_word_persons(
    doc: Doc, entities: list[tuple[int, int, str, str]], given: GivenNames
) -> list[tuple[int, int, str, str]]:
    """Drop one-word model PERSONs that are neither a known name's part, a given name nor
    after a title.

    News gives a person's full name first and the surname after ("[Shoigu] met ..."); a lone
    capitalised word the model calls a person with neither is mostly a place, a people or a
    sentence-opening noun ("Galilee", "Tuareg", "Sirens"). A given name ("Mia", "Sam": the
    shipped list leaves out those that are places too, "Jordan", "Georgia") is a person on its
    own: stories and chat name people so.
    """
    from annotator.nlp.labelmap import is_title_word

    names = {
        doc[k].lower_
        for start, end, label, _ in entities
        if label == "PERSON" and end - start > 1
        for k in range(start, end)
    }
    kept = []
    for entity in entities:
        start, end, label, source = entity
        if (
            label == "PERSON"
            and source == "model"
            and end - start == 1
            and doc[start].lower_ not in names
            and doc[start].text not in given
            and not (start > 0 and is_title_word(doc[start - 1].text))
        ):
            continue
        kept.append(entity)
    return kept


def known_as(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """A name after "known as" takes the label of the entity it renames: "[Mohamed Hamdan
    Dagalo], known as [Hemedti]"; "the [GRU], also known as [APT28] or [Fancy Bear]". A model
    PERSON/ORG that is exactly the alias is relabelled; other spans there are left alone."""
    tokens = token_list(doc)
    n = len(doc)
    taken = [False] * n
    ends: dict[int, str] = {}
    exact: dict[tuple[int, int], int] = {}
    for index, (start, end, label, source) in enumerate(entities):
        ends[end] = label
        if source == "model" and label in {"PERSON", "ORG"}:
            exact[(start, end)] = index
        for k in range(start, end):
            taken[k] = True
    out = list(entities)
    found: list[tuple[int, int, str, str]] = []
    for k in range(1, n - 1):
        if tokens[k].lower_ != "known" or tokens[k + 1].lower_ != "as":
            continue
        before = k - 1
        while before > 0 and tokens[before].lower_ in {",", "also", "(", "widely", "better"}:
            before -= 1
        renamed = ends.get(before + 1)
        if renamed not in {"PERSON", "ORG"}:
            continue
        j = k + 2
        while j < n:  # one name, or several joined by "or"/"and"
            end = j
            while end < n and end - j < 4 and _is_alias_word(tokens[end]):
                end += 1
            if end == j:
                break
            plural = tokens[j].text in {"Los", "Las", "Les", "The"}  # "the sons of X, known as
            # Los Chapitos" renames a group, not the person
            if renamed == "PERSON" and plural:
                pass
            elif (j, end) in exact:
                out[exact[(j, end)]] = (j, end, renamed, "model")
            elif not any(taken[m] for m in range(j, end)):
                found.append((j, end, renamed, "rule"))
            if end + 1 < n and tokens[end].lower_ in {"or", "and"}:
                j = end + 1
                continue
            break
    return out + found


def _is_alias_word(token: Token) -> bool:
    """A word of a name or alias: "Hemedti", "APT28", "Fancy", not "the" or a comma."""
    return token.text[:1].isupper() and (token.is_alpha or token.text.isalnum())


# Ranks and offices that only a person holds, for a name the model missed after them.
_PERSON_RANKS = split_words(
    """president minister secretary general gen lt lieutenant col colonel maj major capt
    captain sgt sergeant admiral adm commander cmdr marshal brigadier chancellor senator sen
    governor ambassador commodore"""
)


def ranked_names(
    doc: Doc, entities: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """PERSON for two or three capitalised words after a rank the model left unlabelled.

    "Lieutenant Colonel [Nadav Shoshani] said": capitalised titles holding a rank, then a
    name of two or three words that no entity covers, none of them a body's word. A role
    written in lower case does as well as a rank: "chief executive [Mehmet Demiroglu]".
    """
    tokens = token_list(doc)
    from annotator.nlp.labelmap import is_title_word

    taken = [False] * (len(doc) + 1)
    for start, end, _, _ in entities:
        for k in range(start, end):
            taken[k] = True
    found: list[tuple[int, int, str, str]] = []
    n = len(doc)
    k = 0
    while k < n:
        ranked = tokens[k].is_title and tokens[k].lower_.rstrip(".") in _PERSON_RANKS
        role = tokens[k].is_lower and tokens[k].lower_ in _PERSON_NOUNS
        if not (ranked or role):
            k += 1
            continue
        j = k + 1 if role else k
        while j < n and not tokens[j].is_lower and is_title_word(tokens[j].text):
            j += 1
        end = j
        while end < n and end - j < 3 and tokens[end].is_title and tokens[end].is_alpha:
            end += 1
        words = doc[j:end]
        if (
            2 <= end - j <= 3
            and not any(taken[m] for m in range(j, end))
            and not any(t.lower_ in ORG_WORDS_LOWER or is_title_word(t.text) for t in words)
            and (end == n or not tokens[end].is_title)
        ):
            found.append((j, end, "PERSON", "rule"))
        k = max(end, k + 1)
    return found
