// Reading protobuf text format (TFX's schema.pbtxt) into plain objects, without the .proto: repeated
// fields are known by name, everything else is a scalar or a nested message. Errors carry line:column.
import { UserError } from '../errors';

export class ProtoTextError extends UserError {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`${line}:${column}: ${message}`, { where: { line, column } });
  }
}

type Token =
  | { kind: 'ident'; text: string; line: number; column: number }
  | { kind: 'string'; text: string; line: number; column: number }
  | { kind: 'number'; value: number; line: number; column: number }
  | { kind: 'punct'; text: ':' | '{' | '}' | '<' | '>' | '[' | ']' | ',' | ';'; line: number; column: number };

export type ProtoValue = string | number | boolean | ProtoObject | ProtoValue[];
export interface ProtoObject {
  [key: string]: ProtoValue;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (text[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      advance(1);
      continue;
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') advance(1);
      continue;
    }
    const startLine = line;
    const startCol = col;
    if (':{}<>[],;'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch as ':' | '{' | '}' | '<' | '>' | '[' | ']' | ',' | ';', line: startLine, column: startCol });
      advance(1);
      continue;
    }
    if (ch === '"' || ch === "'") {
      let out = '';
      advance(1);
      let closed = false;
      while (i < text.length) {
        const c = text[i] as string;
        if (c === '\n') break;
        if (c === ch) {
          advance(1);
          closed = true;
          break;
        }
        if (c === '\\') {
          const n = text[i + 1] ?? '';
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\' };
          if (/[0-7]/.test(n)) {
            const oct = /^[0-7]{1,3}/.exec(text.slice(i + 1))?.[0] ?? '';
            out += String.fromCharCode(parseInt(oct, 8));
            advance(1 + oct.length);
            continue;
          }
          out += map[n] ?? n;
          advance(2);
          continue;
        }
        out += c;
        advance(1);
      }
      if (!closed) throw new ProtoTextError('unterminated string', startLine, startCol);
      // Adjacent string literals concatenate, as in protobuf text format.
      const prev = tokens[tokens.length - 1];
      if (prev && prev.kind === 'string') prev.text += out;
      else tokens.push({ kind: 'string', text: out, line: startLine, column: startCol });
      continue;
    }
    const numMatch = /^[-+]?(?:inf(?:inity)?|nan|0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)f?/i.exec(text.slice(i));
    if (numMatch && /[-+\d.]/.test(ch)) {
      const raw = numMatch[0].replace(/f$/i, '');
      const lower = raw.toLowerCase();
      let value: number;
      if (/inf/.test(lower)) value = lower.startsWith('-') ? -Infinity : Infinity;
      else if (lower.includes('nan')) value = NaN;
      else value = Number(raw);
      tokens.push({ kind: 'number', value, line: startLine, column: startCol });
      advance(numMatch[0].length);
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], line: startLine, column: startCol });
      advance(ident[0].length);
      continue;
    }
    throw new ProtoTextError(`unexpected character ${JSON.stringify(ch)}`, startLine, startCol);
  }
  return tokens;
}

/**
 * Parse text format. `repeated` names the fields that are lists even when they appear once; a field
 * appearing more than once becomes a list anyway.
 */
export function parseProtoText(text: string, repeated: ReadonlySet<string>): ProtoObject {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (msg: string, t?: Token): never => {
    const at = t ?? tokens[tokens.length - 1];
    throw new ProtoTextError(msg, at?.line ?? 1, at?.column ?? 1);
  };
  const put = (obj: ProtoObject, key: string, value: ProtoValue): void => {
    const existing = obj[key];
    if (repeated.has(key)) {
      if (Array.isArray(existing)) existing.push(value);
      else obj[key] = [value];
    } else if (existing !== undefined) {
      obj[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    } else obj[key] = value;
  };
  const scalar = (t: Token): ProtoValue => {
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return t.value;
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'True' || t.text === 't') return true;
      if (t.text === 'false' || t.text === 'False' || t.text === 'f') return false;
      if (/^(inf|infinity)$/i.test(t.text)) return Infinity;
      if (/^nan$/i.test(t.text)) return NaN;
      return t.text;
    }
    return fail(`expected a value, found ${JSON.stringify(t.text)}`, t);
  };
  const message = (close: '}' | '>' | undefined): ProtoObject => {
    const obj: ProtoObject = {};
    for (;;) {
      const t = peek();
      if (!t) {
        if (close) fail(`missing ${JSON.stringify(close)} at end of file`);
        return obj;
      }
      if (t.kind === 'punct' && (t.text === '}' || t.text === '>')) {
        if (t.text !== close) fail(`unexpected ${JSON.stringify(t.text)}`, t);
        pos++;
        return obj;
      }
      if (t.kind === 'punct' && (t.text === ',' || t.text === ';')) {
        pos++;
        continue;
      }
      if (t.kind !== 'ident') fail(`expected a field name, found ${t.kind === 'punct' ? t.text : t.kind}`, t);
      const name = (t as { text: string }).text;
      pos++;
      let next = peek();
      let sawColon = false;
      if (next?.kind === 'punct' && next.text === ':') {
        pos++;
        sawColon = true;
        next = peek();
      }
      if (!next) fail(`field ${name} has no value`, t);
      const n = next as Token;
      if (n.kind === 'punct' && (n.text === '{' || n.text === '<')) {
        pos++;
        put(obj, name, message(n.text === '{' ? '}' : '>'));
      } else if (n.kind === 'punct' && n.text === '[') {
        pos++;
        for (;;) {
          const e = peek();
          if (!e) fail('unterminated list', n);
          const el = e as Token;
          if (el.kind === 'punct' && el.text === ']') {
            pos++;
            break;
          }
          if (el.kind === 'punct' && el.text === ',') {
            pos++;
            continue;
          }
          if (el.kind === 'punct' && (el.text === '{' || el.text === '<')) {
            pos++;
            put(obj, name, message(el.text === '{' ? '}' : '>'));
          } else {
            pos++;
            put(obj, name, scalar(el));
          }
        }
      } else {
        if (!sawColon) fail(`expected ":" after ${name}`, n);
        pos++;
        put(obj, name, scalar(n));
      }
    }
  };
  return message(undefined);
}

/** snake_case keys to lowerCamelCase, recursively (protobuf JSON names). */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = camelCaseKeys(v);
    }
    return out;
  }
  return value;
}
