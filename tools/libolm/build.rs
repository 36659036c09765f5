//! Links against the system libolm (Debian's `libolm-dev`, version 3.2.13).

use std::path::Path;
use std::process::Command;

const HEADER: &str = "/usr/include/olm/olm.h";
const EXPECTED_VERSION: &str = "3.2.13";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={HEADER}");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");

    if !Path::new(HEADER).exists() {
        panic!(
            "salamander-libolm: {HEADER} not found. This crate wraps the system libolm \
             {EXPECTED_VERSION}: install Debian's libolm-dev (apt-get install libolm-dev)"
        );
    }

    // Use pkg-config's search path and version if it is available; it is optional.
    if let Some(libs) = pkg_config(&["--libs-only-L", "olm"]) {
        for dir in libs.split_whitespace().filter_map(|t| t.strip_prefix("-L")) {
            println!("cargo:rustc-link-search=native={dir}");
        }
    }
    if let Some(version) = pkg_config(&["--modversion", "olm"]) {
        let version = version.trim();
        if version != EXPECTED_VERSION {
            println!(
                "cargo:warning=salamander-libolm expects libolm {EXPECTED_VERSION}, \
                 pkg-config reports {version}"
            );
        }
    }

    println!("cargo:rustc-link-lib=olm");
}

fn pkg_config(args: &[&str]) -> Option<String> {
    let out = Command::new("pkg-config").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}
