/** NegEx/ConText-style assertion of clinical facts: every trigger, pseudo-trigger, scope end and experiencer. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extract } from './extract.js';
import { firstAsserted, notAsserted, SCOPE_WORDS } from './negation.js';

/** Whether `fact` (its first occurrence) is asserted of the patient in `sentence`. */
function judge(sentence: string, fact: string): ReturnType<typeof notAsserted> {
  const at = sentence.indexOf(fact);
  if (at < 0) throw new Error(`"${fact}" is not in "${sentence}"`);
  return notAsserted(sentence, at, at + fact.length);
}

describe('notAsserted', () => {
  it.each([
    ['no', 'No hip fracture.'],
    ['denies', 'Patient denies prior hip fracture.'],
    ['denied', 'She denied prednisone use.'],
    ['denying', 'Denying hip fracture or falls.'],
    ['without', 'A woman without hip fracture.'],
    ['negative for', 'History negative for hip fracture.'],
    ['never', 'She has never taken prednisone.'],
    ['not', 'Not on alendronate.'],
    ['nor', 'Neither falls nor hip fracture.'],
    ['free of', 'Free of hip fracture to date.'],
    ['absence of', 'Absence of hip fracture.'],
    ['ruled out for', 'Ruled out for hip fracture last year.'],
    ['rules out', 'The radiograph rules out hip fracture.'],
  ])('a fact after "%s" is negated', (_trigger, sentence) => {
    const fact = ['hip fracture', 'prednisone', 'alendronate'].find((f) => sentence.includes(f))!;
    expect(judge(sentence, fact)).toBe('negated');
  });

  it.each([
    [': none', 'Hip fracture: none.', 'Hip fracture'],
    ['was denied', 'Prednisone use was denied.', 'Prednisone'],
    ['is ruled out', 'Hip fracture is ruled out.', 'Hip fracture'],
    ['absent', 'Hip fracture absent.', 'Hip fracture'],
  ])('a fact before "%s" is negated', (_trigger, sentence, fact) => {
    expect(judge(sentence, fact)).toBe('negated');
  });

  it.each([
    ['no change', 'No change in prednisone dose.', 'prednisone'],
    ['not only', 'Not only prednisone but also methotrexate.', 'prednisone'],
    ['without difficulty', 'Without difficulty she takes alendronate.', 'alendronate'],
  ])('a pseudo-trigger ("%s") negates nothing', (_pseudo, sentence, fact) => {
    expect(judge(sentence, fact)).toBeUndefined();
  });

  it.each([
    ['but', 'No falls but a hip fracture in 2020.'],
    ['however', 'No falls, however a hip fracture in 2020.'],
    ['a semicolon', 'No falls; hip fracture in 2020.'],
    ['a comma and "on"', 'No falls, on prednisone 5 mg.'],
    ['a comma and "on" without a space', 'No falls,on prednisone 5 mg.'],
    ['the word limit', `No falls at home or in the garden or anywhere else, hip fracture.`],
  ])('the scope ends at %s', (_end, sentence) => {
    const fact = sentence.includes('prednisone') ? 'prednisone' : 'hip fracture';
    expect(judge(sentence, fact)).toBeUndefined();
  });

  it(`keeps the scope to ${SCOPE_WORDS} words`, () => {
    expect(judge('She has never taken any oral or inhaled prednisone.', 'prednisone')).toBe('negated');
    expect(judge('She never smoked and takes her daily dose of oral prednisone.', 'prednisone')).toBeUndefined();
  });

  it('counts the words of the scope however they are spaced, and looks for triggers in the 200 characters before the fact', () => {
    // Exactly SCOPE_WORDS words between the trigger and the fact: still in scope.
    expect(judge('She has never taken any oral or inhaled daily prednisone.', 'prednisone')).toBe('negated');
    expect(judge('She has never  taken  any  oral  or  inhaled  daily  prednisone.', 'prednisone')).toBe('negated');
    const later = `No hip fracture. ${'The lumbar spine was measured today. '.repeat(8)}`;
    expect(later.length).toBeGreaterThan(200);
    expect(judge(later, 'hip fracture')).toBe('negated');
  });

  it('skips a pseudo-trigger but not a real trigger after it', () => {
    expect(judge('No change in therapy, never prednisone.', 'prednisone')).toBe('negated');
  });

  it.each([
    ['no space after the colon', 'Hip fracture:none.', 'Hip fracture'],
    ['two spaces before the words that lead to it', 'Hip fracture  history: none.', 'Hip fracture'],
    ['two spaces inside it', 'Prednisone use was  denied.', 'Prednisone'],
  ])('a trailing trigger is found with %s', (_how, sentence, fact) => {
    expect(judge(sentence, fact)).toBe('negated');
  });

  it('takes a trailing trigger only right after the fact, not from the next clause', () => {
    expect(judge('Hip fracture in 2019; falls were denied.', 'Hip fracture')).toBeUndefined();
  });

  it.each([
    ['family history', 'Family history of hip fracture.'],
    ['parent', 'A parent had a hip fracture.'],
    ['sibling', 'A sibling had a hip fracture.'],
    ['mother', 'Mother fractured her hip at 80.'],
    ['father', 'Father had a hip fracture.'],
    ['sister', 'Sister had a hip fracture.'],
    ['brother', 'Brother had a hip fracture.'],
    ['daughter', 'Daughter had a hip fracture.'],
    ['son', 'Son had a hip fracture.'],
    ['parental', 'FRAX with parental hip fracture.'],
    ['parents', 'Both parents had a hip fracture.'],
    ['maternal', 'Maternal hip fracture.'],
    ['paternal', 'Paternal hip fracture.'],
    ['grandmother', 'Grandmother had a hip fracture.'],
    ['grandfather', 'Grandfather had a hip fracture.'],
    ['siblings', 'Two siblings had a hip fracture.'],
  ])('a fact of the %s is not the patient\'s', (_who, sentence) => {
    const fact = sentence.includes('hip fracture') ? 'hip fracture' : 'fractured her hip';
    expect(judge(sentence, fact)).toBe('other-person');
  });

  it('asserts a plain statement', () => {
    expect(judge('History of hip fracture in 2019.', 'hip fracture')).toBeUndefined();
    expect(judge('On prednisone 5 mg daily for 2 years.', 'prednisone')).toBeUndefined();
  });
});

