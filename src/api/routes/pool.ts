import { HandoverRunner } from '../../pool/handover/runner.ts';
import type { RouteContext, ZodApi } from '../http.ts';
import { registerPoolCustomerRoutes } from './pool-customers.ts';
import { registerHandoverWecomRoutes } from './handover-wecom.ts';
import { registerHandoverRoutes } from './pool-handovers.ts';
import { registerPoolOrgRoutes } from './pool-org.ts';
import { registerPoolWorkRoutes } from './pool-work.ts';

/** The customer pool's routes (src/pool): organisation and staff, customers, handovers, work and workbench. */
export function registerPoolRoutes(api: ZodApi, ctx: RouteContext): void {
  // Jobs started through the API run in this runner; jobs left running by a previous process are resumed at start-up
  // (src/server/start.ts). Chunks lock their job row, so two runners never move a customer twice.
  const runner = new HandoverRunner(
    { db: ctx.stores.operational.db, clock: ctx.clock, logger: ctx.logger.child({ component: 'handover' }) },
    ctx.config.handover,
  );
  api.addHook('onClose', async () => runner.stop());
  registerPoolOrgRoutes(api, ctx);
  registerPoolCustomerRoutes(api, ctx);
  registerHandoverRoutes(api, ctx, runner);
  registerHandoverWecomRoutes(api, ctx);
  registerPoolWorkRoutes(api, ctx);
}
