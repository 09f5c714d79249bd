"""The announcements module's commands, one file each: payload, event, pure decide, handler."""
