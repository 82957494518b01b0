"use client";
// Copies a value shown once (a key, a secret) to the clipboard, and says so to screen readers.
import { useState } from "react";
import { Button } from "@codegouvfr/react-dsfr/Button";

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <p>
      <Button
        size="small"
        priority="secondary"
        iconId="fr-icon-clipboard-line"
        onClick={() => navigator.clipboard.writeText(value).then(() => setCopied(true), () => setCopied(false))}
      >
        {label}
      </Button>{" "}
      <span aria-live="polite" className="fr-text--sm">
        {copied === true ? "Copié dans le presse-papiers." : copied === false ? "Copie impossible : sélectionnez le texte et copiez-le." : ""}
      </span>
    </p>
  );
}
