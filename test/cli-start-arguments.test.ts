/**
 * The plain `dxacode check` that start.ts runs without commander gets exactly the arguments commander would give
 * check.ts's run, and every other command line still goes to commander. check.ts is replaced here by a recorder, so
 * that commander's reading of each command line is compared, not a check.
 */
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => [] as unknown[][]);
vi.mock('../src/cli/check.js', () => ({
  run: (...args: unknown[]) => {
    calls.push(args.slice(1));
    return 0;
  },
}));

const { main } = await import('../src/cli/main.js');
const { plainCheck } = await import('../src/cli/start.js');

/** What commander hands check.ts's run for `argv` (file, options), or undefined when it does not run it. */
async function commanderReading(argv: string[]): Promise<unknown[] | undefined> {
  calls.length = 0;
  const sink = () => new PassThrough();
  const code = await main(argv, { stdin: sink(), stdout: sink(), stderr: sink(), env: {} });
  if (calls.length === 0) return undefined;
  expect(code).toBe(0);
  return calls[0];
}

beforeEach(() => {
  calls.length = 0;
});

describe('start.ts: a plain dxacode check without commander', () => {
  const plain = [
    ['check'],
    ['check', 'examples/encounter-axial-vfa.json'],
    ['check', '-'],
    ['check', 'in.json', '--format', 'json'],
    ['check', 'in.json', '--format', 'text'],
    ['check', '--format', 'json', 'in.json'],
    ['check', '-f', 'text', 'in.json'],
    ['check', 'in.json', '--no-progress'],
    ['check', '--no-progress', '--format', 'json', '-'],
    ['check', 'in.json', '--format', 'json', '--no-progress'],
    ['check', '--format', 'json'],
    ['check', 'json'],
    ['check', 'help'],
  ];

  it.each(plain)('%j: the file and options commander gives', async (...argv) => {
    const fast = plainCheck(argv);
    expect(fast).toBeDefined();
    expect(await commanderReading(argv)).toEqual([fast!.file, fast!.options]);
  });

  const others = [
    [],
    ['rules'],
    ['--version'],
    ['check', '--help'],
    ['check', 'a.json', 'b.json'],
    ['check', '--format', 'xml', 'in.json'],
    ['check', '--format'],
    ['check', '--format=json', 'in.json'],
    ['check', '-fjson', 'in.json'],
    ['check', '--format', 'json', '--format', 'text'],
    ['check', '--no-progress', '--no-progress'],
    ['check', 'in.json', '--jobs', '1'],
    ['check', 'in.json', '--only', 'pairs'],
    ['check', 'in.json', '--payer-pack', 'p.yaml'],
    ['check', 'in.json', '--config', 'c.json'],
    ['check', 'in.json', '--mode', 'lenient'],
    ['check', '--', 'in.json'],
    ['check', '-x'],
    ['check', ''],
    ['claim', 'in.json'],
  ];

  it.each(others)('%j goes to commander', (...argv) => {
    expect(plainCheck(argv)).toBeUndefined();
  });

  it('leaves to commander the command lines it reads differently or refuses', async () => {
    // A repeated --format: commander takes the last one, which a plain reading must not guess.
    expect(await commanderReading(['check', '--format', 'json', '--format', 'text', 'in.json'])).toEqual(['in.json', { format: 'text', progress: true }]);
    // Two files: commander refuses them (exit 2) and check never runs.
    expect(await commanderReading(['check', 'a.json', 'b.json'])).toBeUndefined();
  });
});
