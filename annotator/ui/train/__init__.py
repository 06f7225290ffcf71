"""The window's learning loop: the Model menu, training and curve dialogs, model versions and
the list of texts no longer suggested."""
