import Link from "next/link";
import { DsfrHeadBase, type DsfrHeadProps, createGetHtmlAttributes } from "@codegouvfr/react-dsfr/next-app-router/server-only-index";

export const { getHtmlAttributes } = createGetHtmlAttributes({ defaultColorScheme: "light" });

export function DsfrHead(props: Omit<DsfrHeadProps, "Link">) {
  return <DsfrHeadBase Link={Link} {...props} />;
}
