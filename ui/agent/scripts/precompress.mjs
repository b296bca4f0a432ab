// Writes <file>.gz next to every compressible file of the build output, so that
// `comptoir serve` sends gzip without compressing on each request.
//   node scripts/precompress.mjs dist
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const root = process.argv[2] ?? 'dist';
const compressible = /\.(html|js|mjs|css|svg|json|txt|webmanifest)$/;

async function* walk(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

let n = 0;
for await (const file of walk(root)) {
  if (!compressible.test(file)) continue;
  const data = await readFile(file);
  if (data.length < 256) continue;
  await writeFile(`${file}.gz`, gzipSync(data, { level: constants.Z_BEST_COMPRESSION }));
  n += 1;
}
console.log(`precompress: ${n} files gzipped in ${root}`);
