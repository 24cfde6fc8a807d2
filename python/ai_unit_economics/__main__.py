"""`python -m ai_unit_economics`: the same as `aiue`."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
