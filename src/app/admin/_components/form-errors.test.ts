import { describe, expect, it } from "vitest";
import { fieldState, toFormErrors } from "./form-errors";

const labels = { slug: "Identifiant (slug)", webhookUrl: "URL du webhook" };
const refused = (message: string, details?: unknown) => ({ message, data: { code: "BAD_REQUEST", details } });

describe("toFormErrors (console forms, issue #11)", () => {
  it("puts each reason on its field, once, as a sentence, and drops the alert that would repeat them", () => {
    const errors = toFormErrors(
      refused("Les données envoyées sont invalides.", [
        { path: "slug", message: "au moins 2 caractères" },
        { path: "slug", message: "minuscules, chiffres et tirets uniquement (ex. « mon-service »)" },
        { path: "slug", message: "au moins 2 caractères" },
      ]),
      labels,
    );
    expect(errors.fields).toEqual({ slug: "Au moins 2 caractères ; minuscules, chiffres et tirets uniquement (ex. « mon-service »)." });
    expect(errors.summary).toBeNull();
    expect(fieldState(errors, "slug")).toEqual({ state: "error", stateRelatedMessage: errors.fields.slug });
    expect(fieldState(errors, "webhookUrl")).toEqual({});
  });

  it("maps nested paths to their field and keeps a message already ending a sentence", () => {
    const errors = toFormErrors(refused("URL de webhook refusée : adresse privée.", [{ path: "webhookUrl.0", message: "adresse privée." }]), labels);
    expect(errors.fields).toEqual({ webhookUrl: "Adresse privée." });
    expect(errors.summary).toBeNull();
  });

  it("keeps in the alert what belongs to no field, without field codes for the body", () => {
    const errors = toFormErrors(
      refused("La requête est invalide.", [
        { path: "(corps)", message: "rien à modifier" },
        { path: "slug", message: "au moins 2 caractères" },
      ]),
      labels,
    );
    expect(errors.fields.slug).toBe("Au moins 2 caractères.");
    expect(errors.summary).toEqual({ message: "La requête est invalide.", reasons: ["rien à modifier"], relogin: false });
  });

  it("shows a refusal without details (conflict, forbidden) as the alert's message", () => {
    expect(toFormErrors({ message: "Un service connecté a déjà le slug « demo ».", data: { code: "CONFLICT" } }, labels)).toEqual({
      fields: {},
      summary: { message: "Un service connecté a déjà le slug « demo ».", reasons: [], relogin: false },
    });
    expect(toFormErrors(null, labels)).toEqual({ fields: {}, summary: null });
  });

  it("flags an absent or expired session for a new login, in the summary forms pass on", () => {
    const expired = { message: "Session absente ou expirée : reconnectez-vous.", data: { code: "UNAUTHORIZED" } };
    expect(toFormErrors(expired, labels)).toEqual({ fields: {}, summary: { message: expired.message, reasons: [], relogin: true } });
    // Even when every reason has its field, the session's end is not hidden with the alert.
    const withFields = toFormErrors({ ...expired, data: { code: "UNAUTHORIZED", details: [{ path: "slug", message: "au moins 2 caractères" }] } }, labels);
    expect(withFields.summary).toMatchObject({ relogin: true });
    // Other refusals do not ask to log in again.
    expect(toFormErrors({ message: "Action réservée aux administrateurs.", data: { code: "FORBIDDEN" } }, labels).summary).toMatchObject({ relogin: false });
    expect(toFormErrors({ message: "Erreur réseau." }, labels).summary).toMatchObject({ relogin: false });
  });
});
