//! What the matcher benchmarks share: synthetic attendees whose scores do not depend on text.

use matcher::{Attendee, EMBEDDING_DIM};
use tch::{Device, Kind, Tensor};

/// `n` attendees with random unit vectors, four of 80 tags and two of 500 earlier events each,
/// deterministic for `seed`.
pub fn random_people(n: usize, seed: i64) -> Vec<Attendee> {
    tch::manual_seed(seed);
    let unit = |t: Tensor| &t / t.norm_scalaropt_dim(2, [-1i64].as_slice(), true);
    let rows = |t: Tensor| Vec::<Vec<f32>>::try_from(&unit(t)).unwrap_or_default();
    let shape = [n as i64, EMBEDDING_DIM as i64];
    let (seek, offer, about) = (
        rows(Tensor::randn(shape, (Kind::Float, Device::Cpu))),
        rows(Tensor::randn(shape, (Kind::Float, Device::Cpu))),
        rows(Tensor::randn(shape, (Kind::Float, Device::Cpu))),
    );
    seek.into_iter()
        .zip(offer)
        .zip(about)
        .enumerate()
        .map(|(i, ((seek, offer), about))| Attendee {
            seek,
            offer,
            about,
            tags: (0..4).map(|j| format!("tag{}", (i * 7 + j * 13) % 80)).collect(),
            context: (0..2).map(|j| format!("event:{}", (i * 31 + j * 17) % 500)).collect(),
            ..Attendee::default()
        })
        .collect()
}
