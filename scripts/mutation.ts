// npm run test:mutation [-- <slice> ...]: runs StrykerJS on each slice of the core (scripts/mutation-slices.json) in
// turn, then writes docs/mutation-testing.md from every slice's report in docs/mutation/.
// npm run test:mutation -- --report-only rewrites the summary without running anything.
// npm run test:mutation -- --retest-timeouts <slice> ... first drops the slice's timed-out mutants from its report, so
// that they are tested again (on a quiet machine, to tell a loop that no longer ends from a test slowed by load).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mutationSlices, summariseMutationReports, type SliceTiming } from './mutationSummary.js';

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const retestTimeouts = args.includes('--retest-timeouts');
const requested = args.filter((arg) => !arg.startsWith('--'));
const unknown = requested.filter((name) => !mutationSlices.some((slice) => slice.name === name));
if (unknown.length > 0) {
  console.error(`Unknown slice ${unknown.join(', ')}; the slices are: ${mutationSlices.map((slice) => slice.name).join(', ')}`);
  process.exit(2);
}
const slices = requested.length > 0 ? mutationSlices.filter((slice) => requested.includes(slice.name)) : mutationSlices;

const reportsDir = path.resolve('docs/mutation');
if (!reportOnly) {
  fs.mkdirSync(reportsDir, { recursive: true });
  for (const slice of slices) {
    console.log(`\n== mutation slice ${slice.name} ==`);
    if (retestTimeouts) dropTimedOutMutants(path.join(reportsDir, `${slice.name}.json`));
    const started = process.hrtime.bigint();
    const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, MUTATION_SLICE: slice.name } });
    if (run.status !== 0) {
      console.error(`Stryker failed on slice ${slice.name} (exit ${run.status}); its previous report is kept.`);
      process.exit(1);
    }
    const timing: SliceTiming = {
      finishedAt: new Date().toISOString(),
      wallSeconds: Math.round(Number(process.hrtime.bigint() - started) / 1e9),
      loadAverage: readLoadAverage(),
    };
    // One file per slice, so that slices run on different machines or branches merge without conflict.
    fs.writeFileSync(path.join(reportsDir, `${slice.name}.timing.json`), `${JSON.stringify(timing, null, 2)}\n`);
  }
}

const summary = summariseMutationReports(reportsDir);
fs.writeFileSync('docs/mutation-testing.md', summary.markdown);
console.log(summary.overview);

function readLoadAverage(): number[] {
  return fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number) : [];
}

/** Incremental mode reuses every result in the report; a mutant that is not there any more is tested again. */
function dropTimedOutMutants(reportFile: string) {
  if (!fs.existsSync(reportFile)) return;
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { files: Record<string, { mutants: Array<{ status: string }> }> };
  let dropped = 0;
  for (const file of Object.values(report.files)) {
    const kept = file.mutants.filter((mutant) => mutant.status !== 'Timeout');
    dropped += file.mutants.length - kept.length;
    file.mutants = kept;
  }
  fs.writeFileSync(reportFile, JSON.stringify(report));
  console.log(`${dropped} timed-out mutants will be tested again`);
}
