//! Offline evaluation of the event recommender (`matcher::recommend`) on MovieLens-100k, run as
//! `./dev eval-events` or
//! `cargo run --release -p matcher --example events_eval -- --data DIR [--model DIR] [--split test|validation]`.
//!
//! Films stand in for events: an item's text is "{title}. Genres: {genres}." (its description
//! and tags), and every rating is an RSVP (implicit feedback: which films a user chose to rate,
//! not how well). A user's profile text, what onboarding and past events would give the server,
//! is made from their *training* ratings only: "Interests: {the genres they like more than the
//! average viewer}. Favourite films: {their ten best-rated titles}."
//!
//! Splits (`--split test`):
//! - temporal: each user's ratings in time order, the latest 20% (at least one) held out; the
//!   candidates are every film the user has not rated in training.
//! - item cold start: a fixed random 15% of the films is removed from training entirely (with all
//!   their ratings); each user who rated any of them is asked to rank those films only, which is
//!   what a new event faces: it competes with other new events in a "new this week" list, not
//!   with events that already have hundreds of RSVPs.
//!
//! `--split validation` carves the same two splits out of the test splits' training data (the
//! latest 20% of each user's training ratings; another 15% of the warm films), so choices made
//! looking at validation numbers never see the test truth. The model's settings
//! (`TrainConfig::default`) were chosen there, among 27 variants of step count, learning rate,
//! dimension, share hidden, dropouts, weight decay, latest targets and recency weighting; the
//! baselines' settings are their usual ones and were not tuned. `--set` tries a variant.
//!
//! Metrics, averaged over users with at least one held-out item: Recall@10 (held-out items in the
//! list over held-out items), NDCG@10 (binary gain, ideal = all held-out items first), and catalog
//! coverage (share of the candidate films that appear in at least one list).
//!
//! Methods: popularity (training interaction counts); content only (cosine of the user's profile
//! embedding to the film's text embedding); the hybrid model of `matcher::recommend` with history
//! and profile, and with the profile alone (a user with only onboarding interests); and, through
//! `events_baselines.py` in the project's virtualenv on exactly the same split files, implicit's
//! ALS and LightFM (WARP, genres as item features). All rankings are judged by the code below.

mod movielens_files;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context as _};
use matcher::recommend::{self, top_k, TrainConfig, TrainingData};
use matcher::Embedder;
use tch::{Device, Tensor};

use movielens_files::{load, Dataset, Film, Rating};

/// List length that every method is judged on.
const K: usize = 10;
/// Share of each user's latest ratings held out by the temporal split.
const HELD_OUT: f64 = 0.2;
/// Share of films removed from training by the item cold-start split.
const COLD_ITEMS: f64 = 0.15;
const LIKED: f32 = 4.0;
const MAX_INTERESTS: usize = 4;
const FAVOURITES: usize = 10;
const SEED: u64 = 2024;

