// Reads a request body as JSON with a size limit measured on the raw bytes, before any parsing:
// an oversized body is refused (413) without being buffered whole.
import { AppError } from "@/modules/errors/app-error";

export const MiB = 1024 * 1024;

function tooLarge(maxBytes: number): AppError {
  const limit = maxBytes >= MiB ? `${Math.round(maxBytes / MiB)} Mio` : `${Math.round(maxBytes / 1024)} Kio`;
  return new AppError("payload_too_large", `Le corps de la requête dépasse la limite de ${limit}.`, { maxBytes });
}

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  }
  if (total === 0) throw AppError.validation([{ path: "(corps)", message: "corps JSON attendu" }], "Le corps de la requête est vide.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
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
