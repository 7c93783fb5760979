/**
 * Schema drift between prisma/schema.prisma (SQLite) and prisma/postgres/schema.prisma (PostgreSQL).
 * Prisma fixes the provider per schema file, so bpfdeck keeps two; the code uses one client type for
 * both (lib/db/client.ts), which is right only while they describe the same models with the same
 * fields. Compared: models, enums, each field's name, type, `?`/`[]` and attributes (@id, @default,
 * @relation, ...), and block attributes (@@index, @@unique). Ignored: comments, spacing,
 * generator/datasource. Native column types (`@db.*`) are left out of that comparison and checked on
 * their own (nativeTypeProblems): the intended differences and nothing else.
 */

export interface SchemaShape {
  /** "model Run" / "enum RunStatus" -> field or value name -> normalized definition */
  blocks: Map<string, Map<string, string>>;
  /** "model Run" -> field -> its native type attribute (e.g. `@db.Timestamptz(3)`), for fields with one */
  native: Map<string, Map<string, string>>;
}

/**
 * The native types each schema is meant to have. SQLite: none. PostgreSQL: `@db.Timestamptz(3)` on
 * every DateTime (a point in time, not a wall-clock reading; the 3 keeps JavaScript's milliseconds) and
 * nothing else: statuses stay text with CHECK constraints and JSON stays text (README "PostgreSQL").
 */
const INTENDED_NATIVE: Record<'sqlite' | 'postgres', Record<string, string>> = {
  sqlite: {},
  postgres: { DateTime: '@db.Timestamptz(3)' },
};

/** Fields whose native type is not the intended one for their Prisma type, as sentences. */
export function nativeTypeProblems(shape: SchemaShape, kind: 'sqlite' | 'postgres'): string[] {
  const out: string[] = [];
  for (const [block, fields] of shape.blocks) {
    if (!block.startsWith('model ')) continue;
    for (const [field, def] of fields) {
      if (field.startsWith('@@')) continue;
      const type = def.split(' ')[0].replace(/[?[\]]+$/, '');
      const want = INTENDED_NATIVE[kind][type];
      const have = shape.native.get(block)?.get(field);
      if (want && have !== want) out.push(`${block}.${field}: ${type} must be ${want} in the ${kind} schema (has ${have ?? 'no native type'})`);
      else if (!want && have) out.push(`${block}.${field}: unintended native type ${have} in the ${kind} schema`);
    }
  }
  return out;
}

export function parseSchema(text: string): SchemaShape {
  const blocks = new Map<string, Map<string, string>>();
  const native = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  let currentNative: Map<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    const open = /^(model|enum|generator|datasource|view|type)\s+(\w+)\s*\{$/.exec(line);
    if (open) {
      current = open[1] === 'generator' || open[1] === 'datasource' ? null : new Map();
      currentNative = current ? new Map() : null;
      if (current) blocks.set(`${open[1]} ${open[2]}`, current);
      if (currentNative) native.set(`${open[1]} ${open[2]}`, currentNative);
      continue;
    }
    if (line === '}') {
      current = null;
      continue;
    }
    if (!current) continue;
    const nativeType = /@db\.\w+(\([^)]*\))?/.exec(line)?.[0];
    const norm = line
      .replace(/@db\.\w+(\([^)]*\))?/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (norm.startsWith('@@')) current.set(norm, norm);
    else {
      const [name, ...rest] = norm.split(' ');
      current.set(name, rest.join(' '));
      if (nativeType) currentNative!.set(name, nativeType);
    }
  }
  return { blocks, native };
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
