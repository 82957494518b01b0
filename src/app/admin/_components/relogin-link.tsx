"use client";
// "Session absente ou expirée" must give a way back (issue #11, "Session"): a link to the login
// page that returns to this very page, query string included.
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { reloginHref } from "@/server/auth/return-path";

export function ReloginLink() {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  return (
    <Link className="fr-link" href={reloginHref(search ? `${pathname}?${search}` : pathname)} data-testid="relogin-link">
      Se reconnecter et revenir à cette page
    </Link>
  );
}
