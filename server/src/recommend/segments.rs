//! Segments of similar profiles, by the matcher's k-means over profile vectors: the newcomers'
//! "people like you" (segments of everyone the collaborative model learned from, made at each
//! training) and the audience segments organizers see for their event.

use std::collections::HashMap;

use matcher::Clusters;
use protocol::recommendations::AudienceSegment;
use uuid::Uuid;

use super::Recommender;
use crate::model::Model;
use crate::store::{parse_list, EventRow, UserRow};

/// Lloyd steps of every k-means here.
const ITERATIONS: usize = 25;

/// The people the model learned from in segments of similar profiles, and where each segment's
/// members are going: for a newcomer, "people like you" read off their profile alone.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct Segments {
    clusters: Clusters,
    /// Per segment, members going to (or who went to) each event.
    going: Vec<HashMap<Uuid, usize>>,
}

impl Segments {
    /// k-means (k growing with the square root of the number of people, 2 to 24) over
    /// `profiles`, with each user's `histories` (indices into `events`).
    pub(super) fn learn(
        model: &Model,
        profiles: &[&[f32]],
        histories: &[Vec<usize>],
        events: &[EventRow],
    ) -> anyhow::Result<Self> {
        let k = ((histories.len() as f64 / 20.0).sqrt().round() as usize).clamp(2, 24);
        let clusters = model.kmeans(profiles, k, ITERATIONS, &[7])?;
        let mut going = vec![HashMap::new(); clusters.centroids.len()];
        for (history, &segment) in histories.iter().zip(&clusters.assignments) {
            for &e in history {
                *going[segment].entry(events[e].id).or_insert(0) += 1;
            }
        }
        Ok(Self { clusters, going })
    }

    /// Where the members of the segment nearest to `profile` are going.
    pub(super) fn nearest(&self, profile: &[f32]) -> Option<&HashMap<Uuid, usize>> {
        self.going.get(self.clusters.nearest(profile)?)
    }
}

/// A group's label and its three most common interests.
fn describe(group: &[&UserRow]) -> (String, Vec<String>) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for user in group {
        for interest in parse_list(&user.interests) {
            *counts.entry(interest).or_default() += 1;
        }
    }
    let mut top: Vec<(String, usize)> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let top_interests: Vec<String> = top.into_iter().take(3).map(|(t, _)| t).collect();
    let label = match top_interests.as_slice() {
        [] => "No stated interests".to_owned(),
        [one] => one.clone(),
        [one, two, ..] => format!("{one} & {two}"),
    };
    (label, top_interests)
}

impl Recommender {
    /// `audience` in groups of similar profiles (k-means over their profile vectors, k growing
    /// with the square root of the audience, at most 6, the best of 8 seedings), each named by
    /// its most common interests, largest first. Blocking.
    pub fn segments(&self, audience: &[UserRow]) -> anyhow::Result<Vec<AudienceSegment>> {
        if audience.is_empty() {
            return Ok(Vec::new());
        }
        let profiles = self.profiles(&audience.iter().collect::<Vec<_>>(), crate::model::Priority::Request)?;
        let points: Vec<&[f32]> = profiles.iter().map(|p| &p.vector[..]).collect();
        let k = ((audience.len() as f64 / 2.0).sqrt().round() as usize).clamp(1, 6);
        let seeds: Vec<u64> = (0..8).collect();
        let clusters = self.model.kmeans(&points, k, ITERATIONS, &seeds)?;
        let mut groups: Vec<Vec<&UserRow>> = vec![Vec::new(); k];
        for (user, &cluster) in audience.iter().zip(&clusters.assignments) {
            if let Some(group) = groups.get_mut(cluster) {
                group.push(user);
            }
        }
        let mut segments: Vec<AudienceSegment> = groups
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(|group| {
                let (label, top_interests) = describe(&group);
                AudienceSegment {
                    label,
                    size: group.len() as i64,
                    share: ((group.len() as f32 / audience.len() as f32) * 1000.0).round() / 1000.0,
                    top_interests,
                }
            })
            .collect();
        segments.sort_by(|a, b| b.size.cmp(&a.size).then(a.label.cmp(&b.label)));
        Ok(segments)
    }
}
