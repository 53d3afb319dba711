import type { RouteContext, ZodApi } from '../http.ts';
import { registerDriversRoutes } from './analytics-drivers.ts';
import { registerExperimentRoutes } from './analytics-experiments.ts';
import { registerAnalyticsLifecycleRoutes } from './analytics-lifecycle.ts';
import { registerBehaviourRoutes } from './analytics-behaviour.ts';
import { registerCampaignCallbackRoutes } from './campaign-callbacks.ts';
import { registerAccountRoutes } from './accounts.ts';
import { registerAuditRoutes } from './audit.ts';
import { registerAuthRoutes } from './auth.ts';
import { registerCampaignRoutes } from './campaigns.ts';
import { registerContactPolicyRoutes } from './contact-policy.ts';
import { registerContentRoutes } from './content.ts';
import { registerDictionaryRoutes } from './dictionary.ts';
import { registerHealthRoutes } from './health.ts';
import { registerIngestRoutes } from './ingest.ts';
import { registerOverviewRoutes } from './overview.ts';
import { registerPoolRoutes } from './pool.ts';
import { registerReportRoutes } from './reports.ts';
import { registerSegmentRoutes } from './segments.ts';
import { registerTagRoutes } from './tags.ts';
import { registerTrackedLinkRoutes } from './tracked-links.ts';
import { registerWecomRoutes } from './wecom.ts';
import { registerWecomSyncRoutes } from './wecom-sync.ts';

/** Every route of the API, in one place so the OpenAPI document lists them all. */
export function registerApiRoutes(api: ZodApi, ctx: RouteContext): void {
  registerHealthRoutes(api, ctx);
  registerAuthRoutes(api, ctx);
  registerAccountRoutes(api, ctx);
  registerAuditRoutes(api, ctx);
  registerOverviewRoutes(api, ctx);
  registerDictionaryRoutes(api, ctx);
  registerIngestRoutes(api, ctx);
  registerSegmentRoutes(api, ctx);
  registerTagRoutes(api, ctx);
  registerPoolRoutes(api, ctx);
  registerBehaviourRoutes(api, ctx);
  registerDriversRoutes(api, ctx);
  registerExperimentRoutes(api, ctx);
  registerAnalyticsLifecycleRoutes(api, ctx);
  registerReportRoutes(api, ctx);
  registerContentRoutes(api, ctx);
  registerContactPolicyRoutes(api, ctx);
  registerCampaignRoutes(api, ctx);
  registerCampaignCallbackRoutes(api, ctx);
  registerTrackedLinkRoutes(api, ctx);
  registerWecomRoutes(api, ctx);
  registerWecomSyncRoutes(api, ctx);
}
