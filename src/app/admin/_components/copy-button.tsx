"use client";
// Copies a value shown once (API key, webhook secret) to the clipboard, with a visible "Copié" and
// the same words in a polite live region for screen readers (issue #11, "Buttons and copy").
import { useEffect, useState } from "react";
import { Button } from "@codegouvfr/react-dsfr/Button";

/** Clipboard API when the page is a secure context, else the selection's copy command (a hub served over plain HTTP on a LAN). */
async function copyText(value: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(value);
      return true;
    } catch {
      // Refused by the browser: fall back to the selection below.
    }
  }
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const copied = document.execCommand("copy");
  area.remove();
  return copied;
}

/** `what` names the value with its article, as in "Copier la clé d'API" ("la clé d'API", "le secret de signature"). */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const [outcome, setOutcome] = useState<"copied" | "failed" | null>(null);
  useEffect(() => {
    if (!outcome) return;
    const timer = setTimeout(() => setOutcome(null), 4000);
    return () => clearTimeout(timer);
  }, [outcome]);
  return (
    <>
      <Button
        type="button"
        size="small"
        priority="secondary"
        iconId={outcome === "copied" ? "fr-icon-check-line" : "ri-file-copy-line"}
        iconPosition="left"
        onClick={async () => setOutcome((await copyText(value)) ? "copied" : "failed")}
      >
        {outcome === "copied" ? (
          "Copié"
        ) : (
          <>
            Copier<span className="fr-sr-only"> {what}</span>
          </>
        )}
      </Button>
      <span role="status" aria-live="polite" className="fr-sr-only">
        {outcome === "copied" ? `Copie effectuée : ${what} est dans le presse-papiers.` : outcome === "failed" ? "La copie a échoué : sélectionnez le texte et copiez-le." : ""}
      </span>
    </>
  );
}
