"""Getting a page: the HTTP client, body limits, the network guard, WARC records, provenance."""
