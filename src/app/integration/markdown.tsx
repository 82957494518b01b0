// Renders the Markdown subset docs/INTEGRATION.md is written in (headings, paragraphs, lists and
// check-lists, tables, fenced code, inline code, bold, links, HTML comments) as DSFR markup, on the
// server. A code block announced by `<!-- exemple : <file> -->` is folded into a DSFR accordion.
import type { ReactNode } from "react";

export type Heading = { level: number; text: string; id: string };

export function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Inline Markdown: `code`, **bold**, [text](href). */
function inline(text: string, key = "i"): ReactNode[] {
  const out: ReactNode[] = [];
  const pattern = /`([^`]+)`|\*\*(.+?)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  let n = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const k = `${key}-${n++}`;
    if (m[1] !== undefined) out.push(<code key={k}>{m[1]}</code>);
    else if (m[2] !== undefined) out.push(<strong key={k}>{inline(m[2], k)}</strong>);
    else {
      const href = m[4]!;
      const external = /^https?:\/\//.test(href);
      out.push(
        <a key={k} href={href} {...(external ? { target: "_blank", rel: "noopener noreferrer", title: `${m[3]!.replace(/`/g, "")} — nouvelle fenêtre` } : {})}>
          {inline(m[3]!, k)}
        </a>,
      );
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function splitRow(line: string): string[] {
  const cells: string[] = [];
  let current = "";
  const body = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "\\" && body[i + 1] === "|") {
      current += "|";
      i++;
    } else if (body[i] === "|") {
      cells.push(current.trim());
      current = "";
    } else current += body[i];
  }
  cells.push(current.trim());
  return cells;
}

type ListItem = { text: string; checkbox: boolean };

export function renderMarkdown(source: string): { nodes: ReactNode[]; headings: Heading[] } {
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  const nodes: ReactNode[] = [];
  const headings: Heading[] = [];
  let sample: string | null = null;
  let i = 0;
  let k = 0;
  const key = () => `b${k++}`;

  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      continue;
    }
    const comment = /^<!--\s*(.*?)\s*-->$/.exec(line.trim());
    if (comment) {
      const m = /^exemple : (\S+)$/.exec(comment[1]!);
      sample = m ? m[1]! : null;
      i++;
      continue;
    }
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence) {
      const code: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== "```") code.push(lines[i++]!);
      i++;
      const block = (
        <pre className="integration-code" tabIndex={0} data-lang={fence[1] || undefined}>
          <code>{code.join("\n")}</code>
        </pre>
      );
      if (sample) {
        const id = `exemple-${slugify(sample)}`;
        nodes.push(
          <section key={key()} className="fr-accordion fr-mb-4w">
            <h4 className="fr-accordion__title">
              <button type="button" className="fr-accordion__btn" aria-expanded="false" aria-controls={id}>
                {`Voir le code complet : ${sample}`}
              </button>
            </h4>
            <div className="fr-collapse" id={id}>
              {block}
            </div>
          </section>,
        );
        sample = null;
      } else nodes.push(<div key={key()}>{block}</div>);
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const text = heading[2]!;
      const id = slugify(text);
      headings.push({ level, text, id });
      const Tag = `h${level}` as "h1" | "h2" | "h3" | "h4";
      nodes.push(
        <Tag key={key()} id={id} className={level === 2 ? "fr-mt-6w" : undefined}>
          {inline(text)}
        </Tag>,
      );
      i++;
      continue;
    }
    if (line.trim().startsWith("|") && lines[i + 1]?.trim().match(/^\|[\s:|-]+\|$/)) {
      const head = splitRow(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.trim().startsWith("|")) rows.push(splitRow(lines[i++]!));
      nodes.push(
        <div key={key()} className="fr-table fr-table--no-caption">
          <table tabIndex={0}>
            <caption>Tableau</caption>
            <thead>
              <tr>{head.map((c, j) => <th key={j} scope="col">{inline(c)}</th>)}</tr>
            </thead>
            <tbody>
              {rows.map((r, ri) => (
                <tr key={ri}>{r.map((c, j) => <td key={j}>{inline(c, `t${ri}-${j}`)}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
      continue;
    }
    const listStart = /^(\s*)(-|\d+\.)\s+/.exec(line);
    if (listStart) {
      const ordered = listStart[2] !== "-";
      const items: ListItem[] = [];
      while (i < lines.length) {
        const m = /^(-|\d+\.)\s+(.*)$/.exec(lines[i]!);
        if (!m) break;
        let text = m[2]!;
        i++;
        // Continuation lines are indented.
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]!) && !/^\s*(-|\d+\.)\s/.test(lines[i]!)) text += ` ${lines[i++]!.trim()}`;
        const checkbox = /^\[ \]\s+/.test(text);
        items.push({ text: checkbox ? text.replace(/^\[ \]\s+/, "") : text, checkbox });
      }
      const children = items.map((item, j) => (
        <li key={j}>
          {item.checkbox ? <span aria-hidden="true">☐ </span> : null}
          {inline(item.text, `l${j}`)}
        </li>
      ));
      nodes.push(ordered ? <ol key={key()}>{children}</ol> : <ul key={key()}>{children}</ul>);
      continue;
    }
    const paragraph: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() !== "" &&
      !/^(#{1,4}\s|```|\s*(-|\d+\.)\s|\||<!--)/.test(lines[i]!)
    ) {
      paragraph.push(lines[i++]!.trim());
    }
    if (paragraph.length === 0) {
      // A line no rule accepts: shown as text rather than dropped.
      paragraph.push(lines[i++]!.trim());
    }
    nodes.push(<p key={key()}>{inline(paragraph.join(" "))}</p>);
  }
  return { nodes, headings };
}
