"""Performance suite: each script measures the service against a baseline in the same run."""
