"""A trained model as a spaCy pipeline folder that suggests what the app suggests.

``annotator train --output DIR`` writes the trained entity recognizer (``tok2vec``, ``ner``,
both disabled) and one enabled component, ``annotator_suggestions``. That component holds the
model's ``SuggesterRecipe`` (base pipeline, labels, label map, patterns, the per-label choice of
sources, the texts no longer suggested) and sets ``doc.ents`` to exactly the spans the app
suggests, by running the app's own suggester over the folder's recognizer: there is no second
implementation of the rules, so ``spacy.load(DIR)(text).ents`` and the window cannot drift
apart. The recognizer is disabled in the folder so that a text goes through it once, inside
the suggester. ``spacy.load(DIR, exclude=["annotator_suggestions"])`` and ``enable_pipe``
give the bare model (and a training config can source ``ner`` from DIR).

spaCy finds the component through the ``spacy_factories`` entry point of this package, so the
folder loads wherever the annotator is installed. The base pipeline named in the recipe (for
labels the untrained suggester serves) is loaded the way the app loads it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.nlp.train.load import SuggesterRecipe, suggester_from_recipe

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from annotator.nlp.suggest import SpanSource

__all__ = ["FACTORY", "ProjectSuggestions", "make_project_suggestions", "write_suggesting_pipeline"]

FACTORY = "annotator_suggestions"
_RECIPE_FILE = "recipe.json"


class ProjectSuggestions:
    """The pipeline component: the project's suggestions as ``doc.ents``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.recipe: SuggesterRecipe | None = None
        self._folder: Path | None = None
        self._suggester: SpanSource | None = None

    def __call__(self, doc: Doc) -> Doc:
        suggester = self._ready()
        spans = suggester.suggest_one(doc.text)
        ents = []
        for span in spans:
            ent = doc.char_span(span.start, span.end, label=span.label)
            if ent is None:  # the same tokenizer made both docs: cannot happen
                raise ValueError(f"suggestion {span.start}-{span.end} is not on token bounds")
            ents.append(ent)
        doc.ents = ents
        return doc

    def _ready(self) -> SpanSource:
        if self._suggester is None:
            if self.recipe is None or self._folder is None:
                raise ValueError(f"{FACTORY}: load this component from a pipeline folder")
            self._suggester = suggester_from_recipe(self.recipe, _bare_model(self._folder))
        return self._suggester

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        if self.recipe is None:
            raise ValueError(f"{FACTORY}: no recipe to write")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.recipe.to_json(), ensure_ascii=False, indent=1)
        (folder / _RECIPE_FILE).write_text(text, encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> ProjectSuggestions:
        folder = Path(path)
        try:
            data = json.loads((folder / _RECIPE_FILE).read_text(encoding="utf-8"))
            self.recipe = SuggesterRecipe.from_json(data)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{folder / _RECIPE_FILE}: cannot be read ({exc})") from exc
        self._folder = folder.parent
        self._suggester = None
        return self


def make_project_suggestions(nlp: Language, name: str) -> ProjectSuggestions:
    """The factory spaCy calls (registered below and through the entry point)."""
    return ProjectSuggestions(nlp, name)


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory(FACTORY):
        Language.factory(FACTORY, func=make_project_suggestions)


_register()


def _bare_model(folder: Path) -> Language:
    """The folder's recognizer alone, enabled (the component excluded: no recursion)."""
    import spacy

    nlp = spacy.load(folder, exclude=[FACTORY])
    for name in list(nlp.disabled):
        nlp.enable_pipe(name)
    return nlp


def write_suggesting_pipeline(
    model: Language, recipe: SuggesterRecipe, folder: Path, meta: dict[str, Any]
) -> None:
    """``model`` (a stored model as loaded) plus the component, written to ``folder``."""
    model.meta.update(meta)
    component = model.add_pipe(FACTORY, last=True)
    assert isinstance(component, ProjectSuggestions)
    component.recipe = recipe
    for name in model.pipe_names:
        if name != FACTORY:
            model.disable_pipe(name)
    model.to_disk(folder)
