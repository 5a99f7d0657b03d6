//! With the `torch` feature, lets binaries, tests and benchmarks of this crate find libtorch (and
//! CUDA) at run time.

include!("libtorch.rs");

fn main() {
    if std::env::var_os("CARGO_FEATURE_TORCH").is_some() {
        link_libtorch();
    }
}
