"use client";
import { signIn } from "next-auth/react";
import { Button } from "@codegouvfr/react-dsfr/Button";

/** Starts a new ProConnect login that asks for a multi-factor level as `essential`. */
export function MfaSignInButton({ authorizationParams }: { authorizationParams: Record<string, string> }) {
  return (
    <Button onClick={() => void signIn("proconnect", { callbackUrl: "/admin" }, authorizationParams)}>
      Se reconnecter avec la double authentification
    </Button>
  );
}
