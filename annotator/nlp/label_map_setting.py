"""The project's ``label_map`` setting: which pipeline label becomes which project label, or
none. Read by the untrained suggester (``preannotate``) and by training (``train``)."""

from __future__ import annotations

import json

from annotator.core.store import ProjectStore, StoreError

__all__ = ["project_label_map"]


def project_label_map(store: ProjectStore) -> dict[str, str | None]:
    """The project's ``label_map`` setting (pipeline label -> project label or null), checked:
    a project file is untrusted input, so anything but such an object is refused with a
    message rather than failing somewhere inside the suggester."""
    raw = store.setting("label_map")
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in value.items()
    ):
        raise StoreError(
            f"{store.path}: the project's label map setting is damaged; it must map pipeline "
            'labels to project labels or null, like {"NORP": null, "FAC": "ORG"}'
        )
    return value
