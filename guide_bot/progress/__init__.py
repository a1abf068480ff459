"""Progress outside the chat layer: the /stats chart, records from the history, own routines."""
