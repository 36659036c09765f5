//! The whole vector set passes (the same run as `cargo run -p salamander-vectors`).

#[test]
fn every_vector_passes() {
    let reports = salamander_vectors::run(&salamander_vectors::default_root(), None);
    assert!(!reports.is_empty(), "no vector files found");
    let failures: Vec<String> = reports
        .iter()
        .flat_map(|r| {
            r.cases.iter().filter_map(move |c| {
                c.failure.as_ref().map(|f| format!("{} tcId {}: {f}", r.path, c.tc_id))
            })
        })
        .collect();
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
