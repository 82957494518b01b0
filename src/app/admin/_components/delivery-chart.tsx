// Daily deliveries as stacked bars (SVG), with the same figures in a table for screen readers and
// for anyone who prefers numbers: the chart is decorative, the table is the content.
type Point = { day: string; delivered: number; failed: number; pending: number; in_flight: number };

const dayLabel = new Intl.DateTimeFormat("fr-FR", { day: "2-digit", month: "2-digit", timeZone: "UTC" });

/** `idPrefix` keeps ids unique when a page shows several charts (one per service in the agents' space). */
export function DeliveryChart({ series, idPrefix = "delivery-chart" }: { series: Point[]; idPrefix?: string }) {
  const max = Math.max(1, ...series.map((p) => p.delivered + p.failed + p.pending + p.in_flight));
  const width = 28;
  const height = 140;
  return (
    <figure className="fr-mb-2w" aria-labelledby={`${idPrefix}-caption`}>
      <svg viewBox={`0 0 ${series.length * width} ${height + 20}`} width="100%" style={{ maxHeight: "16rem" }} aria-hidden="true" focusable="false">
        {series.map((p, i) => {
          const hDelivered = (p.delivered / max) * height;
          const hFailed = (p.failed / max) * height;
          const hOther = ((p.pending + p.in_flight) / max) * height;
          const x = i * width + 4;
          return (
            <g key={p.day}>
              <rect x={x} y={height - hDelivered} width={width - 8} height={hDelivered} fill="#18753c" />
              <rect x={x} y={height - hDelivered - hFailed} width={width - 8} height={hFailed} fill="#ce0500" />
              <rect x={x} y={height - hDelivered - hFailed - hOther} width={width - 8} height={hOther} fill="#0063cb" />
              <text x={x + (width - 8) / 2} y={height + 14} fontSize="8" textAnchor="middle" fill="#3a3a3a">
                {dayLabel.format(new Date(`${p.day}T00:00:00Z`))}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption id={`${idPrefix}-caption`} className="fr-text--sm">
        Vert : livrées ; rouge : en échec ; bleu : en attente ou en cours. Détail dans le tableau ci-dessous.
      </figcaption>
      <details className="fr-mt-1w">
        <summary>Voir les chiffres par jour</summary>
        <div className="fr-table fr-table--sm">
          <table tabIndex={0}>
            <caption className="fr-sr-only">Livraisons par jour</caption>
            <thead>
              <tr>
                <th scope="col">Jour</th>
                <th scope="col">Livrées</th>
                <th scope="col">En échec</th>
                <th scope="col">En attente ou en cours</th>
              </tr>
            </thead>
            <tbody>
              {series.map((p) => (
                <tr key={p.day}>
                  <td>{dayLabel.format(new Date(`${p.day}T00:00:00Z`))}</td>
                  <td>{p.delivered}</td>
                  <td>{p.failed}</td>
                  <td>{p.pending + p.in_flight}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
