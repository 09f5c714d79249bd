"""The billing module's commands, one file each."""
