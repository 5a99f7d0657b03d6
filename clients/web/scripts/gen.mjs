// Writes the app's wire types from the server's own documents, so that no shape is mirrored by
// hand: `docs/openapi.json` (the REST API, produced by `mingle openapi`) through
// openapi-typescript into src/api/generated/openapi.ts, and `docs/protocol.schema.json` (the
// realtime frames and channel message bodies) through json-schema-to-typescript into
// src/api/generated/protocol.ts. Both are formatted with the project's Prettier settings, so the
// output depends only on the documents and the generators' versions.
//
// `node scripts/gen.mjs --check` generates into a temporary folder and fails when the committed
// files differ, which is how CI notices a document that changed without `npm run gen`.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';

const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(webRoot, '..', '..');
const generatedDir = join(webRoot, 'src', 'api', 'generated');

/** What is generated: each output from one document, by one generator. */
const targets = [
  { source: join(repoRoot, 'docs', 'openapi.json'), output: 'openapi.ts', generate: fromOpenApi },
  { source: join(repoRoot, 'docs', 'protocol.schema.json'), output: 'protocol.ts', generate: fromJsonSchema },
];

function header(source) {
  const from = relative(repoRoot, source);
  return `// Generated from ${from} by \`npm run gen\` in clients/web; do not edit.\n\n`;
}

async function fromOpenApi(source) {
  const ast = await openapiTS(pathToFileURL(source));
  return astToString(ast);
}

async function fromJsonSchema(source) {
  const schema = JSON.parse(readFileSync(source, 'utf8'));
  return compile(refsBesideKeywordsAsAllOf(schema), 'MingleFrame', {
    bannerComment: '',
    // The schema never says `additionalProperties`; serde ignores unknown fields, but an index
    // signature on every type would hide misspelt property names from the compiler.
    additionalProperties: false,
    // Every `$defs` entry is exported, including those only reachable through a union.
    unreachableDefinitions: true,
    format: false,
  });
}

/**
 * JSON Schema 2020-12 lets `$ref` sit beside other keywords, and the schema uses that for each
 * internally tagged variant that wraps a struct (`{"$ref": "#/$defs/Reply", "properties": {"type":
 * ...}}`). json-schema-to-typescript reads such a node as if the `$ref` were not there, so it is
 * rewritten as the equivalent `allOf` of the reference and the other keywords. Annotations alone
 * (a description beside a `$ref`) are dropped: they add no shape.
 */
function refsBesideKeywordsAsAllOf(node) {
  if (Array.isArray(node)) return node.map(refsBesideKeywordsAsAllOf);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) out[key] = refsBesideKeywordsAsAllOf(value);
  if (typeof out.$ref !== 'string') return out;
  const { $ref, ...rest } = out;
  delete rest.description;
  delete rest.title;
  if (Object.keys(rest).length === 0) return { $ref };
  return { allOf: [{ $ref }, rest] };
}

async function generateInto(dir) {
  mkdirSync(dir, { recursive: true });
  const prettierOptions = await prettier.resolveConfig(join(webRoot, 'src', 'main.tsx'));
  const written = [];
  for (const { source, output, generate } of targets) {
    if (!existsSync(source)) {
      console.warn(`gen: ${relative(repoRoot, source)} not found; ${output} is not generated`);
      continue;
    }
    const code = header(source) + (await generate(source));
    const formatted = await prettier.format(code, { ...prettierOptions, parser: 'typescript' });
    writeFileSync(join(dir, output), formatted);
    written.push(output);
  }
  return written;
}

function read(path) {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

if (process.argv.includes('--check')) {
  const temp = mkdtempSync(join(tmpdir(), 'mingle-gen-'));
  try {
    await generateInto(temp);
    const stale = targets
      .map(({ output }) => output)
      .filter((output) => read(join(temp, output)) !== read(join(generatedDir, output)));
    if (stale.length > 0) {
      console.error(`src/api/generated is stale: run npm run gen in clients/web (differs: ${stale.join(', ')})`);
      process.exit(1);
    }
    console.log('src/api/generated is up to date');
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
} else {
  const written = await generateInto(generatedDir);
  for (const { output } of targets) {
    if (!written.includes(output)) rmSync(join(generatedDir, output), { force: true });
  }
  console.log(`wrote ${written.map((output) => relative(webRoot, join(generatedDir, output))).join(', ')}`);
}
