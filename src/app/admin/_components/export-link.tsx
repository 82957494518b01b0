// A CSV download of a console list under its current filter (issue #11): the route handlers of
// /admin/exports stream the file and audit the export.
export function ExportLink({ kind, params, children }: { kind: "livraisons" | "projets" | "journal"; params: Record<string, string | undefined>; children: string }) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  return (
    <p className="fr-mb-2w">
      <a className="fr-link fr-icon-download-line fr-link--icon-left" href={`/admin/exports/${kind}${query.size ? `?${query}` : ""}`} download>
        {children}
      </a>
    </p>
  );
}
