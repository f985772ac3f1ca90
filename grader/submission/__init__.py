"""What a submission is, and how it is read (never executed) from disk."""

from grader.submission.loader import load_submission
from grader.submission.model import SourceCell, Submission, SubmissionFormat

__all__ = ["SourceCell", "Submission", "SubmissionFormat", "load_submission"]
