// The human-readable reference of /api/v1 (French, DSFR), rendered from the same OpenAPI document
// that /api/v1/openapi.json serves: there is no second description to keep in sync.
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { buildOpenApiDocument } from "@/modules/openapi/build-openapi-document";

export const metadata: Metadata = { title: "Référence de l'API" };
// Rendered per request: the page's scripts carry the response's CSP nonce (src/proxy.ts, issue #16).
export const dynamic = "force-dynamic";

type Schema = Record<string, any>;

const methodColors: Record<string, string> = {
  get: "fr-badge--info",
  post: "fr-badge--success",
  put: "fr-badge--warning",
  patch: "fr-badge--new",
  delete: "fr-badge--error",
};

/** Inline `code` and [text](href) of the document's descriptions. */
function Rich({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  const pattern = /`([^`]+)`|\[([^\]]+)\]\(([^)]+)\)|\*\*([^*]+)\*\*/g;
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text))) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    if (match[1]) parts.push(<code key={match.index}>{match[1]}</code>);
    else if (match[2]) parts.push(<a key={match.index} href={match[3]}>{match[2]}</a>);
    else parts.push(<strong key={match.index}>{match[4]}</strong>);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}

function Description({ text }: { text?: string }) {
  if (!text) return null;
  const blocks = text.split("\n").filter((l) => l.trim() !== "");
  const items = blocks.filter((l) => l.startsWith("- "));
  return (
    <>
      {blocks
        .filter((l) => !l.startsWith("- "))
        .map((line, i) => (
          <p key={i}>
            <Rich text={line} />
          </p>
        ))}
      {items.length > 0 && (
        <ul>
          {items.map((line, i) => (
            <li key={i}>
              <Rich text={line.slice(2)} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function typeOf(schema: Schema | undefined): ReactNode {
  if (!schema) return "—";
  if (schema.$ref) {
    const name = String(schema.$ref).split("/").pop();
    return <a href={`#schema-${name}`}>{name}</a>;
  }
  if (schema.anyOf) {
    return (schema.anyOf as Schema[]).map((s, i) => (
      <span key={i}>
        {i > 0 && " | "}
        {typeOf(s)}
      </span>
    ));
  }
  if (schema.enum) return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(" | ");
  if (schema.type === "array") return <>liste de {typeOf(schema.items)}</>;
  const constraints = [
    schema.format,
    schema.minLength !== undefined && `≥ ${schema.minLength} car.`,
    schema.maxLength !== undefined && `≤ ${schema.maxLength} car.`,
    schema.minimum !== undefined && `≥ ${schema.minimum}`,
    schema.minItems !== undefined && `≥ ${schema.minItems} élément(s)`,
    schema.maxItems !== undefined && `≤ ${schema.maxItems} éléments`,
  ].filter(Boolean);
  return `${schema.type ?? "valeur"}${constraints.length ? ` (${constraints.join(", ")})` : ""}`;
}

