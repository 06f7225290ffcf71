"""The learning loop: a project's own model, trained from its annotators' accepted work.

``data`` (what is trained on: gold and rehearsal), ``finetune`` (the training loop),
``sources`` (how a trained model and the rules suggest, per label), ``scoring`` (held-out
scores and the choice of sources), ``stored`` (a model as checked data in the project file),
``load`` (the project's suggester from a stored model), ``check`` (whether a stored model may
suggest, before a switch to it), ``project`` (``annotator train``),
``curve`` (the learning curve).
"""
