// Re-verifies an audit export (JSONL: file argument or stdin) with the hash rule of docs/audit.md alone;
// given signed checkpoints and the JWKS, also that no chain was cut short, dropped or rewritten.
//
// Usage: node verify-audit-export.mjs [audit.jsonl] [--checkpoint checkpoint.json-or-jws ... --jwks jwks.json]
//                                     [--only-exported-chains]
// Prints "valid: N chains, M records" (exit 0), or lines starting "INVALID:" (exit 1); a usage error or a
// missing dependency exits 2. Needs Node 20+ and the npm package canonicalize (npm install canonicalize@2.1.0),
// a published RFC 8785 implementation: this script shares no code with the provider.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

let canonicalize;
try {
  canonicalize = (await import('canonicalize')).default;
} catch {
  console.error('Verifying an export needs the npm package "canonicalize" (npm install canonicalize@2.1.0).');
  process.exit(2);
}

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const b64 = (s) => Buffer.from(s, 'base64url');
const invalid = (...lines) => {
  console.error(lines.map((line) => `INVALID: ${line}`).join('\n'));
  process.exit(1);
};

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      checkpoint: { type: 'string', multiple: true }, // GET /admin/v1/audit/checkpoints/latest, its body or the JWS alone
      jwks: { type: 'string' }, // GET /oauth2/jwks, holding the key that signed the checkpoint
      'only-exported-chains': { type: 'boolean' }, // check only the chains in the export (for ?chain= exports)
    },
  });
} catch (ex) {
  console.error(`${ex.message}\nusage: verify-audit-export.mjs [audit.jsonl] [--checkpoint FILE ... --jwks FILE] [--only-exported-chains]`);
  process.exit(2);
}
const { values: options, positionals } = args;
if ((options.checkpoint === undefined) !== (options.jwks === undefined) || positionals.length > 1) {
  console.error('usage: verify-audit-export.mjs [audit.jsonl] [--checkpoint FILE ... --jwks FILE] [--only-exported-chains]'
    + '\n--checkpoint and --jwks go together');
  process.exit(2);
}

// A checkpoint's claims, once the provider's published key is shown to have signed them.
function signedCheckpoint(path, jwksPath) {
  let jws, h64, p64, s64, header, claims, signature, keys;
  try {
    const text = readFileSync(path, 'utf8').trim();
    jws = text.startsWith('{') ? JSON.parse(text).checkpoint : text;
    [h64, p64, s64] = jws.split('.');
    if (s64 === undefined) throw new Error('not a compact JWS');
    [header, claims, signature] = [JSON.parse(b64(h64)), JSON.parse(b64(p64)), b64(s64)];
    keys = new Map(JSON.parse(readFileSync(jwksPath, 'utf8')).keys.filter((k) => 'kid' in k).map((k) => [k.kid, k]));
  } catch (ex) {
    invalid(`cannot read the checkpoint or the JWKS (${ex.message})`);
  }
  const { alg, kid, typ } = header;
  const key = keys.get(kid) ?? {};
  if (!['EdDSA', 'Ed25519', 'ES256'].includes(alg)) { // "none" (or any other alg) would let anyone write a checkpoint
    invalid(`checkpoint alg ${alg} refused (the provider signs with EdDSA or ES256)`);
  }
  if (typ !== 'checkpoint+jwt') { // the same key signs access tokens: only a checkpoint's claims are heads
    invalid(`not a checkpoint (typ ${typ})`);
  }
  if (!keys.has(kid)) { // only the provider's published keys vouch for a checkpoint
    invalid(`checkpoint signed with kid ${kid}, which is not in the JWKS`);
  }
  const [kty, crv] = alg === 'ES256' ? ['EC', 'P-256'] : ['OKP', 'Ed25519'];
  if ((key.alg ?? alg) !== alg || key.kty !== kty || key.crv !== crv) { // a key for one alg only
    invalid(`checkpoint alg ${alg} does not fit key ${kid} (${key.kty} ${key.crv})`);
  }
  let valid = false;
  try {
    const publicKey = createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y }, format: 'jwk' });
    const data = Buffer.from(`${h64}.${p64}`, 'ascii');
    // JWS ES256 is r || s, 32 bytes each (RFC 7518 §3.4)
    valid = alg === 'ES256'
      ? signature.length === 64 && verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)
      : verify(null, data, publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) { // a checkpoint changed (or forged) after signing
    invalid(`the checkpoint signature does not verify with key ${kid}`);
  }
  const { heads, seq: n, prev, iat } = claims;
  if (!Number.isInteger(iat) || heads === null || typeof heads !== 'object' || Array.isArray(heads)
      || !Object.values(heads).every((h) => h !== null && typeof h === 'object' && Number.isInteger(h.seq) && typeof h.hash === 'string')) {
    invalid('the checkpoint has no iat or malformed heads');
  }
  // the checkpoint chain (docs/audit.md): seq from 1, prev = {seq - 1, SHA-256 of that checkpoint's JWS}, none on the first
  if (n !== undefined && n !== null && (!Number.isInteger(n) || n < 1 || (n === 1 ? prev !== undefined && prev !== null
      : !(prev !== null && typeof prev === 'object' && prev.seq === n - 1 && typeof prev.hash === 'string')))) {
    invalid(`checkpoint ${n} has a malformed seq or prev (${JSON.stringify(prev)})`);
  }
  return { claims, kid, digest: sha256(jws) };
}