const USAGE: &str = "usage: events_eval --data DIR [--model DIR] [--split test|validation] [--set KEY=VALUE ...]
  --data   directory holding ml-100k.inter and ml-100k.item (RecBole atomic files)
  --model  all-MiniLM-L6-v2 directory (default: the one in the project's .venv)
  --split  test, or validation (both splits carved out of the test splits' training data)
  --set    one of the hybrid model's training settings (TrainConfig), e.g. --set steps=400:
           dim, steps, learning_rate, weight_decay, hide, item_id_dropout, user_history_dropout,
           latest_targets, latest_teaches_text, seed";

struct Args {
    data: PathBuf,
    model: Option<PathBuf>,
    validation: bool,
    config: TrainConfig,
}

/// Applies one `KEY=VALUE` to `config`.
fn set(config: &mut TrainConfig, assignment: &str) -> anyhow::Result<()> {
    let (key, value) =
        assignment.split_once('=').with_context(|| format!("--set needs KEY=VALUE, not {assignment:?}"))?;
    let number = || value.parse::<f64>().with_context(|| format!("{key}: {value:?} is not a number"));
    let whole = || value.parse::<u64>().with_context(|| format!("{key}: {value:?} is not a whole number"));
    match key {
        "dim" => config.dim = i64::try_from(whole()?)?,
        "steps" => config.steps = usize::try_from(whole()?)?,
        "seed" => config.seed = whole()?,
        "learning_rate" => config.learning_rate = number()?,
        "weight_decay" => config.weight_decay = number()?,
        "hide" => config.hide = number()?,
        "item_id_dropout" => config.item_id_dropout = number()?,
        "user_history_dropout" => config.user_history_dropout = number()?,
        "latest_targets" => config.latest_targets = number()?,
        "latest_teaches_text" => {
            config.latest_teaches_text = value.parse().with_context(|| format!("{key}: true or false"))?
        }
        other => bail!("unknown setting {other:?}\n{USAGE}"),
    }
    Ok(())
}

fn parse_args() -> anyhow::Result<Args> {
    let (mut data, mut model, mut validation, mut config) = (None, None, false, TrainConfig::default());
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--data" => data = Some(PathBuf::from(value()?)),
            "--model" => model = Some(PathBuf::from(value()?)),
            "--split" => {
                validation = match value()?.as_str() {
                    "test" => false,
                    "validation" => true,
                    other => bail!("unknown split {other:?}\n{USAGE}"),
                }
            }
            "--set" => set(&mut config, &value()?)?,
            "-h" | "--help" => {
                let _ = writeln!(std::io::stdout(), "{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(Args { data: data.with_context(|| format!("--data is required\n{USAGE}"))?, model, validation, config })
}

/// The project's directory (the workspace root), where `.venv` lives.
fn project_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One evaluation split: what each user did in training, what is held out, what may be listed.
struct Split {
    train: Vec<Vec<Rating>>,
    test: Vec<Vec<usize>>,
    /// Films that may be recommended (all of them, or the cold ones).
    candidates: Vec<usize>,
}

impl Split {
    fn histories(&self) -> Vec<Vec<usize>> {
        self.train.iter().map(|r| r.iter().map(|r| r.film).collect()).collect()
    }
}

/// Each user's latest `HELD_OUT` share (at least one, never all) held out.
fn temporal_split(ratings: &[Vec<Rating>], films: usize) -> Split {
    let mut train = Vec::new();
    let mut test = Vec::new();
    for user in ratings {
        let held = ((user.len() as f64 * HELD_OUT).round() as usize).clamp(1, user.len().saturating_sub(1).max(1));
        let cut = user.len().saturating_sub(held);
        train.push(user[..cut].to_vec());
        test.push(user[cut..].iter().map(|r| r.film).collect());
    }
    Split { train, test, candidates: (0..films).collect() }
}

/// SplitMix64 for the fixed random choice of cold films.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fixed random `share` of `pool`, sorted.
fn choose(pool: &[usize], share: f64, seed: u64) -> Vec<usize> {
    let mut shuffled = pool.to_vec();
    let mut state = seed;
    for i in (1..shuffled.len()).rev() {
        let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
        shuffled.swap(i, j);
    }
    shuffled.truncate((pool.len() as f64 * share).round() as usize);
    shuffled.sort_unstable();
    shuffled
}

/// `cold` films removed from training entirely; users' ratings of them are the truth.
fn cold_split(ratings: &[Vec<Rating>], cold: &[usize]) -> Split {
    let is_cold: BTreeSet<usize> = cold.iter().copied().collect();
    let train = ratings.iter().map(|u| u.iter().filter(|r| !is_cold.contains(&r.film)).copied().collect()).collect();
    let test =
        ratings.iter().map(|u| u.iter().filter(|r| is_cold.contains(&r.film)).map(|r| r.film).collect()).collect();
    Split { train, test, candidates: cold.to_vec() }
}

/// The temporal and the cold-start split, of the data (`validation == false`) or of the test
/// splits' training data.
fn splits(data: &Dataset, validation: bool) -> (Split, Split) {
    let films = data.films.len();
    let all: Vec<usize> = (0..films).collect();
    let test_cold = choose(&all, COLD_ITEMS, SEED);
    let temporal = temporal_split(&data.ratings, films);
    if !validation {
        return (temporal, cold_split(&data.ratings, &test_cold));
    }
    let temporal = temporal_split(&temporal.train, films);
    let warm: Vec<usize> = all.iter().copied().filter(|f| test_cold.binary_search(f).is_err()).collect();
    let validation_cold = choose(&warm, COLD_ITEMS, SEED + 1);
    let without_test_cold: Vec<Vec<Rating>> = data
        .ratings
        .iter()
        .map(|u| u.iter().filter(|r| test_cold.binary_search(&r.film).is_err()).copied().collect())
        .collect();
    (temporal, cold_split(&without_test_cold, &validation_cold))
}

fn film_text(film: &Film) -> String {
    format!("{}. Genres: {}.", film.title, film.genres.join(", "))
}

/// The profile text of each user from their training ratings (see the header).
fn profile_texts(films: &[Film], train: &[Vec<Rating>]) -> Vec<String> {
    let liked = |user: &[Rating]| -> Vec<Rating> {
        let mut liked: Vec<Rating> = user.iter().filter(|r| r.stars >= LIKED).copied().collect();
        if liked.is_empty() {
            liked = user.to_vec();
        }
        liked.sort_by(|a, b| b.stars.total_cmp(&a.stars).then(b.time.total_cmp(&a.time)).then(a.film.cmp(&b.film)));
        liked
    };
    let count = |rated: &[Rating]| {
        let mut counts: HashMap<&str, f64> = HashMap::new();
        for r in rated {
            for g in &films[r.film].genres {
                *counts.entry(g.as_str()).or_default() += 1.0;
            }
        }
        let total: f64 = counts.values().sum::<f64>().max(1.0);
        counts.values_mut().for_each(|c| *c /= total);
        counts
    };
    let everyone: Vec<Rating> = train.iter().flat_map(|u| liked(u)).collect();
    let shares = count(&everyone);
    train
        .iter()
        .map(|user| {
            let liked = liked(user);
            let mut lifts: Vec<(f64, &str)> = count(&liked)
                .into_iter()
                .map(|(g, share)| (share / shares.get(g).copied().unwrap_or(1.0), g))
                .filter(|&(lift, _)| lift > 1.0)
                .collect();
            lifts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            let interests: Vec<&str> = lifts.iter().take(MAX_INTERESTS).map(|&(_, g)| g).collect();
            let favourites: Vec<&str> = liked.iter().take(FAVOURITES).map(|r| films[r.film].title.as_str()).collect();
            format!("Interests: {}. Favourite films: {}.", interests.join(", "), favourites.join(", "))
        })
        .collect()
}

/// Rows of a `[users, items]` tensor as vectors.
fn rows(scores: &Tensor) -> anyhow::Result<Vec<Vec<f32>>> {
    let (users, _) = scores.size2()?;
    (0..users).map(|u| Ok(Vec::<f32>::try_from(&scores.get(u).contiguous())?)).collect()
}

/// Each user's top `K` of the split's candidates by `scores`, training history left out; empty
/// for users with nothing held out (they are not judged).
fn lists(split: &Split, scores: &[Vec<f32>]) -> Vec<Vec<usize>> {
    let histories = split.histories();
    (0..split.test.len())
        .map(|u| {
            if split.test[u].is_empty() {
                return Vec::new();
            }
            top_k(&scores[u], &split.candidates, &histories[u], K).into_iter().map(|(i, _)| i).collect()
        })
        .collect()
}

/// Recall@k: share of the held-out items in the list's first `k`.
fn recall_at(list: &[usize], truth: &[usize], k: usize) -> f64 {
    if truth.is_empty() {
        return 0.0;
    }
    list.iter().take(k).filter(|i| truth.contains(i)).count() as f64 / truth.len() as f64
}

/// NDCG@k with binary gains: the ideal list has every held-out item first.
fn ndcg_at(list: &[usize], truth: &[usize], k: usize) -> f64 {
    let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let ideal: f64 = (0..truth.len().min(k)).map(discount).sum();
    if ideal == 0.0 {
        return 0.0;
    }
    let dcg: f64 = list.iter().take(k).enumerate().filter(|(_, i)| truth.contains(i)).map(|(r, _)| discount(r)).sum();
    dcg / ideal
}

/// Share of `candidates` that appear in at least one list.
fn coverage(lists: &[Vec<usize>], candidates: &[usize]) -> f64 {
    let shown: BTreeSet<usize> = lists.iter().flatten().copied().collect();
    shown.len() as f64 / candidates.len().max(1) as f64
}

/// Recall@10, NDCG@10 and coverage of one method on one split.
#[derive(Clone, Copy)]
struct Quality {
    recall: f64,
    ndcg: f64,
    coverage: f64,
}

fn judge(split: &Split, lists: &[Vec<usize>]) -> Quality {
    let judged: Vec<usize> = (0..split.test.len()).filter(|&u| !split.test[u].is_empty()).collect();
    let n = judged.len().max(1) as f64;
    let recall = judged.iter().map(|&u| recall_at(&lists[u], &split.test[u], K)).sum::<f64>() / n;
    let ndcg = judged.iter().map(|&u| ndcg_at(&lists[u], &split.test[u], K)).sum::<f64>() / n;
    Quality { recall, ndcg, coverage: coverage(lists, &split.candidates) }
}

/// Writes a split as the TSV files `events_baselines.py` reads.
fn write_split(dir: &Path, split: &Split, films: &[Film]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut train = String::new();
    for (u, ratings) in split.train.iter().enumerate() {
        ratings.iter().for_each(|r| _ = writeln!(train, "{u}\t{}", r.film));
    }
    let mut test = String::new();
    for (u, items) in split.test.iter().enumerate() {
        items.iter().for_each(|i| _ = writeln!(test, "{u}\t{i}"));
    }
    let items: String = films.iter().enumerate().map(|(i, f)| format!("{i}\t{}\n", f.genres.join("|"))).collect();
    let candidates: String = split.candidates.iter().map(|i| format!("{i}\n")).collect();
    let meta = format!("users\t{}\nitems\t{}\n", split.train.len(), films.len());
    for (name, text) in [("train", train), ("test", test), ("items", items), ("candidates", candidates), ("meta", meta)]
    {
        std::fs::write(dir.join(format!("{name}.tsv")), text)?;
    }
    Ok(())
}

/// Lists that `events_baselines.py` wrote (`user<TAB>i1,i2,...`), one slot per user.
fn read_lists(path: &Path, users: usize) -> anyhow::Result<Vec<Vec<usize>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lists = vec![Vec::new(); users];
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (user, items) = line.split_once('\t').with_context(|| format!("bad line {line:?}"))?;
        let user: usize = user.parse()?;
        anyhow::ensure!(user < users, "user {user} out of range");
        lists[user] = items.split(',').filter(|s| !s.is_empty()).map(str::parse).collect::<Result<_, _>>()?;
    }
    Ok(lists)
}

/// Runs the Python baselines on both split directories; `Err` says why none could run.
fn run_baselines(dirs: &[&Path]) -> Result<(), String> {
    let python = project_dir().join(".venv/bin/python");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/events_baselines.py");
    for dir in dirs {
        let output = Command::new(&python)
            .arg(&script)
            .arg(dir)
            .env("OPENBLAS_NUM_THREADS", "1")
            .output()
            .map_err(|e| format!("running {}: {e}", python.display()))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !stderr.trim().is_empty() {
            let _ = writeln!(std::io::stderr(), "{}", stderr.trim());
        }
        if !output.status.success() {
            return Err(format!("events_baselines.py failed ({})", output.status));
        }
    }
    Ok(())
}

struct Row {
    method: String,
    temporal: Option<Quality>,
    cold: Option<Quality>,
    note: String,
}

fn print_table(rows: &[Row]) {
    let mut out = String::new();
    let cell = |q: Option<Quality>| match q {
        Some(q) => format!("{:>9.4} {:>8.4} {:>8.3}", q.recall, q.ndcg, q.coverage),
        None => format!("{:>9} {:>8} {:>8}", "-", "-", "-"),
    };
    let _ = writeln!(out, "{:<40} | {:^27} | {:^27} |", "", "temporal (latest 20%)", "item cold start (15%)");
    let _ = writeln!(
        out,
        "{:<40} | {:>9} {:>8} {:>8} | {:>9} {:>8} {:>8} | note",
        "method", "Recall@10", "NDCG@10", "coverage", "Recall@10", "NDCG@10", "coverage"
    );
    let _ = writeln!(out, "{}", "-".repeat(116));
    for row in rows {
        let _ = writeln!(out, "{:<40} | {} | {} | {}", row.method, cell(row.temporal), cell(row.cold), row.note);
    }
    let _ = write!(std::io::stdout(), "{out}");
}

/// Embeddings of `texts`, kept in `~/.cache/mingle/embeddings` under a hash of the model's
/// directory and the texts, so a second run (another setting tried) skips the slowest part.
fn embed_cached(embedder: &Embedder, model_dir: &Path, texts: &[String]) -> anyhow::Result<Tensor> {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (model_dir, texts).hash(&mut hasher);
    let cache = std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/mingle/embeddings"));
    let file = cache.as_ref().map(|dir| dir.join(format!("{:016x}.pt", hasher.finish())));
    if let Some(file) = file.as_ref().filter(|f| f.exists()) {
        if let Ok(cached) = Tensor::load(file) {
            return Ok(cached);
        }
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let embedded = embedder.embed_many(&refs, 64)?;
    if let (Some(dir), Some(file)) = (cache, file) {
        // A cache that cannot be written only costs time on the next run.
        let _ = std::fs::create_dir_all(dir).map(|()| embedded.save(file));
    }
    Ok(embedded)
}

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    let args = parse_args()?;
    let data = load(&args.data)?;
    let model_dir = match args.model {
        Some(dir) => dir,
        None => movielens_files::default_model_dir("./dev eval-events")?,
    };
    let embedder = Embedder::load(&model_dir, Device::Cpu)?;
    let (temporal, cold) = splits(&data, args.validation);
    let users = data.ratings.len();

    let embedding = Instant::now();
    let texts: Vec<String> = data.films.iter().map(film_text).collect();
    let item_text = embed_cached(&embedder, &model_dir, &texts)?;
    let profiles = [
        embed_cached(&embedder, &model_dir, &profile_texts(&data.films, &temporal.train))?,
        embed_cached(&embedder, &model_dir, &profile_texts(&data.films, &cold.train))?,
    ];
    let embed_secs = embedding.elapsed().as_secs_f64();

    let split_dir = std::env::temp_dir().join(format!("mingle-events-eval-{}", std::process::id()));
    let dirs = [split_dir.join("temporal"), split_dir.join("cold")];
    write_split(&dirs[0], &temporal, &data.films)?;
    write_split(&dirs[1], &cold, &data.films)?;

    let mut results: Vec<(&str, [Quality; 2], String)> = Vec::new();
    let mut train_secs = 0.0;
    for (s, split) in [&temporal, &cold].into_iter().enumerate() {
        let histories = split.histories();
        let mut popularity = vec![0f32; data.films.len()];
        histories.iter().flatten().for_each(|&i| popularity[i] += 1.0);
        let popularity = lists(split, &vec![popularity; users]);
        let content = rows(&profiles[s].matmul(&item_text.tr()))?;
        let content = lists(split, &content);

        let training = Instant::now();
        let model = recommend::train(
            &TrainingData { histories: &histories, item_text: &item_text, profiles: &profiles[s] },
            &args.config,
        )?;
        train_secs += training.elapsed().as_secs_f64();
        let hybrid = lists(split, &rows(&model.scores(&histories, Some(&profiles[s])))?);
        let no_history = vec![Vec::new(); users];
        let profile_only = rows(&model.scores(&no_history, Some(&profiles[s])))?;
        // Training history is still excluded from the list: the model just does not see it.
        let profile_only = lists(split, &profile_only);

        for (method, list) in [
            ("popularity", &popularity),
            ("content only (profile · film text)", &content),
            ("hybrid (matcher::recommend)", &hybrid),
            ("hybrid, profile only (user cold start)", &profile_only),
        ] {
            let quality = judge(split, list);
            match results.iter_mut().find(|(m, _, _)| *m == method) {
                Some(row) => row.1[s] = quality,
                None => results.push((method, [quality, quality], String::new())),
            }
        }
    }
    let mut table: Vec<Row> = results
        .into_iter()
        .map(|(method, q, note)| Row { method: method.to_owned(), temporal: Some(q[0]), cold: Some(q[1]), note })
        .collect();
    if let Some(row) = table.iter_mut().find(|r| r.method == "popularity") {
        row.note = "cold films all have 0 RSVPs: index order".to_owned();
    }

    let baselines = Instant::now();
    let ran = run_baselines(&[dirs[0].as_path(), dirs[1].as_path()]);
    let baseline_secs = baselines.elapsed().as_secs_f64();
    for (file, method, note) in [
        ("lists.als.tsv", "implicit ALS (64 factors)", "no features: cold films score 0, index order"),
        ("lists.lightfm.tsv", "LightFM WARP + genre features", "cold films: genre features only"),
    ] {
        let [temporal_path, cold_path] = [dirs[0].join(file), dirs[1].join(file)];
        if ran.is_ok() && temporal_path.exists() && cold_path.exists() {
            let t = judge(&temporal, &read_lists(&temporal_path, users)?);
            let c = judge(&cold, &read_lists(&cold_path, users)?);
            table.push(Row { method: method.to_owned(), temporal: Some(t), cold: Some(c), note: note.to_owned() });
        } else {
            let why = match &ran {
                Err(e) => e.clone(),
                Ok(()) => "not installed: pip install -r requirements-eval.txt (or ./dev eval-events)".to_owned(),
            };
            table.push(Row { method: method.to_owned(), temporal: None, cold: None, note: why });
        }
    }
    let _ = std::fs::remove_dir_all(&split_dir);

    let which = if args.validation { "validation" } else { "test" };
    let _ = writeln!(
        std::io::stdout(),
        "MovieLens-100k as events, {which} splits: {} users, {} films, {} cold films, {} temporal / {} cold test users",
        users,
        data.films.len(),
        cold.candidates.len(),
        temporal.test.iter().filter(|t| !t.is_empty()).count(),
        cold.test.iter().filter(|t| !t.is_empty()).count(),
    );
    print_table(&table);
    let _ = writeln!(
        std::io::stdout(),
        "embedding {embed_secs:.1}s, hybrid training {train_secs:.1}s (both splits), baselines {baseline_secs:.1}s, total {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(film: usize, time: f64) -> Rating {
        Rating { film, stars: 4.0, time }
    }

    #[test]
    fn recall_and_ndcg_count_held_out_items_in_the_first_k() -> anyhow::Result<()> {
        assert!((recall_at(&[1, 2, 3], &[2, 9], 3) - 0.5).abs() < 1e-12);
        assert_eq!(recall_at(&[1], &[], 3), 0.0);
        assert!((ndcg_at(&[2, 9, 1], &[2, 9], 3) - 1.0).abs() < 1e-12);
        let expected = (1.0 / 3f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!((ndcg_at(&[1, 2, 3], &[2, 9], 3) - expected).abs() < 1e-12);
        assert_eq!(ndcg_at(&[1, 2], &[9], 2), 0.0);
        Ok(())
    }

    #[test]
    fn coverage_is_the_share_of_candidates_listed() -> anyhow::Result<()> {
        assert!((coverage(&[vec![1, 2], vec![2, 3]], &[1, 2, 3, 4]) - 0.75).abs() < 1e-12);
        Ok(())
    }

    #[test]
    fn temporal_split_holds_out_the_latest_fifth() -> anyhow::Result<()> {
        let user: Vec<Rating> = (0..10).map(|i| rating(i, i as f64)).collect();
        let split = temporal_split(&[user, vec![rating(3, 0.0)]], 12);
        assert_eq!(split.test[0], [8, 9]);
        assert_eq!(split.train[0].len(), 8);
        assert!(split.train[1].is_empty() && split.test[1] == [3], "a single rating is held out");
        assert_eq!(split.candidates.len(), 12);
        Ok(())
    }

    #[test]
    fn cold_films_never_reach_training_and_are_the_only_candidates() -> anyhow::Result<()> {
        let all: Vec<usize> = (0..100).collect();
        let cold = choose(&all, 0.15, 1);
        assert_eq!(cold.len(), 15);
        assert_eq!(cold, choose(&all, 0.15, 1), "fixed by the seed");
        let ratings = vec![all.iter().map(|&f| rating(f, f as f64)).collect::<Vec<_>>()];
        let split = cold_split(&ratings, &cold);
        assert!(split.train[0].iter().all(|r| !cold.contains(&r.film)));
        assert_eq!(split.test[0], cold);
        assert_eq!(split.candidates, cold);
        Ok(())
    }

    #[test]
    fn lists_leave_out_history_and_users_without_truth() -> anyhow::Result<()> {
        let split = Split {
            train: vec![vec![rating(0, 0.0)], vec![rating(1, 0.0)]],
            test: vec![vec![2], vec![]],
            candidates: vec![0, 1, 2],
        };
        let scores = vec![vec![0.9, 0.5, 0.1]; 2];
        assert_eq!(lists(&split, &scores), [vec![1, 2], vec![]]);
        Ok(())
    }

    #[test]
    fn baseline_lists_are_read_by_user() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("events-eval-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("lists.tsv");
        std::fs::write(&path, "1\t4,2\n0\t\n")?;
        assert_eq!(read_lists(&path, 3)?, [vec![], vec![4, 2], vec![]]);
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }

    #[test]
    fn profiles_name_distinctive_genres_and_favourites() -> anyhow::Result<()> {
        let films = vec![
            Film { title: "Alien".into(), genres: vec!["sci-fi".into()] },
            Film { title: "Heat".into(), genres: vec!["crime".into()] },
        ];
        let train = vec![vec![rating(0, 0.0)], vec![rating(1, 0.0)]];
        let texts = profile_texts(&films, &train);
        assert_eq!(texts[0], "Interests: sci-fi. Favourite films: Alien.");
        assert_eq!(film_text(&films[1]), "Heat. Genres: crime.");
        Ok(())
    }
}
