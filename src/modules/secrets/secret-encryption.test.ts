// encryptSecret / decryptSecret / buildSecretKeyring (issue #16): AES-256-GCM with a key id per
// value, rotation through previous keys, and clear errors for a wrong key, an altered value or an
// unknown key id.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, SecretDecryptionError } from "./decrypt-secret";
import { encryptSecret, isEncryptedSecret } from "./encrypt-secret";
import { buildSecretKeyring, keyIdOf, parseEncryptionKey } from "./secret-keyring";

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const secret = `whsec_${randomBytes(32).toString("base64")}`;

function decryptionError(run: () => unknown): SecretDecryptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretDecryptionError);
    return error as SecretDecryptionError;
  }
  throw new Error("decryption did not fail");
}

describe("parseEncryptionKey", () => {
  it("reads 32 bytes written in hex, base64 or base64url", () => {
    expect(parseEncryptionKey(keyA.toString("hex"))).toEqual(keyA);
    expect(parseEncryptionKey(keyA.toString("base64"))).toEqual(keyA);
    expect(parseEncryptionKey(keyA.toString("base64url"))).toEqual(keyA);
  });
  it("refuses a passphrase or a key of another length, in French", () => {
    expect(() => parseEncryptionKey("un mot de passe bien trop court")).toThrow(/32 octets/);
    expect(() => parseEncryptionKey(randomBytes(16).toString("hex"))).toThrow(/32 octets/);
    expect(() => parseEncryptionKey(randomBytes(31).toString("base64"))).toThrow(/32 octets/);
  });
});

describe("encryptSecret / decryptSecret", () => {
  const ring = buildSecretKeyring(keyA.toString("base64"));

  it("stores v1:<kid>:<iv>:<tag>:<ciphertext> and gives the plaintext back", () => {
    const stored = encryptSecret(ring, secret);
    const [version, kid, iv, tag, data] = stored.split(":");
    expect(version).toBe("v1");
    expect(kid).toBe(keyIdOf(keyA));
    expect(Buffer.from(iv!, "base64url")).toHaveLength(12);
    expect(Buffer.from(tag!, "base64url")).toHaveLength(16);
    expect(data).not.toContain("whsec_");
    expect(stored).not.toContain(secret.slice(6, 20));
    expect(isEncryptedSecret(stored)).toBe(true);
    expect(decryptSecret(ring, stored)).toBe(secret);
  });

  it("uses a fresh IV for every value", () => {
    expect(encryptSecret(ring, secret)).not.toBe(encryptSecret(ring, secret));
  });

  it("reads a plaintext value written before encryption as it is", () => {
    expect(isEncryptedSecret(secret)).toBe(false);
    expect(decryptSecret(ring, secret)).toBe(secret);
  });

  it("fails with `tampered` when the tag or the ciphertext was altered", () => {
    const stored = encryptSecret(ring, secret);
    const parts = stored.split(":");
    const tag = Buffer.from(parts[3]!, "base64url");
    tag[0] = tag[0]! ^ 1;
    const badTag = [...parts.slice(0, 3), tag.toString("base64url"), parts[4]].join(":");
    const error = decryptionError(() => decryptSecret(ring, badTag));
    expect(error.reason).toBe("tampered");
    expect(error.message).toMatch(/altéré ou clé erronée/);
    const data = Buffer.from(parts[4]!, "base64url");
    data[0] = data[0]! ^ 1;
    expect(decryptionError(() => decryptSecret(ring, [...parts.slice(0, 4), data.toString("base64url")].join(":"))).reason).toBe("tampered");
  });

  it("fails with `tampered` for a wrong key that claims the value's key id", () => {
    const stored = encryptSecret(ring, secret);
    const impostor = { current: { kid: ring.current.kid, key: keyB }, previous: [] };
    expect(decryptionError(() => decryptSecret(impostor, stored)).reason).toBe("tampered");
  });

  it("fails with `unknown_key`, naming the key id and the setting, for a key it does not hold", () => {
    const stored = encryptSecret(ring, secret);
    const other = buildSecretKeyring(keyB.toString("hex"));
    const error = decryptionError(() => decryptSecret(other, stored));
    expect(error.reason).toBe("unknown_key");
    expect(error.message).toContain(keyIdOf(keyA));
    expect(error.message).toContain("SECRETS_ENCRYPTION_PREVIOUS_KEYS");
  });

  it("fails with `malformed` for a value that is not the v1 format", () => {
    expect(decryptionError(() => decryptSecret(ring, "v1:abc")).reason).toBe("malformed");
    expect(decryptionError(() => decryptSecret(ring, `v1:${ring.current.kid}:AAAA:AAAA:AAAA`)).reason).toBe("malformed");
  });
});

describe("key rotation", () => {
  it("decrypts with a previous key and encrypts with the current one", () => {
    const before = buildSecretKeyring(keyA.toString("hex"));
    const stored = encryptSecret(before, secret);
    const after = buildSecretKeyring(keyB.toString("base64"), [keyA.toString("hex")]);
    expect(after.current.kid).toBe(keyIdOf(keyB));
    expect(after.previous.map((k) => k.kid)).toEqual([keyIdOf(keyA)]);
    expect(decryptSecret(after, stored)).toBe(secret);
    const moved = encryptSecret(after, decryptSecret(after, stored));
    expect(moved.split(":")[1]).toBe(keyIdOf(keyB));
    // Once every value moved, the former key can go.
    expect(decryptSecret(buildSecretKeyring(keyB.toString("hex")), moved)).toBe(secret);
  });

  it("drops a previous key equal to the current one", () => {
    expect(buildSecretKeyring(keyA.toString("hex"), [keyA.toString("base64")]).previous).toEqual([]);
  });
});
