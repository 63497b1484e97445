
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "AccountCreateResult": [
      "AccountCreateSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "ApiKeyCreateResult": [
      "ApiKeyCreateSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "ApiKeyRevokeResult": [
      "ApiKeyRevokeSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "BulkOperationCancelResult": [
      "BulkOperationCancelSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "BulkOperationRunResult": [
      "BulkOperationRunSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CategoryExceptionRequestReviewResult": [
      "CategoryExceptionRequestReviewSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CategoryExceptionRequestSubmitResult": [
      "CategoryExceptionRequestSubmitSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CategoryUpdateResult": [
      "CategoryUpdateSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "ContentItemAddResult": [
      "ConflictError",
      "ContentItemAddSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorCreateResult": [
      "ConflictError",
      "CreatorCreateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorRepresentationGrantResult": [
      "ConflictError",
      "CreatorRepresentationGrantSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorRepresentationRevokeResult": [
      "ConflictError",
      "CreatorRepresentationRevokeSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorSettingsUpdateResult": [
      "ConflictError",
      "CreatorSettingsUpdateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorUpdateResult": [
      "ConflictError",
      "CreatorUpdateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "Error": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "EventAttendanceMarkResult": [
      "ConflictError",
      "EventAttendanceMarkSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "EventCreateResult": [
      "ConflictError",
      "EventCreateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "EventRegisterResult": [
      "ConflictError",
      "EventRegisterSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "EventRegistrationCancelResult": [
      "ConflictError",
      "EventRegistrationCancelSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "FeeCategoryUpdateResult": [
      "ConflictError",
      "FeeCategoryUpdateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "HealthReportIssueResult": [
      "ConflictError",
      "ForbiddenError",
      "HealthReportIssueSuccess",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "InvitationCodeRevokeResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "InvitationCodeRevokeSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "InvitationCodesIssueResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "InvitationCodesIssueSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingBulkReviewResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingBulkReviewSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingBulkSubmitResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingBulkSubmitSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingCreateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingCreateSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingReviewResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingReviewSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingSubmitResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingSubmitSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingUpdateSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "Node": [
      "Account",
      "ApiKey",
      "BulkOperation",
      "CatalogueChange",
      "Category",
      "CategoryExceptionRequest",
      "ContentItem",
      "Creator",
      "EventRegistration",
      "FeeCategory",
      "HealthReport",
      "InvitationCode",
      "Listing",
      "ListingReview",
      "Order",
      "Partnership",
      "PointsLedgerEntry",
      "Policy",
      "PrimaryCategorySelection",
      "Quiz",
      "QuizAttempt",
      "RestrictedCategoryApproval",
      "SellerEvent",
      "Shop",
      "ShopStatusChange",
      "Tier",
      "TierAssignment",
      "TierRecalculationRun",
      "VerificationDocument",
      "Violation",
      "ViolationAppeal",
      "WebhookDelivery",
      "WebhookEndpoint"
    ],
    "OrderImportResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "OrderImportSuccess",
      "ValidationError"
    ],
    "PartnershipAcceptResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PartnershipAcceptSuccess",
      "ValidationError"
    ],
    "PartnershipDeclineResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PartnershipDeclineSuccess",
      "ValidationError"
    ],
    "PartnershipEndResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PartnershipEndSuccess",
      "ValidationError"
    ],
    "PartnershipProposeResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PartnershipProposeSuccess",
      "ValidationError"
    ],
    "PlatformJobRunResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PlatformJobRunSuccess",
      "ValidationError"
    ],
    "PlatformSettingsUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PlatformSettingsUpdateSuccess",
      "ValidationError"
    ],
    "PolicyUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PolicyUpdateSuccess",
      "ValidationError"
    ],
    "PrimaryCategoryAutoAssignResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PrimaryCategoryAutoAssignSuccess",
      "ValidationError"
    ],
    "QuizAttemptSubmitResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "QuizAttemptSubmitSuccess",
      "ValidationError"
    ],
    "QuizUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "QuizUpdateSuccess",
      "ValidationError"
    ],
    "RestrictedCategoryApprovalDecideResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "RestrictedCategoryApprovalDecideSuccess",
      "ValidationError"
    ],
    "RestrictedCategoryApprovalRequestResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "RestrictedCategoryApprovalRequestSuccess",
      "ValidationError"
    ],
    "SandboxClockSetResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "SandboxClockSetSuccess",
      "ValidationError"
    ],
    "ShopAccessGrantResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopAccessGrantSuccess",
      "ValidationError"
    ],
    "ShopAccessRevokeResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopAccessRevokeSuccess",
      "ValidationError"
    ],
    "ShopBusinessModelMigrateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopBusinessModelMigrateSuccess",
      "ValidationError"
    ],
    "ShopChangePrimaryCategoryResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopChangePrimaryCategorySuccess",
      "ValidationError"
    ],
    "ShopFulfilmentModeSetResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopFulfilmentModeSetSuccess",
      "ValidationError"
    ],
    "ShopHealthRefreshResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopHealthRefreshSuccess",
      "ValidationError"
    ],
    "ShopOnboardResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopOnboardSuccess",
      "ValidationError"
    ],
    "ShopSelectPrimaryCategoryResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopSelectPrimaryCategorySuccess",
      "ValidationError"
    ],
    "TierRecalculateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "TierRecalculateSuccess",
      "ValidationError"
    ],
    "TierUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "TierUpdateSuccess",
      "ValidationError"
    ],
    "ViolationAppealDecideResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "ViolationAppealDecideSuccess"
    ],
    "ViolationAppealSubmitResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "ViolationAppealSubmitSuccess"
    ],
    "ViolationRecordResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "ViolationRecordSuccess"
    ],
    "WebhookEndpointCreateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointCreateSuccess"
    ],
    "WebhookEndpointDeleteResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointDeleteSuccess"
    ],
    "WebhookEndpointRotateSecretResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointRotateSecretSuccess"
    ],
    "WebhookEndpointTestResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointTestSuccess"
    ],
    "WebhookEndpointUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointUpdateSuccess"
    ],
    "WebhookEventReplayResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEventReplaySuccess"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "AccountCreateResult": [
      "AccountCreateSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "ApiKeyCreateResult": [
      "ApiKeyCreateSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "ApiKeyRevokeResult": [
      "ApiKeyRevokeSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "BulkOperationCancelResult": [
      "BulkOperationCancelSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "BulkOperationRunResult": [
      "BulkOperationRunSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CategoryExceptionRequestReviewResult": [
      "CategoryExceptionRequestReviewSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CategoryExceptionRequestSubmitResult": [
      "CategoryExceptionRequestSubmitSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CategoryUpdateResult": [
      "CategoryUpdateSuccess",
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "ContentItemAddResult": [
      "ConflictError",
      "ContentItemAddSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorCreateResult": [
      "ConflictError",
      "CreatorCreateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorRepresentationGrantResult": [
      "ConflictError",
      "CreatorRepresentationGrantSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorRepresentationRevokeResult": [
      "ConflictError",
      "CreatorRepresentationRevokeSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorSettingsUpdateResult": [
      "ConflictError",
      "CreatorSettingsUpdateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreatorUpdateResult": [
      "ConflictError",
      "CreatorUpdateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "Error": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "EventAttendanceMarkResult": [
      "ConflictError",
      "EventAttendanceMarkSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "EventCreateResult": [
      "ConflictError",
      "EventCreateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "EventRegisterResult": [
      "ConflictError",
      "EventRegisterSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "EventRegistrationCancelResult": [
      "ConflictError",
      "EventRegistrationCancelSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "FeeCategoryUpdateResult": [
      "ConflictError",
      "FeeCategoryUpdateSuccess",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "HealthReportIssueResult": [
      "ConflictError",
      "ForbiddenError",
      "HealthReportIssueSuccess",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError"
    ],
    "InvitationCodeRevokeResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "InvitationCodeRevokeSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "InvitationCodesIssueResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "InvitationCodesIssueSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingBulkReviewResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingBulkReviewSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingBulkSubmitResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingBulkSubmitSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingCreateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingCreateSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingReviewResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingReviewSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingSubmitResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingSubmitSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "ListingUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "ListingUpdateSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "Node": [
      "Account",
      "ApiKey",
      "BulkOperation",
      "CatalogueChange",
      "Category",
      "CategoryExceptionRequest",
      "ContentItem",
      "Creator",
      "EventRegistration",
      "FeeCategory",
      "HealthReport",
      "InvitationCode",
      "Listing",
      "ListingReview",
      "Order",
      "Partnership",
      "PointsLedgerEntry",
      "Policy",
      "PrimaryCategorySelection",
      "Quiz",
      "QuizAttempt",
      "RestrictedCategoryApproval",
      "SellerEvent",
      "Shop",
      "ShopStatusChange",
      "Tier",
      "TierAssignment",
      "TierRecalculationRun",
      "VerificationDocument",
      "Violation",
      "ViolationAppeal",
      "WebhookDelivery",
      "WebhookEndpoint"
    ],
    "OrderImportResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "OrderImportSuccess",
      "ValidationError"
    ],
    "PartnershipAcceptResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PartnershipAcceptSuccess",
      "ValidationError"
    ],
    "PartnershipDeclineResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PartnershipDeclineSuccess",
      "ValidationError"
    ],
    "PartnershipEndResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PartnershipEndSuccess",
      "ValidationError"
    ],
    "PartnershipProposeResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PartnershipProposeSuccess",
      "ValidationError"
    ],
    "PlatformJobRunResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PlatformJobRunSuccess",
      "ValidationError"
    ],
    "PlatformSettingsUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PlatformSettingsUpdateSuccess",
      "ValidationError"
    ],
    "PolicyUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PolicyUpdateSuccess",
      "ValidationError"
    ],
    "PrimaryCategoryAutoAssignResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "PrimaryCategoryAutoAssignSuccess",
      "ValidationError"
    ],
    "QuizAttemptSubmitResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "QuizAttemptSubmitSuccess",
      "ValidationError"
    ],
    "QuizUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "QuizUpdateSuccess",
      "ValidationError"
    ],
    "RestrictedCategoryApprovalDecideResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "RestrictedCategoryApprovalDecideSuccess",
      "ValidationError"
    ],
    "RestrictedCategoryApprovalRequestResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "RestrictedCategoryApprovalRequestSuccess",
      "ValidationError"
    ],
    "SandboxClockSetResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "SandboxClockSetSuccess",
      "ValidationError"
    ],
    "ShopAccessGrantResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopAccessGrantSuccess",
      "ValidationError"
    ],
    "ShopAccessRevokeResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopAccessRevokeSuccess",
      "ValidationError"
    ],
    "ShopBusinessModelMigrateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopBusinessModelMigrateSuccess",
      "ValidationError"
    ],
    "ShopChangePrimaryCategoryResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopChangePrimaryCategorySuccess",
      "ValidationError"
    ],
    "ShopFulfilmentModeSetResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopFulfilmentModeSetSuccess",
      "ValidationError"
    ],
    "ShopHealthRefreshResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopHealthRefreshSuccess",
      "ValidationError"
    ],
    "ShopOnboardResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopOnboardSuccess",
      "ValidationError"
    ],
    "ShopSelectPrimaryCategoryResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ShopSelectPrimaryCategorySuccess",
      "ValidationError"
    ],
    "TierRecalculateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "TierRecalculateSuccess",
      "ValidationError"
    ],
    "TierUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "TierUpdateSuccess",
      "ValidationError"
    ],
    "ViolationAppealDecideResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "ViolationAppealDecideSuccess"
    ],
    "ViolationAppealSubmitResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "ViolationAppealSubmitSuccess"
    ],
    "ViolationRecordResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "ViolationRecordSuccess"
    ],
    "WebhookEndpointCreateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointCreateSuccess"
    ],
    "WebhookEndpointDeleteResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointDeleteSuccess"
    ],
    "WebhookEndpointRotateSecretResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointRotateSecretSuccess"
    ],
    "WebhookEndpointTestResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointTestSuccess"
    ],
    "WebhookEndpointUpdateResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEndpointUpdateSuccess"
    ],
    "WebhookEventReplayResult": [
      "ConflictError",
      "ForbiddenError",
      "InvalidStateError",
      "NotFoundError",
      "ValidationError",
      "WebhookEventReplaySuccess"
    ]
  }
};
      export default result;
    