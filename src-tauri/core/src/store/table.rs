//! Synced tables, each declared once: its name, the stream that fills it, the columns a pass
//! writes (in the order [`SyncedRow::values`] binds them) and the columns the store derives
//! itself. The UPSERT and its "did anything change" test are generated from the declaration, and
//! a test checks the declaration against the migrated schema, so a column added by a migration
//! cannot be forgotten here (see the module doc of `store` for the token-reset rule).

use super::{Result, Stream};
use rusqlite::types::ToSqlOutput;
use rusqlite::Transaction;
use std::collections::HashSet;

/// One synced table.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// The stream whose pass writes this table (its token must be reset when a column is added).
    pub stream: Stream,
    /// Written by the pass, `id` first, in binding order.
    pub columns: &'static [&'static str],
    /// Columns the store computes or fills from elsewhere (search keys, hashes, descriptions):
    /// never part of the pass's UPSERT.
    pub derived: &'static [&'static str],
}

impl Table {
    /// `INSERT … ON CONFLICT (id) DO UPDATE SET … WHERE <some column differs>`: the statement
    /// changes no row (and reports 0) when the stored row already equals the record.
    pub fn upsert_sql(&self) -> String {
        let cols = self.columns.join(", ");
        let slots: Vec<String> = (1..=self.columns.len()).map(|i| format!("?{i}")).collect();
        let rest = &self.columns[1..];
        let set: Vec<String> = rest.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let differs: Vec<String> = rest
            .iter()
            .map(|c| format!("{c} IS NOT excluded.{c}"))
            .collect();
        format!(
            "INSERT INTO {name} ({cols}) VALUES ({slots})\n\
             ON CONFLICT ({key}) DO UPDATE SET {set}\n\
             WHERE {differs}",
            name = self.name,
            key = self.columns[0],
            slots = slots.join(", "),
            set = set.join(", "),
            differs = differs.join(" OR "),
        )
    }

    /// A plain `INSERT` of the written columns (child rows replaced wholesale, e.g. a job's team).
    pub fn insert_sql(&self) -> String {
        let slots: Vec<String> = (1..=self.columns.len()).map(|i| format!("?{i}")).collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.name,
            self.columns.join(", "),
            slots.join(", ")
        )
    }

    /// `SELECT <written columns> FROM <table>`, for reading rows back by name.
    pub fn select_sql(&self) -> String {
        format!("SELECT {} FROM {}", self.columns.join(", "), self.name)
    }
}

/// A record one stream's pass writes into its [`Table`].
pub trait SyncedRow {
    const TABLE: &'static Table;

    fn id(&self) -> &str;

    /// The values of `TABLE.columns`, in that order.
    fn values(&self) -> rusqlite::Result<Vec<ToSqlOutput<'_>>>;

    /// After the UPSERT changed (or inserted) this row, in the pass's transaction.
    fn after_change(&self, _tx: &Transaction<'_>) -> Result<()> {
        Ok(())
    }

    /// A full pass did not see this id: remove it.
    fn remove(tx: &Transaction<'_>, id: &str) -> Result<()> {
        let sql = format!("DELETE FROM {} WHERE id = ?1", Self::TABLE.name);
        tx.prepare_cached(&sql)?.execute([id])?;
        Ok(())
    }

    /// Once per pass, with the ids that changed or were removed (e.g. mark the jobs below a
    /// changed department for re-indexing).
    fn after_pass(_tx: &Transaction<'_>, _changed: &HashSet<String>) -> Result<()> {
        Ok(())
    }
}

/// Every synced table, for the schema checks.
pub const SYNCED_TABLES: &[&Table] = &[
    &super::write::DEPARTMENTS,
    &super::write::LOCATIONS,
    &super::write::JOBS,
    &super::write::POSTINGS,
    &super::write::HIRING_TEAM,
];

#[cfg(test)]
mod tests {
    use super::*;

    const T: Table = Table {
        name: "things",
        stream: Stream::Jobs,
        columns: &["id", "a", "b"],
        derived: &[],
    };

    #[test]
    fn upsert_is_derived_from_the_columns() {
        assert_eq!(
            T.upsert_sql(),
            "INSERT INTO things (id, a, b) VALUES (?1, ?2, ?3)\n\
             ON CONFLICT (id) DO UPDATE SET a = excluded.a, b = excluded.b\n\
             WHERE a IS NOT excluded.a OR b IS NOT excluded.b"
        );
        assert_eq!(T.select_sql(), "SELECT id, a, b FROM things");
    }

    #[test]
    fn upsert_reports_only_real_changes() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE things (id TEXT PRIMARY KEY, a TEXT, b INTEGER)")
            .unwrap();
        let sql = T.upsert_sql();
        let up =
            |a: Option<&str>, b: i64| conn.execute(&sql, rusqlite::params!["x", a, b]).unwrap();
        assert_eq!(up(Some("1"), 2), 1);
        assert_eq!(up(Some("1"), 2), 0);
        assert_eq!(up(None, 2), 1);
        assert_eq!(up(None, 2), 0);
        assert_eq!(up(None, 3), 1);
    }

    /// Every column of every synced table is declared, as written or as derived, exactly once.
    #[test]
    fn declarations_match_the_migrated_schema() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("c.sqlite3"))
            .unwrap()
            .store;
        let conn = store.reader();
        for table in SYNCED_TABLES {
            let mut actual = crate::store::table_columns(&conn, table.name).unwrap();
            actual.sort();
            let mut declared: Vec<String> = table
                .columns
                .iter()
                .chain(table.derived)
                .map(|c| c.to_string())
                .collect();
            declared.sort();
            assert_eq!(actual, declared, "columns of {}", table.name);
        }
    }
}
