import { router, operatorProcedure, adminProcedure } from "../init";
import { deliveryFilterSchema, deliveryIdInput, filterRange, listDeliveriesInput, type DeliveryFilter } from "@/modules/console/console-schemas";
import { listDeliveries } from "@/modules/console/list-deliveries";
import { getDelivery } from "@/modules/console/get-delivery";
import { replayDelivery } from "@/modules/delivery/replay-delivery";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { countReplayableFailed, replayFailedDeliveries, type FailedDeliveriesFilter } from "@/modules/delivery/replay-failed-deliveries";
import { readDeliveryPayload } from "@/modules/delivery/read-delivery-payload";
import { retryDeliveryNow } from "@/modules/delivery/retry-delivery-now";
import { kickDelivery } from "@/server/delivery-driver";
import { secretKeyring } from "@/env";

const failedFilter = (input: DeliveryFilter): FailedDeliveriesFilter => ({
  serviceId: input.serviceId,
  eventType: input.eventType,
  projectId: input.projectId,
  ...filterRange(input),
});

export const deliveriesRouter = router({
  list: operatorProcedure.input(listDeliveriesInput).query(({ ctx, input }) => listDeliveries(ctx.db, input)),
  get: operatorProcedure.input(deliveryIdInput).query(({ ctx, input }) => getDelivery(ctx.db, input.deliveryId)),
  // A mutation, not a query: the view is audited (the body may hold personal data), and only the
  // console's own pages may cause it (same-origin proof).
  viewPayload: operatorProcedure.input(deliveryIdInput).mutation(({ ctx, input }) => readDeliveryPayload(ctx.db, { deliveryId: input.deliveryId }, ctx.actor, secretKeyring())),
  retryNow: adminProcedure.input(deliveryIdInput).mutation(async ({ ctx, input }) => {
    const result = await retryDeliveryNow(ctx.db, { deliveryId: input.deliveryId }, ctx.actor);
    kickDelivery();
    return result;
  }),
  replay: adminProcedure.input(deliveryIdInput).mutation(({ ctx, input }) => replayDelivery(ctx.db, { deliveryId: input.deliveryId }, ctx.actor, deliveryOptionsFromEnv())),
  countReplayable: adminProcedure.input(deliveryFilterSchema).query(async ({ ctx, input }) => ({ count: await countReplayableFailed(ctx.db, failedFilter(input)) })),
  replayFailed: adminProcedure.input(deliveryFilterSchema).mutation(async ({ ctx, input }) => {
    const result = await replayFailedDeliveries(ctx.db, failedFilter(input), ctx.actor);
    kickDelivery();
    return result;
  }),
});
