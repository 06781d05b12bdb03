class SigningError(Exception):
    """A signature refused or a file that cannot be taken; the message is for the user (Vietnamese)."""
