// Inngest's endpoint (introspection, registration and function invocation, signed by Inngest).
import { serve } from "inngest/next";
import { inngest } from "@/server/inngest/client";
import { deliveryFunctions } from "@/server/inngest/delivery-functions";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = serve({ client: inngest, functions: deliveryFunctions });
