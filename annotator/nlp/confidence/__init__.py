"""Confidence of suggestions: the entity recognizer's beam probabilities (``beam``) and the
calibration of those probabilities on a project's held-out accepted documents (``calibrate``).

Rule and pattern precision from a project's history, and applying a calibration, need no spaCy:
they are in ``annotator.core.confidence``.
"""
