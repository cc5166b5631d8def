// OCPI 2.1.1-d2 Tokens module (mod_tokens.md): Token, AuthorizationInfo, LocationReferences and enums.
// Unknown fields are stripped, not refused: see the note at the top of ../locations/schema.ts.
import { z } from 'zod';
import { DateTime, DisplayText, ocpiEnum, ocpiString, urlId } from '../types.js';

/** 4.1 Allowed */
export const AllowedType = ocpiEnum(['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED']);
export type AllowedType = z.infer<typeof AllowedType>;

/** 4.3 TokenType */
export const TokenType = ocpiEnum(['OTHER', 'RFID']);
export type TokenType = z.infer<typeof TokenType>;

/** 4.4 WhitelistType */
export const WhitelistType = ocpiEnum(['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER']);
export type WhitelistType = z.infer<typeof WhitelistType>;

/** 4.2 LocationReferences (body of the real-time authorization POST). */
export const LocationReferences = z.object({
  location_id: ocpiString(39),
  evse_uids: z.array(ocpiString(39)).optional(),
  connector_ids: z.array(ocpiString(36)).optional(),
});
export type LocationReferences = z.infer<typeof LocationReferences>;

/** 3.1 AuthorizationInfo */
export const AuthorizationInfo = z.object({
  allowed: AllowedType,
  location: LocationReferences.optional(),
  info: DisplayText.optional(),
});
export type AuthorizationInfo = z.infer<typeof AuthorizationInfo>;

/** 3.2 Token (uid is used in URLs: /tokens/{country_code}/{party_id}/{token_uid}). */
export const Token = z.object({
  uid: urlId(36),
  type: TokenType,
  auth_id: ocpiString(36),
  visual_number: ocpiString(64).optional(),
  issuer: ocpiString(64),
  valid: z.boolean(),
  whitelist: WhitelistType,
  language: ocpiString(2).optional(),
  last_updated: DateTime,
});
export type Token = z.infer<typeof Token>;

/** PATCH body (2.1.2): any subset of the fields. */
export const TokenPatch = Token.partial();
export type TokenPatch = z.infer<typeof TokenPatch>;
