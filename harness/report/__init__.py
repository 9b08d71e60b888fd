"""Stage 6: the self-declaration report: JSON document, HTML/PDF renderings, evidence, manifest, signature."""
