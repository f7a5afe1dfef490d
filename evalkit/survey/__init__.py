"""The coordinator survey: a form coordinators can fill in, and the import of a web-survey export."""
