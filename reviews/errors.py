class ReviewError(Exception):
    """A rule refused the change; the message is for the user, in Vietnamese."""


class StaleFormError(ReviewError):
    """The form was saved elsewhere (another tab, another device) after this copy was loaded."""

    def __init__(self, message, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version
