// Reporting module.
