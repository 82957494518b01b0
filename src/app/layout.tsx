import type { Metadata } from "next";
import type { ReactNode } from "react";
import { headers } from "next/headers";
import { Footer } from "@codegouvfr/react-dsfr/Footer";
import { Header } from "@codegouvfr/react-dsfr/Header";
import { headerFooterDisplayItem } from "@codegouvfr/react-dsfr/Display";
import { DsfrProvider, StartDsfrOnHydration } from "@/dsfr-bootstrap";
import { DsfrHead, getHtmlAttributes } from "@/dsfr-bootstrap/server-only-index";
import { regionIds } from "./_components/region-ids";
import { SiteSkipLinks } from "./_components/site-skip-links";

export const metadata: Metadata = {
  title: { default: "Les Communs", template: "%s — Les Communs" },
  description: "Le hub qui partage les projets des collectivités entre les services numériques publics.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // This response's CSP nonce (src/proxy.ts): DSFR's inline bootstrap scripts carry it.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html {...getHtmlAttributes({ lang: "fr" })}>
      <head>
        <DsfrHead nonce={nonce} preloadFonts={["Marianne-Regular", "Marianne-Medium", "Marianne-Bold"]} />
      </head>
      <body>
        <DsfrProvider lang="fr">
          <SiteSkipLinks />
          <Header
            brandTop={<>République<br />Française</>}
            homeLinkProps={{ href: "/", title: "Accueil — Les Communs" }}
            serviceTitle="Les Communs"
            serviceTagline="Le hub des projets des collectivités"
            quickAccessItems={[{ iconId: "fr-icon-settings-5-line", linkProps: { href: "/admin" }, text: "Console" }, headerFooterDisplayItem]}
          />
          <main id={regionIds.content} className="fr-container fr-py-6w" tabIndex={-1}>
            {children}
          </main>
          {/* The status is the one stated on /accessibilite; see that page for what it rests on. */}
          <Footer
            id={regionIds.footer}
            accessibility="non compliant"
            accessibilityLinkProps={{ href: "/accessibilite" }}
            termsLinkProps={{ href: "/mentions-legales" }}
            bottomItems={[
              { text: "Données personnelles", linkProps: { href: "/donnees-personnelles" } },
              { text: "Documentation de l'API", linkProps: { href: "/api/docs" } },
              headerFooterDisplayItem,
            ]}
          />
        </DsfrProvider>
        <StartDsfrOnHydration />
      </body>
    </html>
  );
}
