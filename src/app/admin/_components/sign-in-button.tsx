"use client";
import { signIn } from "next-auth/react";
import { ProConnectButton } from "@codegouvfr/react-dsfr/ProConnectButton";

export function SignInButton({ callbackUrl }: { callbackUrl: string }) {
  return <ProConnectButton onClick={() => void signIn("proconnect", { callbackUrl })} />;
}
