/** The office section of the configuration file: where it is read from, its defaults, and errors naming file and field. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPath, readOfficeConfig } from './office-config.js';

const dir = mkdtempSync(join(tmpdir(), 'dxacode-office-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('office configuration', () => {
  it('reads jurisdiction, billing NPI and required lists', async () => {
    const path = file('ok.json', { office: { jurisdiction: 'J15', billingNpi: '1234567893', require: ['leie', 'leie', 'order-referring'] } });
    expect(await readOfficeConfig(path)).toEqual({ ok: true, office: { jurisdiction: 'J15', billingNpi: '1234567893', require: ['leie', 'order-referring'] }, path });
  });

  it('without an office section, the X12 billing provider NPI is the default billing NPI', async () => {
    const path = file('x12.json', { x12: { billingProvider: { npi: '1987654328' } } });
    expect(await readOfficeConfig(path)).toEqual({ ok: true, office: { billingNpi: '1987654328', require: [] }, path });
  });

  it('no default file is no settings; a named file that is missing is an error naming it', async () => {
    expect(await readOfficeConfig(undefined, dir)).toEqual({ ok: true, office: { require: [] }, path: undefined });
    const missing = join(dir, 'missing.json');
    expect(await readOfficeConfig(missing)).toEqual({ ok: false, messages: [`${missing}: cannot read the configuration file (no such file)`] });
  });

  it('errors name the file and each bad field', async () => {
    const path = file('bad.json', { office: { jurisdiction: 'J99', billingNpi: '1234567890', require: ['pecos'], extra: 1 } });
    const read = await readOfficeConfig(path);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.messages).toContain(`${path}: office.jurisdiction: expected a Medicare Administrative Contractor jurisdiction: J5, J6, J8, J15, JE, JF, JH, JJ, JK, JL, JM, JN`);
    expect(read.messages).toContain(`${path}: office.billingNpi: expected a 10-digit NPI with a valid check digit`);
    expect(read.messages).toContain(`${path}: office.require[0]: expected one of order-referring, leie`);
    expect(read.messages.some((m) => m.startsWith(`${path}: office: `) && m.includes('extra'))).toBe(true);
    const json = file('bad-json.json', '{ "office": ');
    expect(await readOfficeConfig(json)).toMatchObject({ ok: false, messages: [expect.stringMatching(new RegExp(`^${json.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`))] });
  });

  it('takes --config, else DXACODE_CONFIG, else the default file', () => {
    expect(configPath('a.json', { DXACODE_CONFIG: 'b.json' })).toBe('a.json');
    expect(configPath(undefined, { DXACODE_CONFIG: 'b.json' })).toBe('b.json');
    expect(configPath(undefined, { DXACODE_CONFIG: '' })).toBeUndefined();
  });
});
