"""Writers and storage: NetCDF/CSV output, figures, reports, scaffolds, atomic directories, locks, checkpoints."""
