//! Rebuild when migrations change (`sqlx::migrate!` embeds them at compile time), and, with the
//! `torch` feature, let the binaries find libtorch (and CUDA) at run time, for the matcher.

include!("../matcher/libtorch.rs");

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    if std::env::var_os("CARGO_FEATURE_TORCH").is_some() {
        link_libtorch();
    }
}
