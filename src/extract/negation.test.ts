/** NegEx/ConText-style assertion of clinical facts: every trigger, pseudo-trigger, scope end and experiencer. */
import { describe, expect, it } from 'vitest';
import { extract } from './extract.js';
import { notAsserted, SCOPE_WORDS } from './negation.js';

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
    ['the word limit', `No falls at home or in the garden or anywhere else, hip fracture.`],
  ])('the scope ends at %s', (_end, sentence) => {
    const fact = sentence.includes('prednisone') ? 'prednisone' : 'hip fracture';
    expect(judge(sentence, fact)).toBeUndefined();
  });

  it(`keeps the scope to ${SCOPE_WORDS} words`, () => {
    expect(judge('She has never taken any oral or inhaled prednisone.', 'prednisone')).toBe('negated');
    expect(judge('She never smoked and takes her daily dose of oral prednisone.', 'prednisone')).toBeUndefined();
  });

  it.each([
    ['family history', 'Family history of hip fracture.'],
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
