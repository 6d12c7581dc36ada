// How property values land in MLMD's *Property tables and how they are read back (tfx-reference §1.5).
// Writes fill exactly one value column per row, as MLMD does; reads accept every column any schema
// version has (byte_value v7+, proto_value and bool_value v10+).
import type { Properties, PropertyValue } from '../../common/artifacts';
import { PropertyType, type PropertyTypeValue } from './schema';
import { decodeMlmdStruct } from './structValue';
import { UserError } from '../errors';

/** What callers may hand to the write API: objects and arrays are stored as JSON strings, null as 'null'. */
export type PropertyInputValue = PropertyValue | null | readonly unknown[] | { readonly [key: string]: unknown };
export type PropertyInputs = Readonly<Record<string, PropertyInputValue | undefined>>;

/** One row's value columns. Exactly one is non-null. */
export interface EncodedValue {
  int_value: number | null;
  double_value: number | null;
  string_value: string | null;
  bool_value: number | null;
}

const EMPTY: EncodedValue = { int_value: null, double_value: null, string_value: null, bool_value: null };

/** A property value that cannot be stored under its declared type: a programming or user error with a clear message. */
export class PropertyTypeError extends UserError {}

function asJsonText(value: PropertyInputValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Encodes a value. `declared` is the TypeProperty data type when the name is a declared property of the
 * type, undefined for a custom property. `where` names the owner for error messages.
 */
export function encodeProperty(
  name: string,
  value: PropertyInputValue,
  declared: PropertyTypeValue | undefined,
  where: string,
  maxInt: number = Number.MAX_SAFE_INTEGER,
): EncodedValue {
  if (declared === PropertyType.INT) {
    const n = typeof value === 'boolean' ? (value ? 1 : 0) : typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (Number.isSafeInteger(n) && Math.abs(n) <= maxInt) return { ...EMPTY, int_value: n };
    if (Number.isSafeInteger(n)) {
      throw new PropertyTypeError(
        `${where}: property "${name}" is declared INT, and ${n} does not fit this database's int_value column (MLMD's MySQL layout holds 32 bits).`,
      );
    }
    throw new PropertyTypeError(
      `${where}: property "${name}" is declared INT, got ${JSON.stringify(value)}. Pass a whole number.`,
    );
  }
  if (declared === PropertyType.DOUBLE) {
    if (typeof value === 'number' && Number.isFinite(value)) return { ...EMPTY, double_value: value };
    throw new PropertyTypeError(`${where}: property "${name}" is declared DOUBLE, got ${JSON.stringify(value)}. Pass a finite number.`);
  }
  if (declared === PropertyType.BOOLEAN) {
    if (typeof value === 'boolean') return { ...EMPTY, bool_value: value ? 1 : 0 };
    throw new PropertyTypeError(`${where}: property "${name}" is declared BOOLEAN, got ${JSON.stringify(value)}.`);
  }
  if (declared !== undefined) return { ...EMPTY, string_value: asJsonText(value) };
  // Custom property: the value's own type decides, like TFX's set_custom_property.
  if (typeof value === 'boolean') return { ...EMPTY, bool_value: value ? 1 : 0 };
  if (typeof value === 'number') {
    // Beyond the column's range (MLMD's MySQL int_value is 32-bit) a whole number is kept exactly as a double.
    if (Number.isSafeInteger(value)) return Math.abs(value) <= maxInt ? { ...EMPTY, int_value: value } : { ...EMPTY, double_value: value };
    // SQLite stores NaN as NULL, which would leave the row without a value: keep the text instead.
    if (!Number.isFinite(value)) return { ...EMPTY, string_value: String(value) };
    return { ...EMPTY, double_value: value };
  }
  return { ...EMPTY, string_value: asJsonText(value) };
}

/** A property row as read from any schema version (absent columns are undefined). */
export interface PropertyRow {
  owner: number;
  name: string;
  is_custom_property: number;
  int_value: number | bigint | null;
  double_value: number | null;
  string_value: string | null;
  byte_value?: Buffer | null;
  proto_value?: Buffer | string | null;
  bool_value?: number | null;
}

/** Decodes a row in MLMD's read-back order: int, double, string, proto, bool (then the legacy byte column). */
export function decodeProperty(row: PropertyRow): PropertyValue | undefined {
  if (row.int_value !== null && row.int_value !== undefined) return Number(row.int_value);
  if (row.double_value !== null && row.double_value !== undefined) return row.double_value;
  if (row.string_value !== null && row.string_value !== undefined) return decodeMlmdStruct(row.string_value) ?? row.string_value;
  if (row.proto_value !== null && row.proto_value !== undefined) {
    // MLMD writes the base64 text of a serialized Any; keep it as text for the viewers.
    return typeof row.proto_value === 'string' ? row.proto_value : row.proto_value.toString('base64');
  }
  if (row.bool_value !== null && row.bool_value !== undefined) return row.bool_value !== 0;
  if (row.byte_value !== null && row.byte_value !== undefined) return row.byte_value.toString('base64');
  return undefined;
}

/** Groups decoded rows by owner id into declared and custom property maps. */
export function groupProperties(rows: readonly PropertyRow[]): Map<number, { properties: Properties; customProperties: Properties }> {
  const out = new Map<number, { properties: Properties; customProperties: Properties }>();
  for (const row of rows) {
    const value = decodeProperty(row);
    if (value === undefined) continue;
    let entry = out.get(row.owner);
    if (!entry) {
      entry = { properties: {}, customProperties: {} };
      out.set(row.owner, entry);
    }
    if (row.is_custom_property) entry.customProperties[row.name] = value;
    else entry.properties[row.name] = value;
  }
  return out;
}
