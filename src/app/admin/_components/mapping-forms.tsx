"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { trpc } from "@/server/trpc/react-provider";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { fieldState } from "./form-errors";
import { MutationError } from "./mutation-error";
import { useFormErrors } from "./use-form-errors";

const labels = { label: "Libellé propre au service", generique: "Statut générique", isDefault: "Libellé par défaut" };

type Status = { code: string; libelle: string };

export function MappingForm({ service, statuses }: { service: string; statuses: Status[] }) {
  const router = useRouter();
  const [label, setLabel] = useState("");
  const [generique, setGenerique] = useState(statuses[0]?.code ?? "");
  const [isDefault, setIsDefault] = useState(false);
  const set = trpc.mappings.set.useMutation({
    // Emptied after success, so that the next label starts from a blank form.
    onSuccess: () => {
      setLabel("");
      setGenerique(statuses[0]?.code ?? "");
      setIsDefault(false);
      router.refresh();
    },
  });
  const errors = useFormErrors(set.error, labels);
  return (
    <form
      ref={errors.formRef}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        set.mutate({ service, label, generique, isDefault });
      }}
    >
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Ajouter ou modifier un libellé</legend>
        <div className="fr-fieldset__element">
          <Input label={labels.label} hintText="Un libellé existant est modifié (statut générique, défaut)." {...fieldState(errors, "label")} nativeInputProps={{ name: "label", required: true, "aria-invalid": errors.fields.label ? true : undefined, value: label, onChange: (e) => setLabel(e.target.value) }} />
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
            options={[{ label: "Libellé par défaut pour ce statut générique", nativeInputProps: { name: "isDefault", checked: isDefault, onChange: (e) => setIsDefault(e.target.checked) } }]}
          />
        </div>
        <div className="fr-fieldset__element">
          <Button type="submit" disabled={set.isPending}>Enregistrer la correspondance</Button>
        </div>
      </fieldset>
      <MutationError summary={errors.summary} />
      {set.isSuccess && (
        <div role="status">
          <Alert className="fr-my-2w" severity="success" small description={`Correspondance « ${set.data.label} » → ${set.data.generique} enregistrée.`} />
        </div>
      )}
    </form>
  );
}

export function MakeDefaultButton({ service, label, generique }: { service: string; label: string; generique: string }) {
  const router = useRouter();
  const set = trpc.mappings.set.useMutation({ onSuccess: () => router.refresh() });
  return (
    <>
      <Button size="small" priority="secondary" onClick={() => set.mutate({ service, label, generique, isDefault: true })} disabled={set.isPending}>
        Choisir par défaut<span className="fr-sr-only"> : {label}</span>
      </Button>
      <MutationError error={set.error} />
    </>
  );
}
