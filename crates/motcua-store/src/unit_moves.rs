//! What a merger of units moves in the accounts: staff and API tokens that acted for the unit
//! merged away act for its successor, in the merger's own transaction.

use sea_query::{Expr, ExprTrait, IntoIden as _, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::accounts::{ApiTokens, StaffAccounts};
use crate::db::Tx;
use crate::error::StoreError;
use crate::row::db_row;

struct UnitsRow {
    id: Uuid,
    units: Json<Vec<String>>,
}

db_row!(UnitsRow { id, units });

/// `units` with `from` replaced by `into` (once), or `None` when `from` is not in it.
fn moved(units: &[String], from: &str, into: &str) -> Option<Vec<String>> {
    if !units.iter().any(|u| u == from) {
        return None;
    }
    let mut out: Vec<String> = Vec::with_capacity(units.len());
    for u in units {
        let u = if u == from { into } else { u.as_str() };
        if !out.iter().any(|o| o == u) {
            out.push(u.to_owned());
        }
    }
    Some(out)
}

/// Every staff account and API token of `province` acting for `from` acts for `into` instead.
/// Returns how many accounts and tokens changed. The lists are short (a province's staff),
/// so they are read and rewritten here rather than matched inside JSON in SQL.
pub(crate) async fn move_units_in(
    tx: &mut Tx,
    province: &str,
    from: &str,
    into: &str,
) -> Result<usize, StoreError> {
    let mut changed = 0;
    for (table, id_col, units_col, province_col) in [
        (
            StaffAccounts::Table.into_iden(),
            StaffAccounts::Id.into_iden(),
            StaffAccounts::Units.into_iden(),
            StaffAccounts::ProvinceCode.into_iden(),
        ),
        (
            ApiTokens::Table.into_iden(),
            ApiTokens::Id.into_iden(),
            ApiTokens::Units.into_iden(),
            ApiTokens::ProvinceCode.into_iden(),
        ),
    ] {
        let rows: Vec<UnitsRow> = tx
            .fetch_all(
                &Query::select()
                    .expr_as(Expr::col(id_col.clone()), "id")
                    .expr_as(Expr::col(units_col.clone()), "units")
                    .from(table.clone())
                    .and_where(Expr::col(province_col).eq(province))
                    .to_owned(),
            )
            .await?;
        for r in rows {
            let Some(units) = moved(&r.units.0, from, into) else {
                continue;
            };
            let units =
                serde_json::to_value(units).map_err(|e| StoreError::Encoding(e.to_string()))?;
            tx.execute(
                &Query::update()
                    .table(table.clone())
                    .value(units_col.clone(), units)
                    .and_where(Expr::col(id_col.clone()).eq(r.id))
                    .to_owned(),
            )
            .await?;
            changed += 1;
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::moved;

    #[test]
    fn a_unit_is_replaced_once_and_others_stay() {
        let units = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(moved(&units(&["A", "B"]), "C", "D"), None);
        assert_eq!(
            moved(&units(&["A", "B"]), "A", "D"),
            Some(units(&["D", "B"]))
        );
        // Someone of both units keeps the successor once.
        assert_eq!(moved(&units(&["A", "B"]), "A", "B"), Some(units(&["B"])));
    }
}
