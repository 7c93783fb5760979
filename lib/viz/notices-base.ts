/** The notice type and the number wording shared by every result kind's notices (lib/results/kinds). */
export interface ResultNotice {
  /** 'warn': data is missing from what is drawn; 'info': drawn differently than captured */
  level: 'warn' | 'info';
  /** stable id, for tests and React keys */
  id: string;
  text: string;
}

export function n(v: number): string {
  return v.toLocaleString('en-US');
}

export function plural(v: number, one: string, many = `${one}s`): string {
  return `${n(v)} ${v === 1 ? one : many}`;
}
