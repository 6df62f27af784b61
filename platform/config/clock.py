"""The current time, looked up on every call.

``default=timezone.now`` binds Django's function when the model class is made, so
patching ``django.utils.timezone.now`` (a test's moved clock, the demo seeder's
back-dating) does not reach such defaults. Models whose timestamps must follow a
moved clock use ``default=config.clock.now`` instead.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
