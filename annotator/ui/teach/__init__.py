"""The window's "one suggestion at a time" mode (like Prodigy's ``ner.teach``): one suggested
span in its sentence, answered alone with the answer keys (``mode``), shown by ``panel``."""
