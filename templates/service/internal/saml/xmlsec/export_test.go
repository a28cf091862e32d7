package xmlsec

// CanonicalSignedInfo exposes the bytes a signature value covers, for the
// tests that check the value with other implementations.
var CanonicalSignedInfo = canonicalSignedInfo
