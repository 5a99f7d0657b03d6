//! The signals and the ranking: each signal of the module documentation is one function giving
//! its share of the score and, when it is strong enough to say so, its reason in words; a
//! ranking adds them up per candidate and keeps the best.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, Timelike};
use matcher::{dot, EventScorer as _};
use uuid::Uuid;

use super::training::Collaborative;
use super::vectors::Vectors;
use super::{Inputs, Ranked, Recommender};
use crate::store::{parse_list, EventRow};

const W_CONTENT: f32 = 0.45;
/// With a collaborative model in service, it takes this much of the content weight.
const W_COLLABORATIVE: f32 = 0.20;
const W_INTERESTS: f32 = 0.15;
const W_MET: f32 = 0.15;
const W_CROWD: f32 = 0.10;
const W_NEARBY: f32 = 0.10;
/// What an event held only at a venue far from where they say they are loses, at most: more
/// than any other signal can give it, since nobody crosses an ocean for a breakfast. Nothing is
/// lost within [`FAR_FROM`] km, about half at 200 km beyond it.
const W_FAR: f32 = 0.60;
const FAR_FROM: f64 = 50.0;
const W_HABIT: f32 = 0.05;
/// Past events needed before a part of the week counts as when they usually go.
const HABIT_AFTER: usize = 3;
/// For a user with fewer than [`NEWCOMER`] events behind them: how many people of their
/// segment (k-means over the profiles the model learned from) are going.
const W_SEGMENT: f32 = 0.10;
const NEWCOMER: usize = 3;
/// A phrase of their profile is named as an event's reason only if the event's content score is
/// at least this share of the best candidate's.
const PHRASE_FLOOR: f32 = 0.8;

/// One signal's share of an event's score, and its reason when it has one to give.
type Part = (f32, Option<String>);

/// What every candidate of one ranking is compared with, worked out once.
struct Signals<'a> {
    interests: Vec<String>,
    vectors: Option<Vectors>,
    /// Each candidate's rank by the collaborative model, in [0, 1].
    collaborative: Option<HashMap<Uuid, f32>>,
    w_content: f32,
    /// Where the newcomer's segment is going.
    segment: Option<&'a HashMap<Uuid, usize>>,
    circle: HashMap<Uuid, (i64, i64)>,
    near: Option<(f64, f64)>,
    /// Past events per part of the week, and how many past events there are.
    habits: HashMap<(bool, u8), usize>,
    past: usize,
    attended: usize,
    /// Each candidate's content score: the taste vector against the event's, worked out once.
    contents: HashMap<Uuid, f32>,
    /// The content score a candidate needs for a phrase of the profile to be named as the
    /// reason: [`PHRASE_FLOOR`] of the best candidate's. A long phrase ("people to pair with on embedded projects")
    /// sits near every event a little; naming it is only true of events that fit the profile as
    /// a whole.
    phrase_floor: f32,
}

impl Recommender {
    /// The best `limit` events with reasons. Blocking: embeds what is not cached.
    pub fn rank(self: &Arc<Self>, inputs: Inputs, limit: usize) -> Vec<Ranked> {
        let model = self.collaborative();
        self.rank_with(inputs, limit, model)
    }

    /// [`Recommender::rank`] with a given collaborative model (an experiment's arm).
    pub fn rank_with(self: &Arc<Self>, inputs: Inputs, limit: usize, model: Option<Arc<Collaborative>>) -> Vec<Ranked> {
        let Inputs { user, candidates, attended, circle, near } = inputs;
        let vectors = self
            .vectors(&user, &candidates, &attended)
            .inspect_err(|why| tracing::warn!(%why, "recommending without text signals"))
            .ok();
        // One model for the whole ranking, even if a training swaps in a new one meanwhile.
        let collaborative =
            model.as_deref().and_then(|model| collaborative_ranks(model, &candidates, &attended, vectors.as_ref()));
        let segment = match (&model, &vectors) {
            (Some(model), Some(vectors)) if attended.len() < NEWCOMER => model.segments.nearest(&vectors.profile),
            _ => None,
        };
        let now = crate::store::now_ms();
        let past: Vec<&EventRow> = attended.iter().filter(|e| e.ends_at < now).collect();
        let contents: HashMap<Uuid, f32> = vectors.as_ref().map_or_else(HashMap::new, |v| {
            v.events.iter().map(|(id, vector)| (*id, dot(&v.taste, vector).max(0.0))).collect()
        });
        let best = candidates.iter().filter_map(|e| contents.get(&e.id).copied()).reduce(f32::max);
        let phrase_floor = best.map_or(f32::INFINITY, |best| PHRASE_FLOOR * best);
        let signals = Signals {
            interests: parse_list(&user.interests),
            w_content: if collaborative.is_some() { W_CONTENT - W_COLLABORATIVE } else { W_CONTENT },
            vectors,
            collaborative,
            segment,
            circle,
            near,
            habits: past.iter().fold(HashMap::new(), |mut m, e| {
                *m.entry(week_part(e.starts_at)).or_default() += 1;
                m
            }),
            past: past.len(),
            attended: attended.len(),
            contents,
            phrase_floor,
        };
        let mut ranked: Vec<Ranked> = candidates.into_iter().map(|event| signals.rank(event)).collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.event.starts_at.cmp(&b.event.starts_at)));
        ranked.truncate(limit);
        ranked
    }
}

