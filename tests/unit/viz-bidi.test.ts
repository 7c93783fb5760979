/**
 * F4: bidi controls and invisible format characters from traced hosts are shown as visible escapes,
 * as control bytes are: in every table and details cell (formatCell, EscapedText's segments), the
 * flame graph's SVG export, and anything else that goes through escapeControl.
 */
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { EscapedText } from '@/components/viz/EscapedText';
import { controlSegments, escapeControl, formatCell, hasControl } from '@/lib/viz/format';
import { renderFlameSvg } from '@/lib/export/flame-svg';

const FORMAT_CHARS = [
  0x061c, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff,
];

describe('bidi and invisible format characters', () => {
  it('each becomes a \\uXXXX escape; nothing invisible is left', () => {
    for (const cp of FORMAT_CHARS) {
      const c = String.fromCharCode(cp);
      expect(escapeControl(`a${c}b`), cp.toString(16)).toBe(`a\\u${cp.toString(16).padStart(4, '0')}b`);
      expect(hasControl(c)).toBe(true);
    }
  });

  it('an argv that reads backwards is shown as what it is', () => {
    const argv = 'ls /tmp/\u202etxt.exe';
    expect(formatCell('string', argv).text).toBe('ls /tmp/\\u202etxt.exe');
    expect(controlSegments(argv)).toEqual([
      { text: 'ls /tmp/', escape: false },
      { text: '\\u202e', escape: true },
      { text: 'txt.exe', escape: false },
    ]);
    const html = renderToStaticMarkup(createElement(EscapedText, { text: argv }));
    expect(html).not.toContain('\u202e');
    expect(html).toContain('\\u202e');
  });

  it('plain text of any script is left alone (including U+00AD and letters near the ranges)', () => {
    for (const s of ['héllo ✓ 日本', 'مرحبا', 'שלום', '\u00ad', '\u2010\u2030\u2070', '😀']) expect(escapeControl(s)).toBe(s);
  });

  it('the SVG export of a flame graph shows frame names escaped', () => {
    const root = { name: 'all', value: 10, kind: 'root' as const, children: [{ name: 'evil\u202efdp', value: 10, kind: 'user' as const, children: [] }] };
    const svg = renderFlameSvg(root, { title: 't' });
    expect(svg).not.toContain('\u202e');
    expect(svg).toContain('evil\\u202efdp');
  });
});
