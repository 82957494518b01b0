// The daily digest of open problems (issue #11): once a day, on one instance only. The claim is a row
// of `alert_digests` keyed by the day: whichever instance inserts it queues the digest, in the same
// transaction, and every other instance (or a second run) finds the day taken and does nothing.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import type { EndpointFacts } from "./render-alert-mail";

const parisDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });
const parisHour = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", hourCycle: "h23" });

/** The day (`YYYY-MM-DD`) and hour (0–23) of `now` in Europe/Paris. */
export function parisClock(now: Date): { day: string; hour: number } {
  return { day: parisDay.format(now), hour: Number(parisHour.format(now)) };
}

export type DigestOutcome = { claimed: boolean; problems: number; mails: number };

/**
 * Queues the digest of `day` (`YYYY-MM-DD`, Europe/Paris) unless it was already claimed: one mail per
 * subscribed operator listing every open problem, and one per technical contact listing their
 * service's. An open problem is an endpoint that is disabled or whose failure was announced and has
 * not recovered. Returns whether this call claimed the day, the number of problems and of mails.
 */
export async function queueDailyDigest(db: Db, day: string): Promise<DigestOutcome> {
  return db.transaction(async (tx) => {
    const [claim] = rowsOf<{ day: string }>(
      await tx.execute(sql`insert into alert_digests (day) values (${day}::date) on conflict (day) do nothing returning day`),
    );
    if (!claim) return { claimed: false, problems: 0, mails: 0 };
    const problems = rowsOf<{ facts: EndpointFacts | string }>(
      await tx.execute(sql`
        select jsonb_build_object(
                 'serviceId', s.id, 'serviceNom', s.nom, 'serviceSlug', s.slug, 'url', e.url,
                 'consecutiveFailures', e.consecutive_failures, 'failingSince', e.failing_since,
                 'lastSuccessAt', e.last_success_at, 'reason', case when e.enabled then null else e.disabled_reason end,
                 'at', now(), 'enabled', e.enabled) as facts
        from webhook_endpoints e join services s on s.id = e.service_id
        where s.enabled and (not e.enabled or e.alert_state <> 'ok')
        order by s.nom, s.id`),
    ).map((r) => (typeof r.facts === "string" ? (JSON.parse(r.facts) as EndpointFacts) : r.facts));
    if (problems.length === 0) return { claimed: true, problems: 0, mails: 0 };
    const all = JSON.stringify(problems);
    // Operators get everything; each contact gets their own service's problems.
    const mails = rowsOf<{ id: number }>(
      await tx.execute(sql`
        with problems as (select value as facts from jsonb_array_elements(${all}::jsonb)),
        recipients as (
          select o.email, (select jsonb_agg(facts) from problems) as list
          from operators o where o.alert_subscribed and o.active
          union all
          select c.email, jsonb_agg(p.facts order by p.facts->>'serviceNom')
          from service_contacts c join problems p on (p.facts->>'serviceId')::uuid = c.service_id
          where c.email not in (select email from operators where alert_subscribed and active)
          group by c.email
        )
        insert into alert_mails (kind, recipient, facts)
        select 'digest', r.email, jsonb_build_object('day', ${day}::text, 'problems', r.list) from recipients r
        returning id`),
    );
    return { claimed: true, problems: problems.length, mails: mails.length };
  });
}

/** Queues today's digest once Paris time has reached `digestHour` (drivers call it every few minutes). */
export async function queueDigestIfDue(db: Db, now: Date, digestHour: number): Promise<DigestOutcome | null> {
  const { day, hour } = parisClock(now);
  if (hour < digestHour) return null;
  return queueDailyDigest(db, day);
}
