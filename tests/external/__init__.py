"""The external-engines suite: engines set up as an operator would, then the suites on them."""
