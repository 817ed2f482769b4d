/**
 * Builds dist/ once before the tests that run the real `dxacode` binary, so they never test a stale build; the
 * workbench page's browser code (dist/web) too, which the browser tests load, and the files `npm run generate` makes.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const project of ['tsconfig.build.json', 'tsconfig.web.json']) {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { cwd: root, stdio: 'inherit' });
  }
  // As `npm run build` does: the files generated for the built CLI (src/io/knowledge-snapshot.ts, encounter-validator.ts).
  execFileSync('npm', ['run', '--silent', 'generate'], { cwd: root, stdio: 'inherit' });
}
