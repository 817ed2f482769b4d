/**
 * Reports not written in our phrasing (issue 13 §4): a fact inside a span that is not performed never makes a study
 * performed; "No ... was performed" negates the study for the whole report; typographic minus signs; Z-score-only
 * studies; day-first dates; text wrapped at a fixed width; UK signature lines.
 */
import { describe, expect, it } from 'vitest';
import { extract } from './extract.js';
import { writesDayFirst } from './patterns.js';

const procedures = (text: string) => extract(text).studies.map((s) => s.procedure);
const values = (text: string, measure: string) => extract(text).results.filter((r) => r.measure === measure).map((r) => `${r.site}=${r.value}`);

describe('spans that are not performed', () => {
  it('does not take an outside study\'s T-score for a DXA done today (the report issue 13 quotes)', () => {
    const text = 'VERTEBRAL FRACTURE ASSESSMENT\nIndication: BMD was measured at an outside facility in October 2025 (lowest T-score -1.9, right femoral neck). No bone density measurement was performed today.\nFindings: T4 through L4 are evaluated. No vertebral fracture.';
    const facts = extract(text);
    expect(facts.studies.map((s) => s.procedure)).toEqual(['vfa']);
    expect(facts.results).toEqual([]);
    expect(facts.notPerformed.map((n) => `${n.procedure}:${n.reason}`)).toEqual(expect.arrayContaining(['dxa-axial:outside', 'dxa-axial:negated']));
  });

  it('reads "No ... was performed" as negating the study in the whole report, not only its sentence', () => {
    const text = 'BONE DENSITY\nNo DXA was performed today; the scanner is out of service.\nL1-L4 T-score -1.4, left femoral neck T-score -1.1.';
    expect(procedures(text)).toEqual([]);
  });

  it('leaves a study standing when the negation names one site or the axial study only', () => {
    expect(procedures('DXA of the lumbar spine was performed. L1-L4 T-score -1.4. The hip was not scanned because of bilateral prostheses.')).toEqual(['dxa-axial']);
    expect(procedures('Left Forearm\nRegion   BMD (g/cm2)   T-score   Z-score\n1/3 Radius   0.598   -2.8   -2.1\nAxial DXA could not be performed because of the table weight limit.')).toEqual(['dxa-peripheral']);
  });

  it('does not bill a VFA whose section says it was not performed, even when the title names it', () => {
    const text = 'BONE DENSITOMETRY WITH VERTEBRAL FRACTURE ASSESSMENT\nTECHNIQUE: DXA of the lumbar spine.\nL1-L4 T-score -2.2.\n\nVERTEBRAL FRACTURE ASSESSMENT:\nNot performed. The patient could not be positioned for lateral imaging.';
    expect(procedures(text)).toEqual(['dxa-axial']);
  });

  it('does not bill a VFA attempted without interpretation', () => {
    const text = 'DXA AND VFA\nL1-L4 T-score -0.6.\nLateral images were acquired on the densitometer for vertebral fracture assessment.\nVertebral fracture assessment: the lateral images are non-diagnostic because of motion; no interpretation rendered.';
    expect(procedures(text)).toEqual(['dxa-axial']);
  });

  it('takes neither a VFA nor its findings from a comparison section describing last year\'s study', () => {
    const text = 'COMPARISON: DXA with vertebral fracture assessment on 2024-04-02. That study showed a mild (grade 1) wedge deformity of T11.\nFINDINGS: L1-L4 T-score -2.4.';
    const facts = extract(text);
    expect(facts.studies.map((s) => s.procedure)).toEqual(['dxa-axial']);
    expect(facts.diagnoses.map((d) => d.code)).not.toContain('M80.08XA');
    expect(facts.notPerformed.map((n) => `${n.procedure}:${n.reason}`)).toContain('vfa:prior');
  });

  it('keeps today\'s VFA findings apart from the comparison\'s "no vertebral fracture"', () => {
    const text = 'Comparison: DXA with VFA of 10/29/2024, which showed no vertebral fracture.\nTechnique: lateral spine imaging for VFA (T4-L4).\nL1-L4 T-score -2.5.\nVFA: T4 to L4 evaluated. New moderate (grade 2) wedge fracture of T8.';
    const vfa = extract(text).vfa;
    expect(vfa?.noFracture).toBeUndefined();
    expect(vfa?.fractures.map((f) => `${f.level}/${f.grade}/${f.type}`)).toEqual(['T8/2/wedge']);
  });

  it('bills nothing from an outside study loaded into PACS for comparison only, or from an addendum reviewing one', () => {
    expect(procedures('This outside DXA study has been loaded into PACS for comparison only. Outside results as printed: L1-L4 T-score -2.8.')).toEqual([]);
    expect(procedures('ADDENDUM\nAn outside DXA was reviewed for comparison only. Outside L1-L4 T-score -2.2. No new study was performed.')).toEqual([]);
  });

  it('does not take a prior study\'s values described in passing, but keeps today\'s change against it', () => {
    expect(values('For reference, her prior DXA of 02/03/2022 showed L1-L4 T-score -1.4.\nToday: L1-L4 T-score -1.7.', 't-score')).toEqual(['lumbar-spine=-1.7']);
    expect(values('Bone density scan 8 months ago at this centre (femoral neck T-score -2.3). VFA today.', 't-score')).toEqual([]);
    const facts = extract('L1-L4: BMD 0.829 g/cm2, T-score -2.4. Change since the prior study of 2024-04-02: +3.2%, which exceeds the least significant change.');
    expect(facts.results.map((r) => `${r.measure}:${r.value}`)).toContain('t-score:-2.4');
    expect(facts.changes.map((c) => `${c.site}:${c.percent}:${c.significant}`)).toEqual(['lumbar-spine:3.2:true']);
  });

  it('does not take a DXA quoted in passing for today\'s ("last month", "a DXA report from", "compare with her DXA")', () => {
    expect(procedures('VERTEBRAL FRACTURE ASSESSMENT\nHis DXA last month at this facility showed a femoral neck T-score of -1.8.\nFindings: T4 through L4 are visualized. No vertebral fracture.')).toEqual(['vfa']);
    expect(procedures('The patient brings a DXA report from Summit Radiology dated 07/30/2025: L1-L4 T-score -2.9.')).toEqual([]);
    expect(procedures('Requested exam: DXA bone density. Please compare with her DXA of 2023 (L1-L4 T-score -1.6).')).toEqual([]);
  });

  it('does not bill a DXA or VFA that is ordered, planned or to be scheduled', () => {
    expect(procedures('Plan:\n- DXA of the spine and hips with vertebral fracture assessment, to be scheduled next month.')).toEqual([]);
    expect(procedures('L1-L4 T-score -1.9.\nVertebral fracture assessment was not obtained today; it will be scheduled with her next visit.')).toEqual(['dxa-axial']);
  });
});

