import { router, operatorProcedure, adminProcedure } from "../init";
import { getDashboardStats } from "@/modules/console/get-dashboard-stats";
import { sharedAuthFailureThrottle } from "@/server/http/auth-failure-throttle";

export const dashboardRouter = router({
  stats: operatorProcedure.query(({ ctx }) => getDashboardStats(ctx.db)),
  /**
   * Failed API-key authentications of the last hour by client address (this server process's
   * memory), most first: bursts of guessing show here (issue #14, finding 4). Admins only: client
   * addresses are not for every reader.
   */
  authFailures: adminProcedure.query(() => sharedAuthFailureThrottle().recentBursts().slice(0, 20)),
});
