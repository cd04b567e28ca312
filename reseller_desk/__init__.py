"""Reseller Desk: the back office of a Japanese cloud-PBX / IP-phone reseller."""

import logging

__version__ = "0.1.0"

# Log records go where the window (ui/errors.setup_logging) sends them, and nowhere when no
# one has set a log up: never to stderr through logging's last-resort handler, which would put
# a CLI command's warnings (a refused log-in …) beside its one line of error.
logging.getLogger(__name__).addHandler(logging.NullHandler())
