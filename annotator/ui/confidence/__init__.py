"""The window's side of suggestion confidence: the order of work, the threshold below which
suggestions are hidden, and the jump to the least sure suggestion (``menu``)."""
