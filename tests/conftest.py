"""Test-wide set-up: Qt renders offscreen, settings and data go to a scratch folder, and hypothesis
has a quick and a long profile.

HYPOTHESIS_PROFILE=long runs 10,000 examples per property (the fuzzing mode); CI runs the default.
"""

import atexit
import os
import shutil
import tempfile

from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Never the user's own settings, autosave or logs: every test, and every process a test starts,
# sees a throwaway home for configuration, data, cache and state (QSettings and QStandardPaths
# read these on Linux). Set here, before any test module imports Qt.
SCRATCH_HOME = tempfile.mkdtemp(prefix="backprop-studio-tests-")
atexit.register(shutil.rmtree, SCRATCH_HOME, ignore_errors=True)
for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[variable] = os.path.join(SCRATCH_HOME, variable.lower())

# The suite's examples are fixed (derandomize), so a CI run is repeatable: the random search for
# new cases is the long profile's job. (It found, for instance, that this torch build's float64
# sqrt(2) is 1 ulp below the correctly rounded value, which turns a max() tie the other way.)
settings.register_profile("default", max_examples=300, deadline=None, derandomize=True)
settings.register_profile("long", max_examples=10_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
