"""The exceptions seqc raises: Error (compiler and runtime) and ExportError."""


class Error(Exception):
    """A problem seqc found with what it was given: a bad model description,
    a bad or missing weights file, an unsupported option, an input of the
    wrong dtype or shape, a failed run-time check.

    ``str(error)`` is the message the ``seqc`` command line prints for the
    same problem, without its ``seqc: error:`` prefix: ``<file>[:<where>]:
    <what is wrong>``, where ``<where>`` is a line:column or a JSON pointer
    such as ``/nodes/3/attrs/heads``. For a :class:`seqc.Model` compiled from
    memory, ``<file>`` is ``<Model 'NAME'>/model.json`` (or
    ``.../model.safetensors``).
    """

    def __init__(self, message):
        super().__init__(message)
        #: The message, as ``str(error)`` gives it.
        self.message = message


class ExportError(Error):
    """A framework model (torch.nn, NIR, ...) uses something seqc cannot
    express exactly; the message names the module path and the option."""
