// Malformed percent-encoding in a path (e.g. "%ED%A0%BD", a lone surrogate) makes Next.js's own
// route matcher throw before any route handler runs, answered as a plain-text 500. Refused here
// with the contract's 400 envelope instead.
import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  try {
    decodeURIComponent(request.nextUrl.pathname);
  } catch {
    return NextResponse.json(
      { error: { code: "validation_failed", message: "Chemin de requête mal encodé.", details: [{ path: "(chemin)", message: "encodage URL invalide" }] } },
      { status: 400 },
    );
  }
  return NextResponse.next();
}

export const config = { matcher: "/api/:path*" };
