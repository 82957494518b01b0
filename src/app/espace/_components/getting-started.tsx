// The getting-started panel of a service's space (issue #12): the integration guide, the OpenAPI
// page and a ready `curl` for the service. The key is a placeholder: the hub never shows a key again.
export function GettingStarted({ slug, baseUrl }: { slug: string; baseUrl: string }) {
  const curl = [
    `# Clé d'API du service « ${slug} » (à créer dans Réglages, affichée une seule fois)`,
    `export CLE_API="<votre clé d'API ${slug}>"`,
    `curl -sS -H "Authorization: Bearer $CLE_API" "${baseUrl}/api/v1/statuts"`,
    `curl -sS -H "Authorization: Bearer $CLE_API" "${baseUrl}/api/v1/projets?limit=5"`,
  ].join("\n");
  return (
    <section className="fr-callout fr-mb-4w" aria-labelledby={`demarrer-${slug}`}>
      <h3 id={`demarrer-${slug}`} className="fr-callout__title">Pour démarrer</h3>
      <ul className="fr-callout__text fr-text--md">
        <li><a href="/integration">Guide d'intégration</a> : clé d'API, projets, statuts, webhooks signés.</li>
        <li><a href="/api/docs">Référence de l'API (OpenAPI)</a></li>
      </ul>
      <p className="fr-text--sm fr-mb-1w">Un premier appel, prêt à copier :</p>
      <pre data-testid={`curl-${slug}`} style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }} tabIndex={0} aria-label="Commandes curl pour votre service">
        <code>{curl}</code>
      </pre>
    </section>
  );
}
