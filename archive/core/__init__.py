"""What every layer shares: the article and capture models, errors, URL ids, times."""
