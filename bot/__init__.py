"""Förderlotse runtime: launcher, web server, channels."""
