"use client";
// DSFR skip links, first in the page on every layout (issue #11, "Pages"): to the content, to the
// console's menu where there is one, and to the footer.
import { usePathname } from "next/navigation";
import { SkipLinks } from "@codegouvfr/react-dsfr/SkipLinks";
import { regionIds } from "./region-ids";


export function SiteSkipLinks() {
  const pathname = usePathname();
  const inConsole = pathname.startsWith("/admin") && !pathname.startsWith("/admin/connexion") && !pathname.startsWith("/admin/acces-refuse") && !pathname.startsWith("/admin/deconnexion");
  return (
    <SkipLinks
      links={[
        { label: "Contenu", anchor: `#${regionIds.content}` },
        ...(inConsole ? [{ label: "Menu de la console", anchor: `#${regionIds.consoleMenu}` }] : []),
        { label: "Pied de page", anchor: `#${regionIds.footer}` },
      ]}
    />
  );
}
