// Mutation testing of the core (issue 17), in slices: each slice mutates one area and runs only the test files
// written about it. With the whole suite every surviving mutant of src/credentials would run some sixty files.
// `MUTATION_SLICE=<name> npx stryker run` runs one slice; `npm run test:mutation` runs them all in turn
// (scripts/mutation.ts). Each slice's report doubles as its incremental file: a later run re-tests only mutants
// whose code or covering tests changed.
import fs from 'node:fs';

// The slices: a name, the source files mutated and the test files that speak about them.
const mutationSlices = JSON.parse(fs.readFileSync(new URL('./scripts/mutation-slices.json', import.meta.url), 'utf8'));

const sliceName = process.env.MUTATION_SLICE;
const slice = mutationSlices.find((candidate) => candidate.name === sliceName);
if (!slice) {
  throw new Error(`Set MUTATION_SLICE to one of: ${mutationSlices.map((candidate) => candidate.name).join(', ')}`);
}
const report = `docs/mutation/${slice.name}.json`;

export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    // MUTATION_TEST_FILES (comma-separated) narrows a run to chosen files, to check a new test against a few mutants.
    testFiles: process.env.MUTATION_TEST_FILES ? process.env.MUTATION_TEST_FILES.split(',') : slice.testFiles,
    nodeArgs: ['--import', 'tsx'],
    // Stop a test file at its first failing assertion: a killed mutant needs no more.
    forceBail: true,
  },
  mutate: slice.mutate,
  // Per test file, a mutant runs only the files that reached it. Coverage is collected on the main thread only, so
  // code that runs only in worker threads (src/credentials/verifyWorker.ts) is in no slice: its 79 mutants all came
  // out "no coverage", with this and with coverage analysis off alike (2026-12-02). Its behaviour is tested through
  // the pool (test/credentials/verify-pool, batch-verify).
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  // A mutant is called a timeout (and counted as detected) when its tests take 3 times as long as without mutants,
  // plus 15 s. Generous, because tests slow down when the machine is busy, and a slow test is not a caught mutant.
  timeoutFactor: 3,
  timeoutMS: 15000,
  incremental: true,
  incrementalFile: report,
  // No json reporter: StrykerJS writes the incremental file itself, as a full report, and two writers of one file
  // interleave.
  reporters: ['progress', 'html'],
  htmlReporter: { fileName: `reports/mutation/${slice.name}.html` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
