//! Lets binaries and tests of this crate find libtorch at run time without LD_LIBRARY_PATH: the
//! torch library directory (from `LIBTORCH`, which `.cargo/config.toml` points at the project's
//! virtualenv) goes into the rpath.

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Ok(libtorch) = std::env::var("LIBTORCH") {
        let lib = std::path::Path::new(&libtorch).join("lib");
        let lib = lib.canonicalize().unwrap_or(lib);
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    }
}
