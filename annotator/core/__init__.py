"""Qt-free domain: documents, spans, labels, edits and the project store."""
