import { router, operatorProcedure, adminProcedure } from "../init";
import { deliveryFilterSchema, deliveryIdInput, listDeliveriesInput } from "@/modules/console/console-schemas";
import { listDeliveries } from "@/modules/console/list-deliveries";
import { getDelivery } from "@/modules/console/get-delivery";
import { replayDelivery } from "@/modules/delivery/replay-delivery";
import { replayFailedDeliveries } from "@/modules/delivery/replay-failed-deliveries";
import { kickDelivery } from "@/server/delivery-driver";

// A bare date as the upper bound of a filter means the whole of that day.
const untilDate = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value));

export const deliveriesRouter = router({
  list: operatorProcedure.input(listDeliveriesInput).query(({ ctx, input }) => listDeliveries(ctx.db, input)),
  get: operatorProcedure.input(deliveryIdInput).query(({ ctx, input }) => getDelivery(ctx.db, input.deliveryId)),
  replay: adminProcedure.input(deliveryIdInput).mutation(({ ctx, input }) => replayDelivery(ctx.db, input.deliveryId, ctx.actor)),
  replayFailed: adminProcedure.input(deliveryFilterSchema).mutation(async ({ ctx, input }) => {
    const result = await replayFailedDeliveries(
      ctx.db,
      {
        serviceId: input.serviceId,
        eventType: input.eventType,
        projectId: input.projectId,
        since: input.since ? new Date(input.since) : undefined,
        until: input.until ? untilDate(input.until) : undefined,
      },
      ctx.actor,
    );
    kickDelivery();
    return result;
  }),
});
