#!/bin/sh
# Both ends of complete RMCP+ sessions (suites 17 and 3) in memory:
# vcm-selfcheck prints TAP itself; this runs the sanitizer build of it.
exec "${VCM_BUILD:-build/san}/bin/vcm-selfcheck"
