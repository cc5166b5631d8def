import { describe, expect, it } from 'vitest';
import { example, without, withValue, issuePaths, issuesAt, type Path } from '../schema-testing.js';
import { z } from 'zod';
import { AuthorizationInfo, LocationReferences, Token, TokenPatch } from './schema.js';



const baseToken = (): any => ({ ...example('tokens__token_object.json'), language: 'nl' });
const baseAuth = (): any => ({
  allowed: 'ALLOWED',
  location: { location_id: 'LOC1', evse_uids: ['3256', '3257'], connector_ids: ['1', '2'] },
  info: { language: 'en', text: 'Enjoy' },
});

describe('Token schema: spec examples', () => {
  it('parses the Token example and the PUT example', () => {
    expect(Token.safeParse(example('tokens__token_object.json')).success).toBe(true);
    expect(Token.safeParse(example('tokens__put_token.json')).success).toBe(true);
  });

  it('parses the tokens in the transport examples', () => {
    expect(Token.safeParse(example('transport__response_token_single.json').data).success).toBe(true);
    expect(z.array(Token).safeParse(example('transport__response_token_list.json').data).success).toBe(true);
  });

  it('accepts the PATCH example with TokenPatch (and refuses it as a whole Token)', () => {
    expect(TokenPatch.safeParse(example('tokens__patch_token_invalidate.json')).success).toBe(true);
    expect(Token.safeParse(example('tokens__patch_token_invalidate.json')).success).toBe(false);
  });
});

describe('Token schema: each rule broken once', () => {
  const required: Path[] = [['uid'], ['type'], ['auth_id'], ['issuer'], ['valid'], ['whitelist'], ['last_updated']];
  const enums: Path[] = [['type'], ['whitelist']];
  const lengths: [Path, number, string?][] = [
    [['uid'], 36],
    [['auth_id'], 36],
    [['visual_number'], 64],
    [['issuer'], 64],
    [['language'], 2],
    [['last_updated'], 25, '2015-06-29T22:39:09.12345Z'],
  ];
  it.each(required.map((p) => [p.join('.'), p] as const))('missing required %s', (_, p) => {
    expect(issuePaths(Token, without(baseToken(), p))).toContainEqual(p);
  });
  it.each(enums.map((p) => [p.join('.'), p] as const))('bad enum value at %s', (_, p) => {
    expect(issuePaths(Token, withValue(baseToken(), p, 'NOT_A_VALUE'))).toContainEqual(p);
  });
  it.each(lengths.map(([p, n, v]) => [p.join('.'), n, p, v] as const))('%s longer than %i', (_, n, p, v) => {
    const value = v ?? 'A'.repeat(n + 1);
    expect(value).toHaveLength(n + 1);
    expect(issuesAt(Token, withValue(baseToken(), p, value), p)).toContain(`at most ${n} characters`);
  });
  it.each([
    ['valid as a string', ['valid'], 'true'],
    ['uid with a slash', ['uid'], '0123/45678'],
    ['empty uid', ['uid'], ''],
    ['lower-case type', ['type'], 'rfid'],
  ] as [string, Path, unknown][])('refuses %s', (_, p, value) => {
    expect(issuePaths(Token, withValue(baseToken(), p, value))).toContainEqual(p);
  });

  it('TokenPatch validates the fields given', () => {
    expect(TokenPatch.safeParse({}).success).toBe(true);
    expect(issuePaths(TokenPatch, { whitelist: 'SOMETIMES', valid: 'no' })).toEqual([['valid'], ['whitelist']]);
  });
});

describe('AuthorizationInfo and LocationReferences', () => {
  it('accept a full and a minimal object', () => {
    expect(AuthorizationInfo.safeParse(baseAuth()).success).toBe(true);
    expect(AuthorizationInfo.safeParse({ allowed: 'NO_CREDIT' }).success).toBe(true);
    expect(LocationReferences.safeParse({ location_id: 'LOC1' }).success).toBe(true);
  });

  it.each(['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED'])('accepts allowed = %s', (allowed) => {
    expect(AuthorizationInfo.safeParse({ allowed }).success).toBe(true);
  });

  const required: Path[] = [['allowed'], ['location', 'location_id'], ['info', 'language'], ['info', 'text']];
  const lengths: [Path, number][] = [
    [['location', 'location_id'], 39],
    [['location', 'evse_uids', 1], 39],
    [['location', 'connector_ids', 0], 36],
    [['info', 'language'], 2],
    [['info', 'text'], 512],
  ];
  it.each(required.map((p) => [p.join('.'), p] as const))('missing required %s', (_, p) => {
    expect(issuePaths(AuthorizationInfo, without(baseAuth(), p))).toContainEqual(p);
  });
  it('bad enum value at allowed', () => {
    expect(issuesAt(AuthorizationInfo, withValue(baseAuth(), ['allowed'], 'OK'), ['allowed'])).toBe(
      'must be one of: ALLOWED, BLOCKED, EXPIRED, NO_CREDIT, NOT_ALLOWED',
    );
  });
  it.each(lengths.map(([p, n]) => [p.join('.'), n, p] as const))('%s longer than %i', (_, n, p) => {
    expect(issuesAt(AuthorizationInfo, withValue(baseAuth(), p, 'A'.repeat(n + 1)), p)).toContain(`at most ${n} characters`);
  });
});
