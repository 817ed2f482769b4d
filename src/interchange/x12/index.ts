/** X12 837P (005010X222A1) out and in: the API the CLI and other callers use. */
export { write837P, encounterRef, lineItemControlNumber, IMPLEMENTATION_GUIDE, type CheckedClaim, type InterchangeControl, type WriteOptions, type Written837P, type WrittenClaim, type WrittenLine } from './write.js';
export { parse837P, parse837PText, X12Reader, X12_MODES, type ParseOptions, type X12Input, type X12Item, type X12Mode } from './parse.js';
export type { ParsedClaim, ClaimOptions } from './claim.js';
export { checkClaimFromX12, performedFromClaim, CLAIM_ONLY_REASON } from './check-claim.js';
export { X12Config, parseX12Config, SAMPLE_CONFIG, SAMPLE_CHARGE, isValidNpi, type X12Settings, type ConfigProblem } from './config.js';
export { X12_PROBLEMS, formatX12Problem, formatLocation, x12Problem, x12ProblemPlace, type X12Problem, type X12Location, type X12ProblemId } from './problems.js';
export { icdWithDot, icdWithoutDot, formatAmount, parseAmount } from './format.js';
export { readResponses, readResponsesText, ResponseReader } from './read-responses.js';
export { write999, write277CA, write835, type Ack999Outcome, type Status277Outcome, type ClaimStatusOutcome, type Remit835Outcome, type ClaimPaymentOutcome, type ServicePaymentOutcome, type ResponseEnvelope } from './response-write.js';
export { TRANSACTION_ACK_CODES, GROUP_ACK_CODES, ACCEPTING_ACK_CODES } from './ack999.js';
export { ADJUSTMENT_GROUPS, CLAIM_PAYMENT_STATUSES, DENIED_STATUSES } from './remit835.js';
export { formatResponseProblem, responseProblemPlace, ACK_999_PROBLEMS, STATUS_277_PROBLEMS, REMIT_835_PROBLEMS, type ResponseProblem, type ResponseProblemId } from './response-problems.js';
export type * from './responses.js';
export { RESPONSE_KINDS } from './responses.js';
export type { StreamOptions } from './stream.js';
export { matchClaim, matchLines, matchTransactionSet, MATCH_METHODS, type ExportedClaim, type ExportedLine, type ClaimMatch, type LineMatch, type MatchMethod, type ReturnedClaim, type ReturnedLine } from './match-responses.js';