impl Signals<'_> {
    /// `event` scored, with its reasons.
    fn rank(&self, event: EventRow) -> Ranked {
        let parts = self.parts(&event);
        let score: f32 = parts.iter().map(|p| p.0).sum();
        let reasons = reasons(parts, &event);
        Ranked { event, score: (score * 1000.0).round() / 1000.0, reasons }
    }

    /// Every signal's part for `event`.
    fn parts(&self, event: &EventRow) -> Vec<Part> {
        let tags: Vec<String> = parse_list(&event.tags);
        let shared: Vec<&String> = tags.iter().filter(|t| self.interests.contains(t)).collect();
        let (met, crowd) = self.circle.get(&event.id).copied().unwrap_or((0, 0));
        [
            self.content(event),
            interests(&shared, tags.len()),
            self.collaborative(event),
            self.segment(event),
            people_met(met),
            crowd_going(crowd),
            self.nearby(event),
            self.habit(event),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Content: the taste vector against the event's, with the phrase of their profile or the
    /// past event it fits best as the reason.
    fn content(&self, event: &EventRow) -> Option<Part> {
        let Vectors { phrases, events, history, .. } = self.vectors.as_ref()?;
        let vector = events.get(&event.id)?;
        let content = *self.contents.get(&event.id)?;
        // The phrase of their profile this event fits best. Not an interest: an interest is a
        // tag, named by the interests reason when the event carries it, and alone a word means
        // too many things ("embedded" systems, "embedded" finance).
        let best_phrase = phrases
            .iter()
            .filter(|(p, _)| !self.interests.contains(p))
            .map(|(p, v)| (dot(v, vector), p))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let best_past = history.iter().map(|past| (dot(&past.vector, vector), past)).max_by(|a, b| a.0.total_cmp(&b.0));
        // A past event must be a much closer match than a phrase to be the reason: phrases are
        // short, so their cosines run lower.
        let phrase = best_phrase.filter(|(s, _)| *s >= 0.35 && content >= self.phrase_floor);
        let past = best_past.filter(|(s, _)| *s >= 0.6 && phrase.is_none_or(|(p, _)| *s - 0.25 > p));
        let reason = match (past, phrase) {
            (Some((_, past)), _) if past.over => Some(format!("Like \"{}\", which you went to", past.title)),
            (Some((_, past)), _) => Some(format!("Like \"{}\", which you are going to", past.title)),
            (None, Some((_, phrase))) => Some(format!("Fits \"{phrase}\" from your profile")),
            (None, None) => None,
        };
        Some((self.w_content * content, reason))
    }

    /// Collaborative: the event's rank by the model in service.
    fn collaborative(&self, event: &EventRow) -> Option<Part> {
        let ranks = self.collaborative.as_ref()?;
        // Without a text vector an event newer than the model has no rank: neutral.
        let rank = ranks.get(&event.id).copied().unwrap_or(0.5);
        let words = (rank >= 0.8).then(|| {
            if self.attended == 0 {
                "Often chosen by people like you"
            } else {
                "Popular with people who go where you go"
            }
            .to_owned()
        });
        Some((W_COLLABORATIVE * rank, words))
    }

    /// Their segment: people with profiles like theirs going.
    fn segment(&self, event: &EventRow) -> Option<Part> {
        let &n = self.segment?.get(&event.id)?;
        let words = (n >= 3).then(|| format!("{n} people with interests like yours are going"));
        Some((W_SEGMENT * (1.0 - 0.5f32.powf(n as f32 / 3.0)), words))
    }

    /// Nearby: the distance from where they say they are; an event one can only attend at a
    /// venue far away loses what [`W_FAR`] says (one with an online link can be joined anywhere).
    fn nearby(&self, event: &EventRow) -> Option<Part> {
        let ((lat, lon), elat, elon) = (self.near?, event.lat?, event.lon?);
        let km = crate::render::haversine_km(lat, lon, elat, elon);
        let words = (km <= 25.0).then(|| format!("{km:.1} km from you"));
        let near = W_NEARBY * (-km / 25.0).exp() as f32;
        let far = match event.online_url {
            Some(_) => 0.0,
            None => W_FAR * (1.0 - (-(km - FAR_FROM).max(0.0) / 300.0).exp()) as f32,
        };
        Some((near - far, words))
    }

    /// Habit: how many of their past events fell in the same part of the week.
    fn habit(&self, event: &EventRow) -> Option<Part> {
        let part = week_part(event.starts_at);
        let &n = self.habits.get(&part)?;
        let share = n as f32 / self.past.max(1) as f32;
        let words = (share >= 0.5 && self.past >= HABIT_AFTER)
            .then(|| format!("On a {}, when you usually go", week_part_words(part)));
        Some((W_HABIT * share, words))
    }
}

/// Interests: the share of the event's tags they follow.
fn interests(shared: &[&String], tags: usize) -> Option<Part> {
    if shared.is_empty() {
        return None;
    }
    let share = shared.len() as f32 / tags.max(1) as f32;
    let names: Vec<&str> = shared.iter().take(2).map(|s| s.as_str()).collect();
    Some((W_INTERESTS * share, Some(format!("Matches your interest in {}", names.join(" and ")))))
}

/// People met: `met` people they have met are going.
fn people_met(met: i64) -> Option<Part> {
    (met > 0).then(|| {
        let words =
            if met == 1 { "Someone you met is going".to_owned() } else { format!("{met} people you met are going") };
        (W_MET * (1.0 - 0.5f32.powi(met as i32)), Some(words))
    })
}

/// Their crowd: `crowd` people they were at an event with are going.
fn crowd_going(crowd: i64) -> Option<Part> {
    (crowd > 0).then(|| {
        let words = if crowd == 1 {
            "Someone you were at an event with is going".to_owned()
        } else {
            format!("{crowd} people you were at events with are going")
        };
        (W_CROWD * (1.0 - 0.5f32.powf(crowd as f32 / 2.0)), Some(words))
    })
}

/// The reasons of the three strongest parts that have one, then scarcity; for a new event with
/// nothing else to say, that it is new. (How many are going is on the card already.)
fn reasons(mut parts: Vec<Part>, event: &EventRow) -> Vec<String> {
    parts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut reasons: Vec<String> = parts.into_iter().filter_map(|p| p.1).take(3).collect();
    if let Some(left) = event.capacity.map(|c| c - event.going_count).filter(|&l| l <= 5) {
        reasons.push(if left == 1 { "Only 1 seat left".to_owned() } else { format!("Only {left} seats left") });
    }
    if reasons.is_empty() && event.going_count == 0 {
        reasons.push("New, be among the first".to_owned());
    }
    reasons
}

/// Each candidate's rank by `model`, as a share in [0, 1] (1 = its best candidate), from the
/// user's attended events and profile; `None` if the scores cannot be read. Events created since
/// the model was trained are ranked from their text, as the model ranks any event nobody has
/// gone to yet.
fn collaborative_ranks(
    model: &Collaborative,
    candidates: &[EventRow],
    attended: &[EventRow],
    vectors: Option<&Vectors>,
) -> Option<HashMap<Uuid, f32>> {
    // Attended events come most recent first; the model reads a history oldest first.
    let history: Vec<usize> = attended.iter().rev().filter_map(|e| model.catalog.get(&e.id).copied()).collect();
    let profile = vectors.map(|v| &v.profile[..]);
    let newer: Vec<(Uuid, &[f32])> = candidates
        .iter()
        .filter(|e| !model.catalog.contains_key(&e.id))
        .filter_map(|e| Some((e.id, &vectors?.events.get(&e.id)?[..])))
        .collect();
    let scores = model.model.scores(&history, profile).ok()?;
    let texts: Vec<&[f32]> = newer.iter().map(|(_, v)| *v).collect();
    let newer_scores = model.model.text_scores(&history, profile, &texts).ok()?;
    let mut known: Vec<(Uuid, f32)> =
        candidates.iter().filter_map(|e| Some((e.id, *scores.get(*model.catalog.get(&e.id)?)?))).collect();
    known.extend(newer.iter().map(|(id, _)| *id).zip(newer_scores));
    known.sort_by(|a, b| b.1.total_cmp(&a.1));
    let n = known.len().max(1) as f32;
    Some(known.into_iter().enumerate().map(|(i, (id, _))| (id, 1.0 - i as f32 / n)).collect())
}

/// Part of the week an instant falls in: weekday or weekend, morning, afternoon or evening.
fn week_part(at_ms: i64) -> (bool, u8) {
    let at = chrono::DateTime::from_timestamp_millis(at_ms).unwrap_or_default();
    let weekend = at.weekday().num_days_from_monday() >= 5;
    let part = match at.hour() {
        0..=11 => 0,
        12..=17 => 1,
        _ => 2,
    };
    (weekend, part)
}

fn week_part_words((weekend, part): (bool, u8)) -> String {
    let day = if weekend { "weekend" } else { "weekday" };
    let time = ["morning", "afternoon", "evening"][usize::from(part.min(2))];
    format!("{day} {time}")
}
