//! Opaque cursors and sync tokens, and the page walker shared by every paginated list.
//!
//! Both are base64url(JSON). Clients must treat them as opaque; tests may rely only on the
//! behaviour: rows are ordered by an internal change sequence, a cursor remembers the position and the
//! pass's high-water mark, a sync token remembers the high-water mark of the pass that issued it.

use std::collections::BTreeMap;
use std::ops::Bound;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CursorData {
    /// Always "c".
    pub k: String,
    /// Stream (endpoint) name.
    pub s: String,
    /// Hash of the request's filter parameters.
    pub f: u64,
    /// Change sequence of the last row returned.
    pub p: u64,
    /// High-water mark: the pass only covers rows with seq <= h.
    pub h: u64,
    /// Issued at (server clock, ms).
    pub i: i64,
    /// Serial number (for `expire_all_tokens`).
    pub n: u64,
    /// Server instance that issued it.
    pub x: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TokenData {
    /// Always "t".
    pub k: String,
    pub s: String,
    /// Change-sequence mark: the next incremental pass returns rows with seq > m.
    pub m: u64,
    pub i: i64,
    pub n: u64,
    pub x: u64,
}

pub(crate) fn encode<T: Serialize>(v: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap_or_default())
}

pub(crate) fn decode<T: for<'de> Deserialize<'de>>(s: &str) -> Option<T> {
    let bytes = URL_SAFE_NO_PAD.decode(s.trim().as_bytes()).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Walks `by_seq` from `after` (exclusive) up to `hwm` (inclusive), keeping rows that pass `visible`.
/// Returns up to `limit` row indices, whether more visible rows exist, and the seq of the last row.
pub(crate) fn walk(
    by_seq: &BTreeMap<u64, usize>,
    after: u64,
    hwm: u64,
    limit: usize,
    mut visible: impl FnMut(usize) -> bool,
) -> (Vec<usize>, bool, u64) {
    let mut out = Vec::with_capacity(limit.min(128));
    let mut last = after;
    if hwm <= after {
        return (out, false, last);
    }
    for (&seq, &idx) in by_seq.range((Bound::Excluded(after), Bound::Included(hwm))) {
        if !visible(idx) {
            continue;
        }
        if out.len() == limit {
            return (out, true, last);
        }
        out.push(idx);
        last = seq;
    }
    (out, false, last)
}

/// Counts visible rows in (after, hwm].
pub(crate) fn count(
    by_seq: &BTreeMap<u64, usize>,
    after: u64,
    hwm: u64,
    mut visible: impl FnMut(usize) -> bool,
) -> usize {
    if hwm <= after {
        return 0;
    }
    by_seq
        .range((Bound::Excluded(after), Bound::Included(hwm)))
        .filter(|(_, &idx)| visible(idx))
        .count()
}

/// FNV-1a, used for filter hashes, ETags and derived ids (stable across runs, unlike `DefaultHasher`).
pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A uuid-formatted id derived from a string.
pub(crate) fn derived_uuid(seed: &str) -> String {
    let a = fnv(seed.as_bytes());
    let b = fnv(format!("{seed}#2").as_bytes());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}
