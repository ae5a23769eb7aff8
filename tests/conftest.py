"""Test-wide set-up: Qt renders offscreen, and hypothesis has a quick and a long profile.

HYPOTHESIS_PROFILE=long runs 10,000 examples per property (the fuzzing mode); CI runs the default.
"""

import os

from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

settings.register_profile("default", max_examples=300, deadline=None)
settings.register_profile("long", max_examples=10_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
