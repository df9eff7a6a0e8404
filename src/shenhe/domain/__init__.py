"""The governance model: pure data and rules, no ORM, no I/O (see docs/architecture.md)."""
