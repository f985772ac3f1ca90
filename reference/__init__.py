"""Reference solutions for HW1. Imported by the grader only, never inside the sandbox."""
