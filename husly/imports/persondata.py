"""Imports keep the cells of an uploaded file for a day at most (husly.common.persondata)."""

from husly.common.persondata import exempt

exempt("imports.ImportBatch",
       "The cells of an uploaded file, kept for the one user who uploaded it and cleared after "
       "BATCH_HOURS (imports.services.import_batches_clear); the rows an import creates are "
       "declared by their apps.")
