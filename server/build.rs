//! Rebuild when migrations change (`sqlx::migrate!` embeds them at compile time), and let the
//! binaries find libtorch (and CUDA) at run time, for the matcher.

include!("../matcher/libtorch.rs");

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    link_libtorch();
}
