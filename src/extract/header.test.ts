/** readReportHeader(): the date of service, birth date and sex a report states in labelled lines, and nothing else. */
import { describe, expect, it } from 'vitest';
import { extract } from './extract.js';
import { readReportHeader } from './header.js';

const values = (text: string, dayFirst = false) => Object.fromEntries(Object.entries(readReportHeader(text, dayFirst)).map(([k, v]) => [k, v.value]));

describe('report header', () => {
  it('reads the labelled date of service, birth date and sex, with where each value stands', () => {
    const text = 'BONE DENSITOMETRY\nPatient: CARVER, ELEANOR          DOB: 05/19/1933     Sex: F\nExam date: 02/10/2026             Device: Hologic\n';
    const header = readReportHeader(text);
    expect(values(text)).toEqual({ dateOfService: '2026-02-10', birthDate: '1933-05-19', sex: 'female' });
    expect(text.slice(header.birthDate!.start, header.birthDate!.end)).toBe('05/19/1933');
    expect(text.slice(header.sex!.start, header.sex!.end)).toBe('F');
    expect(text.slice(header.dateOfService!.start, header.dateOfService!.end)).toBe('02/10/2026');
  });

  it('reads the labels scanners and dictations use, dot leaders and written months included', () => {
    expect(values('Exam date ...... 06/25/2024   Device ... Hologic\nDOB ............ 01/06/1937\nSex ...... M')).toEqual({ dateOfService: '2024-06-25', birthDate: '1937-01-06', sex: 'male' });
    expect(values('DATE OF SERVICE: 2025-11-18\nBirth Date: 03/08/1950\nGender: Male')).toEqual({ dateOfService: '2025-11-18', birthDate: '1950-03-08', sex: 'male' });
    expect(values('Date of exam: September 3, 2024. D.O.B.: 12 March 1948. Sex: Female.')).toEqual({ dateOfService: '2024-09-03', birthDate: '1948-03-12', sex: 'female' });
    expect(values('Scan Date: 03/11/2022', true)).toEqual({ dateOfService: '2022-11-03' });
    expect(values('Birth Date: 11/05/1966             Age: 57.8 years\nSex: Female\nMeasured: 08/21/2024 10:12:44 AM   (18 [SP 2])')).toEqual({ birthDate: '1966-11-05', sex: 'female', dateOfService: '2024-08-21' });
  });

  it("does not take another study's date, prose, or an impossible date", () => {
    expect(values('Prior exam date: 01/14/2023\nComparison scan date: 01/10/2021\nExam date: 01/20/2025')).toEqual({ dateOfService: '2025-01-20' });
    expect(values('Previous study date: 01/14/2023')).toEqual({});
    expect(values('Risk factors vary by sex. Total hip T-score -2.1. Born 1950.')).toEqual({});
    expect(values('DOB: 02/30/1950  Sex: unknown')).toEqual({});
    expect(values('Exam date: pending')).toEqual({});
  });

  it('reads each field whatever the order of the lines, and a birth date after words that would mark another study', () => {
    expect(values('Exam date: 02/10/2026\nSex: F\nDOB: 05/19/1933')).toEqual({ dateOfService: '2026-02-10', sex: 'female', birthDate: '1933-05-19' });
    expect(values('Sex: M\nDOB:  05/19/1933\nExam date: 02/10/2026')).toEqual({ sex: 'male', birthDate: '1933-05-19', dateOfService: '2026-02-10' });
    expect(values('Patient last seen 2024   DOB: 01/02/1950')).toEqual({ birthDate: '1950-01-02' });
    expect(values('Followup scan date: 03/01/2027\nFollow-up scan date: 03/02/2027\nExam date: 01/20/2025')).toEqual({ dateOfService: '2025-01-20' });
    expect(values('Previous DXA exam date: 01/14/2023\nExam date: 01/20/2025\nBirthdate: 01/02/1950')).toEqual({ dateOfService: '2025-01-20', birthDate: '1950-01-02' });
  });

  it('keeps the first of each, so a later line cannot replace it', () => {
    expect(values('Exam date: 02/10/2026\nSex: F\nExam date: 02/11/2026\nSex: M')).toEqual({ dateOfService: '2026-02-10', sex: 'female' });
  });

  it('gives extract() the fields with evidence in the original text, through HL7 escapes', () => {
    const text = 'PERIPHERAL DXA - FOREARM\\.br\\Exam date: 02/11/2025\\.br\\Patient: OKONKWO, GRACE  DOB: 06/02/1968  Sex: F\\.br\\';
    const facts = extract(text);
    expect(facts.encounter.dateOfService?.value).toBe('2025-02-11');
    expect(facts.encounter.birthDate?.value).toBe('1968-06-02');
    expect(facts.encounter.sex?.value).toBe('female');
    for (const fact of Object.values(facts.encounter)) expect(text.slice(fact.evidence.start, fact.evidence.end)).toBe(fact.evidence.text);
    expect(facts.encounter.birthDate?.evidence.text).toBe('06/02/1968');
  });
});
