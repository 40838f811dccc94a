"""Keys of what the ``redline`` group notes in ``ctx.meta`` for the command it runs
(``ctx.meta`` is shared by the group's context and the command's)."""

from __future__ import annotations

#: ``redline --archive PATH COMMAND``: the archive and endpoint given before the command,
#: used by the command unless it is given its own on the command line.
GROUP_ARCHIVE_KEY = "redline.group_archive"
GROUP_ENDPOINT_KEY = "redline.group_endpoint"
#: The endpoint the command's archive is reached through.
ENDPOINT_KEY = "redline.endpoint_url"
