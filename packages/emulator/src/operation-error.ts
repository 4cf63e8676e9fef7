/** A failure a CoCalc handler reports to the API caller; the message is the caller-visible text. */
export class OperationError extends Error {}
