// The raw ceiling of the ingest path on this machine: bare node:http, JSON parse, and one
// `insert … returning id` of the same project row into the hub's own `projects` table through the
// same driver (postgres, pool of 10 like the hub), durable commit. No auth, no validation, no outbox.
// Usage: node node-http-pg.mjs <port> <databaseUrl>
import { createServer } from "node:http";
import postgres from "postgres";

const [port, url] = [Number(process.argv[2]), process.argv[3]];
const sql = postgres(url, { max: 10, onnotice: () => {} });

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    try {
      const p = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const [row] = await sql`
        insert into projects (nom, description, collectivites, budget_previsionnel, date_debut_previsionnelle, programme,
                              porteur_email, porteur_nom, porteur_prenom, porteur_fonction)
        values (${p.nom}, ${p.description}, ${sql.json(p.collectivites)}, ${p.budgetPrevisionnel}, ${p.dateDebutPrevisionnelle},
                ${p.programme}, ${p.porteur?.email ?? null}, ${p.porteur?.nom ?? null}, ${p.porteur?.prenom ?? null}, ${p.porteur?.fonction ?? null})
        returning id`;
      const body = JSON.stringify({ id: row.id, version: 1, created: true });
      res.writeHead(201, { "content-type": "application/json" });
      res.end(body);
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(error?.message ?? error) }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => process.stdout.write("node-http-pg ready\n"));
setTimeout(() => process.exit(0), 3_600_000).unref();
