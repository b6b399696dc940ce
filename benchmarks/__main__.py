"""`python -m benchmarks [search] [options]` (`make benchmarks`): the search benchmark.

The other benchmarks run as scripts (`python benchmarks/import.py …`); see each one's docstring.
"""

from __future__ import annotations

import sys

from benchmarks.search import main

if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["search"]:
        arguments = arguments[1:]
    main(arguments)
