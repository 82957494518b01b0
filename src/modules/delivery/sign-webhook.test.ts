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
});
