import { router, operatorProcedure } from "../init";
import { getDashboardStats } from "@/modules/console/get-dashboard-stats";

export const dashboardRouter = router({
  stats: operatorProcedure.query(({ ctx }) => getDashboardStats(ctx.db)),
});
