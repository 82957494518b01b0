// Any other path under /api/v1: the contract's 404 envelope rather than Next's HTML page.
import { AppError } from "@/modules/errors/app-error";
import { errorResponse } from "@/server/http/error-response";

export const dynamic = "force-dynamic";

const notFound = async () => errorResponse(new AppError("not_found", "Route inconnue de l'API v1 (voir /api/v1/openapi.json)."));

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
