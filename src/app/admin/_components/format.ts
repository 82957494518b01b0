// Display helpers shared by the console's pages (French formats, Paris time).
const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "medium", timeZone: "Europe/Paris" });

export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  return dateTime.format(typeof value === "string" ? new Date(value) : value);
}

export function formatPercent(value: number | null): string {
  return value === null ? "—" : `${(value * 100).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} %`;
}

export const deliveryStateLabels = {
  pending: "En attente",
  in_flight: "En cours d'envoi",
  delivered: "Livrée",
  failed: "En échec",
} as const;

export const deliveryStateSeverity = {
  pending: "info",
  in_flight: "new",
  delivered: "success",
  failed: "error",
} as const;

export const roleLabels = { admin: "Administrateur", lecteur: "Lecteur" } as const;
