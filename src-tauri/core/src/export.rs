//! Export of the jobs list as CSV (RFC 4180, UTF-8) or JSON: the rows the jobs view shows for
//! the same filters and sort ([`Store::list_jobs`], every page), one per job, with its postings.
//!
//! CSV cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return) get a leading `'`, as OWASP's "CSV Injection" page recommends, so a
//! job title cannot run a formula in Excel or Sheets. JSON keeps the exact text.

use crate::ashby::{EmploymentType, JobStatus, WorkplaceType};
use crate::enums::closed_enum;
use crate::error::{AppError, ErrorCode};
use crate::store::{JobListItem, JobQuery, Store, MAX_PAGE_SIZE};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

closed_enum!(
    pub enum ExportFormat {
        Csv => "csv",
        Json => "json",
    }
);

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        self.as_str()
    }
}

/// One job as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportJob {
    pub id: String,
    pub title: String,
    pub status: JobStatus,
    pub department: Option<String>,
    pub location: Option<String>,
    pub workplace_type: Option<WorkplaceType>,
    pub employment_type: Option<EmploymentType>,
    pub confidential: bool,
    pub requisition_id: Option<String>,
    pub created_at: Option<String>,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
    pub updated_at: String,
    /// At least one posting is listed on the public job board.
    pub listed: bool,
    pub postings: Vec<ExportPosting>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportPosting {
    pub id: String,
    pub title: String,
    pub is_listed: bool,
    /// The job board page (`externalLink`, else `applyLink`).
    pub link: Option<String>,
    /// Ashby's compensation summary, e.g. "$120K – $150K".
    pub compensation: Option<String>,
}

/// The jobs to export and whether a search matched more than the list ranks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportList {
    pub jobs: Vec<ExportJob>,
    /// As the list's "2,000+": the search matched more than are ranked.
    pub truncated: bool,
}

/// Every row `list_jobs` returns for `query`'s filters and sort, all pages, in order.
pub fn list_all(store: &Store, query: &JobQuery) -> crate::store::Result<(Vec<JobListItem>, bool)> {
    let mut query = JobQuery {
        offset: 0,
        limit: Some(MAX_PAGE_SIZE),
        ..query.clone()
    };
    let mut rows = Vec::new();
    let mut truncated = false;
    loop {
        let page = store.list_jobs(&query)?;
        truncated |= page.truncated;
        let n = page.rows.len() as u32;
        rows.extend(page.rows);
        if n == 0 || rows.len() as u32 >= page.total {
            break;
        }
        query.offset += n;
    }
    Ok((rows, truncated))
}

/// The list for `query` with each job's postings.
pub fn collect(store: &Store, query: &JobQuery) -> crate::store::Result<ExportList> {
    let (rows, truncated) = list_all(store, query)?;
    let mut jobs = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(d) = store.job_detail(&row.id)? else {
            continue; // removed by a sync between the two reads
        };
        let j = d.job;
        jobs.push(ExportJob {
            id: j.id,
            title: j.title,
            status: j.status,
            department: d.department_name,
            location: d.location_name,
            workplace_type: d.workplace_type,
            employment_type: j.employment_type,
            confidential: j.confidential,
            requisition_id: j.custom_requisition_id,
            created_at: j.created_at,
            opened_at: j.opened_at,
            closed_at: j.closed_at,
            updated_at: j.updated_at,
            listed: d.postings.iter().any(|p| p.posting.is_listed),
            postings: d
                .postings
                .into_iter()
                .map(|p| {
                    let p = p.posting;
                    ExportPosting {
                        id: p.id,
                        title: p.title,
                        is_listed: p.is_listed,
                        link: p.external_link.or(p.apply_link),
                        compensation: p.compensation_tier_summary.filter(|c| !c.is_empty()),
                    }
                })
                .collect(),
        });
    }
    Ok(ExportList { jobs, truncated })
}

