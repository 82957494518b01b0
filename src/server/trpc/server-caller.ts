import "server-only";
import { cache } from "react";
import { getDb } from "@/db";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { appRouter } from "./app-router";
import { createCallerFactory } from "./init";

const createCaller = createCallerFactory(appRouter);

/**
 * In-process caller for server components: same procedures and role checks, no HTTP. Its calls come
 * from the server itself, so the same-origin proof holds (server actions are checked by Next).
 */
export const getServerCaller = cache(async () =>
  createCaller({ db: await getDb(), operator: await getCurrentOperator(), sameOrigin: true }),
);
