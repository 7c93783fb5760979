/**
 * Schema drift between prisma/schema.prisma (SQLite) and prisma/postgres/schema.prisma (PostgreSQL).
 * Prisma fixes the provider per schema file, so bpfdeck keeps two; the code uses one client type for
 * both (lib/db/client.ts), which is right only while they describe the same models with the same
 * fields. Compared: models, enums, each field's name, type, `?`/`[]` and attributes (@id, @default,
 * @relation, ...), and block attributes (@@index, @@unique). Ignored: comments, spacing, native
 * column types (`@db.*`: timestamptz on PostgreSQL is the point of having two), generator/datasource.
 */

export interface SchemaShape {
  /** "model Run" / "enum RunStatus" -> field or value name -> normalized definition */
  blocks: Map<string, Map<string, string>>;
}

export function parseSchema(text: string): SchemaShape {
  const blocks = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    const open = /^(model|enum|generator|datasource|view|type)\s+(\w+)\s*\{$/.exec(line);
    if (open) {
      current = open[1] === 'generator' || open[1] === 'datasource' ? null : new Map();
      if (current) blocks.set(`${open[1]} ${open[2]}`, current);
      continue;
    }
    if (line === '}') {
      current = null;
      continue;
    }
    if (!current) continue;
    const norm = line
      .replace(/@db\.\w+(\([^)]*\))?/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (norm.startsWith('@@')) current.set(norm, norm);
    else {
      const [name, ...rest] = norm.split(' ');
      current.set(name, rest.join(' '));
    }
  }
  return { blocks };
}

/** Every difference, as a sentence naming the block and field; empty when the schemas agree. */
export function schemaDrift(a: SchemaShape, b: SchemaShape, names: [string, string] = ['sqlite', 'postgres']): string[] {
  const out: string[] = [];
  for (const [block, fa] of a.blocks) {
    const fb = b.blocks.get(block);
    if (!fb) {
      out.push(`${block} is only in the ${names[0]} schema`);
      continue;
    }
    for (const [field, def] of fa) {
      if (!fb.has(field)) out.push(`${block}: ${field} is only in the ${names[0]} schema`);
      else if (fb.get(field) !== def) out.push(`${block}.${field} differs: ${names[0]} "${def}", ${names[1]} "${fb.get(field)}"`);
    }
    for (const field of fb.keys()) if (!fa.has(field)) out.push(`${block}: ${field} is only in the ${names[1]} schema`);
  }
  for (const block of b.blocks.keys()) if (!a.blocks.has(block)) out.push(`${block} is only in the ${names[1]} schema`);
  return out;
}
