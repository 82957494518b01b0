// Turns a refused console mutation into what a DSFR form shows (issue #11, "Forms"): each reason on
// its own field, under its French name, once; only what belongs to no field goes to the alert.
// Pure: the tRPC error shape (`data.details: [{path, message}]`, see src/server/trpc/init.ts) is
// the one AppError gives, so REST and console say the same thing.

/** What a failed tRPC mutation gives a form (TRPCClientErrorLike, reduced to what is read). */
export type MutationErrorLike = { message: string; data?: { code?: string; details?: unknown } | null } | null | undefined;

export type FormErrors<F extends string> = {
  /** One message per field in error: its reasons, each once, as a sentence. */
  fields: Partial<Record<F, string>>;
  /**
   * What belongs to no field of the form (a conflict, a refusal, an unknown path), or null.
   * `relogin`: the session is absent or expired (UNAUTHORIZED), the alert offers to log in again.
   */
  summary: { message: string; reasons: string[]; relogin: boolean } | null;
};

type Issue = { path: string; message: string };

function issuesOf(error: NonNullable<MutationErrorLike>): Issue[] {
  const details = error.data?.details;
  if (!Array.isArray(details)) return [];
  return details.filter((d): d is Issue => typeof d?.path === "string" && typeof d?.message === "string");
}

/** "au moins 2 caractères" → "Au moins 2 caractères." */
function asSentence(reasons: string[]): string {
  const text = reasons.join(" ; ");
  return `${text.charAt(0).toLocaleUpperCase("fr-FR")}${text.slice(1)}${/[.!?…]$/.test(text) ? "" : "."}`;
}

/**
 * Maps a mutation's error to per-field messages.
 * @param error the mutation's error (null/undefined: no error)
 * @param labels the form's fields: path's first segment (`slug`, `webhookUrl`) → French name
 * @returns `fields` (field → one sentence, reasons deduplicated) and `summary`: the error's message
 *   with the reasons no field of the form holds (named in French when a label exists), or null when
 *   every reason is shown on a field (the message would only repeat them); `summary.relogin` is true
 *   for an absent or expired session, so that forms, which pass only the summary, still offer a way back.
 */
export function toFormErrors<F extends string>(error: MutationErrorLike, labels: Record<F, string>): FormErrors<F> {
  if (!error) return { fields: {}, summary: null };
  const perField = new Map<F, string[]>();
  const others: string[] = [];
  for (const issue of issuesOf(error)) {
    const field = issue.path.split(".")[0] as F;
    if (Object.hasOwn(labels, field)) {
      const reasons = perField.get(field) ?? [];
      if (!reasons.includes(issue.message)) reasons.push(issue.message);
      perField.set(field, reasons);
    } else {
      const reason = issue.path === "(corps)" || issue.path === "" ? issue.message : `${issue.path} : ${issue.message}`;
      if (!others.includes(reason)) others.push(reason);
    }
  }
  const fields: Partial<Record<F, string>> = {};
  for (const [field, reasons] of perField) fields[field] = asSentence(reasons);
  const relogin = error.data?.code === "UNAUTHORIZED";
  const summary = perField.size > 0 && others.length === 0 && !relogin ? null : { message: error.message, reasons: others, relogin };
  return { fields, summary };
}

/** The props of a react-dsfr Input/Select for one field: error state and its message, or nothing. */
export function fieldState<F extends string>(errors: FormErrors<F>, field: F): { state?: "error"; stateRelatedMessage?: string } {
  const message = errors.fields[field];
  return message ? { state: "error", stateRelatedMessage: message } : {};
}