describe('values as pasted from Word or a PDF', () => {
  it('reads a T-score written with a Unicode minus (U+2212) or an en dash (U+2013), in prose and in tables', () => {
    expect(values('The L1–L4 T-score is −1.1. The right femoral neck T-score is –2.6.', 't-score')).toEqual(['lumbar-spine=-1.1', 'right-femoral-neck=-2.6']);
    const table = 'Site                   BMD (g/cm²)   T-score   Z-score\nLumbar spine (L1–L4)   0.798         −2.7      −1.5\nLeft femoral neck      0.671         –1.8      –0.8';
    expect(values(table, 't-score')).toEqual(['lumbar-spine=-2.7', 'left-femoral-neck=-1.8']);
    expect(values(table, 'z-score')).toEqual(['lumbar-spine=-1.5', 'left-femoral-neck=-0.8']);
  });

  it('reads a change written with an en dash and "has fallen by" as a loss', () => {
    expect(extract('Total hip BMD has fallen by 4.1% since the previous scan.').changes.map((c) => c.percent)).toEqual([-4.1]);
    expect(extract('Left total hip change –1.1%, not statistically significant.').changes.map((c) => `${c.percent}:${c.significant}`)).toEqual(['-1.1:false']);
    expect(extract('Left total hip change since the prior study: +0.8%, within the least significant change.').changes.map((c) => c.significant)).toEqual([false]);
  });
});

describe('pediatric and other Z-score-only studies', () => {
  it('codes a Z-score-only table of spine and hip (no T-score column)', () => {
    const text = 'Region              BMD (g/cm2)   Z-score\nL1-L4               0.702         -2.4\nLeft femoral neck   0.688         -1.8\nLeft total hip      0.731         -2.1\n\nHeight-for-age Z-score is -0.3.\nImpression: Lumbar spine and total hip BMD are low for chronological age (Z-score -2.0 or lower).';
    const facts = extract(text);
    expect(facts.studies.map((s) => `${s.procedure}:${s.sites.join(',')}`)).toEqual(['dxa-axial:lumbar-spine,left-hip']);
    expect(values(text, 'z-score')).toEqual(['lumbar-spine=-2.4', 'left-femoral-neck=-1.8', 'left-total-hip=-2.1']);
  });

  it('codes Z-score-only prose with BMD in gm/cm2', () => {
    const text = 'FINDINGS: The bone mineral density measured at the lumbar spine (L1-L4) is 0.962 gm/cm2 with a Z-score of -2.3.';
    expect(procedures(text)).toEqual(['dxa-axial']);
    expect(values(text, 'bmd')).toEqual(['lumbar-spine=0.962']);
  });

  it('does not suggest osteoporosis where the report says the term is not applied to a child', () => {
    const text = 'L1-L4 BMD 0.702 g/cm2, Z-score -2.4.\nImpression: Per ISCD pediatric positions, the term osteoporosis is not applied without a fracture history.';
    expect(extract(text).diagnoses.map((d) => d.code)).toEqual([]);
  });
});

