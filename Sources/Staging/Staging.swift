// Staging module.
