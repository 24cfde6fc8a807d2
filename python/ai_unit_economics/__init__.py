"""ai_unit_economics: what AI really costs per successful outcome, not per token."""

__version__ = "0.1.0"
