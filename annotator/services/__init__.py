"""Every write goes through a function in this package (STYLE.md)."""
