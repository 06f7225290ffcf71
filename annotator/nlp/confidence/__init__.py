"""Confidence of suggestions: the probabilities of the entity recognizer's spans (``scores``:
which scorer, and a span's probability; ``greedy``, the default: from the greedy parse's own
actions; ``beam``: under a beam search) and the calibration of those probabilities on a
project's held-out accepted documents (``calibrate``).

Rule and pattern precision from a project's history, and applying a calibration, need no spaCy:
they are in ``annotator.core.confidence``.
"""
