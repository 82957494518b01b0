"use client";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { CopyButton } from "./copy-button";
import { toFormErrors, type FormErrors, type MutationErrorLike } from "./form-errors";
import { ReloginLink } from "./relogin-link";

/**
 * A refused or failed action. Forms pass their `summary` (from useFormErrors: reasons already shown
 * on fields are left out); buttons pass the error itself.
 */
export function MutationError({ error, summary }: { error?: MutationErrorLike; summary?: FormErrors<string>["summary"] }) {
  const shown = summary !== undefined ? summary : toFormErrors(error, {}).summary;
  if (!shown) return null;
  return (
    <Alert
      className="fr-my-2w"
      severity="error"
      small
      description={
        <>
          {shown.message}
          {shown.relogin && <> <ReloginLink /></>}
          {shown.reasons.length > 0 && (
            <ul>
              {shown.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
        </>
      }
    />
  );
}

/** What a value shown once is, for the sentences around it (French agrees with its gender). */
const shownOnceKinds = {
  key: { what: "la clé d'API", warning: "Copiez-la maintenant : elle ne sera plus jamais affichée." },
  secret: { what: "le secret de signature", warning: "Copiez-le maintenant : il ne sera plus jamais affiché." },
} as const;

/** A secret shown once: the server keeps only its hash (keys) or will never show it again (webhook secrets). */
export function ShownOnce({ title, value, testId, kind }: { title: string; value: string; testId: string; kind: keyof typeof shownOnceKinds }) {
  const { what, warning } = shownOnceKinds[kind];
  return (
    <Alert
      className="fr-my-2w"
      severity="warning"
      title={title}
      description={
        <>
          <span className="fr-mb-1w" style={{ display: "block" }}>
            {warning}
          </span>
          <code data-testid={testId} style={{ wordBreak: "break-all", display: "block" }} className="fr-mb-1w">{value}</code>
          <CopyButton value={value} what={what} />
        </>
      }
    />
  );
}
