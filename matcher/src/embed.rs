//! Sentence embeddings with all-MiniLM-L6-v2: a 6-layer BERT encoder (hidden size 384, 12 heads)
//! run in tch, WordPiece tokenization with the `tokenizers` crate, then mean pooling over real
//! tokens and L2 normalization, exactly as the sentence-transformers reference does. The weights
//! (`model.safetensors`) and `tokenizer.json` come from the model directory; nothing is
//! downloaded.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Context as _};
use tch::{Device, Kind, Tensor};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

pub use crate::engine::EMBEDDING_DIM;
/// Longest input in tokens, as the model was trained (longer text is truncated).
const MAX_TOKENS: usize = 256;
const HEADS: i64 = 12;
const LAYER_NORM_EPS: f64 = 1e-12;

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
}

impl LayerNorm {
    fn forward(&self, x: &Tensor) -> Tensor {
        x.layer_norm([EMBEDDING_DIM as i64], Some(&self.weight), Some(&self.bias), LAYER_NORM_EPS, false)
    }
}

/// A layer norm's parameters are stored like a linear layer's: `weight` and `bias`.
impl From<Linear> for LayerNorm {
    fn from(l: Linear) -> Self {
        Self { weight: l.weight, bias: l.bias }
    }
}

struct Linear {
    weight: Tensor,
    bias: Tensor,
}

impl Linear {
    fn forward(&self, x: &Tensor) -> Tensor {
        x.linear(&self.weight, Some(&self.bias))
    }
}

/// The weight and bias named `{prefix}.weight` and `{prefix}.bias`.
fn linear(take: &mut dyn FnMut(&str) -> anyhow::Result<Tensor>, prefix: &str) -> anyhow::Result<Linear> {
    Ok(Linear { weight: take(&format!("{prefix}.weight"))?, bias: take(&format!("{prefix}.bias"))? })
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// Encodes sentences into unit vectors whose dot product is their cosine similarity.
pub struct Embedder {
    tokenizer: Tokenizer,
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    device: Device,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("device", &self.device).field("layers", &self.layers.len()).finish()
    }
}

