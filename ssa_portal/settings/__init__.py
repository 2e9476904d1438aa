"""Settings package.

``base`` is the default profile (development, tests, the one-command demo);
``production`` hardens it and refuses to start without real secrets.
"""
from .base import *  # noqa: F401,F403
