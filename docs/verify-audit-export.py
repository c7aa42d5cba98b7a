#!/usr/bin/env python3
"""Re-verifies an audit export (JSONL: file argument or stdin) with the hash rule of docs/audit.md "Contract" alone;
given signed checkpoints and the JWKS, also that no chain was cut short, dropped or rewritten.
usage: verify-audit-export.py [audit.jsonl] [--checkpoint checkpoint.json-or-jws ... --jwks jwks.json]"""
import argparse, base64, datetime, hashlib, json, sys
def num(x):  # ECMAScript Number::toString, as RFC 8785 §3.2.2.3 requires
    if isinstance(x, int) and abs(x) < 2 ** 53 or x == 0: return str(int(x))
    m, _, ex = repr(abs(float(x))).partition('e'); ip, _, fp = m.partition('.'); t = (ip + fp).lstrip('0')
    e = int(ex or 0) - len(fp) + len(t) - len(t.rstrip('0')); t = t.rstrip('0'); k = len(t); n = k + e; s = '-' if x < 0 else ''
    if k <= n <= 21: return s + t + '0' * (n - k)
    if 0 < n <= 21: return s + t[:n] + '.' + t[n:]
    if -6 < n <= 0: return s + '0.' + '0' * -n + t
    return s + t[0] + ('.' + t[1:] if k > 1 else '') + 'e' + ('+' if n > 0 else '-') + str(abs(n - 1))
