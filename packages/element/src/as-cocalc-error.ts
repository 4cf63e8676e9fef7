import { CocalcError } from '@cocalc-embed/protocol';

/**
 * Any failure as a `CocalcError`: what is not one already (a throwing callback, a bug) becomes
 * NOT_READY with the original as its cause. The one place in the element that decides it.
 */
export function asCocalcError(error: unknown): CocalcError {
  if (CocalcError.is(error)) return error;
  return new CocalcError('NOT_READY', error instanceof Error ? error.message : String(error), { cause: error });
}