impl Embedder {
    /// Loads the model from `dir` (holding `model.safetensors` and `tokenizer.json`) onto `device`.
    pub fn load(dir: &Path, device: Device) -> anyhow::Result<Self> {
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| anyhow!("reading {}: {e}", dir.join("tokenizer.json").display()))?;
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..TruncationParams::default() }))
            .map_err(|e| anyhow!("configuring truncation: {e}"))?;
        tokenizer
            .with_padding(Some(PaddingParams { strategy: PaddingStrategy::BatchLongest, ..PaddingParams::default() }));

        let path = dir.join("model.safetensors");
        let mut weights: HashMap<String, Tensor> = Tensor::read_safetensors(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .into_iter()
            .collect();
        let mut take = |name: &str| -> anyhow::Result<Tensor> {
            let tensor = weights.remove(name).ok_or_else(|| anyhow!("{} has no tensor {name}", path.display()))?;
            Ok(tensor.to_kind(Kind::Float).to_device(device))
        };
        let word = take("embeddings.word_embeddings.weight")?;
        let position = take("embeddings.position_embeddings.weight")?;
        let token_type = take("embeddings.token_type_embeddings.weight")?;
        let embedding_norm = LayerNorm::from(linear(&mut take, "embeddings.LayerNorm")?);
        let mut layers = Vec::new();
        // Layers are numbered from 0; the first missing number ends the encoder.
        while let Ok(query) = linear(&mut take, &format!("encoder.layer.{}.attention.self.query", layers.len())) {
            let p = format!("encoder.layer.{}", layers.len());
            let pair =
                |t: &mut dyn FnMut(&str) -> anyhow::Result<Tensor>, name: &str| linear(t, &format!("{p}.{name}"));
            let key = pair(&mut take, "attention.self.key")?;
            let value = pair(&mut take, "attention.self.value")?;
            let attention_out = pair(&mut take, "attention.output.dense")?;
            let attention_norm = pair(&mut take, "attention.output.LayerNorm")?;
            let intermediate = pair(&mut take, "intermediate.dense")?;
            let output = pair(&mut take, "output.dense")?;
            let output_norm = pair(&mut take, "output.LayerNorm")?;
            layers.push(Layer {
                query,
                key,
                value,
                attention_out,
                attention_norm: LayerNorm::from(attention_norm),
                intermediate,
                output,
                output_norm: LayerNorm::from(output_norm),
            });
        }
        anyhow::ensure!(!layers.is_empty(), "{} holds no encoder layers", path.display());
        Ok(Self { tokenizer, word, position, token_type, embedding_norm, layers, device })
    }

    pub fn device(&self) -> Device {
        self.device
    }

    /// Embeds `texts` in one batch: a `[texts.len(), 384]` float tensor of unit rows on the
    /// model's device.
    pub fn embed(&self, texts: &[&str]) -> anyhow::Result<Tensor> {
        if texts.is_empty() {
            return Ok(Tensor::zeros([0, EMBEDDING_DIM as i64], (Kind::Float, self.device)));
        }
        let encodings =
            self.tokenizer.encode_batch(texts.to_vec(), true).map_err(|e| anyhow!("tokenizing failed: {e}"))?;
        let rows = encodings.len() as i64;
        let width = encodings.first().map_or(0, |e| e.get_ids().len()) as i64;
        let ids: Vec<i64> = encodings.iter().flat_map(|e| e.get_ids().iter().map(|&i| i64::from(i))).collect();
        let mask: Vec<i64> =
            encodings.iter().flat_map(|e| e.get_attention_mask().iter().map(|&m| i64::from(m))).collect();
        let ids = Tensor::from_slice(&ids).view([rows, width]).to_device(self.device);
        let mask = Tensor::from_slice(&mask).view([rows, width]).to_device(self.device);
        Ok(tch::no_grad(|| self.forward(&ids, &mask)))
    }

    /// Embeds any number of texts in batches of `batch`, grouping texts of similar length so
    /// little compute goes to padding (as the reference implementation does); rows come back in
    /// the order of `texts`.
    pub fn embed_many(&self, texts: &[&str], batch: usize) -> anyhow::Result<Tensor> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(texts[i].chars().count()));
        let mut parts = Vec::with_capacity(texts.len().div_ceil(batch.max(1)));
        for chunk in order.chunks(batch.max(1)) {
            let chunk_texts: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            parts.push(self.embed(&chunk_texts)?);
        }
        if parts.is_empty() {
            return self.embed(&[]);
        }
        let sorted = Tensor::cat(&parts, 0);
        // Row `k` of `sorted` belongs at `order[k]`; invert the permutation to restore it.
        let mut inverse = vec![0i64; order.len()];
        for (k, &i) in order.iter().enumerate() {
            inverse[i] = k as i64;
        }
        Ok(sorted.index_select(0, &Tensor::from_slice(&inverse).to_device(self.device)))
    }

    /// Embeds one text as a plain vector.
    pub fn embed_one(&self, text: &str) -> anyhow::Result<Vec<f32>> {
        let row = self.embed(&[text])?.to_device(Device::Cpu).view([-1]);
        Ok(Vec::<f32>::try_from(&row)?)
    }

    fn forward(&self, ids: &Tensor, mask: &Tensor) -> Tensor {
        let (batch, width) = ids.size2().unwrap_or((0, 0));
        let positions = Tensor::arange(width, (Kind::Int64, self.device));
        let types = ids.zeros_like();
        let mut x = Tensor::embedding(&self.word, ids, -1, false, false)
            + Tensor::embedding(&self.position, &positions, -1, false, false).unsqueeze(0)
            + Tensor::embedding(&self.token_type, &types, -1, false, false);
        x = self.embedding_norm.forward(&x);
        // Padding may not be attended to: a large negative bias before the softmax.
        let bias =
            (mask.to_kind(Kind::Float).ones_like() - mask.to_kind(Kind::Float)).view([batch, 1, 1, width]) * -1e9;
        let head_dim = EMBEDDING_DIM as i64 / HEADS;
        let split = |t: Tensor| t.view([batch, width, HEADS, head_dim]).transpose(1, 2);
        for layer in &self.layers {
            let q = split(layer.query.forward(&x));
            let k = split(layer.key.forward(&x));
            let v = split(layer.value.forward(&x));
            let scores = q.matmul(&k.transpose(-1, -2)) / (head_dim as f64).sqrt() + &bias;
            let context = scores.softmax(-1, Kind::Float).matmul(&v).transpose(1, 2).contiguous().view([
                batch,
                width,
                EMBEDDING_DIM as i64,
            ]);
            x = layer.attention_norm.forward(&(layer.attention_out.forward(&context) + &x));
            let hidden = layer.intermediate.forward(&x).gelu("none");
            x = layer.output_norm.forward(&(layer.output.forward(&hidden) + &x));
        }
        // Mean over real tokens, then unit length.
        let weights = mask.to_kind(Kind::Float).unsqueeze(-1);
        let summed = (x * &weights).sum_dim_intlist([1i64].as_slice(), false, Kind::Float);
        let counts = weights.sum_dim_intlist([1i64].as_slice(), false, Kind::Float).clamp_min(1e-9);
        let pooled = summed / counts;
        let norms = pooled.norm_scalaropt_dim(2, [-1i64].as_slice(), true).clamp_min(1e-12);
        pooled / norms
    }
}
