"""Capture: record live deliveries (`listen`), read and replay them, and report drift."""
