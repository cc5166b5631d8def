// The OCPI 2.1.1-d2 status codes (status_codes.md). 2.1.1 has no 2004: that came with 2.2.
export const OcpiStatus = {
  SUCCESS: 1000,
  CLIENT_ERROR: 2000,
  INVALID_PARAMETERS: 2001,
  NOT_ENOUGH_INFORMATION: 2002,
  UNKNOWN_LOCATION: 2003,
  SERVER_ERROR: 3000,
  UNABLE_TO_USE_CLIENT_API: 3001,
  UNSUPPORTED_VERSION: 3002,
  NO_MATCHING_ENDPOINTS: 3003,
} as const;
export type OcpiStatusCode = (typeof OcpiStatus)[keyof typeof OcpiStatus];

export const statusMessages: Record<OcpiStatusCode, string> = {
  1000: 'Success',
  2000: 'Generic client error',
  2001: 'Invalid or missing parameters',
  2002: 'Not enough information',
  2003: 'Unknown location',
  3000: 'Generic server error',
  3001: "Unable to use the client's API",
  3002: 'Unsupported version',
  3003: 'No matching endpoints or expected endpoints missing',
};
