import sys

from synthetica_client.cli import main

sys.exit(main())
