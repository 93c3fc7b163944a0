"""Exporting a project: labels of one layer, with provenance, in one of the formats.

The layers (docs/decisions.md, "Import and export"):

- "approved": spans and attributions a reviewer approved (review_state
  "approved"), of every annotator, with identical spans (same label and
  offsets) and identical attributions merged into one whose provenance lists
  every annotator. An approved attribution brings the spans it links, even
  one not approved itself (its provenance says so).
- "annotator": one annotator's labels (accepted, not their rejections).
- "all": every annotator's labels, unmerged, each with its annotator.

Suggestions nobody accepted are not labels and are never exported.

Documents are read in batches (`BATCH` at a time, values only, four queries
a batch) and turned into the plain records of annotator/formats/, which the
writers stream into a bundle (a zip, or a folder): memory stays flat however
large the project. A background job (ExportJob) runs the same function in a
Celery worker and keeps its progress on its row.
"""
from annotator.services.exports.bundle import project_export
from annotator.services.exports.files import PART_NAME, ZIP_NAME, Cleaned, export_files_clean
from annotator.services.exports.jobs import (ACTIVE, MAX_RESUMES, Superseded, download_name,
                                             export_job_fail, export_job_run, export_job_send,
                                             export_job_start, export_jobs_resume_stale,
                                             export_path)
from annotator.services.exports.layers import Layer, layer_parse
from annotator.services.exports.records import (ATTRIBUTION_FIELDS, BATCH, SPAN_FIELDS,
                                                documents_read)

__all__ = ["ACTIVE", "ATTRIBUTION_FIELDS", "BATCH", "Cleaned", "Layer", "MAX_RESUMES",
           "PART_NAME", "SPAN_FIELDS", "Superseded", "ZIP_NAME",
           "documents_read", "download_name", "export_files_clean", "export_job_fail",
           "export_job_run", "export_job_send", "export_job_start", "export_jobs_resume_stale",
           "export_path", "layer_parse", "project_export"]
