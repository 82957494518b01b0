// The DSFR error page pattern (404, 500, unavailable): a title, the code, what happened in plain
// French, what to do, and the way back (issue #11, "Pages"). Used by not-found, error and global-error.
import type { ReactNode } from "react";

export function ErrorPage({ title, code, lead, children, actions }: { title: string; code: string; lead: string; children?: ReactNode; actions: ReactNode }) {
  return (
    <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--middle fr-grid-row--center fr-my-4w" data-testid="error-page">
      <div className="fr-col-12 fr-col-md-6">
        <h1>{title}</h1>
        <p className="fr-text--sm fr-mb-3w">{code}</p>
        <p className="fr-text--lead fr-mb-3w">{lead}</p>
        {children}
        <ul className="fr-btns-group fr-btns-group--inline-md">{actions}</ul>
      </div>
      <div className="fr-col-12 fr-col-md-3 fr-col-offset-md-1 fr-px-6w fr-px-md-0 fr-py-0">
        {/* Decorative: the title says it all. A copy of the DSFR pictogram (dsfr/artwork/pictograms/system). */}
        <img src="/artwork/technical-error.svg" alt="" width={150} height={150} className="fr-responsive-img fr-artwork" aria-hidden="true" />
      </div>
    </div>
  );
}
