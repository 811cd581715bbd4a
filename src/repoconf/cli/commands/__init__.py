"""One module per command, each a typed function returning an exit code; no command imports another."""
