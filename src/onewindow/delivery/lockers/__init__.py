"""Smart locker hardware: the driver interface that opens a compartment."""
