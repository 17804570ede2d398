//! Reading the land register: staff search (parcel number, certificate serial, CCCD or tax
//! code, name without diacritics), a parcel with everything that bears on it, the register
//! around one certificate (what a change set is built from), and a citizen's own land.

use chrono::{DateTime, Utc};
use motcua_core::dossier::{Actor, ActorKind};
use motcua_core::land::{Holding, LandObject, ObjectKind, ParcelNumber, Party, Version, current};
use uuid::Uuid;

use crate::{App, AppError};

/// At most this many hits per search.
pub const SEARCH_LIMIT: u64 = 50;
/// At most this many parcels drawn as neighbours on a parcel's map.
pub const NEIGHBOURS: u64 = 400;

/// One search hit: a parcel, with the certificate and holders that bear on it now.
#[derive(Debug, Clone)]
pub struct ParcelHit {
    /// The parcel's current version.
    pub parcel: Version,
    /// Its certificates now.
    pub certificates: Vec<Version>,
    /// The parties they name.
    pub holders: Vec<Party>,
}

/// A parcel and everything that bears on it, as it stood at an instant.
#[derive(Debug, Clone)]
pub struct ParcelView {
    /// The parcel at that instant.
    pub parcel: Version,
    /// Every version of it.
    pub history: Vec<Version>,
    /// Certificates, rights, restrictions and assets on it at that instant.
    pub linked: Vec<Version>,
    /// Every version of those, for the history table (who changed what, by which dossier).
    pub linked_history: Vec<Version>,
    /// The parties they name, by id.
    pub parties: Vec<(Uuid, Party)>,
    /// The parcels on the same map sheet (for the map).
    pub neighbours: Vec<Version>,
    /// Dossiers with a pending change on it.
    pub pending: Vec<Uuid>,
}

impl ParcelView {
    /// A party's name, or a dash.
    pub fn name(&self, id: Uuid) -> String {
        self.parties
            .iter()
            .find(|(p, _)| *p == id)
            .map_or_else(|| "—".to_owned(), |(_, p)| p.name.clone())
    }
}

