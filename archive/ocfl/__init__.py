"""The archive on a store: OCFL objects, article states, run logs, leases, verify, sync."""
