import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv.js';

describe('CSV', () => {
  it('quotes a cell with a comma, quote or line break, doubling the quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "77085"')).toBe('"say ""77085"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('makes a formula inert and writes numbers and empty cells as they are', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-2.5')).toBe("'-2.5");
    expect(csvCell(-2.5)).toBe('-2.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('ends each line with CRLF', () => {
    expect(csvLine(['seq', 1, null, 'a,b'])).toBe('seq,1,,"a,b"\r\n');
  });
});
