/**
 * Builds dist/ once before the tests that run the real `dxacode` binary, so they never test a stale build; the
 * workbench page's browser code (dist/web) too, which the browser tests load, and the embedded knowledge's snapshot.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const project of ['tsconfig.build.json', 'tsconfig.web.json']) {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { cwd: root, stdio: 'inherit' });
  }
  // As `npm run build` does: the embedded knowledge's snapshot, which the built CLI loads (src/io/knowledge-snapshot.ts).
  execFileSync(process.execPath, ['--input-type=module', '-e', "await (await import('./dist/io/knowledge-snapshot.js')).writeKnowledgeSnapshot()"], { cwd: root, stdio: 'inherit' });
}
