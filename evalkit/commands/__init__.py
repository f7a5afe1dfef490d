"""Command-line commands: thin wrappers that parse arguments, call the library and print.

A command module sits above every library layer (study, analysis, present,
report) and may import any of them; nothing in the library imports a command.
:mod:`evalkit.cli` dispatches to them by name.
"""