def jcs(v):  # RFC 8785: members sorted by UTF-16 code units, no whitespace, ECMAScript strings and numbers
    if isinstance(v, dict): return '{' + ','.join(jcs(k) + ':' + jcs(v[k]) for k in sorted(v, key=lambda k: k.encode('utf-16-be'))) + '}'
    if isinstance(v, list): return '[' + ','.join(map(jcs, v)) + ']'
    return num(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else json.dumps(v, ensure_ascii=False)
def b64(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
def be(b): return int.from_bytes(b, 'big')
def signed_checkpoint(path, jwks_path):  # the checkpoint's claims, once the provider's published key is shown to have signed them
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
    except ImportError:
        print('Checking a checkpoint needs the Python package "cryptography" (Debian: apt install python3-cryptography).', file=sys.stderr)
        sys.exit(2)
    try:
        text = open(path, encoding='utf-8').read().strip()  # the body of GET /admin/v1/audit/checkpoints/latest, or its JWS alone
        jws = json.loads(text)['checkpoint'] if text.startswith('{') else text; h64, p64, s64 = jws.split('.')
        header, claims, sig = json.loads(b64(h64)), json.loads(b64(p64)), b64(s64)
        keys = {k['kid']: k for k in json.load(open(jwks_path, encoding='utf-8'))['keys'] if 'kid' in k}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as ex:
        sys.exit(f'INVALID: cannot read the checkpoint or the JWKS ({ex!r})')
    alg, kid = header.get('alg'), header.get('kid'); key = keys.get(kid, {}); kty = (key.get('kty'), key.get('crv'))
    if alg not in ('EdDSA', 'Ed25519', 'ES256'):  # "none" (or any other alg) would let anyone write a checkpoint
        sys.exit(f'INVALID: checkpoint alg {alg} refused (the provider signs with EdDSA or ES256)')
    if header.get('typ') != 'checkpoint+jwt':  # the same key signs access tokens: only a checkpoint's claims are heads
        sys.exit(f'INVALID: not a checkpoint (typ {header.get("typ")})')
    if kid not in keys:  # only the provider's published keys vouch for a checkpoint
        sys.exit(f'INVALID: checkpoint signed with kid {kid}, which is not in the JWKS')
    if key.get('alg', alg) != alg or kty != (('EC', 'P-256') if alg == 'ES256' else ('OKP', 'Ed25519')):  # a key for one alg only
        sys.exit(f'INVALID: checkpoint alg {alg} does not fit key {kid} ({kty[0]} {kty[1]})')
    data = (h64 + '.' + p64).encode('ascii')
    try:
        if alg == 'ES256':  # JWS ES256 is r || s, 32 bytes each (RFC 7518 §3.4); cryptography takes DER
            if len(sig) != 64: raise InvalidSignature()
            point = ec.EllipticCurvePublicNumbers(be(b64(key['x'])), be(b64(key['y'])), ec.SECP256R1()).public_key()
            point.verify(encode_dss_signature(be(sig[:32]), be(sig[32:])), data, ec.ECDSA(hashes.SHA256()))
        else: ed25519.Ed25519PublicKey.from_public_bytes(b64(key['x'])).verify(sig, data)
    except (InvalidSignature, ValueError, KeyError):  # a checkpoint changed (or forged) after signing
        sys.exit(f'INVALID: the checkpoint signature does not verify with key {kid}')
    heads, n, prev = claims.get('heads'), claims.get('seq'), claims.get('prev')
    if not isinstance(claims.get('iat'), int) or not isinstance(heads, dict) or not all(
            isinstance(h, dict) and isinstance(h.get('seq'), int) and isinstance(h.get('hash'), str) for h in heads.values()):
        sys.exit('INVALID: the checkpoint has no iat or malformed heads')
    # the checkpoint chain (docs/audit.md): seq from 1, prev = {seq - 1, SHA-256 of that checkpoint's JWS}, none on the first
    if n is not None and (not isinstance(n, int) or n < 1 or (prev is not None if n == 1 else not (
            isinstance(prev, dict) and prev.get('seq') == n - 1 and isinstance(prev.get('hash'), str)))):
        sys.exit(f'INVALID: checkpoint {n} has a malformed seq or prev ({prev!r})')
    return claims, kid, hashlib.sha256(jws.encode('ascii')).hexdigest()
ap = argparse.ArgumentParser(description=' '.join(__doc__.splitlines()[:2]))
ap.add_argument('export', nargs='?', default='-', help='the JSONL export (default: stdin)')
ap.add_argument('--checkpoint', action='append', help='GET /admin/v1/audit/checkpoints/latest, its JSON body or the JWS alone; repeat for several (they must link)')
ap.add_argument('--jwks', help='GET /oauth2/jwks, holding the key that signed the checkpoint')
ap.add_argument('--only-exported-chains', action='store_true', help='check only the chains in the export (for ?chain= exports)')
a = ap.parse_args()
if (a.checkpoint is None) != (a.jwks is None): ap.error('--checkpoint and --jwks go together')
cps = sorted((signed_checkpoint(c, a.jwks) for c in a.checkpoint or []), key=lambda cp: cp[0].get('seq') or 0)
bad, wanted = [], {}  # wanted: (chain, seq) -> hash, from every checkpoint given
for (before, _, digest), (after, _, _) in zip(cps, cps[1:]):  # consecutive checkpoints must link, and keep every chain
    if after.get('seq') is not None and before.get('seq') == after['seq'] - 1 and after['prev']['hash'] != digest:
        bad.append(f'INVALID: checkpoint {after["seq"]} does not link to checkpoint {before["seq"]}')
    for c, h in sorted(before['heads'].items()):
        if after['heads'].get(c, {}).get('seq', -1) < h['seq']: bad.append(f'INVALID: chain {c} is missing or behind in checkpoint {after.get("seq")}')
for cp, _, _ in cps:
    for c, h in cp['heads'].items():
        if wanted.setdefault((c, h['seq']), h['hash']) != h['hash']: bad.append(f'INVALID: checkpoints disagree on chain {c} seq {h["seq"]}')
claims, kid, _ = cps[-1] if cps else ({'heads': {}}, None, None)
signed, at_signed_seq, heads = claims['heads'], {}, {}
for r in map(json.loads, open(a.export, encoding='utf-8') if a.export != '-' else sys.stdin):
    c, (prev, seq) = r['chain'], heads.get(r['chain'], ('0' * 64, 0)); rec = {k: r[k] for k in ('chain', 'seq', 'occurredAt', 'actor', 'action', 'target', 'decision', 'reason', 'details')}
    # a changed field breaks the hash; a deleted, inserted or swapped record breaks seq or prevHash
    if r['seq'] != seq + 1 or r['prevHash'] != prev or hashlib.sha256((prev + '\n' + jcs(rec)).encode()).hexdigest() != r['hash']: sys.exit(f'INVALID: chain {c} seq {r["seq"]}')
    heads[c] = (r['hash'], r['seq'])
    if r['seq'] == signed.get(c, {}).get('seq'): at_signed_seq[c] = r['hash']
    if signed.get(c, {}).get('seq') != r['seq'] and wanted.get((c, r['seq']), r['hash']) != r['hash']: bad.append(f'INVALID: chain {c} seq {r["seq"]} differs from a signed checkpoint')
# what the hash rule alone cannot see: records deleted from a chain's end, a chain deleted or rewritten whole
for c, h in sorted(signed.items()):
    if c not in heads:  # a deleted chain (unless only some chains were exported, and asked to look at those only)
        if not a.only_exported_chains: bad.append(f'INVALID: chain {c} missing from the export (the signed checkpoint has seq {h["seq"]})')
    elif heads[c][1] < h['seq']:  # a truncated chain: its head is behind the one signed
        bad.append(f'INVALID: chain {c} is behind the signed checkpoint (export ends at seq {heads[c][1]}, checkpoint has seq {h["seq"]})')
    elif at_signed_seq.get(c) != h['hash']:  # a chain rewritten with consistent hashes
        bad.append(f'INVALID: chain {c} seq {h["seq"]} differs from the signed checkpoint')
if bad: sys.exit('\n'.join(bad))
line = f'valid: {len(heads)} chains, {sum(s for _, s in heads.values())} records'
if a.checkpoint:
    at = datetime.datetime.fromtimestamp(claims['iat'], datetime.timezone.utc).isoformat().replace('+00:00', 'Z')
    line += f'; checkpoint of {at} (kid {kid}) matched on {sum(c in heads for c in signed)} chains' + (f'; {len(cps)} checkpoints linked' if len(cps) > 1 else '')
print(line)