describe('day-first dates', () => {
  it('decides the date order for the whole report', () => {
    expect(writesDayFirst('Scan 14/03/2025, prior 03/11/2022')).toBe(true);
    expect(writesDayFirst('Scan 03/14/2025, prior 03/11/2022')).toBe(false);
    expect(writesDayFirst('Date of scan 03/04/2025. Consultant Radiologist.')).toBe(true);
    expect(writesDayFirst('Date of scan 03/04/2025. Electronically signed.')).toBe(false);
  });

  it('reads signature and prior-study dates day first in a British report', () => {
    const facts = extract('Date of scan: 12/03/2025\nL1-L4 T-score -1.9.\nPrevious scan 03/11/2022: total hip BMD has fallen by 4.1%.\nReported by Dr A. Patel, Consultant Radiologist\nAuthorised 13/03/2025');
    expect(facts.clinical.priorStudyDate?.value).toBe('2022-11-03');
    expect(facts.people.signedDate?.value).toBe('2025-03-13');
    expect(facts.people.readingPhysician?.value).toBe('Dr A. Patel');
  });
});

describe('layout', () => {
  it('joins a line wrapped at 60 columns that starts "1)" to the sentence it continues', () => {
    const text = 'L1-L4 T-score -1.8.\nVFA: T4 through L4 were evaluated. There is a mild (grade\n1) wedge fracture of T7. No other vertebral fracture.';
    expect(extract(text).vfa?.fractures.map((f) => `${f.level}/${f.grade}/${f.type}`)).toEqual(['T7/1/wedge']);
  });

  it('keeps a numbered list a list', () => {
    const facts = extract('L1-L4 T-score -2.8.\nIMPRESSION:\n1. Osteoporosis.\n2. No vertebral fracture.');
    expect(facts.diagnoses.map((d) => d.code)).toContain('M81.0');
  });

  it('does not end a sentence at an initial, and reads UK referrer and reporter lines', () => {
    const facts = extract('Referrer: Dr S. Whitcombe (General Practitioner)\nL1-L4 T-score -1.9.\nReported and authorised by: Dr E. Fairbairn, Consultant Radiologist, 06/02/2025');
    expect(facts.people.orderingClinician?.value).toBe('Dr S. Whitcombe');
    expect(facts.people.readingPhysician?.value).toBe('Dr E. Fairbairn');
    expect(facts.people.signedDate?.value).toBe('2025-02-06');
  });

  it('reads table rows whose side is in the label or the header, and FHIR-style Femur-L names', () => {
    expect(values('Scan Type    Region   Measured     Age    BMD            T-Score   Z-Score\nLeft Femur   Neck     14/03/2025   43.5   0.781 g/cm²    -1.3      -0.9\nLeft Femur   Total    14/03/2025   43.5   0.902 g/cm²    -0.8      -0.6', 't-score')).toEqual(['left-femoral-neck=-1.3', 'left-total-hip=-0.8']);
    expect(values('Left Femur   Area   BMC    BMD     T-score   Z-score\nNeck         4.95   2.91   0.588   -2.4      -0.9\nTotal        32.1   22.9   0.713   -1.9      -0.6', 't-score')).toEqual(['left-femoral-neck=-2.4', 'left-total-hip=-1.9']);
    expect(values('DXA Femur-L Z-score                       -0.6', 'z-score')).toEqual(['left-total-hip=-0.6']);
    expect(values('Region        BMD (g/cm²)   Young-Adult T-score   Age-Matched Z-score\nNeck Left     0.701         -2.3                  -0.4\nNeck Mean     0.707         -2.3                  -0.4\nTotal Right   0.790         -1.7                  -0.1', 't-score')).toEqual(['left-femoral-neck=-2.3', 'right-total-hip=-1.7']);
  });

  it('reads a FRAX hip value written "hip 2.4%" after a parental hip fracture', () => {
    expect(extract('L1-L4 T-score -1.3.\nFRAX (with parental hip fracture): major osteoporotic fracture 16%, hip 2.4%.').frax.hip?.value).toBe(2.4);
  });
});
