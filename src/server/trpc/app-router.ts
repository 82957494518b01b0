import { router, operatorProcedure } from "./init";
import { alertsRouter } from "./routers/alerts-router";
import { auditRouter } from "./routers/audit-router";
import { dashboardRouter } from "./routers/dashboard-router";
import { deliveriesRouter } from "./routers/deliveries-router";
import { espaceRouter } from "./routers/espace-router";
import { mappingsRouter } from "./routers/mappings-router";
import { operatorsRouter } from "./routers/operators-router";
import { projectsRouter } from "./routers/projects-router";
import { servicesRouter } from "./routers/services-router";

export const appRouter = router({
  me: operatorProcedure.query(({ ctx }) => ({ email: ctx.operator.email, name: ctx.operator.name, role: ctx.operator.role })),
  dashboard: dashboardRouter,
  services: servicesRouter,
  mappings: mappingsRouter,
  deliveries: deliveriesRouter,
  projects: projectsRouter,
  audit: auditRouter,
  operators: operatorsRouter,
  alerts: alertsRouter,
  espace: espaceRouter,
});

export type AppRouter = typeof appRouter;
