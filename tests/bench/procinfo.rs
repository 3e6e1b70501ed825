//! Memory figures from /proc (Linux).

use std::collections::{HashMap, HashSet};

/// A `kB` field of /proc/<pid>/status (`VmHWM`, `VmRSS`), in bytes.
pub fn status_field(pid: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    kb_field(&text, field)
}

/// Proportional set size (shared pages split between their users), in bytes.
pub fn pss(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    kb_field(&text, "Pss")
}

/// Unique set size: pages only this process maps (what stopping it would give back), in bytes.
pub fn uss(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    Some(kb_field(&text, "Private_Clean")? + kb_field(&text, "Private_Dirty")?)
}

fn kb_field(text: &str, field: &str) -> Option<u64> {
    let prefix = format!("{field}:");
    text.lines()
        .find(|l| l.starts_with(&prefix))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// `root` and all its descendants that are alive now, with their command names.
pub fn process_tree(root: u32) -> Vec<(u32, String)> {
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // "pid (comm) state ppid …": comm may contain spaces and parentheses.
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            let comm = stat[open + 1..close].to_string();
            let ppid = stat[close + 1..]
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parent.insert(pid, ppid);
                names.insert(pid, comm);
            }
        }
    }
    let mut tree: HashSet<u32> = HashSet::from([root]);
    loop {
        let before = tree.len();
        for (pid, ppid) in &parent {
            if tree.contains(ppid) {
                tree.insert(*pid);
            }
        }
        if tree.len() == before {
            break;
        }
    }
    let mut out: Vec<(u32, String)> = tree
        .into_iter()
        .filter(|p| names.contains_key(p))
        .map(|p| (p, names.get(&p).cloned().unwrap_or_default()))
        .collect();
    out.sort();
    out
}
