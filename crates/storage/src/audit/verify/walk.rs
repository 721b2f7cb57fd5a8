//! The one pass over the trail: every entry read once, in chain order, its place in its
//! chain and its hash or seal checked, and what the later checks need gathered on the
//! way (each chain's end, each position's entry, each record's latest row). The trail
//! of a large organisation is millions of entries: reading it once per check would
//! multiply the time.

use std::collections::HashMap;

use super::finding::{Finding, Place};
use crate::audit::batch::{Digested, digested};
use crate::audit::chain::{KeyingMarker, MARKER};
use crate::audit::hash::{ChainEnd, EntryFields, GENESIS, entry_hash};
use crate::audit::key::{AuditKey, entry_mac};
use crate::db::Db;
use crate::error::StoreResult;

/// An audit entry as stored: every column its hash covers, and its place.
#[derive(sqlx::FromRow)]
pub(super) struct EntryRow {
    pub(super) id: i64,
    at: String,
    actor_id: Option<i64>,
    action: String,
    entity: String,
    entity_id: i64,
    entity_version: Option<i64>,
    reason: Option<String>,
    before_json: Option<String>,
    after_json: Option<String>,
    digests: Option<String>,
    chain: Option<i64>,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl EntryRow {
    /// The whole trail, chain by chain, each in the order of its positions.
    pub(super) async fn all(db: &Db) -> StoreResult<Vec<EntryRow>> {
        Ok(sqlx::query_as::<_, EntryRow>(
            "SELECT id, at, actor_id, action, entity, entity_id, entity_version, reason, before_json, after_json, digests, chain, seq, prev_hash, hash \
             FROM audit_log ORDER BY chain, seq, id",
        )
        .fetch_all(db.pool())
        .await?)
    }

    fn place(&self) -> Place {
        Place::of(self.id, &self.entity, self.entity_id, &self.at)
    }

    /// What its hash covers, at its place.
    fn fields(&self, chain: i64, seq: i64) -> EntryFields<'_> {
        EntryFields {
            id: self.id,
            chain,
            seq,
            prev_hash: self.prev_hash.as_deref().unwrap_or(""),
            at: &self.at,
            actor: self.actor_id,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id,
            version: self.entity_version,
            reason: self.reason.as_deref(),
            before: self.before_json.as_deref(),
            after: self.after_json.as_deref(),
            digests: self.digests.as_deref(),
        }
    }
}

/// What the pass gathered for the checks after it.
pub(super) struct Walked {
    /// Each chained entry's (id, hash) by its (chain, position), for the ends the keying
    /// marker and the checkpoints pin.
    pub(super) found: HashMap<(i64, i64), (i64, String)>,
    /// Each chain's end as its entries reach it, in chain order.
    pub(super) ends: Vec<ChainEnd>,
    /// Each record's latest entry: its id and what it recorded of the row.
    pub(super) latest: HashMap<(String, i64), (i64, Recorded)>,
    /// Entries checked by their seal.
    pub(super) sealed: i64,
    /// Sealed entries left unchecked for want of the key.
    pub(super) unchecked: i64,
}

/// What an entry recorded of a row.
pub(super) enum Recorded {
    /// The row it left (`None`: removed).
    Row(Option<String>),
    /// The digest an import's entry holds of a row it wrote.
    Digest(Digested),
}

/// The pass: what it gathered so far, and where it stands in the chain it is in.
pub(super) struct Walk<'s, 'k> {
    sealing: &'s Sealing<'k>,
    walked: Walked,
    chain: Option<i64>,
    /// The last hash, position and id seen in the chain.
    prev: String,
    expected_seq: i64,
    prev_id: i64,
}

impl<'s, 'k> Walk<'s, 'k> {
    pub(super) fn new(sealing: &'s Sealing<'k>, entries: usize) -> Walk<'s, 'k> {
        Walk {
            sealing,
            walked: Walked {
                found: HashMap::with_capacity(entries),
                ends: Vec::new(),
                latest: HashMap::new(),
                sealed: 0,
                unchecked: 0,
            },
            chain: None,
            prev: GENESIS.to_string(),
            expected_seq: 1,
            prev_id: 0,
        }
    }

    /// Checks the next entry (in the order [`EntryRow::all`] reads them) and notes it.
    pub(super) fn entry(&mut self, e: EntryRow, problems: &mut Vec<Finding>) {
        let (Some(chain), Some(seq)) = (e.chain, e.seq) else {
            problems.push(Finding::NotChained { entry: e.id });
            return;
        };
        if self.chain != Some(chain) {
            self.end_chain();
            self.chain = Some(chain);
            (self.prev, self.expected_seq, self.prev_id) = (GENESIS.to_string(), 1, 0);
        }
        self.check_place(&e, seq, problems);
        self.check_hash(&e, chain, seq, problems);
        let hash = e.hash.unwrap_or_default();
        self.walked.found.insert((chain, seq), (e.id, hash.clone()));
        self.prev = hash;
        self.expected_seq = seq + 1;
        self.prev_id = e.id;
        if let Some(text) = &e.digests {
            match digested(text) {
                Ok(rows) => {
                    for (key, d) in rows {
                        self.note(key, e.id, Recorded::Digest(d));
                    }
                }
                Err(_) => problems.push(Finding::DigestsUnreadable { entry: e.id }),
            }
        }
        self.note((e.entity, e.entity_id), e.id, Recorded::Row(e.after_json));
    }

