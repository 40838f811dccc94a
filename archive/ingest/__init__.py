"""The one capture step every way of capturing shares: read the page, pass the quality
gate, decide whether the article changed, record it."""
