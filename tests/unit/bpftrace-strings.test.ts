import { describe, expect, it } from 'vitest';
import { decodeByteString, decodeByteStringsDeep, hasByteEscapes, repairByteEscapes, unescapeJsonStringBody } from '@/lib/bpftrace/strings';

/** JSON text of a string the way bpftrace prints it: bytes >= 0x80 as `\uffffffXX`. */
function bpftraceJson(bytes: Buffer): string {
  let out = '"';
  for (const b of bytes) {
    if (b >= 0x80) out += `\\uffffff${b.toString(16).padStart(2, '0')}`;
    else if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20) out += `\\u${b.toString(16).padStart(4, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}

const decode = (jsonText: string) => decodeByteString(JSON.parse(repairByteEscapes(jsonText)) as string);

describe('repairByteEscapes', () => {
  it('turns \\uffffffXX into \\u00XX', () => {
    expect(repairByteEscapes('"h\\uffffffc3\\uffffffa9"')).toBe('"h\\u00c3\\u00a9"');
  });

  it('leaves text without byte escapes untouched (same string)', () => {
    const s = '{"type": "printf", "data": "plain \\\\ text \\u0001"}';
    expect(hasByteEscapes(s)).toBe(false);
    expect(repairByteEscapes(s)).toBe(s);
  });

  it('does not touch a marker preceded by an escaped backslash (even backslash run)', () => {
    // JSON text `\\uffffffc3` = a backslash, then the literal text "uffffffc3"
    expect(repairByteEscapes('"a\\\\uffffffc3"')).toBe('"a\\\\uffffffc3"');
    expect(JSON.parse(repairByteEscapes('"a\\\\uffffffc3"'))).toBe('a\\uffffffc3');
    // `\\\\` (two escaped backslashes) then literal text
    expect(repairByteEscapes('"\\\\\\\\uffffffc3"')).toBe('"\\\\\\\\uffffffc3"');
  });

  it('repairs a marker after an escaped backslash (odd run: backslash, then a byte)', () => {
    // JSON text `\\\uffffffc3\uffffffa9` = a backslash, then é
    const text = '"\\\\\\uffffffc3\\uffffffa9"';
    expect(repairByteEscapes(text)).toBe('"\\\\\\u00c3\\u00a9"');
    expect(decode(text)).toBe('\\é');
  });

  it('handles a mix of repaired and literal markers on one line', () => {
    const text = '"x\\uffffffc3\\uffffffa9 y\\\\uffffffc3 z\\\\\\uffffffff"';
    expect(decode(text)).toBe('xé y\\uffffffc3 z\\\\xff');
  });
});

describe('decodeByteString', () => {
  const viaBytes = (hex: string) => decodeByteString(Buffer.from(hex.replace(/ /g, ''), 'hex').toString('latin1'));

  it('decodes valid UTF-8 of every length', () => {
    expect(viaBytes('68 c3a9 6c6c6f')).toBe('héllo');
    expect(viaBytes('e29c93')).toBe('✓');
    expect(viaBytes('e697a5 e69cac e8aa9e')).toBe('日本語');
    expect(viaBytes('f09f9880')).toBe('😀');
  });

  it('keeps invalid bytes visible as lowercase \\xNN and drops nothing', () => {
    expect(viaBytes('626164 ff 62797465')).toBe('bad\\xffbyte');
    expect(viaBytes('c0af')).toBe('\\xc0\\xaf'); // overlong "/"
    expect(viaBytes('eda080')).toBe('\\xed\\xa0\\x80'); // surrogate half
    expect(viaBytes('f4908080')).toBe('\\xf4\\x90\\x80\\x80'); // above U+10FFFF
    expect(viaBytes('e29c')).toBe('\\xe2\\x9c'); // truncated at the end
    expect(viaBytes('e29c41')).toBe('\\xe2\\x9cA'); // truncated before ASCII
    expect(viaBytes('a9 c3a9')).toBe('\\xa9é'); // lone continuation, then a valid one
  });

  it('returns strings without raw bytes untouched, and leaves code units above 0xFF alone', () => {
    const s = 'plain ascii \n\t';
    expect(decodeByteString(s)).toBe(s);
    expect(decodeByteString('✓ \u00c3\u00a9')).toBe('✓ é');
  });

  it('restores arbitrary byte strings exactly through the bpftrace escaping', () => {
    const samples = ['héllo ✓ 日本', 'tab\there', 'dq"quote', 'back\\slash', 'new\nline', 'ctrl\u0001char', '😀 end'];
    for (const text of samples) expect(decode(bpftraceJson(Buffer.from(text, 'utf8')))).toBe(text);
    expect(decode(bpftraceJson(Buffer.from([0x62, 0xff, 0xfe, 0x80])))).toBe('b\\xff\\xfe\\x80');
  });
});

describe('unescapeJsonStringBody (second unescape of 0.23 keys)', () => {
  it('unescapes once more, with byte escapes', () => {
    expect(unescapeJsonStringBody('dq\\"quote')).toBe('dq"quote');
    expect(unescapeJsonStringBody('back\\\\slash')).toBe('back\\slash');
    expect(unescapeJsonStringBody('tab\\there')).toBe('tab\there');
    expect(unescapeJsonStringBody('h\\uffffffc3\\uffffffa9llo')).toBe('héllo');
    expect(unescapeJsonStringBody('bad\\uffffffffbyte')).toBe('bad\\xffbyte');
    expect(unescapeJsonStringBody('\\n        vfs_read+5\\n')).toBe('\n        vfs_read+5\n');
    expect(unescapeJsonStringBody('plain,123')).toBe('plain,123');
  });

  it('returns null for text that was not escaped twice', () => {
    expect(unescapeJsonStringBody('back\\slash')).toBeNull(); // invalid escape
    expect(unescapeJsonStringBody('new\nline')).toBeNull(); // raw newline
    expect(unescapeJsonStringBody('dq"quote')).toBeNull(); // raw quote
    expect(unescapeJsonStringBody('ends with \\')).toBeNull();
  });
});

describe('decodeByteStringsDeep', () => {
  it('decodes strings and keys at any depth, other values kept', () => {
    expect(decodeByteStringsDeep({ 'k\u00c3\u00a9': ['\u00e2\u009c\u0093', 1, null, { x: '\u00ff' }] })).toEqual({
      ké: ['✓', 1, null, { x: '\\xff' }],
    });
  });
});