    /// What entry `id` recorded of a record, if no later entry seen so far did.
    fn note(&mut self, key: (String, i64), id: i64, recorded: Recorded) {
        if self
            .walked
            .latest
            .get(&key)
            .is_none_or(|(known, _)| *known < id)
        {
            self.walked.latest.insert(key, (id, recorded));
        }
    }

    /// What the pass gathered, the last chain's end with it.
    pub(super) fn finish(mut self) -> Walked {
        self.end_chain();
        self.walked
    }

    fn end_chain(&mut self) {
        if let Some(c) = self.chain {
            self.walked
                .ends
                .push((c, self.expected_seq - 1, self.prev.clone()));
        }
    }

    /// The entry follows the one before it in its chain: the next position, a higher
    /// number, the previous hash.
    fn check_place(&self, e: &EntryRow, seq: i64, problems: &mut Vec<Finding>) {
        if seq != self.expected_seq {
            problems.push(if self.prev_id == 0 {
                Finding::MissingBefore { entry: e.id, seq }
            } else {
                Finding::MissingBetween {
                    after: self.prev_id,
                    entry: e.id,
                }
            });
        }
        if e.id <= self.prev_id {
            problems.push(Finding::OutOfOrder {
                entry: e.id,
                after: self.prev_id,
            });
        }
        if e.prev_hash.as_deref() != Some(self.prev.as_str()) {
            problems.push(Finding::NotFollowing { entry: e.id });
        }
    }

    /// The entry's content still gives its hash, or its seal, by the rule of its place.
    fn check_hash(&mut self, e: &EntryRow, chain: i64, seq: i64, problems: &mut Vec<Finding>) {
        let fields = e.fields(chain, seq);
        let hash = e.hash.as_deref();
        match self.sealing.rule(chain, seq) {
            Rule::Unkeyed => {
                if hash != Some(entry_hash(&fields).as_str()) {
                    problems.push(Finding::Changed(e.place()));
                }
            }
            Rule::Sealed(key) => {
                self.walked.sealed += 1;
                if hash != Some(entry_mac(key, &fields).as_str()) {
                    problems.push(if hash == Some(entry_hash(&fields).as_str()) {
                        Finding::Unsealed(e.place())
                    } else {
                        Finding::ChangedOrUnsealed(e.place())
                    });
                }
            }
            Rule::SealedWithoutKey => self.walked.unchecked += 1,
        }
    }
}

/// Which rule an entry's hash follows.
enum Rule<'k> {
    /// SM3, as before the trail was sealed.
    Unkeyed,
    /// SM3-HMAC with this key.
    Sealed(&'k AuditKey),
    /// Sealed, but verify has no usable key.
    SealedWithoutKey,
}

/// Where the trail's sealing begins (its keying marker) and the key to check it with.
pub(super) struct Sealing<'k> {
    /// The key given, if it is the trail's.
    key: Option<&'k AuditKey>,
    marker: Option<KeyingMarker>,
    /// The marker's last unkeyed position of each chain, by chain (looked up per entry).
    unkeyed_until: HashMap<i64, i64>,
    /// Without a marker: whether every entry is sealed (a key was given).
    all_sealed: bool,
}

impl<'k> Sealing<'k> {
    pub(super) fn read(
        entries: &[EntryRow],
        key: Option<&'k AuditKey>,
        problems: &mut Vec<Finding>,
    ) -> Sealing<'k> {
        let mut first: Option<(i64, Option<&str>)> = None;
        for e in entries {
            if (e.entity.as_str(), e.entity_id, e.action.as_str()) == MARKER
                && first.as_ref().is_none_or(|(f, _)| e.id < *f)
            {
                first = Some((e.id, e.after_json.as_deref()));
            }
        }
        let marker = match first {
            None => None,
            Some((id, after)) => match serde_json::from_str::<KeyingMarker>(after.unwrap_or("")) {
                Ok(m) => Some(m),
                Err(_) => {
                    problems.push(Finding::MarkerUnreadable { entry: id });
                    None
                }
            },
        };
        let key = match (&marker, key) {
            (Some(m), Some(k)) if m.key_id != k.id() => {
                problems.push(Finding::WrongKey {
                    sealed_with: m.key_id.clone(),
                    given: k.id().to_string(),
                });
                None
            }
            (None, Some(_)) if !entries.is_empty() => {
                problems.push(Finding::NoMarker);
                key
            }
            _ => key,
        };
        Sealing {
            all_sealed: marker.is_none() && key.is_some(),
            unkeyed_until: marker
                .iter()
                .flat_map(|m| m.heads.iter().map(|(c, s, _)| (*c, *s)))
                .collect(),
            key,
            marker,
        }
    }

    fn rule(&self, chain: i64, seq: i64) -> Rule<'k> {
        let sealed = match &self.marker {
            Some(_) => seq > self.unkeyed_until.get(&chain).copied().unwrap_or(0),
            None => self.all_sealed,
        };
        match (sealed, self.key) {
            (false, _) => Rule::Unkeyed,
            (true, Some(key)) => Rule::Sealed(key),
            (true, None) => Rule::SealedWithoutKey,
        }
    }

    /// Where each chain stood when sealing began.
    pub(super) fn unkeyed_ends(&self) -> impl Iterator<Item = &ChainEnd> {
        self.marker.iter().flat_map(|m| m.heads.iter())
    }

    pub(super) fn marker_key(&self) -> Option<&str> {
        self.marker.as_ref().map(|m| m.key_id.as_str())
    }
}
