import { z } from "zod";
import { storableString } from "@/modules/validation/input-rules";

/** The public prefix of an API key, as typed by an operator to revoke it (console and command line). */
export const apiKeyPrefixSchema = storableString(z.string().trim().min(1, "obligatoire").max(100, "au plus 100 caractères"));
