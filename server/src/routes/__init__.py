"""The HTTP layer: parse, call a controller, shape the response."""
