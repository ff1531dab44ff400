"""Financial Report Generator: sync and async CSV reports with signed webhooks."""

__version__ = "0.1.0"
