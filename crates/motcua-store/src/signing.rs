//! Remote signatures in flight (`signing_requests`): the leader asked the remote-signing
//! service to sign a dossier's draft result and approves on their phone, minutes or hours
//! later, possibly while another instance of the service answers. What the file was prepared
//! with is kept here, so whichever instance completes it makes the same bytes again.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Query};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

/// A remote signature waiting for its signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningRequest {
    /// What is being signed: a dossier's draft result (the dossier's id) or a certified copy
    /// (the register entry's id); the table's `dossier_id` column holds either.
    pub dossier: uuid::Uuid,
    /// The request's id at the signing service.
    pub request: String,
    /// The signer's account.
    pub signer: String,
    /// The signing time put in the file.
    pub signing_at: DateTime<Utc>,
    /// The signer's certificate chain, PEM, leaf first.
    pub chain: Vec<String>,
    /// Content hash of the file being signed.
    pub draft_file: String,
    /// The hash sent to the service (hex), to check the file made again is the same.
    pub hash: String,
}

#[derive(Iden)]
enum SigningRequests {
    Table,
    DossierId,
    CreatedAt,
    State,
}

struct Row {
    state: Json<SigningRequest>,
}

db_row!(Row { state });

impl Db {
    /// Keeps a request, replacing an earlier one for the same dossier.
    pub async fn put_signing_request(
        &self,
        r: &SigningRequest,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let state = serde_json::to_value(r).map_err(|e| StoreError::Encoding(e.to_string()))?;
        self.execute(
            &Query::insert()
                .into_table(SigningRequests::Table)
                .columns([
                    SigningRequests::DossierId,
                    SigningRequests::CreatedAt,
                    SigningRequests::State,
                ])
                .values_panic([r.dossier.into(), at.into(), state.into()])
                .on_conflict(
                    OnConflict::column(SigningRequests::DossierId)
                        .update_columns([SigningRequests::CreatedAt, SigningRequests::State])
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    /// The request waiting for a dossier, if any.
    pub async fn signing_request(
        &self,
        dossier: uuid::Uuid,
    ) -> Result<Option<SigningRequest>, StoreError> {
        Ok(self
            .fetch_optional(
                &Query::select()
                    .column(SigningRequests::State)
                    .from(SigningRequests::Table)
                    .and_where(Expr::col(SigningRequests::DossierId).eq(dossier))
                    .to_owned(),
            )
            .await?
            .map(|r: Row| r.state.0))
    }

    /// Forgets a dossier's request (completed or refused).
    pub async fn delete_signing_request(&self, dossier: uuid::Uuid) -> Result<(), StoreError> {
        self.execute(
            &Query::delete()
                .from_table(SigningRequests::Table)
                .and_where(Expr::col(SigningRequests::DossierId).eq(dossier))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
