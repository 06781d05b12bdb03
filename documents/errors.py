class DocumentError(Exception):
    """A document cannot be made or given out; the message is for the user, in Vietnamese."""


class RenderError(DocumentError):
    """The renderer failed on this job's data. Not transient: retrying the same data fails the same way."""
