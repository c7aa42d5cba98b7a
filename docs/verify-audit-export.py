#!/usr/bin/env python3
import hashlib, json, sys  # re-verifies an audit export (JSONL: file argument or stdin) with API.md §2's hash rule alone
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
heads = {}
for r in map(json.loads, open(sys.argv[1], encoding='utf-8') if len(sys.argv) > 1 else sys.stdin):
    c, (prev, seq) = r['chain'], heads.get(r['chain'], ('0' * 64, 0)); rec = {k: r[k] for k in ('chain', 'seq', 'occurredAt', 'actor', 'action', 'target', 'decision', 'reason', 'details')}
    if r['seq'] != seq + 1 or r['prevHash'] != prev or hashlib.sha256((prev + '\n' + jcs(rec)).encode()).hexdigest() != r['hash']: sys.exit(f'INVALID: chain {c} seq {r["seq"]}')
    heads[c] = (r['hash'], r['seq'])
print(f'valid: {len(heads)} chains, {sum(s for _, s in heads.values())} records')
