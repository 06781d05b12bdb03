from cycles.errors import CycleError


class ConferenceError(CycleError):
    """A rule of the conference refused the change; the message is for the user."""


class StaleNoteError(ConferenceError):
    """A conference note was saved elsewhere after this copy was loaded; the other text goes back to the user."""

    def __init__(self, message, *, current_text: str, current_version: int):
        super().__init__(message)
        self.current_text = current_text
        self.current_version = current_version
