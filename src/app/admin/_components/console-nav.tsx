"use client";
import { usePathname } from "next/navigation";
import { SideMenu } from "@codegouvfr/react-dsfr/SideMenu";
import { regionIds } from "@/app/_components/region-ids";

const sections = [
  { href: "/admin", text: "Tableau de bord" },
  { href: "/admin/services", text: "Services connectés" },
  { href: "/admin/livraisons", text: "Livraisons" },
  { href: "/admin/projets", text: "Projets" },
  { href: "/admin/journal", text: "Journal d'audit" },
  { href: "/admin/alertes", text: "Alertes par courriel" },
];

export function ConsoleNav({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  const items = [...sections, ...(isAdmin ? [{ href: "/admin/operateurs", text: "Opérateurs" }] : [])].map((s) => ({
    text: s.text,
    linkProps: { href: s.href },
    isActive: s.href === "/admin" ? pathname === "/admin" : pathname.startsWith(s.href),
  }));
  return <SideMenu id={regionIds.consoleMenu} align="left" burgerMenuButtonText="Menu de la console" title="Console" items={items} />;
}
