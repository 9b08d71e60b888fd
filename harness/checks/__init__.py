"""Stage 4: checks: recorded exchanges in, findings out (pure functions, one rule each)."""
