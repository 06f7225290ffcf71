"""The review and team parts of the window: whose annotation, review mode, agreement."""
