//! Lets binaries, tests and benchmarks of this crate find libtorch (and CUDA) at run time.

include!("libtorch.rs");

fn main() {
    link_libtorch();
}
