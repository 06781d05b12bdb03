class TrackingError(Exception):
    """A rule of periodic tracking refused the change; the message is for the user."""


class StalePeriodError(TrackingError):
    """The period was saved elsewhere (another tab, the tracker) after this copy was loaded; nothing is lost: the
    typed values go back to the form with the saved ones beside them."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version