/// The parties certificates and rights name, each once.
fn named(versions: &[Version]) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = versions
        .iter()
        .flat_map(|v| match &v.value {
            LandObject::Certificate(c) => c.holders.iter().map(|h| h.party).collect(),
            LandObject::Rrr(r) => r.holders.iter().map(|h| h.party).collect(),
            _ => Vec::new(),
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn staff(who: &Actor) -> Result<(), AppError> {
    match who.kind {
        ActorKind::Staff(_) | ActorKind::System(_) => Ok(()),
        ActorKind::Applicant => Err(AppError::Forbidden(
            "chỉ cán bộ được tra cứu sổ địa chính".into(),
        )),
    }
}

/// "20194/7/88", "20194 7 88": commune, sheet and parcel number.
pub fn parse_parcel_number(q: &str) -> Option<ParcelNumber> {
    let parts: Vec<&str> = q
        .split(|c: char| c == '/' || c == '-' || c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .collect();
    match parts.as_slice() {
        [commune, sheet, number] if commune.chars().all(|c| c.is_ascii_digit()) => {
            Some(ParcelNumber {
                commune: (*commune).to_owned(),
                sheet: sheet.parse().ok()?,
                number: number.parse().ok()?,
            })
        }
        _ => None,
    }
}

impl App {
    /// Logs that `who` was shown these parties' data (Law 91/2025: who read a person's data,
    /// when, why), once per person.
    pub async fn log_land_read(
        &self,
        who: &Actor,
        parties: &[&Party],
        dossier: Option<Uuid>,
        what: &str,
    ) -> Result<(), AppError> {
        let mut seen: Vec<&str> = Vec::new();
        for p in parties {
            let n = p.number.as_str();
            if n.is_empty() || seen.contains(&n) {
                continue;
            }
            seen.push(n);
            self.record_read(who, n, dossier, what).await?;
        }
        Ok(())
    }

    /// The register around one certificate now: it, its parcels, the parties it names (and
    /// those with `numbers`), and the rights, restrictions and assets on its parcels.
    pub async fn land_holding(
        &self,
        certificate: Option<Uuid>,
        numbers: &[String],
    ) -> Result<Holding, AppError> {
        let db = self.db();
        let mut h = Holding::default();
        if let Some(id) = certificate {
            let found = db.land_objects(&[id], None).await?;
            h.certificate = found
                .into_iter()
                .find(|v| v.object.kind == ObjectKind::Certificate);
            if h.certificate.is_none() {
                return Err(AppError::Invalid(
                    "Giấy chứng nhận không còn hiệu lực trong sổ địa chính".into(),
                ));
            }
        }
        if let Some(LandObject::Certificate(c)) = h.certificate.as_ref().map(|v| &v.value) {
            h.parcels = db.land_objects(&c.parcels, None).await?;
            let on = db.land_linked(&c.parcels, None, 500).await?;
            h.rrrs = on
                .into_iter()
                .filter(|v| v.object.kind == ObjectKind::Rrr)
                .collect();
            let ids: Vec<Uuid> = c.holders.iter().map(|x| x.party).collect();
            h.parties = db.land_objects(&ids, None).await?;
        }
        for n in numbers {
            let n = n.trim();
            if n.is_empty() || h.party_by_number(n).is_some() {
                continue;
            }
            let found = db.land_by_key(n, None, 5).await?;
            h.parties.extend(
                found
                    .into_iter()
                    .filter(|v| v.object.kind == ObjectKind::Party),
            );
        }
        Ok(h)
    }

    /// Staff search: a parcel number ("commune/sheet/number"), a certificate serial, a CCCD
    /// or tax code, or the start of a holder's name (diacritics ignored). Logged as a
    /// personal-data read when it names a person.
    pub async fn land_search(&self, who: &Actor, q: &str) -> Result<Vec<ParcelHit>, AppError> {
        staff(who)?;
        let q = q.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let db = self.db();
        let mut parcels: Vec<Version> = Vec::new();
        if let Some(n) = parse_parcel_number(q) {
            parcels.extend(db.parcel_by_number(&n, None).await?);
        } else {
            let keyed = db.land_by_key(q, None, SEARCH_LIMIT).await?;
            let mut parties: Vec<Uuid> = Vec::new();
            let mut cert_parcels: Vec<Uuid> = Vec::new();
            for v in &keyed {
                match &v.value {
                    LandObject::Certificate(c) => cert_parcels.extend(c.parcels.iter().copied()),
                    LandObject::Party(_) => parties.push(v.object.id),
                    _ => {}
                }
            }
            if keyed.is_empty() {
                let folded = motcua_core::text::fold(q);
                let named = db.parties_by_name(&folded, None, SEARCH_LIMIT).await?;
                parties.extend(named.iter().map(|v| v.object.id));
            }
            if !parties.is_empty() {
                let held = db.land_linked(&parties, None, SEARCH_LIMIT * 4).await?;
                for v in held {
                    if let LandObject::Certificate(c) = &v.value {
                        cert_parcels.extend(c.parcels.iter().copied());
                    }
                }
            }
            cert_parcels.sort_unstable();
            cert_parcels.dedup();
            cert_parcels.truncate(usize::try_from(SEARCH_LIMIT).unwrap_or(50));
            parcels = db.land_objects(&cert_parcels, None).await?;
        }
        let hits = self.parcel_hits(parcels).await?;
        let shown: Vec<&Party> = hits.iter().flat_map(|h| h.holders.iter()).collect();
        self.log_land_read(who, &shown, None, "land-search").await?;
        Ok(hits)
    }

    /// Each parcel with its certificates and holders now.
    async fn parcel_hits(&self, parcels: Vec<Version>) -> Result<Vec<ParcelHit>, AppError> {
        let db = self.db();
        let ids: Vec<Uuid> = parcels.iter().map(|v| v.object.id).collect();
        let linked = db.land_linked(&ids, None, 2_000).await?;
        let party_ids: Vec<Uuid> = linked
            .iter()
            .filter_map(|v| match &v.value {
                LandObject::Certificate(c) => Some(c.holders.iter().map(|h| h.party)),
                _ => None,
            })
            .flatten()
            .collect();
        let parties = db.land_objects(&party_ids, None).await?;
        Ok(parcels
            .into_iter()
            .map(|p| {
                let certificates: Vec<Version> = linked
                    .iter()
                    .filter(|v| {
                        matches!(&v.value, LandObject::Certificate(c) if c.parcels.contains(&p.object.id))
                    })
                    .cloned()
                    .collect();
                let holders = certificates
                    .iter()
                    .filter_map(|c| match &c.value {
                        LandObject::Certificate(c) => Some(c.holders.iter().map(|h| h.party)),
                        _ => None,
                    })
                    .flatten()
                    .filter_map(|id| {
                        parties.iter().find_map(|v| match &v.value {
                            LandObject::Party(x) if v.object.id == id => Some(x.clone()),
                            _ => None,
                        })
                    })
                    .collect();
                ParcelHit {
                    parcel: p,
                    certificates,
                    holders,
                }
            })
            .collect())
    }

    /// A parcel as it stood at `at` (now when `None`), with its history, what bears on it,
    /// its neighbours on the map sheet and the dossiers about to change it.
    pub async fn parcel_view(
        &self,
        who: &Actor,
        id: Uuid,
        at: Option<DateTime<Utc>>,
    ) -> Result<Option<ParcelView>, AppError> {
        staff(who)?;
        let db = self.db();
        let history = db.land_history(&[id]).await?;
        let parcel = match at {
            Some(t) => motcua_core::land::as_of(&history, t).cloned(),
            None => current(&history).cloned(),
        };
        let Some(parcel) = parcel.filter(|v| v.object.kind == ObjectKind::Parcel) else {
            return Ok(None);
        };
        let linked = db.land_linked(&[id], at, 500).await?;
        let linked_ids: Vec<Uuid> = linked.iter().map(|v| v.object.id).collect();
        let mut linked_history = db.land_history(&linked_ids).await?;
        // The holders' own changes (a new address, new papers) belong to the parcel's story.
        let party_ids = named(&linked_history);
        linked_history.extend(db.land_history(&party_ids).await?);
        let parties: Vec<(Uuid, Party)> = db
            .land_objects(&party_ids, at)
            .await?
            .into_iter()
            .filter_map(|v| match v.value {
                LandObject::Party(p) => Some((v.object.id, p)),
                _ => None,
            })
            .collect();
        let neighbours = match &parcel.value {
            LandObject::Parcel(p) => {
                db.parcels_on_sheet(&p.number.commune, p.number.sheet, at, NEIGHBOURS)
                    .await?
            }
            _ => Vec::new(),
        };
        let pending = db.pending_land_changes(&[id], Uuid::nil()).await?;
        let shown: Vec<&Party> = parties.iter().map(|(_, p)| p).collect();
        self.log_land_read(who, &shown, None, &format!("land-parcel:{id}"))
            .await?;
        Ok(Some(ParcelView {
            parcel,
            history,
            linked,
            linked_history,
            parties,
            neighbours,
            pending,
        }))
    }

    /// A parcel (by id, or by its number) as it stood at `at`, with the certificates, rights,
    /// restrictions and assets on it then and the parties they name: the read API's answer.
    pub async fn parcel_read(
        &self,
        who: &Actor,
        id: Option<Uuid>,
        number: Option<&ParcelNumber>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Option<(Version, Vec<Version>)>, AppError> {
        staff(who)?;
        let db = self.db();
        let parcel = match (id, number) {
            (Some(id), _) => db
                .land_objects(&[id], at)
                .await?
                .into_iter()
                .find(|v| v.object.kind == ObjectKind::Parcel),
            (None, Some(n)) => db.parcel_by_number(n, at).await?,
            (None, None) => None,
        };
        let Some(parcel) = parcel else {
            return Ok(None);
        };
        let mut linked = db.land_linked(&[parcel.object.id], at, 500).await?;
        let parties = named(&linked);
        linked.extend(db.land_objects(&parties, at).await?);
        self.log_versions_read(who, &linked, "land-api").await?;
        Ok(Some((parcel, linked)))
    }

    /// A certificate by serial as it stood at `at`, with its parcels and holders.
    pub async fn certificate_read(
        &self,
        who: &Actor,
        serial: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<Option<(Version, Vec<Version>)>, AppError> {
        staff(who)?;
        let db = self.db();
        let Some(cert) = db
            .land_by_key(serial.trim(), at, 5)
            .await?
            .into_iter()
            .find(|v| v.object.kind == ObjectKind::Certificate)
        else {
            return Ok(None);
        };
        let mut ids = Vec::new();
        if let LandObject::Certificate(c) = &cert.value {
            ids.extend(c.parcels.iter().copied());
            ids.extend(c.holders.iter().map(|h| h.party));
        }
        let related = db.land_objects(&ids, at).await?;
        self.log_versions_read(who, &related, "land-api").await?;
        Ok(Some((cert, related)))
    }

    /// Every version of a register object (its history, each naming the dossier that made
    /// it).
    pub async fn land_object_history(
        &self,
        who: &Actor,
        id: Uuid,
    ) -> Result<Vec<Version>, AppError> {
        staff(who)?;
        let versions = self.db().land_history(&[id]).await?;
        self.log_versions_read(who, &versions, "land-api").await?;
        Ok(versions)
    }

    /// [`App::log_land_read`] for the parties among `versions`.
    async fn log_versions_read(
        &self,
        who: &Actor,
        versions: &[Version],
        what: &str,
    ) -> Result<(), AppError> {
        let parties: Vec<&Party> = versions
            .iter()
            .filter_map(|v| match &v.value {
                LandObject::Party(p) => Some(p),
                _ => None,
            })
            .collect();
        self.log_land_read(who, &parties, None, what).await
    }

    /// The parcels where the signed-in citizen holds a right now, from their verified
    /// identity (never from a number they typed): each with its certificates.
    pub async fn my_land(&self, who: &Actor) -> Result<Vec<ParcelHit>, AppError> {
        if who.kind != ActorKind::Applicant {
            return Ok(Vec::new());
        }
        let number = who.id.strip_prefix("citizen:").unwrap_or(&who.id);
        let db = self.db();
        let held = db.land_held_by(number, None, SEARCH_LIMIT).await?;
        // The party itself, to keep only the certificates that name it.
        let parties: Vec<Uuid> = db
            .land_by_key(number, None, 10)
            .await?
            .into_iter()
            .filter(|v| matches!(&v.value, LandObject::Party(p) if p.number == number))
            .map(|v| v.object.id)
            .collect();
        let mut parcels: Vec<Uuid> = held
            .iter()
            .filter_map(|v| match &v.value {
                LandObject::Certificate(c) => Some(c.parcels.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        parcels.sort_unstable();
        parcels.dedup();
        let found = db.land_objects(&parcels, None).await?;
        let mut hits = self.parcel_hits(found).await?;
        // Only the certificates naming them (a parcel shared with others shows theirs too,
        // but a neighbour's certificate on another parcel never does).
        for h in &mut hits {
            h.certificates.retain(|c| {
                matches!(&c.value, LandObject::Certificate(x) if x.holders.iter().any(|p| parties.contains(&p.party)))
            });
        }
        // The holders shown are those of the citizen's own certificates: a neighbour on a
        // shared parcel, holding another certificate, is not shown to them.
        let kept: Vec<Uuid> = hits
            .iter()
            .flat_map(|h| h.certificates.iter())
            .filter_map(|c| match &c.value {
                LandObject::Certificate(x) => Some(x.holders.iter().map(|p| p.party)),
                _ => None,
            })
            .flatten()
            .collect();
        let named = self.db().land_objects(&kept, None).await?;
        for h in &mut hits {
            let own: Vec<Uuid> = h
                .certificates
                .iter()
                .filter_map(|c| match &c.value {
                    LandObject::Certificate(x) => Some(x.holders.iter().map(|p| p.party)),
                    _ => None,
                })
                .flatten()
                .collect();
            h.holders = named
                .iter()
                .filter(|v| own.contains(&v.object.id))
                .filter_map(|v| match &v.value {
                    LandObject::Party(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
        }
        Ok(hits)
    }

    /// The certificate in force with this serial, as a dossier's reference to it.
    pub async fn certificate_ref(
        &self,
        serial: &str,
    ) -> Result<Option<motcua_core::land::LandRef>, AppError> {
        let serial = serial.trim();
        if serial.is_empty() {
            return Ok(None);
        }
        Ok(self
            .db()
            .land_by_key(serial, None, 5)
            .await?
            .into_iter()
            .find_map(|v| match v.value {
                LandObject::Certificate(c) if c.serial == serial => {
                    Some(motcua_core::land::LandRef {
                        certificate: v.object.id,
                        serial: c.serial,
                    })
                }
                _ => None,
            }))
    }

    /// The certificate as a dossier's reference, when it is in force and the signed-in
    /// citizen holds it.
    pub async fn land_ref_held(
        &self,
        who: &Actor,
        certificate: Uuid,
    ) -> Result<Option<motcua_core::land::LandRef>, AppError> {
        let hit = self.my_land(who).await?.into_iter().find_map(|h| {
            h.certificates.into_iter().find_map(|c| match c.value {
                LandObject::Certificate(x) if c.object.id == certificate => {
                    Some(motcua_core::land::LandRef {
                        certificate,
                        serial: x.serial,
                    })
                }
                _ => None,
            })
        });
        Ok(hit)
    }

    /// Whether the signed-in citizen is named on this certificate now.
    pub async fn holds_certificate(
        &self,
        who: &Actor,
        certificate: Uuid,
    ) -> Result<bool, AppError> {
        Ok(self
            .my_land(who)
            .await?
            .iter()
            .any(|h| h.certificates.iter().any(|c| c.object.id == certificate)))
    }
}
