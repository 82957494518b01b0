"use client";
// A destructive console action asks first, in a DSFR modal that says what will happen, with counts
// (issue #11, "Safety"). The action runs only from the modal's confirm button.
import { useMemo, type ReactNode } from "react";
import { createModal } from "@codegouvfr/react-dsfr/Modal";
import { Button, type ButtonProps } from "@codegouvfr/react-dsfr/Button";

type ConfirmModalProps = { id: string; title: string; confirmLabel: string; onConfirm: () => void; children: ReactNode };

/** A DSFR modal with "Annuler" and a confirm button; returns the modal (open it with `open()`) and its element. */
export function useConfirmModal({ id, title, confirmLabel, onConfirm, children }: ConfirmModalProps) {
  const modal = useMemo(() => createModal({ id, isOpenedByDefault: false }), [id]);
  const element = (
    <modal.Component
      title={title}
      titleAs="h2"
      buttons={[
        { children: "Annuler", priority: "secondary" },
        { children: confirmLabel, onClick: onConfirm, nativeButtonProps: { "data-testid": `${id}-confirm` } as Record<string, string> },
      ]}
    >
      {children}
    </modal.Component>
  );
  return { open: modal.open, element };
}

/** A button that opens the confirmation modal instead of acting. */
export function ConfirmAction(props: ConfirmModalProps & { trigger: ReactNode; triggerProps?: Omit<ButtonProps.Common & ButtonProps.WithoutIcon, "children">; disabled?: boolean }) {
  const { trigger, triggerProps, disabled, ...modal } = props;
  const { open, element } = useConfirmModal(modal);
  return (
    <>
      <Button priority="secondary" {...triggerProps} disabled={disabled} onClick={() => open()}>
        {trigger}
      </Button>
      {element}
    </>
  );
}