/// The CSV header, in column order.
pub const CSV_HEADER: [&str; 18] = [
    "Job ID",
    "Title",
    "Status",
    "Department",
    "Location",
    "Workplace",
    "Employment type",
    "Confidential",
    "Requisition ID",
    "Created",
    "Opened",
    "Closed",
    "Updated",
    "Listed on job board",
    "Postings",
    "Listed postings",
    "Job board links",
    "Compensation",
];

/// A cell a spreadsheet would take for a formula, made inert with a leading apostrophe.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "Yes"
    } else {
        "No"
    }
}

/// One job's CSV cells, in [`CSV_HEADER`] order (before neutralizing).
fn csv_cells(j: &ExportJob) -> [String; 18] {
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let postings = j
        .postings
        .iter()
        .map(|p| {
            format!(
                "{} ({})",
                p.title,
                if p.is_listed { "listed" } else { "unlisted" }
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let links = j
        .postings
        .iter()
        .filter(|p| p.is_listed)
        .filter_map(|p| p.link.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let mut comp: Vec<&str> = Vec::new();
    for c in j.postings.iter().filter_map(|p| p.compensation.as_deref()) {
        if !comp.contains(&c) {
            comp.push(c);
        }
    }
    [
        j.id.clone(),
        j.title.clone(),
        j.status.as_str().to_string(),
        opt(&j.department),
        opt(&j.location),
        j.workplace_type
            .as_ref()
            .map(|w| w.as_str().to_string())
            .unwrap_or_default(),
        j.employment_type
            .as_ref()
            .map(|e| e.as_str().to_string())
            .unwrap_or_default(),
        yes_no(j.confidential).into(),
        opt(&j.requisition_id),
        opt(&j.created_at),
        opt(&j.opened_at),
        opt(&j.closed_at),
        j.updated_at.clone(),
        yes_no(j.listed).into(),
        postings,
        j.postings
            .iter()
            .filter(|p| p.is_listed)
            .count()
            .to_string(),
        links,
        comp.join(" | "),
    ]
}

/// Writes `jobs` as CSV: a header row, one row per job, CRLF line ends, fields quoted where
/// RFC 4180 needs it. `bom`: start with a UTF-8 byte order mark, which Excel needs to read
/// the file as UTF-8 (files for people; not for pipes).
pub fn write_csv<W: Write>(out: W, jobs: &[ExportJob], bom: bool) -> std::io::Result<()> {
    let mut out = out;
    if bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    w.write_record(CSV_HEADER)?;
    for j in jobs {
        let cells = csv_cells(j);
        w.write_record(cells.iter().map(|c| neutralize(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

/// Writes `jobs` as a pretty-printed JSON array.
pub fn write_json<W: Write>(mut out: W, jobs: &[ExportJob]) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, jobs)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Writes the export to `path`, through a temporary file in the same folder renamed into
/// place, so a failure (disk full) never leaves half a file under the chosen name.
pub fn write_file(path: &Path, format: ExportFormat, jobs: &[ExportJob]) -> Result<(), AppError> {
    let fail = |e: std::io::Error| {
        AppError::new(
            ErrorCode::ExportFailed,
            format!(
                "Could not write {}: {e}. Choose a folder you can write to, or free some disk \
                 space, and export again.",
                path.display()
            ),
        )
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let tmp = path.with_file_name(format!(".{name}.part"));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut buf = std::io::BufWriter::new(file);
        match format {
            ExportFormat::Csv => write_csv(&mut buf, jobs, true)?,
            ExportFormat::Json => write_json(&mut buf, jobs)?,
        }
        let file = buf.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str, title: &str) -> ExportJob {
        ExportJob {
            id: id.into(),
            title: title.into(),
            status: JobStatus::Open,
            department: Some("Engineering".into()),
            location: Some("Zürich".into()),
            workplace_type: None,
            employment_type: None,
            confidential: false,
            requisition_id: None,
            created_at: None,
            opened_at: Some("2026-01-02T03:04:05Z".into()),
            closed_at: None,
            updated_at: "2026-02-03T04:05:06Z".into(),
            listed: true,
            postings: vec![
                ExportPosting {
                    id: "p1".into(),
                    title: "Engineer".into(),
                    is_listed: true,
                    link: Some("https://jobs.ashbyhq.com/acme/p1".into()),
                    compensation: Some("$100K – $120K".into()),
                },
                ExportPosting {
                    id: "p2".into(),
                    title: "Engineer (internal)".into(),
                    is_listed: false,
                    link: Some("https://jobs.ashbyhq.com/acme/p2".into()),
                    compensation: Some("$100K – $120K".into()),
                },
            ],
        }
    }

    fn csv_of(jobs: &[ExportJob]) -> String {
        let mut out = Vec::new();
        write_csv(&mut out, jobs, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn parse(text: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    }

    #[test]
    fn header_row_then_one_row_per_job_with_crlf() {
        let text = csv_of(&[job("a", "One"), job("b", "Two")]);
        let rows = parse(&text);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], CSV_HEADER.map(String::from).to_vec());
        assert_eq!(rows[1][0], "a");
        assert_eq!(rows[2][1], "Two");
        assert!(text.starts_with("Job ID,Title,Status,"), "{text}");
        assert!(text.ends_with("\r\n"));
        // Postings, their state, the listed one's link and the compensation once.
        assert_eq!(
            rows[1][14],
            "Engineer (listed)\nEngineer (internal) (unlisted)"
        );
        assert_eq!(rows[1][15], "1");
        assert_eq!(rows[1][16], "https://jobs.ashbyhq.com/acme/p1");
        assert_eq!(rows[1][17], "$100K – $120K");
        assert_eq!(rows[1][4], "Zürich");
    }

    #[test]
    fn commas_quotes_and_newlines_in_titles_are_quoted() {
        let title = "Engineer, \"Senior\"\nBerlin\r\nRemote";
        let text = csv_of(&[job("a", title)]);
        assert!(
            text.contains("\"Engineer, \"\"Senior\"\"\nBerlin\r\nRemote\""),
            "{text}"
        );
        assert_eq!(parse(&text)[1][1], title);
    }

    #[test]
    fn formulas_are_neutralised() {
        for (title, want) in [
            (
                "=HYPERLINK(\"https://evil.example\",\"x\")",
                "'=HYPERLINK(\"https://evil.example\",\"x\")",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("Engineer = lead", "Engineer = lead"),
            ("", ""),
        ] {
            let rows = parse(&csv_of(&[job("a", title)]));
            assert_eq!(rows[1][1], want, "{title:?}");
        }
        // Every column, not just the title.
        let mut j = job("a", "x");
        j.department = Some("=cmd|' /C calc'!A0".into());
        j.postings[0].title = "-x".into();
        let rows = parse(&csv_of(&[j]));
        assert_eq!(rows[1][3], "'=cmd|' /C calc'!A0");
        assert!(rows[1][14].starts_with("'-x (listed)"), "{:?}", rows[1][14]);
    }

    #[test]
    fn the_file_starts_with_a_bom_and_json_keeps_exact_text() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("jobs.csv");
        let jobs = [job("a", "=1+1")];
        write_file(&csv_path, ExportFormat::Csv, &jobs).unwrap();
        let bytes = std::fs::read(&csv_path).unwrap();
        assert!(bytes.starts_with("\u{feff}Job ID,".as_bytes()));
        let json_path = dir.path().join("jobs.json");
        write_file(&json_path, ExportFormat::Json, &jobs).unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
        assert_eq!(v[0]["title"], "=1+1");
        assert_eq!(v[0]["postings"][1]["isListed"], false);
        // No temporary file left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn an_unwritable_folder_is_an_export_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("jobs.csv");
        let e = write_file(&path, ExportFormat::Csv, &[job("a", "x")]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ExportFailed);
        assert!(e.to_string().contains("Could not write"), "{e}");
    }
}
