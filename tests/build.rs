//! Lets the test binaries, which link the server and its matcher, find libtorch (and CUDA) at
//! run time.

include!("../matcher/libtorch.rs");

fn main() {
    link_libtorch();
}
