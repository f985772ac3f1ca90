"""The sandbox that runs student code apart from the grader."""
