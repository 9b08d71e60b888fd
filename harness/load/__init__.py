"""TF 6.x load, endurance and recovery profiles on Locust (entry: ``harness.load.runner``).

This package file stays empty on purpose: ``harness.load.engine`` runs as a child process
and must be able to import Locust (and so monkey-patch for gevent) before anything else.
"""
