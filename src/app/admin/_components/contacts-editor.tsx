"use client";
// The list and form of a service's technical contacts (issue #11 alerts), shared by the console
// (admins, `alerts.setContacts`) and the agents' space (`gestion`, `espace.setContacts`, issue #12):
// each caller passes its own mutation; the form, its field errors and its messages are one.
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { fieldState, type MutationErrorLike } from "./form-errors";
import { MutationError } from "./mutation-error";
import { useFormErrors } from "./use-form-errors";

export type ContactsChange = { ajouter?: string[]; retirer?: string[] };

export function ContactsEditor({
  contacts,
  canManage,
  emptyText,
  hintText,
  submit,
  pending,
  error,
  testId,
}: {
  contacts: { id: string; email: string }[];
  canManage: boolean;
  emptyText: string;
  hintText: string;
  /** Sends the change; resolves when it is saved, rejects when refused (the error comes through `error`). */
  submit: (change: ContactsChange) => Promise<unknown>;
  pending: boolean;
  error: MutationErrorLike;
  testId?: string;
}) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const errors = useFormErrors(error, { ajouter: "Ajouter un contact technique" });
  const send = (change: ContactsChange) => {
    setDone(null);
    submit(change).then(
      () => {
        setDone(change.ajouter?.length ? "Contact technique ajouté." : "Contact technique retiré.");
        setEmail("");
        router.refresh();
      },
      () => {}, // shown by `error`
    );
  };
  return (
    <>
      {contacts.length === 0 ? (
        <p>{emptyText}</p>
      ) : (
        <ul data-testid={testId}>
          {contacts.map((c) => (
            <li key={c.id}>
              {c.email}{" "}
              {canManage && (
                <Button size="small" priority="tertiary" disabled={pending} onClick={() => send({ retirer: [c.email] })}>
                  Retirer<span className="fr-sr-only"> {c.email}</span>
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form ref={errors.formRef} noValidate onSubmit={(e) => { e.preventDefault(); send({ ajouter: [email] }); }}>
          <Input
            label="Ajouter un contact technique"
            hintText={hintText}
            {...fieldState(errors, "ajouter")}
            nativeInputProps={{ type: "email", required: true, "aria-invalid": errors.fields.ajouter ? true : undefined, value: email, onChange: (e) => setEmail(e.target.value), autoComplete: "email" }}
          />
          <Button type="submit" disabled={pending}>Ajouter le contact</Button>
        </form>
      )}
      <MutationError summary={errors.summary} />
      {done && <div role="status"><Alert className="fr-mt-2w" severity="success" small description={done} /></div>}
    </>
  );
}
