"""The site's own pages, above every app: where each role lands, and the health check."""
