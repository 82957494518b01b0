import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/trpc/app-router";
import { createContextFromRequest } from "@/server/trpc/context";

export const dynamic = "force-dynamic";

function handler(request: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createContextFromRequest(request),
    // Queries never change state, and mutations are refused as GET by tRPC itself.
    allowMethodOverride: false,
  });
}

export { handler as GET, handler as POST };
