// MLMD stores STRUCT properties as "mlmd-struct::" + base64(serialized google.protobuf.Struct)
// (tfx-reference §1.5); TFX uses them for JSON-valued custom properties such as ExampleAnomalies'
// `blessed`. The viewers want JSON, so this decodes the few protobuf wire types a Struct uses.

export const STRUCT_PREFIX = 'mlmd-struct::';

type Json = null | number | string | boolean | Json[] | { [key: string]: Json };

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    readonly end: number = buf.length,
  ) {}

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  }

  sub(): Reader {
    const length = this.varint();
    if (this.pos + length > this.end) throw new Error('truncated field');
    const r = new Reader(this.buf, this.pos + length);
    r.pos = this.pos;
    this.pos += length;
    return r;
  }

  string(): string {
    const r = this.sub();
    return this.buf.toString('utf8', r.pos, r.end);
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new Error('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.sub();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function readStruct(r: Reader): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
      r.skip(tag & 7);
      continue;
    }
    // map<string, Value> entry: key = 1, value = 2
    const entry = r.sub();
    let key = '';
    let value: Json = null;
    while (entry.pos < entry.end) {
      const t = entry.varint();
      if (t >>> 3 === 1 && (t & 7) === 2) key = entry.string();
      else if (t >>> 3 === 2 && (t & 7) === 2) value = readValue(entry.sub());
      else entry.skip(t & 7);
    }
    out[key] = value;
  }
  return out;
}

function readValue(r: Reader): Json {
  let value: Json = null;
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === 0) {
      r.varint();
      value = null;
    } else if (field === 2 && wire === 1) value = r.double();
    else if (field === 3 && wire === 2) value = r.string();
    else if (field === 4 && wire === 0) value = r.varint() !== 0;
    else if (field === 5 && wire === 2) value = readStruct(r.sub());
    else if (field === 6 && wire === 2) {
      const list = r.sub();
      const items: Json[] = [];
      while (list.pos < list.end) {
        const t = list.varint();
        if (t >>> 3 === 1 && (t & 7) === 2) items.push(readValue(list.sub()));
        else list.skip(t & 7);
      }
      value = items;
    } else r.skip(wire);
  }
  return value;
}

/** JSON text of an "mlmd-struct::…" string value, or undefined when it is not one (or is damaged). */
export function decodeMlmdStruct(text: string): string | undefined {
  if (!text.startsWith(STRUCT_PREFIX)) return undefined;
  try {
    const buf = Buffer.from(text.slice(STRUCT_PREFIX.length), 'base64');
    return JSON.stringify(readStruct(new Reader(buf)));
  } catch {
    return undefined;
  }
}
