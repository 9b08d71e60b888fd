"""Stage used by tests and by default runs: the reference RIVTA producer over mutual TLS."""
