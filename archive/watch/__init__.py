"""The parts of a watch run: watchlists, feeds, sitemaps, robots, schedule, politeness, checks."""
