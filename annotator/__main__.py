"""`python -m annotator` runs the command line."""

import multiprocessing
import sys

from annotator.cli import main

if __name__ == "__main__":  # a spawned worker process imports this module too: run nothing then
    multiprocessing.freeze_support()
    sys.exit(main())
