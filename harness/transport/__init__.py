"""Stage 3: calling producers over mutual TLS, recording exchanges, explaining failures."""
