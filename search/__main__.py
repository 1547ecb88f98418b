"""`python -m kavosh` is the `kavosh` command."""

from .cli import main

main()
