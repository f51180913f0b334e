/**
 * The server processes the benchmark measures, started as deployed: the compiled service (dist/, built once per bench
 * process by scripts/build.ts, as `npm start` does), with NODE_ENV=production, which needs a key secret (`env` carries
 * it) and leaves out the development guard against prototype pollution (src/http/prototypeGuard.ts: a comparison of the
 * built-ins after every response).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';

let built = false;

/**
 * Starts the compiled service, or a bench script run through tsx, with `env`; resolves once it says it is listening.
 */
export async function startServer(env: Record<string, string | undefined>, script?: string): Promise<ChildProcess> {
  if (!script && !built) {
    execFileSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts/build.ts')], { cwd: projectRoot, stdio: 'inherit' });
    built = true;
  }
  const entry = script ? ['--import', 'tsx', path.join(projectRoot, script)] : [path.join(projectRoot, 'dist/server.js')];
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ') ?? []), ...entry], {
    cwd: projectRoot, env: { ...process.env, ...env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script ?? 'the service'} did not start within 120 s`)), 120_000);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('is listening')) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${script ?? 'the service'} exited with ${code}`)); });
  });
  return child;
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
