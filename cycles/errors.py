class CycleError(Exception):
    """A rule of the cycle refused the change; the message is for the user."""
