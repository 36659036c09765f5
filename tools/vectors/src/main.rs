//! `cargo run --release -p salamander-vectors -- [--filter TEXT] [--json] [DIR]`
//!
//! Runs every known-answer vector under `test-vectors/` (or DIR) against salamander and prints a
//! table per file. Exits non-zero if any case fails.
//!
//! `-- --write-dmls-transcript [DIR]` instead writes `dmls/transcript.json` (under
//! `test-vectors/` or DIR): the DMLS regression transcript, which only salamander can produce.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut filter = None;
    let mut json = false;
    let mut write_transcript = false;
    let mut root = salamander_vectors::default_root();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--filter" => filter = args.next(),
            "--json" => json = true,
            "--write-dmls-transcript" => write_transcript = true,
            "-h" | "--help" => {
                println!("usage: salamander-vectors [--filter TEXT] [--json] [DIR]");
                println!("       salamander-vectors --write-dmls-transcript [DIR]");
                return ExitCode::SUCCESS;
            }
            other => root = other.into(),
        }
    }

    if write_transcript {
        return match salamander_vectors::write_dmls_transcript(&root) {
            Ok(path) => {
                println!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot write the DMLS transcript: {e}");
                ExitCode::FAILURE
            }
        };
    }

    let reports = salamander_vectors::run(&root, filter.as_deref());
    let total: usize = reports.iter().map(|r| r.cases.len()).sum();
    let failed: usize = reports.iter().map(|r| r.failed()).sum();

    if json {
        let files: Vec<_> = reports
            .iter()
            .map(|r| {
                serde_json::json!({
                    "path": r.path, "algorithm": r.algorithm, "source": r.source,
                    "passed": r.passed(), "failed": r.failed(), "total": r.cases.len(),
                    "failures": r.cases.iter().filter_map(|c| c.failure.as_ref().map(|f| serde_json::json!({"tcId": c.tc_id, "reason": f}))).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::json!({"files": files, "total": total, "failed": failed}));
    } else {
        let width = |f: fn(&salamander_vectors::FileReport) -> usize, min: usize| {
            reports.iter().map(f).max().unwrap_or(0).max(min)
        };
        let (wf, wa, ws) = (
            width(|r| r.path.len(), 4),
            width(|r| r.algorithm.len(), 9),
            width(|r| r.source.len(), 6),
        );
        let rule = "-".repeat(wf + wa + ws + 24);
        println!(
            "{:<wf$} {:<wa$} {:<ws$} {:>6} {:>6} {:>6}",
            "file", "algorithm", "source", "passed", "failed", "total"
        );
        println!("{rule}");
        for report in &reports {
            println!(
                "{:<wf$} {:<wa$} {:<ws$} {:>6} {:>6} {:>6}",
                report.path,
                report.algorithm,
                report.source,
                report.passed(),
                report.failed(),
                report.cases.len()
            );
            for case in &report.cases {
                if let Some(reason) = &case.failure {
                    println!("    FAIL tcId {}: {reason}", case.tc_id);
                }
            }
        }
        println!("{rule}");
        println!(
            "{} files, {} cases, {} passed, {} failed",
            reports.len(),
            total,
            total - failed,
            failed
        );
    }
    if failed == 0 && total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
