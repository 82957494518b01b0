import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/auth-options";

// next-auth v4 in the App Router: options are built per request (lazy database opening).
async function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  const action = (await context.params).nextauth?.[0];
  return NextAuth(request as never, { params: Promise.resolve(await context.params) } as never, await getAuthOptions(action));
}

export { handler as GET, handler as POST };
