/**
 * Is a clinical fact found in a sentence asserted of the patient? A small NegEx/ConText-style check (Chapman et al.,
 * "A simple algorithm for identifying negated findings and diseases in discharge summaries", J Biomed Inform
 * 2001;34:301-310; Harkema et al., "ConText", J Biomed Inform 2009;42:839-851): a trigger negates the facts in its
 * scope, which runs from the trigger to a scope terminator (end of clause, "but", "however", ...) and at most
 * SCOPE_WORDS words. Pseudo-triggers ("no change", "not only") negate nothing. Experiencer triggers ("family history
 * of", "mother") give the fact to someone else. Each trigger is covered by a unit test (negation.test.ts).
 */

/** How many words a trigger's scope runs at most (NegEx uses five; "has never taken prednisone" needs fewer). */
export const SCOPE_WORDS = 6;

/** Triggers before the fact: "denies prior hip fracture", "never taken prednisone", "not on alendronate". */
export const PRE_NEGATION = /\b(?:no|denies|denied|denying|without|negative for|never|not|nor|free of|absence of|ruled out for|rules out)\b/gi;

/** Triggers after the fact, at most two words on: "hip fracture: none", "prednisone use was denied", "fracture was ruled out". */
export const POST_NEGATION = /^(?:\s+(?!was\b|were\b|is\b|are\b|has\b|have\b)[\w-]+){0,2}\s*(?::\s*(?:none|no|nil|negative|denied)\b|(?:was|were|is|are|has been|have been)\s+(?:denied|ruled out|absent|negative)\b|(?:denied|ruled out|absent)\b)/i;

/** Look like triggers but negate nothing. */
export const PSEUDO_NEGATION = /^(?:no (?:change|significant|interval|increase|decrease|further)|not only|not necessarily|not certain|without (?:difficulty|complication))\b/i;

/** End a trigger's scope. */
export const SCOPE_END = /[.;:!?()]|\b(?:but|however|although|though|except|apart from|aside from|whereas|yet|which|who)\b|,\s*(?:on|taking|receiving|started|with|has|had|and|she|he|is|was)\b/i;

/** Give the fact to someone other than the patient. */
export const EXPERIENCER = /\b(?:family history|mother|father|sister|brother|daughter|son|parents?|parental|maternal|paternal|grandmother|grandfather|siblings?)\b/gi;

/** Why the fact at text[start, end) is not asserted of the patient, or undefined when it is. */
export function notAsserted(text: string, start: number, end: number): 'negated' | 'other-person' | undefined {
  if (inScopeOf(text, start, PRE_NEGATION, PSEUDO_NEGATION)) return 'negated';
  if (POST_NEGATION.test(text.slice(end, end + 40))) return 'negated';
  // An experiencer may be part of the phrase found ("family history of hip fracture"): its scope is measured to the end.
  if (inScopeOf(text, end, EXPERIENCER, undefined, start)) return 'other-person';
  return undefined;
}

/**
 * The first match of the global pattern `re` in `text` that is asserted of the patient (notAsserted is undefined), as
 * `[...text.matchAll(re)].find(...)` would find it without building a RegExp per call.
 */
export function firstAsserted(text: string, re: RegExp): RegExpExecArray | undefined {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (!notAsserted(text, m.index, m.index + m[0].length)) return m;
    if (m[0] === '') re.lastIndex++;
  }
  return undefined;
}

/** A trigger before `start` whose scope reaches `start` (no terminator between, within SCOPE_WORDS words). */
function inScopeOf(text: string, start: number, triggers: RegExp, pseudo?: RegExp, startsBefore = start): boolean {
  const from = Math.max(0, start - 200);
  const before = text.slice(from, start);
  triggers.lastIndex = 0;
  let m: RegExpExecArray | null;
  let found = false;
  while ((m = triggers.exec(before)) !== null) {
    const at = m.index;
    if (from + at >= startsBefore) continue;
    if (pseudo?.test(before.slice(at))) continue;
    const between = before.slice(at + m[0].length);
    if (SCOPE_END.test(between)) continue;
    const words = between.trim() === '' ? 0 : between.trim().split(/\s+/).length;
    if (words <= SCOPE_WORDS) found = true;
  }
  return found;
}
