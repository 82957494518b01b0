// Reads a request body as JSON with a size limit measured on the raw bytes, before any parsing:
// an oversized body is refused (413) without being buffered whole.
import { AppError } from "@/modules/errors/app-error";
import { ClientAbortedError } from "./client-aborted-error";

export const MiB = 1024 * 1024;

function tooLarge(maxBytes: number): AppError {
  const limit = maxBytes >= MiB ? `${Math.round(maxBytes / MiB)} Mio` : `${Math.round(maxBytes / 1024)} Kio`;
  return new AppError("payload_too_large", `Le corps de la requête dépasse la limite de ${limit}.`, { maxBytes });
}

/**
 * Reads a request body with a byte cap, without trusting Content-Length alone. Returns the bytes, or
 * null when the cap is exceeded (the rest of the stream is cancelled, never buffered).
 * @throws ClientAbortedError when the client's stream fails (it hung up mid-body).
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) return null;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new ClientAbortedError(error);
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a request body as JSON within `maxBytes`. Throws AppError `payload_too_large` above it, and
 * `validation_failed` for an empty body, invalid UTF-8 or malformed JSON (CONTRACT §1: never a 500).
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readCappedBody(request, maxBytes);
  if (bytes === null) throw tooLarge(maxBytes);
  const total = bytes.byteLength;
  if (total === 0) throw AppError.validation([{ path: "(corps)", message: "corps JSON attendu" }], "Le corps de la requête est vide.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw AppError.validation([{ path: "(corps)", message: "encodage UTF-8 invalide" }], "Le corps de la requête n'est pas du texte UTF-8.");
  }
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the body: never echo it (it may hold personal data).
    throw AppError.validation([{ path: "(corps)", message: "JSON mal formé" }], "Le corps de la requête n'est pas un JSON valide.");
  }
}
