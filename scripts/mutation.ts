// npm run test:mutation [-- <slice> ...]: runs StrykerJS on each slice of the core (scripts/mutation-slices.json) in
// turn, then writes docs/mutation-testing.md from every slice's report in docs/mutation/.
// npm run test:mutation -- --report-only rewrites the summary without running anything.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mutationSlices, summariseMutationReports } from './mutationSummary.js';

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const requested = args.filter((arg) => !arg.startsWith('--'));
const unknown = requested.filter((name) => !mutationSlices.some((slice) => slice.name === name));
if (unknown.length > 0) {
  console.error(`Unknown slice ${unknown.join(', ')}; the slices are: ${mutationSlices.map((slice) => slice.name).join(', ')}`);
  process.exit(2);
}
const slices = requested.length > 0 ? mutationSlices.filter((slice) => requested.includes(slice.name)) : mutationSlices;

const reportsDir = path.resolve('docs/mutation');
const timingsFile = path.join(reportsDir, 'timings.json');
const timings: Record<string, { finishedAt: string; wallSeconds: number; loadAverage: number[] }> =
  fs.existsSync(timingsFile) ? JSON.parse(fs.readFileSync(timingsFile, 'utf8')) : {};

if (!reportOnly) {
  fs.mkdirSync(reportsDir, { recursive: true });
  for (const slice of slices) {
    console.log(`\n== mutation slice ${slice.name} ==`);
    const started = process.hrtime.bigint();
    const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, MUTATION_SLICE: slice.name } });
    if (run.status !== 0) {
      console.error(`Stryker failed on slice ${slice.name} (exit ${run.status}); its previous report is kept.`);
      process.exit(1);
    }
    timings[slice.name] = {
      finishedAt: new Date().toISOString(),
      wallSeconds: Math.round(Number(process.hrtime.bigint() - started) / 1e9),
      loadAverage: process.platform === 'linux' ? readLoadAverage() : [],
    };
    fs.writeFileSync(timingsFile, `${JSON.stringify(timings, null, 2)}\n`);
  }
}

const summary = summariseMutationReports(reportsDir, timings);
fs.writeFileSync('docs/mutation-testing.md', summary.markdown);
console.log(summary.overview);

function readLoadAverage(): number[] {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}
