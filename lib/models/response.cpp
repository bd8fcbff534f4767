// Filled in by its area's implementation.
