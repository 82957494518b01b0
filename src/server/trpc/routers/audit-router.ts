import { router, operatorProcedure } from "../init";
import { listAuditInput } from "@/modules/console/console-schemas";
import { listAudit } from "@/modules/console/list-audit";

export const auditRouter = router({
  list: operatorProcedure.input(listAuditInput).query(({ ctx, input }) => listAudit(ctx.db, input)),
});
