"""From a page's bytes to an Article: decoding, metadata, the body, the quality gate."""
