import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { generateWebhookSecret } from "@/modules/webhooks/generate-webhook-secret";
import { liveSecrets, signatureHeaders } from "./sign-webhook";

describe("Standard Webhooks signature", () => {
  const body = JSON.stringify({ id: "msg_1", type: "projet.modifie", data: { nom: "Médiathèque" } });

  it("is verified by the reference library as a receiver would", () => {
    const secret = generateWebhookSecret();
    const headers = signatureHeaders("msg_1", body, [secret]);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace("Médiathèque", "Piscine"), headers)).toThrow();
  });

  it("signs with both secrets during a rotation overlap, then with the new one only", () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const now = new Date();
    const during = liveSecrets({ secret: newSecret, previousSecret: oldSecret, previousSecretExpiresAt: new Date(now.getTime() + 1000) }, now);
    const headers = signatureHeaders("msg_2", body, during, now);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();

    const after = liveSecrets({ secret: newSecret, previousSecret: oldSecret, previousSecretExpiresAt: new Date(now.getTime() - 1) }, now);
    const later = signatureHeaders("msg_2", body, after, now);
    expect(() => new Webhook(oldSecret).verify(body, later)).toThrow();
    expect(() => new Webhook(newSecret).verify(body, later)).not.toThrow();
  });

  it("gives the reference library's signature, byte for byte", () => {
    const bodies = [body, "", JSON.stringify({ nom: "Écluse n°3 — quai 🚲", texte: "x".repeat(5000) })];
    for (let i = 0; i < 20; i++) {
      const secret = generateWebhookSecret();
      const now = new Date(Date.now() + i * 997_123);
      for (const b of bodies) {
        const expected = new Webhook(secret).sign(`msg_${i}`, now, b);
        expect(signatureHeaders(`msg_${i}`, b, [secret], now)["webhook-signature"]).toBe(expected);
      }
    }
  });

  it("refuses a secret the reference library refuses", () => {
    expect(() => signatureHeaders("msg_3", body, ["whsec_"])).toThrow();
  });
});
