"""The docs site's generated pages: event references, the events overview, field tables."""
