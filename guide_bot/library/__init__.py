"""The routine library: loading YAML files with precise errors, linting, finding routines."""