describe('firstAsserted', () => {
  // The oracle: the first asserted match as extract() found it before, with a fresh RegExp and matchAll per call.
  const reference = (text: string, re: RegExp) => [...text.matchAll(new RegExp(re.source, re.flags))].find((m) => !notAsserted(text, m.index, m.index + m[0].length));
  const patterns = [/\b(hip|wrist) fractures?\b/gi, /\b(prednisone|alendronate)\b/gi, /\b(?:lost|loss)\s*(\d+)\s*cm\b/gi, /x*/g];
  const words = ['no', 'not', 'denies', 'never', 'without', 'no change in', 'mother', 'family history of', 'but', 'however', ';', ',', '.', ':', 'none', 'was denied', 'hip fracture', 'wrist fractures', 'prednisone', 'alendronate', 'lost 3 cm', 'on', 'she', 'has', 'x'];

  it('finds the same match as the matchAll reference, whatever the text and the state the pattern was left in', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { maxLength: 40 }), fc.nat({ max: 200 }), (parts, leftAt) => {
        const text = parts.join(' ');
        for (const re of patterns) {
          re.lastIndex = leftAt;
          const expected = reference(text, re);
          const found = firstAsserted(text, re);
          expect(found?.index).toBe(expected?.index);
          expect(found ? [...found] : undefined).toEqual(expected ? [...expected] : undefined);
        }
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});

describe('firstAsserted, next to a negated match', () => {
  it('finds a match that starts where a negated one ends', () => {
    // "hip." is negated by "no"; the period ends the scope, so the "hip" right after it is asserted.
    expect(firstAsserted('no hip.hip', /hip\.?/g)?.index).toBe(7);
  });
});

describe('clinical facts in extract()', () => {
  const clinical = (history: string) => extract(`History: ${history}\nL1-L4 T-score -1.2.`).clinical;

  it('leaves out negated and other people\'s facts, keeps asserted ones', () => {
    expect(clinical('Patient denies prior hip fracture.').knownFracture).toBeUndefined();
    expect(clinical('History of hip fracture in 2019.').knownFracture?.value).toBe(true);
    expect(clinical('Mother fractured her hip.').knownFracture).toBeUndefined();
    expect(clinical('Family history of hip fracture (mother).').knownFracture).toBeUndefined();
    expect(clinical('She has never taken prednisone.').glucocorticoidName).toBeUndefined();
    expect(clinical('Not on alendronate or any other osteoporosis medication.').monitoringTherapy).toBeUndefined();
    expect(clinical('On alendronate since 2021.').monitoringTherapy?.value).toBe('alendronate');
    expect(clinical('Premenopausal. No oophorectomy.').estrogenDeficient).toBeUndefined();
    // The first asserted mention counts even after a negated one.
    expect(clinical('No wrist fracture; history of hip fracture in 2019.').knownFracture?.value).toBe(true);
  });
});
