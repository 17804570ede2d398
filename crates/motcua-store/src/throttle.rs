//! Sign-in attempts counted before the password is checked. Each attempt is first counted
//! as a failure, in one upsert per key that returns the new count, so parallel guesses each
//! see the count the others left and none slips past the limit; a success gives its own
//! attempt back. Nothing here knows whether an account exists.

use sea_query::{Expr, ExprTrait, Iden, OnConflict, Query};

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum SignInThrottle {
    Table,
    Key,
    Failures,
    WindowStart,
}

struct CountRow {
    key: String,
    failures: i64,
    window_start: i64,
}

db_row!(CountRow {
    key,
    failures,
    window_start
});

/// One key's count after an attempt was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptCount {
    /// The key (`user:…`, `addr:…`, `pair:…`).
    pub key: String,
    /// Attempts not given back in the window, this one included.
    pub failures: i64,
    /// When the window began (Unix seconds).
    pub window_start: i64,
}

impl Db {
    /// Counts an attempt against every key; a window that began more than `window` seconds
    /// before `now` starts again.
    pub async fn count_sign_in_attempt(
        &self,
        keys: &[String],
        now: i64,
        window: i64,
    ) -> Result<Vec<AttemptCount>, StoreError> {
        use SignInThrottle as T;
        let mut insert = Query::insert()
            .into_table(T::Table)
            .columns([T::Key, T::Failures, T::WindowStart])
            .to_owned();
        for k in keys {
            insert.values_panic([k.as_str().into(), 1i64.into(), now.into()]);
        }
        let expired = Expr::col((T::Table, T::WindowStart)).lt(now - window);
        let stmt = insert
            .on_conflict(
                OnConflict::column(T::Key)
                    .value(
                        T::Failures,
                        Expr::case(expired.clone(), 1i64)
                            .finally(Expr::col((T::Table, T::Failures)).add(1i64)),
                    )
                    .value(
                        T::WindowStart,
                        Expr::case(expired, now).finally(Expr::col((T::Table, T::WindowStart))),
                    )
                    .to_owned(),
            )
            .returning(Query::returning().columns([T::Key, T::Failures, T::WindowStart]))
            .to_owned();
        let mut tx = self.begin_write().await?;
        let rows: Vec<CountRow> = tx.fetch_all(&stmt).await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|r| AttemptCount {
                key: r.key,
                failures: r.failures,
                window_start: r.window_start,
            })
            .collect())
    }

    /// Gives a successful attempt back: it was counted as a failure before the check.
    pub async fn give_back_sign_in_attempt(&self, keys: &[String]) -> Result<(), StoreError> {
        use SignInThrottle as T;
        self.execute(
            &Query::update()
                .table(T::Table)
                .value(T::Failures, Expr::col(T::Failures).sub(1i64))
                .and_where(Expr::col(T::Key).is_in(keys.iter().map(String::as_str)))
                .and_where(Expr::col(T::Failures).gt(0i64))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Forgets the failures counted against an account name, from every address (an
    /// administrator's unlock).
    pub async fn clear_sign_in_attempts(&self, username: &str) -> Result<(), StoreError> {
        use SignInThrottle as T;
        let name = username.trim().to_lowercase();
        self.execute(
            &Query::delete()
                .from_table(T::Table)
                .cond_where(
                    Expr::col(T::Key)
                        .eq(format!("user:{name}"))
                        .or(Expr::col(T::Key).like(format!("pair:%|{name}"))),
                )
                .to_owned(),
        )
        .await
        .map(|_| ())
    }
}
