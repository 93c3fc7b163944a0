"""Serializers translate: `<Noun><Verb>In` parse requests, `<Noun>Out` shape responses.

One module per part of the API; every public name is re-exported here, so that
`from annotator.api import serializers as s` keeps working.
"""
from annotator.api.serializers.common import MAX_ID, MAX_OFFSET, MAX_VERSION, ids
from annotator.api.serializers.auth import (LoginIn, PasswordChangeIn, PasswordChangedOut,
                                            TokenCreateIn, TokenCreatedOut, TokenOut, UserOut)
from annotator.api.serializers.projects import (AttributeDefinition, LabelCreateIn, LabelIn,
                                                LabelOut, MemberCreateIn, MemberOut,
                                                MemberUpdateIn, ProjectCreateIn, ProjectOut,
                                                ProjectUpdateIn)
from annotator.api.serializers.documents import (AttributionOut, DocumentCreateIn,
                                                 DocumentCreatedOut, DocumentDetailOut,
                                                 DocumentListOut, SpanOut, StatusChangeIn,
                                                 StatusOut, SuggestionsOut)
from annotator.api.serializers.labels import (AttributionCreateIn, AttributionUpdateIn, SpanBulkIn,
                                              SpanCreateIn, SpanUpdateIn, SuggestedAttributionIn,
                                              SuggestedSpanIn, SuggestionDecideIn,
                                              SuggestionDecidedOut, SuggestionsStoreIn,
                                              SuggestionsStoredOut, attribution_create_plain,
                                              span_create_plain, span_update_plain)
from annotator.api.serializers.reviews import (AnnotatorStatusOut, CorrectionAttributionIn,
                                               CorrectionSpanIn, EventOut, HistoryOut,
                                               QueueSubmissionOut, RestoreSkippedOut, ReviewBulkIn,
                                               ReviewBulkOut, ReviewIn, ReviewLeftCountOut,
                                               ReviewLeftOut, ReviewOut, ReviewQueueFilterIn,
                                               ReviewQueueOut, SpanRestoredOut,
                                               review_outcome_dict)
from annotator.api.serializers.jobs import PretagJobOut, PretagJobStartIn, TaggerOut
from annotator.api.serializers.agreement import (AgreementAnnotatorOut, AgreementDocumentOut,
                                                 AgreementFilterIn, AgreementLabelOut,
                                                 AgreementMetricsOut, AgreementOut,
                                                 AgreementPairOut)
from annotator.api.serializers.bulk import LayerBulkIn, LayerBulkOut, layer_bulk_dict
from annotator.api.serializers.output import (attribution_dict, attribution_row_dict,
                                              document_detail_dict, document_list_row_dict,
                                              span_dict,
                                              span_restored_dict, span_row_dict,
                                              suggestion_decided_dict)

__all__ = ["AgreementAnnotatorOut", "AgreementDocumentOut", "AgreementFilterIn",
           "AgreementLabelOut", "AgreementMetricsOut", "AgreementOut", "AgreementPairOut",
           "AnnotatorStatusOut", "AttributeDefinition", "AttributionCreateIn", "AttributionOut",
           "AttributionUpdateIn", "CorrectionAttributionIn", "CorrectionSpanIn",
           "DocumentCreateIn", "DocumentCreatedOut", "DocumentDetailOut", "DocumentListOut",
           "EventOut", "HistoryOut", "LabelCreateIn", "LabelIn", "LabelOut", "LayerBulkIn",
           "LayerBulkOut", "LoginIn", "MAX_ID",
           "MAX_OFFSET", "MAX_VERSION", "MemberCreateIn", "MemberOut", "MemberUpdateIn",
           "PasswordChangeIn",
           "PasswordChangedOut", "PretagJobOut", "PretagJobStartIn", "ProjectCreateIn",
           "ProjectOut", "ProjectUpdateIn", "QueueSubmissionOut", "RestoreSkippedOut",
           "ReviewBulkIn", "ReviewBulkOut", "ReviewIn", "ReviewLeftCountOut", "ReviewLeftOut",
           "ReviewOut", "ReviewQueueFilterIn", "ReviewQueueOut", "SpanBulkIn", "SpanCreateIn",
           "SpanOut", "SpanRestoredOut", "SpanUpdateIn", "StatusChangeIn", "StatusOut",
           "SuggestedAttributionIn", "SuggestedSpanIn", "SuggestionDecideIn",
           "SuggestionDecidedOut", "SuggestionsOut", "SuggestionsStoreIn", "SuggestionsStoredOut",
           "TaggerOut", "TokenCreateIn", "TokenCreatedOut", "TokenOut", "UserOut",
           "attribution_create_plain", "span_create_plain", "span_update_plain",
           "attribution_dict", "attribution_row_dict", "document_detail_dict",
           "document_list_row_dict", "ids",
           "layer_bulk_dict", "review_outcome_dict", "span_dict", "span_restored_dict",
           "span_row_dict",
           "suggestion_decided_dict"]
