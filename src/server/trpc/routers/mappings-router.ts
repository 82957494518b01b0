import { router, operatorProcedure, adminProcedure } from "../init";
import { setMapping } from "@/modules/mappings/set-mapping";
import { deleteMappingInput, setMappingInput } from "@/modules/mappings/mapping-schemas";
import { deleteMapping } from "@/modules/mappings/delete-mapping";
import { listServiceMappings } from "@/modules/console/list-service-mappings";
import { serviceIdInput } from "@/modules/console/console-schemas";

export const mappingsRouter = router({
  list: operatorProcedure.input(serviceIdInput).query(({ ctx, input }) => listServiceMappings(ctx.db, input.serviceId)),
  set: adminProcedure.input(setMappingInput).mutation(({ ctx, input }) => setMapping(ctx.db, input, ctx.actor)),
  delete: adminProcedure.input(deleteMappingInput).mutation(({ ctx, input }) => deleteMapping(ctx.db, input, ctx.actor)),
});
