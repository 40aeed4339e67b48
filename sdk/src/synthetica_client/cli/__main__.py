"""`python -m synthetica_client.cli`, as the `synthetica` command."""

import sys

from synthetica_client.cli import main

sys.exit(main())
