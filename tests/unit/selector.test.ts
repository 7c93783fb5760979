import { describe, expect, it } from 'vitest';
import { globToRegExp, matches, parseSelector, parseTags, selectHosts, SelectorError } from '@/lib/hosts/selector';

const hosts: Array<{ name: string; address: string; tags: Record<string, string> }> = [
  { name: 'web-1', address: '10.0.0.1', tags: { role: 'web', az: 'b', env: 'prod' } },
  { name: 'web-2', address: '10.0.0.2', tags: { role: 'web', az: 'a', env: 'staging' } },
  { name: 'db-1', address: '10.0.1.1', tags: { role: 'db', az: 'b', gpu: '' } },
  { name: 'db-10', address: '10.0.1.10', tags: { role: 'db', az: 'c' } },
  { name: 'bastion', address: '192.0.2.9', tags: {} },
];
const names = (sel: string) => selectHosts(sel, hosts).map((h) => h.name);

describe('selector syntax', () => {
  it('parses terms joined by commas (AND), with whitespace around them ignored', () => {
    expect(parseSelector(' role=web , az=b ').terms).toEqual([
      { key: 'role', op: '=', pattern: 'web' },
      { key: 'az', op: '=', pattern: 'b' },
    ]);
    expect(parseSelector('env!=prod,gpu').terms).toEqual([
      { key: 'env', op: '!=', pattern: 'prod' },
      { key: 'gpu', op: 'has' },
    ]);
  });

  it.each([
    ['', /empty/],
    ['role=web,,az=b', /term 2 is empty/],
    ['role=web,', /term 2 is empty/],
    ['role=', /pattern after = is empty/],
    ['=web', /not a valid key/],
    ['role=[ab]', /globs \* and \? only/],
    ['role={a,b}', /term 1 .*globs/],
    ['role=we b', /globs/],
    ['name', /needs a pattern/],
    ['a b', /not a tag key/],
    ['role=a;rm -rf /', /globs/],
  ])('refuses %j with a message saying what is wrong', (text, msg) => {
    expect(() => parseSelector(text)).toThrow(SelectorError);
    expect(() => parseSelector(text)).toThrow(msg);
  });
});

describe('selector matching', () => {
  it('role=web,az=b is an AND of both tags', () => {
    expect(names('role=web,az=b')).toEqual(['web-1']);
    expect(names('role=web')).toEqual(['web-1', 'web-2']);
  });

  it('name globs: * any run (also empty), ? exactly one character, whole name only', () => {
    expect(names('name=db-*')).toEqual(['db-1', 'db-10']);
    expect(names('name=db-?')).toEqual(['db-1']);
    expect(names('name=db-1*')).toEqual(['db-1', 'db-10']);
    expect(names('name=web')).toEqual([]);
    expect(names('name=*-1')).toEqual(['web-1', 'db-1']);
  });

  it('every other character is literal: a dot is not "any character"', () => {
    expect(globToRegExp('10.0.0.1').test('10x0y0z1')).toBe(false);
    expect(names('address=10.0.1.*')).toEqual(['db-1', 'db-10']);
  });

  it('!= matches hosts without the tag too; a bare key means "has the tag", even with an empty value', () => {
    expect(names('env!=prod')).toEqual(['web-2', 'db-1', 'db-10', 'bastion']);
    expect(names('gpu')).toEqual(['db-1']);
    expect(names('role=db,az!=c')).toEqual(['db-1']);
  });

  it('values are case-sensitive, and a selector that matches nothing returns no host', () => {
    expect(names('role=WEB')).toEqual([]);
    expect(matches(parseSelector('role=*'), hosts[4])).toBe(false);
  });

  it('tags of a prototype name do not leak in (own properties only)', () => {
    expect(names('constructor')).toEqual([]);
    expect(names('toString=*')).toEqual([]);
  });
});

describe('tags', () => {
  it('parses key=value lists and refuses globs, reserved keys and repeats', () => {
    expect(parseTags('role=web az=b,env=prod')).toEqual({ role: 'web', az: 'b', env: 'prod' });
    expect(() => parseTags('role=w*')).toThrow(/no globs/);
    expect(() => parseTags('name=x')).toThrow(/reserved/);
    expect(() => parseTags('role=a role=b')).toThrow(/twice/);
    expect(() => parseTags('role')).toThrow(/key=value/);
  });
});
