"""Settings for `make bench-http`: the production settings plus one bare JSON view
(/bench/bare/), the yardstick the pages are compared with. Never used outside the bench."""

from ukeoi.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
