"use client";
import { useState } from "react";
import { usePathname, useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { trpc } from "@/server/trpc/react-provider";
import { fieldState } from "./form-errors";
import { MutationError } from "./mutation-error";
import { useFormErrors } from "./use-form-errors";

const labels = { label: "Libellé propre au service", generique: "Statut générique", isDefault: "Libellé par défaut" };

type Status = { code: string; libelle: string };
export type ExistingLabel = { label: string; generique: string; isDefault: boolean };

/**
 * The look-alike key of a label, as the database computes it (`statusLabelKey` in src/db/schema.ts):
 * without case, accents or surrounding spaces. The server refuses look-alikes; the form says it first.
 */
function lookalikeKey(label: string): string {
  return label.normalize("NFKD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "").trim().toLowerCase();
}

/** After a change of default, the page says which label stopped being the default (query string, read by the page). */
function defaultChangeQuery(status: string, before: string | null | undefined, after: string): string {
  return `?${new URLSearchParams({ statut: status, ancienDefaut: before ?? "", nouveauDefaut: after })}`;
}

export function MappingForm({ service, statuses, existing }: { service: string; statuses: Status[]; existing: ExistingLabel[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const [label, setLabel] = useState("");
  const [generique, setGenerique] = useState(statuses[0]?.code ?? "");
  const [isDefault, setIsDefault] = useState(false);
  const set = trpc.mappings.set.useMutation({
    onSuccess: (view) => {
      setLabel("");
      setIsDefault(false);
      if (view.replacedDefault) router.replace(`${pathname}${defaultChangeQuery(view.generique, view.replacedDefault, view.label)}`);
      else router.refresh();
    },
  });
  const errors = useFormErrors(set.error, labels);
  const typed = label.normalize("NFC").trim();
  const lookalike = typed ? existing.find((e) => e.label !== typed && lookalikeKey(e.label) === lookalikeKey(typed)) : undefined;
  const currentDefault = existing.find((e) => e.generique === generique && e.isDefault);
  const statusName = statuses.find((s) => s.code === generique)?.libelle ?? generique;
  const serverLookalike = set.error?.data && (set.error.data as { code?: string }).code === "CONFLICT" ? set.error.message : null;
  return (
    <form
      ref={errors.formRef}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (lookalike) return;
        set.mutate({ service, label, generique, isDefault });
      }}
    >
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Ajouter ou modifier un libellé</legend>
        <div className="fr-fieldset__element">
          <Input
            label={labels.label}
            hintText="Un libellé existant est modifié (statut générique, défaut)."
            {...(lookalike || serverLookalike
              ? {
                  state: "error" as const,
                  stateRelatedMessage: lookalike
                    ? `Ce libellé ne diffère du libellé existant « ${lookalike.label} » que par la casse ou les accents : modifiez « ${lookalike.label} » ou choisissez un libellé distinct.`
                    : serverLookalike,
                }
              : fieldState(errors, "label"))}
            nativeInputProps={{ name: "label", required: true, "aria-invalid": lookalike || serverLookalike || errors.fields.label ? true : undefined, value: label, onChange: (e) => setLabel(e.target.value) }}
          />
        </div>
        <div className="fr-fieldset__element">
          <Select label={labels.generique} {...fieldState(errors, "generique")} nativeSelectProps={{ name: "generique", "aria-invalid": errors.fields.generique ? true : undefined, value: generique, onChange: (e) => setGenerique(e.target.value) }}>
            {statuses.map((s) => (
              <option key={s.code} value={s.code}>{s.libelle} ({s.code})</option>
            ))}
          </Select>
        </div>
        <div className="fr-fieldset__element">
          <Checkbox
            options={[
              {
                label: "Libellé par défaut pour ce statut générique",
                hintText:
                  isDefault && currentDefault && currentDefault.label !== typed
                    ? `« ${currentDefault.label} » cessera d'être le libellé par défaut de « ${statusName} » ; « ${typed || "ce libellé"} » le deviendra.`
                    : currentDefault
                      ? `Libellé par défaut actuel de « ${statusName} » : « ${currentDefault.label} ».`
                      : `« ${statusName} » n'a pas de libellé par défaut.`,
                nativeInputProps: { name: "isDefault", checked: isDefault, onChange: (e) => setIsDefault(e.target.checked) },
              },
            ]}
          />
        </div>
        <div className="fr-fieldset__element">
          <Button type="submit" disabled={set.isPending || Boolean(lookalike)}>Enregistrer la correspondance</Button>
        </div>
      </fieldset>
      {!serverLookalike && <MutationError summary={errors.summary} />}
      {set.isSuccess && !set.data.replacedDefault && (
        <div role="status" className="fr-mt-2w">
          <Alert severity="success" small description={`Correspondance « ${set.data.label} » → ${set.data.generique} enregistrée.`} />
        </div>
      )}
    </form>
  );
}

export function MakeDefaultButton({ service, label, generique, currentDefault }: { service: string; label: string; generique: string; currentDefault: string | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const set = trpc.mappings.set.useMutation({
    onSuccess: (view) => router.replace(`${pathname}${defaultChangeQuery(view.generique, view.replacedDefault, view.label)}`),
  });
  return (
    <>
      <Button size="small" priority="secondary" onClick={() => set.mutate({ service, label, generique, isDefault: true })} disabled={set.isPending}>
        Choisir par défaut<span className="fr-sr-only"> : {label}{currentDefault ? ` (à la place de ${currentDefault})` : ""}</span>
      </Button>
      <MutationError error={set.error} />
    </>
  );
}

/**
 * Deletes a label. A label carried by projects needs a destination (another label of the same
 * generic status): the server refuses otherwise, and the form does not offer to.
 */
export function DeleteMappingForm({ service, label, projets, siblings, isDefault }: { service: string; label: string; projets: number; siblings: string[]; isDefault: boolean }) {
  const router = useRouter();
  const [moveTo, setMoveTo] = useState(siblings[0] ?? "");
  const remove = trpc.mappings.delete.useMutation({ onSuccess: () => router.refresh() });
  const id = `delete-${label.replace(/[^a-zA-Z0-9]/g, "-")}`;
  if (projets > 0 && siblings.length === 0) {
    return (
      <p className="fr-text--sm fr-mb-0">
        Utilisé par {projets} projet{projets > 1 ? "s" : ""} : pour le supprimer, ajoutez d'abord un autre libellé de ce statut générique vers lequel les déplacer.
      </p>
    );
  }
  return (
    <form
      className="fr-mt-1w"
      aria-labelledby={`${id}-legend`}
      onSubmit={(e) => {
        e.preventDefault();
        remove.mutate({ service, label, ...(projets > 0 ? { moveTo } : {}) });
      }}
    >
      <p id={`${id}-legend`} className="fr-text--sm fr-mb-1w">
        {projets > 0 ? `Utilisé par ${projets} projet${projets > 1 ? "s" : ""}.` : "Utilisé par aucun projet."}
        {isDefault && projets === 0 && " C'est le libellé par défaut : le statut n'en aura plus."}
      </p>
      {projets > 0 && (
        <Select
          label={`Déplacer ${projets > 1 ? "ses projets" : "son projet"} vers`}
          hint={isDefault ? "Le libellé choisi deviendra le libellé par défaut." : undefined}
          nativeSelectProps={{ name: "moveTo", value: moveTo, onChange: (e) => setMoveTo(e.target.value) }}
        >
          {siblings.map((s) => <option key={s} value={s}>{s}</option>)}
        </Select>
      )}
      <Button size="small" priority="tertiary" type="submit" disabled={remove.isPending}>
        {projets > 0 ? `Déplacer et supprimer « ${label} »` : `Supprimer « ${label} »`}
      </Button>
      <MutationError error={remove.error} />
    </form>
  );
}
