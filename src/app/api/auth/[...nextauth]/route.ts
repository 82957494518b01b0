import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/auth-options";

// next-auth v4 in the App Router: options are built per request (lazy database opening).
async function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(request as never, context as never, await getAuthOptions());
}

export { handler as GET, handler as POST };
