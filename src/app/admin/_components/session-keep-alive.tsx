"use client";
// The session cookie's expiry is set by next-auth (30 minutes) and only moved by its /session
// route. Activity in the console (navigation, clicks, typing) pings that route at most once a
// minute, so the cookie follows the server-side inactivity timeout; an idle tab sends nothing and
// its session ends after 30 minutes.
import { useEffect, useRef } from "react";
import { usePathname } from "next/navigation";

const minIntervalMs = 60_000;

export function SessionKeepAlive() {
  const pathname = usePathname();
  const last = useRef(Date.now());

  useEffect(() => {
    const ping = () => {
      if (Date.now() - last.current < minIntervalMs) return;
      last.current = Date.now();
      void fetch("/api/auth/session", { cache: "no-store", credentials: "same-origin" }).catch(() => {});
    };
    ping();
    window.addEventListener("pointerdown", ping);
    window.addEventListener("keydown", ping);
    return () => {
      window.removeEventListener("pointerdown", ping);
      window.removeEventListener("keydown", ping);
    };
  }, [pathname]);

  return null;
}
