// The audit log checked in the browser, as `colossus audit verify` checks it (docs/audit-log.md): the checkpoint's
// Ed25519 signature under the log key first seen here (pinned in this browser's storage), its consistency with the
// checkpoint verified here before (RFC 9162 2.1.4.2), and the inclusion of the tenant's own entries since then (each
// page of entries against one multi-leaf proof). Everything with WebCrypto; nothing is trusted from the server but
// the data it proves. The script itself is served by the operator, so this is a convenience: the independent check
// is the CLI, built from source the tenant controls.

const enc = new TextEncoder();

function fromB64(s) {
  return Uint8Array.from(atob(s), c => c.charCodeAt(0));
}

function toB64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
}

const leafHash = data => sha256(new Uint8Array([0]), data);
const nodeHash = (l, r) => sha256(new Uint8Array([1]), l, r);

function same(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

class Failure extends Error {
}

/** name+keyid+base64 as its three parts: the base64 may itself hold '+', so only the first two '+' split. */
export function splitNoteKey(keyText) {
  const t = keyText.trim();
  const a = t.indexOf('+');
  const b = a < 0 ? -1 : t.indexOf('+', a + 1);
  return a < 0 || b < 0 ? [t, '', ''] : [t.slice(0, a), t.slice(a + 1, b), t.slice(b + 1)];
}

/** A C2SP signed note's text and signatures; the key is name+keyid+base64(0x01 || Ed25519 public key). */
async function verifyNote(note, keyText) {
  const [name, keyIdHex, keyB64] = splitNoteKey(keyText);
  const raw = fromB64(keyB64 || '');
  if (raw.length !== 33 || raw[0] !== 1) throw new Failure(`log key '${keyText.trim()}' is not an Ed25519 note key`);
  const keyId = (await sha256(enc.encode(name + '\n'), raw)).slice(0, 4);
  if (Array.from(keyId, b => b.toString(16).padStart(2, '0')).join('') !== keyIdHex) {
    throw new Failure('the log key\'s id does not match its name and key');
  }
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Failure('the checkpoint has no signature block');
  const text = note.slice(0, split + 1);
  const key = await crypto.subtle.importKey('raw', raw.slice(1), { name: 'Ed25519' }, false, ['verify']);
  const signers = [];
  let ours = false;
  for (const line of note.slice(split + 2).split('\n')) {
    if (!line.startsWith('\u2014 ')) continue;
    const [signer, sigB64] = line.slice(2).split(' ');
    signers.push(signer);
    const sig = fromB64(sigB64);
    if (signer === name && same(sig.slice(0, 4), keyId)) {
      if (!await crypto.subtle.verify({ name: 'Ed25519' }, key, sig.slice(4), enc.encode(text))) {
        throw new Failure('the checkpoint\'s signature by the log key does not verify');
      }
      ours = true;
    }
  }
  if (!ours) throw new Failure('the checkpoint is not signed by the log key');
  const lines = text.split('\n');
  return { size: Number(lines[1]), root: fromB64(lines[2]), cosigners: signers.filter(s => s !== name) };
}

/** RFC 9162 2.1.4.2, with sizes as BigInt so that no 32-bit shift truncates them. */
async function verifyConsistency(size1, size2, proof, root1, root2) {
  if (size1 === size2) {
    if (!same(root1, root2)) throw new Failure(`two different roots for the tree size ${size1} (a split view)`);
    return;
  }
  if (proof.length === 0) throw new Failure('an empty consistency proof');
  let path = proof;
  let fn = BigInt(size1) - 1n;
  let sn = BigInt(size2) - 1n;
  if ((BigInt(size1) & (BigInt(size1) - 1n)) === 0n) path = [root1, ...proof];
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (let i = 1; i < path.length; i++) {
    if (sn === 0n) throw new Failure('the consistency proof is longer than the trees need');
    const c = path[i];
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new Failure('the consistency proof is shorter than the trees need');
  if (!same(fr, root1)) throw new Failure(`the log was rewritten before size ${size1}`);
  if (!same(sr, root2)) throw new Failure(`the log of size ${size2} does not extend the one of size ${size1} verified before`);
}

function highestPowerOfTwoBelow(n) {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** The root from ascending leaf indices, their hashes and a multi-leaf proof (ProofVerifier.rootFromMultiProof). */
async function rootFromMultiProof(n, indices, hashes, proof) {
  let next = 0;
  async function walk(lo, hi, start, end) {
    if (lo === hi) {
      if (next === proof.length) throw new Failure('the multi-leaf proof is shorter than the tree needs');
      return proof[next++];
    }
    if (end - start === 1) return hashes[lo];
    const mid = start + highestPowerOfTwoBelow(end - start);
    let split = lo;
    while (split < hi && indices[split] < mid) split++;
    const left = await walk(lo, split, start, mid);
    const right = await walk(split, hi, mid, end);
    return nodeHash(left, right);
  }
  const root = await walk(0, indices.length, 0, n);
  if (next !== proof.length) throw new Failure('the multi-leaf proof is longer than the tree needs');
  return root;
}

const ENTRY_HEADER = 'colossus-audit/v1 entry\n';

/** One page of the tenant's entries with their node leaves, proven against the checkpoint's root. */
async function verifyPage(page, checkpoint) {
  const leaves = [];
  for (const e of page.items) {
    const canonical = e.canonicalBase64 ? fromB64(e.canonicalBase64) : enc.encode(e.canonical);
    leaves.push([e.index, await leafHash(concat(enc.encode(ENTRY_HEADER + 'opening ' + e.opening + '\n'), canonical))]);
    for (const n of e.nodeLeaves) {
      leaves.push([n.index, await leafHash(n.dataBase64 ? fromB64(n.dataBase64) : enc.encode(n.data))]);
    }
  }
  leaves.sort((a, b) => a[0] - b[0]);
  const root = await rootFromMultiProof(checkpoint.size, leaves.map(l => l[0]), leaves.map(l => l[1]),
    page.proof.map(fromB64));
  if (!same(root, checkpoint.root)) {
    throw new Failure(`your entries ${page.items[0].seq}..${page.items[page.items.length - 1].seq} as served now are`
      + ' not the leaves the signed checkpoint covers');
  }
  return leaves.length;
}

const MAX_PAGES = 20;

/**
 * Runs the check and returns {ok, lines, state}. {@code get(path)} fetches an API path (text or JSON); {@code previous}
 * is what this browser verified before ({key, size, root, seq, checked}, or null the first time); the operator, who
 * has no entries of its own, checks only the signature and the consistency.
 */
export async function verify(get, previous, ownEntries = true) {
  const lines = [];
  const state = previous ? { ...previous } : { key: null, size: 0, root: null, seq: 0 };
  try {
    const key = String(await get('/api/v1/audit/key')).trim();
    if (state.key && state.key !== key) throw new Failure(`the log key changed from ${state.key} to ${key}`);
    lines.push(state.key ? 'log key: the one pinned in this browser' : `log key: ${key} (now pinned in this browser)`);
    state.key = key;
    const cp = await verifyNote(String(await get('/api/v1/audit/checkpoint')), key);
    lines.push(`signature: checkpoint of size ${cp.size.toLocaleString('en')} signed by the log key`
      + (cp.cosigners.length ? `, cosigned by ${cp.cosigners.join(', ')}` : ', no witness cosignature'));
    if (state.size) {
      if (cp.size < state.size) throw new Failure(`the log now has ${cp.size} leaves, fewer than the ${state.size} verified before`);
      const proof = cp.size === state.size ? [] : (await get(`/api/v1/audit/proof/consistency?from=${state.size}&to=${cp.size}`)).proof.map(fromB64);
      await verifyConsistency(state.size, cp.size, proof, fromB64(state.root), cp.root);
      lines.push(cp.size === state.size ? 'consistency: the same tree as verified before'
        : `consistency: size ${state.size.toLocaleString('en')} → ${cp.size.toLocaleString('en')} proven append-only`);
    }
    let entries = 0;
    let leaves = 0;
    let after = state.seq;
    let pages = 0;
    for (; ownEntries && pages < MAX_PAGES; pages++) {
      const page = await get(`/api/v1/audit/entries?after=${after}&limit=100&size=${cp.size}`);
      if (!page.items.length) break;
      leaves += await verifyPage(page, cp);
      entries += page.items.length;
      after = page.items[page.items.length - 1].seq;
      if (page.next === null || page.next === undefined) break;
    }
    if (ownEntries) lines.push(`inclusion: ${entries} own entr${entries === 1 ? 'y' : 'ies'} since the last check (${leaves} leaves`
      + ' with their node leaves) in the signed tree' + (pages === MAX_PAGES ? '; more remain, checked next time' : ''));
    state.size = cp.size;
    state.root = toB64(cp.root);
    state.seq = after;
    state.checked = new Date().toISOString();
    return { ok: true, lines, state };
  } catch (e) {
    lines.push((e instanceof Failure ? 'FAILED: ' : 'could not check: ') + e.message);
    return { ok: false, lines, state: previous };
  }
}
