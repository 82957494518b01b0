import { router, adminProcedure } from "../init";
import { addOperatorFormInput, setOperatorActiveInput } from "@/modules/console/console-schemas";
import { listOperators, setOperatorActive } from "@/modules/console/manage-operators";
import { addOperator } from "@/modules/operators/add-operator";

// Operator management is for admins only, reads included (CONTRACT §4).
export const operatorsRouter = router({
  list: adminProcedure.query(({ ctx }) => listOperators(ctx.db)),
  add: adminProcedure.input(addOperatorFormInput).mutation(({ ctx, input }) => addOperator(ctx.db, input, ctx.actor)),
  setActive: adminProcedure.input(setOperatorActiveInput).mutation(({ ctx, input }) => setOperatorActive(ctx.db, input, ctx.actor)),
});