function PropertiesTable({ schema, caption }: { schema: Schema; caption: string }) {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  if (properties.length === 0) return null;
  const required = new Set<string>(schema.required ?? []);
  return (
    <div className="fr-table fr-table--no-caption">
      <table tabIndex={0}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Champ</th>
            <th scope="col">Type</th>
            <th scope="col">Obligatoire</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {properties.map(([name, prop]) => (
            <tr key={name}>
              <td>
                <code>{name}</code>
              </td>
              <td>{typeOf(prop)}</td>
              <td>{required.has(name) ? "oui" : "non"}</td>
              <td>
                <Rich text={prop.description ?? ""} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function ApiDocsPage() {
  const doc = buildOpenApiDocument() as Schema;
  // Shared parameters (X-User-Email) are components: show them in place.
  const parametersOf = (operation: Schema): Schema[] =>
    ((operation.parameters ?? []) as Schema[]).map((p) => (p.$ref ? (doc.components.parameters[String(p.$ref).split("/").pop()!] as Schema) : p));
  const operations = Object.entries(doc.paths as Record<string, Record<string, Schema>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  const schemas = Object.entries((doc.components?.schemas ?? {}) as Record<string, Schema>);
  return (
    <>
      <h1>{doc.info.title}</h1>
      <p className="fr-text--lead">Référence de l&apos;API REST v1, générée à partir du document OpenAPI {doc.openapi}.</p>
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a className="fr-btn" href="/integration">
            Guide d&apos;intégration
          </a>
        </li>
        <li>
          <a className="fr-btn fr-btn--secondary" href="/api/v1/openapi.json">
            Document OpenAPI (JSON)
          </a>
        </li>
      </ul>
      <Description text={doc.info.description} />

      <h2 className="fr-mt-6w">Routes</h2>
      <nav aria-label="Routes de l'API">
        <ul>
          {operations.map(({ path, method, operation }) => (
            <li key={`${method} ${path}`}>
              <a href={`#${operation.operationId}`}>
                {method.toUpperCase()} {path}
              </a>{" "}
              — {operation.summary}
            </li>
          ))}
        </ul>
      </nav>

      {operations.map(({ path, method, operation }) => {
        const bodySchema = operation.requestBody?.content?.["application/json"]?.schema as Schema | undefined;
        return (
          <section key={`${method} ${path}`} id={operation.operationId} className="fr-mt-6w">
            <h3>
              <span className={`fr-badge ${methodColors[method] ?? ""} fr-mr-1w`}>{method.toUpperCase()}</span>
              <code>{path}</code>
            </h3>
            <p>
              <strong>{operation.summary}</strong>
              {operation.security?.length ? " — clé d'API requise." : " — public."}
            </p>
            <Description text={operation.description} />
            {parametersOf(operation).length ? (
              <div className="fr-table fr-table--no-caption">
                <table tabIndex={0}>
                  <caption>Paramètres</caption>
                  <thead>
                    <tr>
                      <th scope="col">Nom</th>
                      <th scope="col">Où</th>
                      <th scope="col">Type</th>
                      <th scope="col">Description</th>
                    </tr>
                  </thead>
                  <tbody>
                    {parametersOf(operation).map((p) => (
                      <tr key={`${p.in}-${p.name}`}>
                        <td>
                          <code>{p.name}</code>
                          {p.required ? " (obligatoire)" : ""}
                        </td>
                        <td>{{ path: "chemin", query: "requête", header: "en-tête" }[p.in as string] ?? p.in}</td>
                        <td>{typeOf(p.schema)}</td>
                        <td>
                          <Rich text={p.description ?? ""} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            {bodySchema && (
              <p>
                Corps (JSON) : {typeOf(bodySchema)}
              </p>
            )}
            <div className="fr-table fr-table--no-caption">
              <table tabIndex={0}>
                <caption>Réponses</caption>
                <thead>
                  <tr>
                    <th scope="col">Statut</th>
                    <th scope="col">Signification</th>
                    <th scope="col">Corps</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(operation.responses as Record<string, Schema>).map(([status, response]) => (
                    <tr key={status}>
                      <td>{status}</td>
                      <td>
                        <Rich text={response.description ?? ""} />
                      </td>
                      <td>{typeOf(response.content?.["application/json"]?.schema)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}

      <h2 className="fr-mt-6w">Schémas</h2>
      {schemas.map(([name, schema]) => (
        <section key={name} id={`schema-${name}`} className="fr-mt-4w">
          <h3>{name}</h3>
          <Description text={schema.description} />
          <PropertiesTable schema={schema} caption={`Champs de ${name}`} />
          {schema.example !== undefined && (
            <>
              <p>Exemple :</p>
              <pre className="fr-p-2w" style={{ background: "var(--background-alt-grey)", overflowX: "auto" }}>
                <code>{JSON.stringify(schema.example, null, 2)}</code>
              </pre>
            </>
          )}
        </section>
      ))}
    </>
  );
}
