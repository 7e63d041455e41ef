//! Copies the package data (`grammar/`, `patterns/` at the top of the repository) into OUT_DIR,
//! from where maturin puts it inside the package in the wheel (`arabic_rules/grammar`,
//! `arabic_rules/patterns`: see `include` in pyproject.toml). The crate itself reads none of it.

use std::fs;
use std::path::Path;

fn copy_dir(src: &Path, dst: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dst)?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') || name == "__pycache__" {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &dst.join(&name))?;
        } else {
            fs::copy(&path, dst.join(&name))?;
        }
    }
    Ok(())
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let root = Path::new(&manifest).join("..");
    for name in ["grammar", "patterns"] {
        let src = root.join(name);
        println!("cargo:rerun-if-changed={}", src.display());
        let dst = Path::new(&out).join(name);
        let _ = fs::remove_dir_all(&dst); // (files removed from the source go from the copy too)
        if src.is_dir() {
            if let Err(e) = copy_dir(&src, &dst) {
                println!("cargo:warning=could not copy {} into OUT_DIR: {e}", src.display());
            }
        } else {
            println!("cargo:warning={} not found: the wheel will lack the package data", src.display());
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
