"""Storage experiments (issue 23); see docs/storage-plan.md. Nothing here is imported."""
