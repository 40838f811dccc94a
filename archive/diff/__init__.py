"""What changed between two articles: word and paragraph diffs, the model, the grading."""
