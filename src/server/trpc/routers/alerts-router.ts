// Alerts by email (issue #11): the services' technical contacts (read by operators, set by admins)
// and each operator's own subscription. Thin over src/modules/alerts.
import { z } from "zod";
import { eq } from "drizzle-orm";
import { operators } from "@/db/schema";
import { router, operatorProcedure, adminProcedure } from "../init";
import { serviceIdInput } from "@/modules/console/console-schemas";
import { listServiceContacts } from "@/modules/alerts/list-service-contacts";
import { setServiceContacts } from "@/modules/alerts/set-service-contacts";
import { setServiceContactsInput } from "@/modules/alerts/contact-schemas";
import { setAlertSubscription } from "@/modules/alerts/set-alert-subscription";

export const alertsRouter = router({
  contacts: operatorProcedure.input(serviceIdInput).query(({ ctx, input }) => listServiceContacts(ctx.db, input.serviceId)),
  setContacts: adminProcedure.input(setServiceContactsInput).mutation(({ ctx, input }) => setServiceContacts(ctx.db, input, ctx.actor)),
  mySubscription: operatorProcedure.query(async ({ ctx }) => {
    const [row] = await ctx.db.select({ alertSubscribed: operators.alertSubscribed }).from(operators).where(eq(operators.id, ctx.operator.operatorId));
    return { alertSubscribed: row?.alertSubscribed ?? false };
  }),
  setMySubscription: operatorProcedure
    .input(z.strictObject({ subscribed: z.boolean() }))
    .mutation(({ ctx, input }) => setAlertSubscription(ctx.db, ctx.operator.operatorId, input.subscribed, ctx.actor)),
});
