/**
 * CoCalc's `is_valid_uuid_string` (`src/packages/util/misc.ts`): a string of length 36 in the
 * 8-4-4-4-12 hex layout, any case. The kiosk refuses `open` for anything else with
 * `invalid project_id='…'`, so we refuse it before sending.
 */
export function isValidUuid(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length === 36 &&
    /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i.test(value)
  );
}
