// The integration guide for connected services (docs/INTEGRATION.md), rendered at build time.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Metadata } from "next";
import { renderMarkdown } from "./markdown";

export const metadata: Metadata = {
  title: "Guide d'intégration",
  description: "Connecter un service numérique au hub Les Communs : clé d'API, projets, statuts, webhooks signés, exemples.",
};

// The guide is part of the build: the page never reads the disk at request time.
// Rendered per request: the page's scripts carry the response's CSP nonce (src/proxy.ts, issue #16).
export const dynamic = "force-dynamic";

export default function IntegrationPage() {
  const source = readFileSync(path.join(process.cwd(), "docs", "INTEGRATION.md"), "utf8");
  const { nodes, headings } = renderMarkdown(source);
  const sections = headings.filter((h) => h.level === 2 && h.id !== "sommaire");
  return (
    <div className="fr-grid-row fr-grid-row--gutters">
      <div className="fr-col-12 fr-col-md-3">
        <nav className="fr-sidemenu fr-sidemenu--sticky-full-height" aria-labelledby="integration-sommaire">
          <div className="fr-sidemenu__inner">
            <button type="button" className="fr-sidemenu__btn" aria-controls="integration-menu" aria-expanded="false">
              Dans ce guide
            </button>
            <div className="fr-collapse" id="integration-menu">
              <div className="fr-sidemenu__title" id="integration-sommaire">
                Dans ce guide
              </div>
              <ul className="fr-sidemenu__list">
                {sections.map((h) => (
                  <li key={h.id} className="fr-sidemenu__item">
                    <a className="fr-sidemenu__link" href={`#${h.id}`} target="_self">
                      {h.text.replace(/`/g, "")}
                    </a>
                  </li>
                ))}
                <li className="fr-sidemenu__item">
                  <a className="fr-sidemenu__link" href="/api/docs" target="_self">
                    Référence de l'API
                  </a>
                </li>
              </ul>
            </div>
          </div>
        </nav>
      </div>
      <article className="fr-col-12 fr-col-md-9 integration-guide">
        <style>{`
          .integration-guide pre.integration-code { background: var(--background-alt-grey); padding: 1rem; overflow-x: auto; font-size: .8125rem; line-height: 1.4; max-height: 60rem; }
          .integration-guide pre.integration-code code { background: none; padding: 0; white-space: pre; }
          .integration-guide .fr-table table { display: table; width: 100%; }
        `}</style>
        {nodes}
      </article>
    </div>
  );
}
