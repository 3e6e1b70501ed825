//! The report: one markdown table (every figure beside its budget), the machine, the date, notes.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    /// Reported without a budget.
    Info,
    /// Not measured (reason in the value column).
    Skip,
    /// The measurement itself broke.
    Error,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Info => "info",
            Status::Skip => "skipped",
            Status::Error => "ERROR",
        }
    }

    pub fn check(ok: bool) -> Status {
        if ok {
            Status::Pass
        } else {
            Status::Fail
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub what: String,
    pub value: String,
    pub budget: String,
    pub status: Status,
}

#[derive(Debug)]
pub struct Report {
    quick: bool,
    started: chrono::DateTime<chrono::Utc>,
    load_before: String,
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Report {
    pub fn new(quick: bool) -> Report {
        Report {
            quick,
            started: chrono::Utc::now(),
            load_before: loadavg(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn row(
        &mut self,
        id: &str,
        what: impl Into<String>,
        value: impl Into<String>,
        budget: impl Into<String>,
        status: Status,
    ) {
        let row = Row {
            id: id.to_string(),
            what: what.into(),
            value: value.into(),
            budget: budget.into(),
            status,
        };
        println!(
            "perf: [{}] {} {}: {} (budget {})",
            row.status.label(),
            row.id,
            row.what,
            row.value,
            row.budget
        );
        self.rows.push(row);
    }

    /// A measurement that could not be made.
    pub fn error(&mut self, id: &str, what: &str, err: impl std::fmt::Display) {
        self.row(id, what, format!("error: {err}"), "—", Status::Error);
    }

    pub fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        println!("perf: note: {text}");
        self.notes.push(text);
    }

    /// Full mode fails on any FAIL or ERROR; quick mode (budgets not enforced) only on ERROR.
    pub fn failed(&self, quick: bool) -> bool {
        self.rows
            .iter()
            .any(|r| r.status == Status::Error || (!quick && r.status == Status::Fail))
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        let mode = if self.quick {
            "quick (debug build, small sizes — budgets shown, NOT enforced)"
        } else {
            "full (release build, budgets enforced)"
        };
        let _ = writeln!(s, "# Ashby Sync benchmarks\n");
        let _ = writeln!(s, "- Mode: {mode}");
        let _ = writeln!(
            s,
            "- Date: {} (UTC), finished {}",
            self.started.format("%Y-%m-%d %H:%M"),
            chrono::Utc::now().format("%H:%M")
        );
        let _ = writeln!(s, "- Machine: {}", machine());
        let _ = writeln!(
            s,
            "- Load average at start: {} — at end: {}",
            self.load_before,
            loadavg()
        );
        let _ = writeln!(
            s,
            "- The machine is shared with other builds: wall times and latencies are noisy; \
             MB = 10^6 bytes.\n"
        );
        let _ = writeln!(s, "| # | Measure | Value | Budget | Result |");
        let _ = writeln!(s, "|---|---|---|---|---|");
        // In section order, whatever order the sections ran in (1c/1d run last); stable, so
        // a section's rows keep their order.
        let mut rows: Vec<&Row> = self.rows.iter().collect();
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        for r in rows {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                r.id,
                cell(&r.what),
                cell(&r.value),
                cell(&r.budget),
                r.status.label()
            );
        }
        let count = |st: Status| self.rows.iter().filter(|r| r.status == st).count();
        let _ = writeln!(
            s,
            "\n{} PASS, {} FAIL, {} ERROR, {} info, {} skipped.",
            count(Status::Pass),
            count(Status::Fail),
            count(Status::Error),
            count(Status::Info),
            count(Status::Skip)
        );
        if !self.notes.is_empty() {
            let _ = writeln!(s, "\n## Notes\n");
            for n in &self.notes {
                let _ = writeln!(s, "- {n}");
            }
        }
        s
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// Cores and CPU model from /proc/cpuinfo, memory from /proc/meminfo.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let logical = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let usable = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(logical);
    let mem_gb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb * 1024.0 / 1e9)
        .unwrap_or(0.0);
    format!(
        "{usable} cores ({logical} logical CPUs listed), {model}, {mem_gb:.0} GB RAM, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

pub fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.1} s")
    }
}
