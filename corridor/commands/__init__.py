"""The analysts' subcommands, one module per area; each declares its options beside its handler."""
