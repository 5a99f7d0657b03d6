// Shared by the build scripts of every crate whose binaries link libtorch (each `include!`s it).

/// Puts libtorch's directory (from `LIBTORCH`, which `.cargo/config.toml` points at the project's
/// virtualenv) in the binaries' rpath, so they run without LD_LIBRARY_PATH, and keeps
/// libtorch_cuda linked when the installed torch has it. Nothing calls into libtorch_cuda
/// directly, so a linker that drops unreferenced libraries (`--as-needed`, the default on Debian
/// and Ubuntu) would leave it out, and CUDA would never be seen at run time.
fn link_libtorch() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    let Ok(libtorch) = std::env::var("LIBTORCH") else { return };
    let lib = std::path::Path::new(&libtorch).join("lib");
    let lib = lib.canonicalize().unwrap_or(lib);
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    if lib.join("libtorch_cuda.so").exists() {
        println!("cargo:rustc-link-arg=-Wl,--no-as-needed");
        println!("cargo:rustc-link-arg=-L{}", lib.display());
        println!("cargo:rustc-link-arg=-ltorch_cuda");
        println!("cargo:rustc-link-arg=-Wl,--as-needed");
    }
}
