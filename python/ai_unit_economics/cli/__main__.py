"""`python -m ai_unit_economics.cli`: the same as `aiue`."""

from . import main

if __name__ == "__main__":
    raise SystemExit(main())
