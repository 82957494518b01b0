import { handleCliRequest } from "@/server/cli-endpoint";

export const dynamic = "force-dynamic";

export const POST = handleCliRequest;
