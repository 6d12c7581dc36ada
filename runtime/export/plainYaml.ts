// Block-style YAML for plain JSON data (objects, arrays, strings, numbers, booleans), for the exports.
// The `yaml` package's stringify takes about half a second on a 300-component PipelineSpec because it
// builds a full document model first; exports hold only plain data, so a direct emitter does the same
// job in a few milliseconds. Strings are written plain when YAML reads them back as the same string,
// as literal blocks (`|`) when they are multi-line text, and as JSON strings (valid YAML double-quoted
// scalars) otherwise. Tests parse what it writes with the `yaml` package and compare.

// null is written as `null`; the export checks report it (Kubernetes and KFP reject nulls).
export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

// Plain scalars that YAML would read as something else (or that need care) are quoted.
const RESERVED = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|\.inf|\.Inf|\.INF|-\.inf|\.nan|\.NaN|\.NAN|<<)$/;
const NUMBER_LIKE = /^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$|^0x[0-9a-fA-F]+$|^0o[0-7]+$|^[-+]?\.(?:inf|Inf|INF)$|^\d+(?::\d+)+$|^\d{4}-\d\d?-\d\d?/;
const SAFE_PLAIN = /^[A-Za-z0-9_./$(][A-Za-z0-9 _./$(){}\-+=,;'"<>|~^*&%!?@\\[\]`:#]*$/;

function isPlainSafe(s: string): boolean {
  if (s === '' || s !== s.trim() || RESERVED.test(s) || NUMBER_LIKE.test(s)) return false;
  if (!SAFE_PLAIN.test(s)) return false;
  // `: ` starts a mapping and ` #` a comment; flow indicators are fine in block context except at the start.
  if (s.includes(': ') || s.endsWith(':') || s.includes(' #')) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  return true;
}

function scalar(s: string): string {
  return isPlainSafe(s) ? s : JSON.stringify(s);
}

function number(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} as YAML`);
  return Object.is(n, -0) ? '0' : String(n);
}

/** Multi-line text as a literal block, when it can be one without changing it. */
function literalBlock(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || /[\r\t\u0000-\u0008\u000b-\u001f\u007f\ufeff]/.test(s)) return undefined;
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  if (body.endsWith('\n') || body.startsWith(' ') || body.split('\n').some((l) => l !== l.trimEnd())) return undefined;
  const header = s.endsWith('\n') ? '|' : '|-';
  return `${header}\n${body
    .split('\n')
    .map((l) => (l === '' ? '' : `${indent}${l}`))
    .join('\n')}`;
}

function write(value: Plain, indent: string, out: string[], prefix: string): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.push(prefix ? `${prefix} []` : '[]');
    if (prefix) out.push(prefix);
    for (const item of value) {
      if (typeof item === 'object' && item !== null && !Array.isArray(item) && Object.keys(item).length > 0) {
        // `- key: value` with the other keys aligned under the first.
        const lines: string[] = [];
        write(item, `${indent}  `, lines, '');
        out.push(`${indent}- ${lines[0]!.slice(indent.length + 2)}`, ...lines.slice(1));
      } else {
        const lines: string[] = [];
        write(item, `${indent}  `, lines, `${indent}-`);
        out.push(...lines);
      }
    }
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 0) return void out.push(prefix ? `${prefix} {}` : '{}');
    if (prefix) out.push(prefix);
    for (const k of keys) write(value[k]!, `${indent}  `, out, `${indent}${scalar(k)}:`);
    return;
  }
  const text = value === null ? 'null' : typeof value === 'string' ? (literalBlock(value, indent) ?? scalar(value)) : typeof value === 'number' ? number(value) : String(value);
  out.push(prefix ? `${prefix} ${text}` : text);
}

/** The document as block YAML, ending in a newline. */
export function plainYaml(doc: { [key: string]: Plain }): string {
  const out: string[] = [];
  for (const k of Object.keys(doc)) write(doc[k]!, '  ', out, scalar(k) + ':');
  return `${out.join('\n')}\n`;
}
