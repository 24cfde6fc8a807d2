"""What people see on the terminal: progress and messages (console) and text tables (tables).

The bottom of the toolkit beside errors and project: it imports nothing else of the package.
"""
