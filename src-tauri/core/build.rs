//! Finds the store's migrations: every `src/store/migrations/NNNN_name.sql`, numbered 1, 2, 3, …
//! without gaps, becomes one entry of the generated list the store applies in that order (schema
//! version N is the first N files). Adding a migration is adding its file; nothing registers it.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<(u32, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| {
            let name = entry
                .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
                .file_name()
                .into_string()
                .unwrap_or_else(|n| panic!("migration file name {n:?} is not UTF-8"));
            let number = name
                .strip_suffix(".sql")
                .and_then(|stem| stem.split_once('_'))
                .and_then(|(n, _)| n.parse::<u32>().ok())
                .unwrap_or_else(|| {
                    panic!(
                        "{name} in {}: migrations are named NNNN_name.sql",
                        dir.display()
                    )
                });
            (number, name)
        })
        .collect();
    files.sort();
    for (i, (number, name)) in files.iter().enumerate() {
        // The position is the schema version a database records: a gap or a duplicate number
        // would silently renumber every later migration.
        assert_eq!(
            *number as usize,
            i + 1,
            "{name}: migrations are numbered 1, 2, 3, … without gaps or duplicates"
        );
    }
    let mut out = String::from("&[\n");
    for (_, name) in &files {
        let path = dir.join(name);
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.to_str().expect("UTF-8 path")
        )
        .expect("writing to a String");
    }
    out.push(']');
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    std::fs::write(&target, out).unwrap_or_else(|e| panic!("writing {}: {e}", target.display()));
}
