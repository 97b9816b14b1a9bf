"""Presentation helpers shared by the pages: strings, Finnish number format, cached queries, charts."""
