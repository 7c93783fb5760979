/**
 * A string with its control characters shown as visible, highlighted escapes ("\n", "\x1b"): comm,
 * paths and arguments come from the traced host and may hold anything.
 */
import { controlSegments } from '@/lib/viz/format';

export function EscapedText({ text }: { text: string }) {
  const segs = controlSegments(text);
  if (segs.length === 1 && !segs[0].escape) return <>{text}</>;
  return (
    <>
      {segs.map((s, i) =>
        s.escape ? (
          <span key={i} className="rounded-sm bg-amber-100 px-px font-mono text-amber-900" title="control character">
            {s.text}
          </span>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
