import { CreateAuditLogs1795300000000 } from './1795300000000-create-audit-logs';
import { CreateUsers1795300000001 } from './1795300000001-create-users';
import { CreateSessionsAndCredentials1795300000002 } from './1795300000002-create-sessions-and-credentials';
import { CreateTools1795300000003 } from './1795300000003-create-tools';
import { CreateContexts1795300000004 } from './1795300000004-create-contexts';
import { SessionProtocolVersion1795300000005 } from './1795300000005-session-protocol-version';
import { MfaAndSaml1795300000006 } from './1795300000006-mfa-and-saml';
import { AdminAndWebhooks1795300000007 } from './1795300000007-admin-and-webhooks';
import { McpClientState1795300000008 } from './1795300000008-mcp-client-state';
import { UnfinishedRunsIndex1795300000009 } from './1795300000009-unfinished-runs-index';
import { ToolExecutionTotals1795300000010 } from './1795300000010-tool-execution-totals';
import { FailedRunsIndexes1795300000011 } from './1795300000011-failed-runs-indexes';
import { ListingIndexes1795300000012 } from './1795300000012-listing-indexes';
import { UpstreamToolFingerprints1795300000013 } from './1795300000013-upstream-tool-fingerprints';
import { OAuthAuthorization1795300000014 } from './1795300000014-oauth-authorization';
import { UpstreamToolApproval1795300000015 } from './1795300000015-upstream-tool-approval';
import { OAuthClientMetadataDocuments1795300000016 } from './1795300000016-oauth-client-metadata-documents';
import { UpstreamServerGroups1795300000017 } from './1795300000017-upstream-server-groups';
import { FavoriteTools1795300000018 } from './1795300000018-favorite-tools';
import { ToolExecutionDays1795300000019 } from './1795300000019-tool-execution-days';
import { UpstreamResultCache1795300000020 } from './1795300000020-upstream-result-cache';
import { UpstreamAuth1795300000021 } from './1795300000021-upstream-auth';
import { OAuthClientKeys1795300000022 } from './1795300000022-oauth-client-keys';
import { OAuthBrowserSessions1795300000023 } from './1795300000023-oauth-browser-sessions';
import { SessionSignInMethod1795300000024 } from './1795300000024-session-sign-in-method';
import { ApiKeyAllowedIps1795300000025 } from './1795300000025-api-key-allowed-ips';

/** Every migration, oldest first. A new one is a timestamped file with up and down, added here. */
export const ALL_MIGRATIONS = [CreateAuditLogs1795300000000, CreateUsers1795300000001, CreateSessionsAndCredentials1795300000002, CreateTools1795300000003, CreateContexts1795300000004, SessionProtocolVersion1795300000005, MfaAndSaml1795300000006, AdminAndWebhooks1795300000007, McpClientState1795300000008, UnfinishedRunsIndex1795300000009, ToolExecutionTotals1795300000010, FailedRunsIndexes1795300000011, ListingIndexes1795300000012, UpstreamToolFingerprints1795300000013, OAuthAuthorization1795300000014, UpstreamToolApproval1795300000015, OAuthClientMetadataDocuments1795300000016, UpstreamServerGroups1795300000017, FavoriteTools1795300000018, ToolExecutionDays1795300000019, UpstreamResultCache1795300000020, UpstreamAuth1795300000021, OAuthClientKeys1795300000022, OAuthBrowserSessions1795300000023, SessionSignInMethod1795300000024, ApiKeyAllowedIps1795300000025];
