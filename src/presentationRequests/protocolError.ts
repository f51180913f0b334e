/**
 * An error the wallet-facing endpoints (request_uri, response_uri) answer in OAuth's format
 * ({"error": ..., "error_description": ...}, OpenID4VP 1.0 section 8 and RFC 6749), not problem+json.
 */
export class ProtocolError extends Error {
  constructor(readonly error: 'invalid_request' | 'invalid_request_uri', readonly description: string, readonly status = 400) {
    super(description);
    this.name = 'ProtocolError';
  }
}
