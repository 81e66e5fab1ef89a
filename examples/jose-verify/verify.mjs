// Verifies an access token of the auth service the way another Node service would:
// jose's createRemoteJWKSet fetches the JWKS, jwtVerify checks the signature with the key
// the header's `kid` names (only that key's `alg`), `typ: at+jwt`, `iss`, `aud` and `exp`.
//
//   node verify.mjs <jwks-url> <issuer> <audience> <token>
//
// Prints the payload as JSON and exits 0, or prints the error (its jose code first) and
// exits 1.
import { createRemoteJWKSet, jwtVerify } from "jose";

const [jwksUrl, issuer, audience, token] = process.argv.slice(2);
if (!token) {
  console.error("usage: node verify.mjs <jwks-url> <issuer> <audience> <token>");
  process.exit(2);
}

const jwks = createRemoteJWKSet(new URL(jwksUrl));
try {
  const { payload } = await jwtVerify(token, jwks, {
    issuer,
    audience,
    typ: "at+jwt",
    algorithms: ["ES256", "EdDSA"],
  });
  console.log(JSON.stringify(payload));
} catch (error) {
  console.error(`${error.code ?? error.name}: ${error.message}`);
  process.exit(1);
}