const checkpoints = (options.checkpoint ?? []).map((path) => signedCheckpoint(path, options.jwks))
  .sort((a, b) => (a.claims.seq ?? 0) - (b.claims.seq ?? 0));
const bad = [];
const wanted = new Map(); // `${chain}\n${seq}` -> hash, from every checkpoint given
for (let i = 0; i + 1 < checkpoints.length; i++) { // consecutive checkpoints must link, and keep every chain
  const [before, after] = [checkpoints[i], checkpoints[i + 1]];
  if (after.claims.seq != null && before.claims.seq === after.claims.seq - 1 && after.claims.prev.hash !== before.digest) {
    bad.push(`checkpoint ${after.claims.seq} does not link to checkpoint ${before.claims.seq}`);
  }
  for (const [chain, head] of Object.entries(before.claims.heads).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if ((after.claims.heads[chain]?.seq ?? -1) < head.seq) {
      bad.push(`chain ${chain} is missing or behind in checkpoint ${after.claims.seq ?? null}`);
    }
  }
}
for (const { claims } of checkpoints) {
  for (const [chain, head] of Object.entries(claims.heads)) {
    const key = `${chain}\n${head.seq}`;
    if (!wanted.has(key)) wanted.set(key, head.hash);
    if (wanted.get(key) !== head.hash) bad.push(`checkpoints disagree on chain ${chain} seq ${head.seq}`);
  }
}
const latest = checkpoints.at(-1) ?? { claims: { heads: {} } };
const signed = latest.claims.heads;
const atSignedSeq = new Map();
const heads = new Map(); // chain -> [hash, seq] of its last record so far
const FIELDS = ['chain', 'seq', 'occurredAt', 'actor', 'action', 'target', 'decision', 'reason', 'details'];
for (const line of readFileSync(positionals[0] && positionals[0] !== '-' ? positionals[0] : 0, 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const r = JSON.parse(line);
  const c = r.chain;
  const [prev, seq] = heads.get(c) ?? ['0'.repeat(64), 0];
  const record = Object.fromEntries(FIELDS.map((field) => [field, r[field]]));
  // hash = lowercase hex SHA-256(UTF-8(prevHash + "\n" + JCS(record))): a changed field breaks the hash;
  // a deleted, inserted or swapped record breaks seq or prevHash
  if (r.seq !== seq + 1 || r.prevHash !== prev || sha256(`${prev}\n${canonicalize(record)}`) !== r.hash) {
    invalid(`chain ${c} seq ${r.seq}`);
  }
  heads.set(c, [r.hash, r.seq]);
  if (r.seq === signed[c]?.seq) atSignedSeq.set(c, r.hash);
  if (signed[c]?.seq !== r.seq && (wanted.get(`${c}\n${r.seq}`) ?? r.hash) !== r.hash) {
    bad.push(`chain ${c} seq ${r.seq} differs from a signed checkpoint`);
  }
}
// what the hash rule alone cannot see: records deleted from a chain's end, a chain deleted or rewritten whole
for (const [c, h] of Object.entries(signed).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  if (!heads.has(c)) { // a deleted chain (unless only some chains were exported, and asked to look at those only)
    if (!options['only-exported-chains']) bad.push(`chain ${c} missing from the export (the signed checkpoint has seq ${h.seq})`);
  } else if (heads.get(c)[1] < h.seq) { // a truncated chain: its head is behind the one signed
    bad.push(`chain ${c} is behind the signed checkpoint (export ends at seq ${heads.get(c)[1]}, checkpoint has seq ${h.seq})`);
  } else if (atSignedSeq.get(c) !== h.hash) { // a chain rewritten with consistent hashes
    bad.push(`chain ${c} seq ${h.seq} differs from the signed checkpoint`);
  }
}
if (bad.length > 0) invalid(...bad);
let out = `valid: ${heads.size} chains, ${[...heads.values()].reduce((sum, [, s]) => sum + s, 0)} records`;
if (checkpoints.length > 0) {
  const at = new Date(latest.claims.iat * 1000).toISOString().replace('.000Z', 'Z');
  out += `; checkpoint of ${at} (kid ${latest.kid}) matched on ${Object.keys(signed).filter((c) => heads.has(c)).length} chains`;
  if (checkpoints.length > 1) out += `; ${checkpoints.length} checkpoints linked`;
}
console.log(out);
