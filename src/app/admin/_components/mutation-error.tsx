"use client";
import { Alert } from "@codegouvfr/react-dsfr/Alert";

import { ReloginLink } from "./relogin-link";

type ErrorLike = { message: string; data?: { details?: unknown; code?: string } | null } | null;

/** A refused or failed action, with the validation details the server gave. */
export function MutationError({ error }: { error: ErrorLike }) {
  if (!error) return null;
  const details = Array.isArray(error.data?.details) ? (error.data!.details as { path: string; message: string }[]) : [];
  return (
    <Alert
      className="fr-my-2w"
      severity="error"
      small
      description={
        <>
          {error.message}
          {error.data?.code === "UNAUTHORIZED" && <> <ReloginLink /></>}
          {details.length > 0 && (
            <ul>
              {details.map((d) => (
                <li key={`${d.path}-${d.message}`}>{d.path} : {d.message}</li>
              ))}
            </ul>
          )}
        </>
      }
    />
  );
}

/** A secret shown once: the server keeps only its hash (keys) or will never show it again (webhook secrets). */
export function ShownOnce({ title, value, testId }: { title: string; value: string; testId: string }) {
  return (
    <Alert
      className="fr-my-2w"
      severity="warning"
      title={title}
      description={
        <>
          <span className="fr-mb-1w" style={{ display: "block" }}>
            Copiez-la maintenant : elle ne sera plus jamais affichée.
          </span>
          <code data-testid={testId} style={{ wordBreak: "break-all" }}>{value}</code>
        </>
      }
    />
  );
}
