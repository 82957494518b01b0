"use client";
// The one mechanism every console form uses for a refused mutation (issue #11, "Forms"): per-field
// messages from toFormErrors, and the focus moved to the first field in error so that keyboard and
// screen reader users land on what to fix.
import { useEffect, useMemo, useRef } from "react";
import { toFormErrors, type MutationErrorLike } from "./form-errors";

export function useFormErrors<F extends string>(error: MutationErrorLike, labels: Record<F, string>) {
  const formRef = useRef<HTMLFormElement>(null);
  // Labels are constants of the form: the error alone decides.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const errors = useMemo(() => toFormErrors(error, labels), [error]);
  useEffect(() => {
    if (Object.keys(errors.fields).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);
  return { ...errors, formRef };
}
