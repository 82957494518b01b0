"use client";

import Link from "next/link";
import { DsfrProviderBase, type DsfrProviderProps, StartDsfrOnHydration } from "@codegouvfr/react-dsfr/next-app-router";

declare module "@codegouvfr/react-dsfr/next-app-router" {
  interface RegisterLink {
    Link: typeof Link;
  }
}

export function DsfrProvider(props: DsfrProviderProps) {
  return <DsfrProviderBase {...props} Link={Link} defaultColorScheme="light" />;
}

export { StartDsfrOnHydration };
