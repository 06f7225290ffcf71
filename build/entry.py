"""Entry point of the frozen executable: the `annotator` command.

``freeze_support`` lets spaCy's ``nlp.pipe(n_process=N)`` start worker processes from the
frozen app (they re-run this executable); it does nothing outside a frozen app.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from annotator.cli import main

    sys.exit(main())
